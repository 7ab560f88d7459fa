"""Bringing a spreadsheet in: the one mechanism behind every kind of import.

A file is read and its columns matched when it is uploaded (so a wrong file is refused on the
form), then a worker checks every row and writes down what applying it would do; the person
sees a preview with every error, and only their confirmation applies the rows, in one
transaction, through the same services as the forms. Each kind (targets, tasks, signatures…)
registers its columns, a checker and an applier; this module knows nothing of what they mean.
"""

import codecs
import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .access import check_coalition_access, get_coalition_for_user
from .errors import DomainError
from .models import Coalition, ImportJob, ImportStatus, User

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
PREVIEW_ROWS = 20
# How often checking writes its progress: often enough for the bar to move, rarely enough to cost nothing.
PROGRESS_EVERY = 250
DELIMITERS = (",", ";", "\t")
# Our own CSV export puts an apostrophe before a cell a spreadsheet would run as a formula; reading
# it back gives the text that was meant. Nothing read here is ever evaluated.
FORMULA_STARTS = ("=", "+", "-", "@")


class ImportFileError(DomainError):
    """The file as a whole cannot be read: the upload form says why."""


class StaleImport(DomainError):
    """What the rows would do changed between the preview and the confirmation."""


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    # Other names a spreadsheet may use for the column, in English, French, Spanish and Bengali.
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""


@dataclass
class Checked:
    """What checking the rows found; `digest` pins down the changes the confirmation will make."""

    errors: list[dict] = field(default_factory=list)  # {"row", "column", "value", "message"}
    outcomes: dict[int, str] = field(default_factory=dict)  # row number -> what happens to it
    counts: dict[str, int] = field(default_factory=dict)  # outcome -> rows
    to_apply: int = 0
    plan: list = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.plan, sort_keys=True, default=str).encode()).hexdigest()

    def error(self, row: int, column: str, value: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "value": value, "message": message})

    def outcome(self, row: int, outcome: str) -> None:
        self.outcomes[row] = outcome
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportKind:
    code: str
    label: Promise
    columns: tuple[Column, ...]
    # check(job, rows, progress) -> Checked reads only; apply(job, checked, progress) writes through
    # services. Both call progress(n) after each row (check) or each change made (apply).
    check: Callable[[ImportJob, list[dict], Progress], Checked]
    apply: Callable[[ImportJob, Checked, Progress], dict[str, int]]
    # The page the person goes back to, and where the imported rows are seen.
    back_url: Callable[[ImportJob], str]
    back_label: Promise
    outcome_labels: Callable[[], dict[str, str]] = dict
    need: str = "act"

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def template_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([str(column.label) for column in self.columns])
        writer.writerow([column.example for column in self.columns])
        return "\ufeff" + out.getvalue()


_kinds: dict[str, ImportKind] = {}


def register_import_kind(kind: ImportKind) -> None:
    _kinds[kind.code] = kind


def import_kind(code: str) -> ImportKind:
    return _kinds[code]


# Reading a file ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """How names are compared: case, accents, punctuation and spacing do not count."""
    decomposed = unicodedata.normalize("NFKD", str(text).replace("\u00a0", " "))
    # Only the Latin accents go: Bengali vowel signs are combining characters too, and part of the word.
    kept = "".join(char for char in decomposed if not "\u0300" <= char <= "\u036f")
    return " ".join(re.sub(r"[\W_]+", " ", kept.casefold()).split())


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" is UTF-16 with a byte order mark, separated by tabs.
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:2000]:
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows in western Europe and the Americas.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    # Quoted header names may contain any of the separators; count only outside quotes.
    header = re.sub(r'"[^"]*"', "", header)
    return max(DELIMITERS, key=header.count)


