"""Signatures typed in from paper sheets, through the shared import mechanism.

Checking reads only and says, row by row, what is wrong; applying hands the good rows to
`services.paper_signatures_add`, which writes them as confirmed paper signatures in one go.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.imports import NUMERIC_DATE, BadDate, parse_day
from coalitions.access import check_coalition_access
from coalitions.errors import DomainError
from coalitions.imports import Checked, Column, ImportKind, normalise, register_import_kind
from coalitions.models import Affiliation, ImportJob

from . import services
from .emails import canonical_email
from .models import Petition, Signature
from .selectors import co_owner_candidates

KIND = "paper_signatures"

PAPER_COLUMNS = (
    Column("name", gettext_lazy("Name"), ("signer", "full name", "nom", "nom complet", "nombre", "signataire", "firmante", "নাম"),
           required=True, example="Lakshmi Devi"),
    Column("region", gettext_lazy("Region"),
           ("state", "province", "district", "région", "état", "región", "estado", "provincia", "অঞ্চল", "রাজ্য"),
           example="Kerala"),
    Column("date", gettext_lazy("Date"), ("signed on", "date signed", "signé le", "fecha", "fecha de firma", "তারিখ"), required=True,
           example="2026-06-16"),
    Column("email", gettext_lazy("Email"), ("e-mail", "mail", "courriel", "correo", "ইমেইল"), example=""),
    Column("collector", gettext_lazy("Collected by"),
           ("collector", "collecté par", "collecteur", "recogido por", "recolector", "সংগ্রাহক"), example=""),
)

NAME_MAX = Signature._meta.get_field("name").max_length
EMAIL_MAX = Signature._meta.get_field("email").max_length
CHUNK = 500


def _month_first(value: str) -> bool:
    match = NUMERIC_DATE.match(value.strip())
    return bool(match) and int(match[2]) > 12 and int(match[1]) <= 12


def _petition(job: ImportJob) -> Petition:
    petition = (
        Petition.objects.select_related("campaign__coalition")
        .filter(pk=job.scope["petition"], campaign__coalition=job.coalition)
        .first()
    )
    if petition is None:
        raise DomainError(_("The petition no longer exists."))
    try:
        check_coalition_access(job.created_by, petition.coalition, "lead")
    except (Http404, PermissionDenied) as error:
        # Roles can change between the upload and the confirmation.
        raise DomainError(_("Only a lead of the coalition can add paper signatures.")) from error
    return petition


def _already_signed(petition: Petition, canonicals: set[str]) -> set[str]:
    found: set[str] = set()
    addresses = sorted(canonicals)
    for start in range(0, len(addresses), CHUNK):
        found.update(
            Signature.objects.filter(petition=petition, canonical_email__in=addresses[start:start + CHUNK]).values_list(
                "canonical_email", flat=True
            )
        )
    return found


def _collectors(petition: Petition) -> dict[str, int]:
    """The people of the coalition's lead and member organisations, by the name they go by."""
    people: dict[str, int] = {}
    for user_id, name in Affiliation.objects.filter(organisation__in=co_owner_candidates(petition.coalition)).values_list(
        "user_id", "user__display_name"
    ):
        if name:
            people.setdefault(normalise(name), user_id)
    return people


def check_paper_signatures(job: ImportJob, rows: list[dict], progress) -> Checked:
    petition = _petition(job)
    checked = Checked()
    column = {c.key: str(c.label) for c in PAPER_COLUMNS}
    regions = {normalise(region): region for region in petition.regions}
    latest = services.latest_date_on_earth()
    month_first = any(_month_first(row.get("date", "")) for row in rows)
    canonicals = {
        canonical_email(row["email"]) for row in rows if row.get("email") and "@" in row["email"]
    }
    signed = _already_signed(petition, canonicals)
    collectors = _collectors(petition) if any(row.get("collector") for row in rows) else {}
    seen: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        progress(done)
        number = row["_row"]
        errors_before = len(checked.errors)
        name = " ".join(row.get("name", "").split())
        if not name:
            checked.error(number, column["name"], "", _("A signature needs the signer's name."))
        elif len(name) > NAME_MAX:
            checked.error(number, column["name"], name[:80], _("At most %(count)s characters.") % {"count": NAME_MAX})
        region = ""
        if regions:
            given = row.get("region", "")
            region = regions.get(normalise(given), "")
            if not given:
                checked.error(number, column["region"], "", _("Which region? The petition asks every signer for one."))
            elif not region:
                checked.error(
                    number, column["region"], given,
                    _("Not one of the petition's regions: %(regions)s.") % {"regions": ", ".join(petition.regions)},
                )
        signed_on = None
        if not row.get("date"):
            checked.error(number, column["date"], "", _("On what day was it signed? Give a date such as 2026-06-16."))
        else:
            try:
                signed_on = parse_day(row["date"], month_first_seen=month_first)
            except BadDate as error:
                checked.error(number, column["date"], row["date"], str(error))
            else:
                if signed_on > latest:
                    checked.error(number, column["date"], row["date"], _("This date is in the future."))
        email = row.get("email", "")
        already = False
        if email:
            canonical = canonical_email(email)
            try:
                if len(email) > EMAIL_MAX:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                checked.error(number, column["email"], email, _("Not an email address."))
            else:
                if canonical in signed:
                    checked.error(number, column["email"], email, _("This address has already signed the petition."))
                    already = True
                elif canonical in seen:
                    checked.error(
                        number, column["email"], email, _("The same address as row %(row)s.") % {"row": seen[canonical]}
                    )
                else:
                    seen[canonical] = number
        collector_id = None
        if row.get("collector"):
            collector_id = collectors.get(normalise(row["collector"]))
            if collector_id is None:
                checked.error(
                    number, column["collector"], row["collector"],
                    _("Nobody of a lead or member organisation of the coalition goes by this name; leave it empty "
                      "or write the name they have here."),
                )
        if len(checked.errors) - errors_before > (1 if already else 0):
            checked.outcome(number, "error")
            continue
        # A line whose address already signed stays in the plan, for the database's constraint
        # to leave out: so the plan (and the confirmation) does not go stale each time one of
        # the file's signers signs online meanwhile, and one who does is left out all the same.
        checked.plan.append([number, name, region, signed_on.isoformat(), email, collector_id])
        if already:
            checked.outcome(number, "already_signed")
            continue
        checked.outcome(number, "new")
        checked.to_apply += 1
    return checked


def apply_paper_signatures(job: ImportJob, checked: Checked, progress) -> dict[str, int]:
    petition = _petition(job)
    lines = [
        services.PaperSignature(
            row=number, name=name, region=region, signed_on=date.fromisoformat(signed_on), email=email,
            collector_id=collector_id,
        )
        for number, name, region, signed_on, email, collector_id in checked.plan
    ]
    result = services.paper_signatures_add(petition=petition, by=job.created_by, lines=lines, progress=progress)
    return {"signatures_added": result.added, "already_signed": len(result.already_signed)}


def _back(job: ImportJob) -> str:
    petition = Petition.objects.select_related("campaign").filter(pk=job.scope["petition"]).first()
    if petition is None:
        return reverse("coalition_detail", args=[job.coalition.slug])
    return reverse("petition_dashboard", args=[job.coalition.slug, petition.campaign.slug, petition.slug])


def _outcomes() -> dict[str, str]:
    return {"new": _("New paper signature"), "already_signed": _("Already signed, left out"), "error": _("Error")}


register_import_kind(
    ImportKind(
        code=KIND, label=gettext_lazy("Signatures from paper sheets"), columns=PAPER_COLUMNS,
        check=check_paper_signatures, apply=apply_paper_signatures, back_url=_back,
        back_label=gettext_lazy("See the petition"), outcome_labels=_outcomes, need="lead",
    )
)