def _cell(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def _in_every_language(label: Promise) -> list[str]:
    names = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.append(str(label))
    return names


@dataclass
class Table:
    rows: list[dict]  # {"_row": line number in the spreadsheet, column key: text}
    unused_columns: list[str]


def read_table(data: bytes, columns: tuple[Column, ...]) -> Table:
    if data[:4] == b"PK\x03\x04":
        raise ImportFileError(
            _("This is an Excel workbook. In Excel choose File › Save as › “CSV UTF-8”, then upload that file.")
        )
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except csv.Error as error:
        raise ImportFileError(_("The file could not be read as CSV.")) from error
    names = {}
    for column in columns:
        for name in (column.key, *_in_every_language(column.label), *column.aliases):
            names.setdefault(normalise(name), column.key)
    positions: dict[str, int] = {}
    unused = []
    for position, heading in enumerate(header):
        key = names.get(normalise(heading))
        if key is None:
            if heading.strip():
                unused.append(heading.strip())
        elif key in positions:
            raise ImportFileError(
                _("Two columns of the file mean “%(column)s”; keep one of them.")
                % {"column": next(str(c.label) for c in columns if c.key == key)}
            )
        else:
            positions[key] = position
    missing = [str(column.label) for column in columns if column.required and column.key not in positions]
    if missing:
        raise ImportFileError(
            ngettext(
                "The file has no column “%(columns)s”. Its first line must name the columns, as in the template.",
                "The file lacks the columns %(columns)s. Its first line must name the columns, as in the template.",
                len(missing),
            )
            % {"columns": ", ".join(f"“{name}”" for name in missing) if len(missing) > 1 else missing[0]}
        )
    rows = []
    try:
        # Numbered as the spreadsheet numbers its rows (the header is row 1), not by lines of the
        # file, which a cell with a line break would throw off.
        for number, record in enumerate(reader, start=2):
            if not any(value.strip() for value in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(count)s rows. Split it into smaller files.") % {"count": number_format(MAX_ROWS, force_grouping=True)}
                )
            row = {"_row": number}
            for key, position in positions.items():
                row[key] = _cell(record[position]) if position < len(record) else ""
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s of the file could not be read as CSV.") % {"line": reader.line_num}
        ) from error
    if not rows:
        raise ImportFileError(_("The file names its columns but has no rows under them."))
    return Table(rows=rows, unused_columns=unused)


# The life of an import -----------------------------------------------------------------------


def get_import_job_for_user(user, slug: str, job_id: int) -> ImportJob:
    """An import, for the person who started it; 404 for everyone else, as it may hold contact details."""
    coalition = get_coalition_for_user(user, slug)
    job = ImportJob.objects.filter(coalition=coalition, pk=job_id, created_by=user).first()
    if job is None or job.kind not in _kinds:
        raise Http404
    job.coalition = coalition
    return job


@transaction.atomic
def import_job_start(*, coalition: Coalition, by: User, kind: str, scope: dict, upload) -> ImportJob:
    """Reads the file now, so that a wrong one is refused on the form; the rows are checked by the worker."""
    import_kind_ = import_kind(kind)
    check_coalition_access(by, coalition, import_kind_.need)
    if upload.size > MAX_FILE_BYTES:
        # Not read at all: the limit is there so that nobody fills the memory of the server.
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    table = read_table(upload.read(), import_kind_.columns)
    job = ImportJob.objects.create(
        coalition=coalition, kind=kind, scope=scope, created_by=by, language=translation.get_language() or "en",
        file_name=(upload.name or "")[:200], rows=table.rows, unused_columns=table.unused_columns,
        total_rows=len(table.rows),
    )
    _queue("import_check", job.pk)
    return job


def _queue(task_name: str, job_id: int) -> None:
    from .outbox import outbox_job

    outbox_job(task=f"coalitions.tasks.{task_name}", args=[job_id])


def _lock(job: ImportJob) -> ImportJob:
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    locked.coalition = job.coalition
    return locked


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by: User) -> ImportJob:
    check_coalition_access(by, job.coalition, import_kind(job.kind).need)
    job = _lock(job)
    if job.created_by_id != by.pk:
        raise Http404
    if job.status != ImportStatus.READY:
        raise DomainError(_("This import is not waiting for a confirmation any more."))
    if not job.results.get("to_apply"):
        raise DomainError(_("No row of this file can be imported."))
    job.status = ImportStatus.APPLYING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])
    _queue("import_apply", job.pk)
    return job


@transaction.atomic
def import_job_recheck(*, job: ImportJob, by: User) -> ImportJob:
    """After a refusal because the data changed: check the same rows again against today's data."""
    check_coalition_access(by, job.coalition, import_kind(job.kind).need)
    job = _lock(job)
    if job.created_by_id != by.pk:
        raise Http404
    if job.status not in (ImportStatus.READY, ImportStatus.FAILED) or not job.rows:
        raise DomainError(_("This import cannot be checked again; please upload the file again."))
    job.status = ImportStatus.UPLOADED
    job.processed_rows = 0
    job.failure = ""
    job.save(update_fields=["status", "processed_rows", "failure"])
    _queue("import_check", job.pk)
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob, by: User) -> None:
    job = _lock(job)
    if job.created_by_id != by.pk:
        raise Http404
    if job.status in (ImportStatus.APPLYING, ImportStatus.DONE):
        raise DomainError(_("This import is already being applied and can no longer be cancelled."))
    _forget(job, ImportStatus.CANCELLED)


def _forget(job: ImportJob, status: str) -> None:
    """Drops the rows and the values quoted in errors: they may hold people's contact details."""
    job.status = status
    job.rows = []
    job.results = {**job.results, "errors": [], "preview": []}
    job.save(update_fields=["status", "rows", "results"])


def _progress(job_id: int) -> Progress:
    def report(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job_id).update(processed_rows=done)

    return report


def import_job_check(job_id: int) -> None:
    """Runs in the worker: checks every row and keeps what the preview shows."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATING):
            return
        job.status = ImportStatus.VALIDATING
        job.save(update_fields=["status"])
    kind = import_kind(job.kind)
    try:
        with translation.override(job.language):
            checked = kind.check(job, job.rows, _progress(job.pk))
    except DomainError as error:
        refusal = error
        _fail(job, lambda: refusal.message)
        return False
    except Exception:
        _fail(job, lambda: _("The file could not be checked because of an error on our side. Please try again later."))
        raise
    with translation.override(job.language):
        preview = [
            {"row": row["_row"], "values": [row.get(column.key, "") for column in kind.columns],
             "outcome": checked.outcomes.get(row["_row"], "")}
            for row in job.rows[:PREVIEW_ROWS]
        ]
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATING).update(
            status=ImportStatus.READY,
            processed_rows=len(job.rows),
            validated_at=timezone.now(),
            results={
                "errors": checked.errors, "counts": checked.counts, "to_apply": checked.to_apply,
                "digest": checked.digest, "preview": preview,
                "error_rows": len({error["row"] for error in checked.errors}),
            },
        )
    return bool(updated)


def import_job_apply(job_id: int) -> None:
    """Runs in the worker: the whole file in one transaction, or nothing of it."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.APPLYING).select_related("coalition", "created_by").first()
    if job is None:
        return
    kind = import_kind(job.kind)
    try:
        with transaction.atomic(), translation.override(job.language):
            job = ImportJob.objects.select_for_update().select_related("coalition", "created_by").get(pk=job.pk)
            if job.status != ImportStatus.APPLYING:
                return
            checked = kind.check(job, job.rows, lambda done: None)
            if checked.digest != job.results.get("digest"):
                raise StaleImport(
                    _("The data changed since the preview (someone added or changed targets, tasks or organisations). "
                      "Check the file again to see what it would do now.")
                )
            counts = kind.apply(job, checked, _apply_progress(job.pk))
            job.results = {**job.results, "applied": counts}
            job.applied_at = timezone.now()
            job.processed_rows = job.total_rows
            _forget(job, ImportStatus.DONE)
            job.save(update_fields=["results", "applied_at", "processed_rows"])
    except DomainError as error:
        refusal = error
        # The message of a refused row was written in the person's language, inside the override.
        _fail(job, lambda: refusal.message if isinstance(refusal, StaleImport) else _("Nothing was imported: %(reason)s") % {"reason": refusal.message})
    except Exception:
        _fail(job, lambda: _("Nothing was imported because of an error on our side. Please try again later."))
        raise


def _fail(job: ImportJob, message: Callable[[], str]) -> None:
    with translation.override(job.language):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, failure=str(message()))


def import_jobs_purge(now=None) -> int:
    """Forgets the rows of imports nobody finished within the retention time."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    purged = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(rows=[]):
        _forget(job, ImportStatus.CANCELLED if job.status != ImportStatus.DONE else job.status)
        purged += 1
    return purged


def _apply_progress_key(job_id: int) -> str:
    return f"import-applied:{job_id}"


def _apply_progress(job_id: int) -> Progress:
    """Applying is one transaction, whose writes nobody else sees before the end: the count of
    changes made goes through the cache instead. Where the cache is not shared between the worker
    and the web (the embedded default) or is down, the bar just shows that work goes on."""

    def report(done: int) -> None:
        if done % (PROGRESS_EVERY // 5) == 0:
            try:
                cache.set(_apply_progress_key(job_id), done, timeout=3600)
            except Exception:  # noqa: BLE001
                logger.info("Import progress not written to the cache", exc_info=True)

    return report


def status_payload(job: ImportJob) -> dict:
    processed, total = job.processed_rows, job.total_rows
    if job.status == ImportStatus.APPLYING:
        total = job.results.get("to_apply", 0)
        try:
            processed = cache.get(_apply_progress_key(job.pk)) or 0
        except Exception:  # noqa: BLE001
            processed = 0
    return {
        "status": job.status,
        "processed": processed,
        "processed_label": number_format(processed, force_grouping=True),
        "total": total,
        "busy": job.is_busy,
    }
