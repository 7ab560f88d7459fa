"""Targets and tasks from a coalition's spreadsheet, through the shared import mechanism.

Checking reads only; applying calls the same services as the forms, so every target and task
brought in gets its audit entry and live event exactly as if it had been typed.
"""

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coalitions.access import check_coalition_access
from coalitions.errors import DomainError
from coalitions.imports import Checked, Column, ImportKind, normalise, register_import_kind
from coalitions.models import Affiliation, ImportJob

from . import selectors, services
from .models import Campaign, Channel, OutreachRole, Target, TargetKind, Task, TaskStatus

LANGUAGES = ("en", "fr", "es", "bn")

TARGET_COLUMNS = (
    Column("name", gettext_lazy("Name"), ("target", "nom", "nombre", "cible", "objetivo", "নাম", "লক্ষ্য"), required=True,
           example="Ministry of Labour and Employment"),
    Column("kind", gettext_lazy("Kind"), ("type", "tipo", "genre", "category", "catégorie", "categoría", "ধরন"),
           example="Ministry"),
    Column("title", gettext_lazy("Title or position"), ("title", "position", "titre", "fonction", "cargo", "título", "পদ"),
           example="Secretary"),
    Column("institution", gettext_lazy("Institution"), ("institución", "প্রতিষ্ঠান"),
           example="Government of India"),
    Column("region", gettext_lazy("Region"), ("région", "región", "state", "état", "estado", "province", "অঞ্চল"),
           example="Delhi"),
    Column("email", gettext_lazy("Email"), ("e-mail", "mail", "courriel", "correo", "ইমেইল"), example=""),
    Column("phone", gettext_lazy("Phone"), ("telephone", "téléphone", "teléfono", "mobile", "ফোন"), example=""),
    Column("address", gettext_lazy("Postal address"), ("address", "adresse", "dirección", "ঠিকানা"), example=""),
    Column("contact_notes", gettext_lazy("Notes on how to reach them"), ("notes", "remarques", "notas", "নোট"),
           example=""),
    Column("influence", gettext_lazy("Influence"), ("influence 1-5", "influencia", "প্রভাব"), example="5"),
    Column("lead", gettext_lazy("Lead organisation"),
           ("lead", "organisation chef de file", "chef de file", "organización líder", "líder", "প্রধান সংগঠন"),
           example="NDWM"),
)

TASK_COLUMNS = (
    Column("target", gettext_lazy("Target"), ("cible", "objetivo", "name", "nom", "লক্ষ্য"), required=True,
           example="Ministry of Labour and Employment"),
    Column("organisation", gettext_lazy("Organisation"),
           ("organization", "org", "acronym", "organisation responsable", "organización", "sigle", "সংগঠন"),
           required=True, example="NDWM"),
    Column("person", gettext_lazy("Person"), ("assignee", "personne", "responsable", "persona", "ব্যক্তি"), example=""),
    Column("channel", gettext_lazy("Channel"), ("how", "canal", "moyen", "medio", "মাধ্যম"), required=True,
           example="Meeting"),
    Column("due_on", gettext_lazy("Due by"),
           ("due", "due date", "deadline", "date", "échéance", "date limite", "fecha", "fecha límite", "শেষ তারিখ"),
           required=True, example="2026-12-15"),
    Column("status", gettext_lazy("Status"), ("statut", "estado", "অবস্থা"), example="To do"),
    Column("blocked_reason", gettext_lazy("Why it is blocked"),
           ("blocked reason", "pourquoi bloqué", "motivo del bloqueo", "কেন আটকে আছে"), example=""),
    Column("notes", gettext_lazy("Notes"), ("remarques", "notas", "comment", "commentaire", "নোট"), example=""),
    Column("target_kind", gettext_lazy("Kind of target"),
           ("target kind", "type de cible", "tipo de objetivo", "লক্ষ্যের ধরন"), example="Ministry"),
)

CHANNEL_ALIASES = {
    Channel.MEETING: ("visit", "réunion", "rencontre", "visite", "reunión", "visita", "সভা"),
    Channel.CALL: ("phone", "phone call", "téléphone", "appel", "llamada", "teléfono", "ফোন"),
    Channel.LETTER: ("courrier", "carta", "চিঠি"),
    Channel.EMAIL: ("e-mail", "mail", "courriel", "correo", "ইমেইল"),
    Channel.SMS: ("sms", "whatsapp", "text", "message", "mensaje"),
    Channel.EVENT: ("événement", "evento", "অনুষ্ঠান"),
    Channel.MEDIA: ("press", "presse", "prensa", "মিডিয়া"),
}
STATUS_ALIASES = {
    TaskStatus.TODO: ("todo", "to do", "open", "planned", "à faire", "por hacer", "pendiente"),
    TaskStatus.DOING: ("in progress", "en cours", "en curso", "en progreso"),
    TaskStatus.BLOCKED: ("bloqué", "bloqueado"),
    TaskStatus.DONE: ("fait", "terminé", "hecho", "terminado", "completed"),
}
KIND_ALIASES = {
    TargetKind.MEMBER_OF_PARLIAMENT: ("mp", "député", "diputado", "parliamentarian", "সংসদ সদস্য"),
    TargetKind.UNION_LEADER: ("union", "trade union", "syndicat", "sindicato"),
    TargetKind.RELIGIOUS_COUNCIL: ("church", "religious leader", "église", "iglesia"),
    TargetKind.MEDIA: ("media", "press", "presse", "medios"),
}

MONTHS = {
    **{name: number for number, names in enumerate(
        [
            ("jan", "january", "janv", "janvier", "ene", "enero"),
            ("feb", "february", "fev", "fevr", "fevrier", "febrero"),
            ("mar", "march", "mars", "marzo"),
            ("apr", "april", "avr", "avril", "abr", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "junio"),
            ("jul", "july", "juil", "juillet", "julio"),
            ("aug", "august", "aout", "ago", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre", "setiembre"),
            ("oct", "october", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "dec", "decembre", "dic", "diciembre"),
        ],
        start=1,
    ) for name in names},
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th)? (?:de )?([a-z]+) (?:de )?(\d{4})$")
MONTH_DAY_YEAR = re.compile(r"^([a-z]+) (\d{1,2})(?:st|nd|rd|th)? (\d{4})$")


class BadDate(ValueError):
    pass


def parse_day(value: str, *, month_first_seen: bool = False) -> date:
    """ISO dates, day-first numeric dates and dates with the month in words; anything unclear is refused."""
    text = value.strip()
    try:
        if match := ISO_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := NUMERIC_DATE.match(text):
            first, second, year = int(match[1]), int(match[2]), match[3]
            if len(year) == 2:
                raise BadDate(_("Write the year in full, e.g. 2026-12-01 or 1 Dec 2026."))
            if second > 12:
                raise BadDate(_("This date reads month first; write it as 2026-12-01 or 1 Dec 2026."))
            if month_first_seen and first <= 12 and first != second:
                raise BadDate(
                    _("Other dates of this file are written month first, so this one is unclear; "
                      "write it as 2026-12-01 or 1 Dec 2026.")
                )
            return date(int(year), second, first)
        words = normalise(text)
        if match := DAY_MONTH_YEAR.match(words):
            day, month, year = match[1], match[2], match[3]
        elif match := MONTH_DAY_YEAR.match(words):
            month, day, year = match[1], match[2], match[3]
        else:
            raise BadDate(_("Not a date we can read; write it as 2026-12-01 or 1 Dec 2026."))
        if month not in MONTHS:
            raise BadDate(_("Not a date we can read; write it as 2026-12-01 or 1 Dec 2026."))
        return date(int(year), MONTHS[month], int(day))
    except ValueError as error:
        if isinstance(error, BadDate):
            raise
        raise BadDate(_("This date does not exist.")) from error


def _reads_month_first(value: str) -> bool:
    match = NUMERIC_DATE.match(value.strip())
    return bool(match) and int(match[2]) > 12 and int(match[1]) <= 12


def _choice_lookup(choices, aliases: dict) -> dict[str, str]:
    """Every way a spreadsheet may name a choice: its code, its label in each language, and aliases."""
    lookup: dict[str, str] = {}
    for value, _label in choices.choices:
        lookup[normalise(value)] = value
        for language in LANGUAGES:
            with translation.override(language):
                lookup.setdefault(normalise(str(choices(value).label)), value)
        for alias in aliases.get(value, ()):
            lookup.setdefault(normalise(alias), value)
    return lookup


def _campaign(job: ImportJob) -> Campaign:
    campaign = Campaign.objects.select_related("coalition").filter(pk=job.scope["campaign"], coalition=job.coalition).first()
    if campaign is None:
        raise DomainError(_("The campaign no longer exists."))
    try:
        campaign.access = check_coalition_access(job.created_by, campaign.coalition, "act")
    except (Http404, PermissionDenied) as error:
        # Roles can change between the upload and the confirmation.
        raise DomainError(_("You may no longer make changes in this coalition.")) from error
    return campaign


def _organisation_lookup(campaign: Campaign) -> dict[str, object]:
    lookup = {}
    for organisation in selectors.partner_organisations(campaign.coalition):
        for name in (organisation.acronym, organisation.name):
            if name:
                lookup.setdefault(normalise(name), organisation)
    return lookup


def _over_length(checked: Checked, row: dict, column: Column, limit: int) -> bool:
    value = row.get(column.key, "")
    if len(value) > limit:
        checked.error(row["_row"], str(column.label), value[:80], _("At most %(count)s characters.") % {"count": limit})
        return True
    return False


# Targets -------------------------------------------------------------------------------------


def check_targets(job: ImportJob, rows: list[dict], progress) -> Checked:
    campaign = _campaign(job)
    access = campaign.access
    checked = Checked()
    column = {c.key: c for c in TARGET_COLUMNS}
    kinds = _choice_lookup(TargetKind, KIND_ALIASES)
    organisations = _organisation_lookup(campaign)
    existing = {normalise(name): pk for pk, name in Target.objects.filter(campaign=campaign).values_list("pk", "name")}
    seen: dict[str, int] = {}
    limits = {key: Target._meta.get_field(key).max_length for key in ("name", "title", "institution", "region", "phone")}
    for done, row in enumerate(rows, start=1):
        progress(done)
        number = row["_row"]
        errors_before = len(checked.errors)
        name = row.get("name", "")
        key = normalise(name)
        if not key:
            checked.error(number, str(column["name"].label), name, _("A target needs a name."))
        for field_name, limit in limits.items():
            _over_length(checked, row, column[field_name], limit)
        kind = TargetKind.OTHER
        if row.get("kind"):
            kind = kinds.get(normalise(row["kind"]))
            if kind is None:
                checked.error(
                    number, str(column["kind"].label), row["kind"],
                    _("Not a kind of target; use one of: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in TargetKind.choices)},
                )
        influence = 3
        if row.get("influence"):
            try:
                influence = int(float(row["influence"].replace(",", ".")))
                if not 1 <= influence <= 5 or float(row["influence"].replace(",", ".")) != influence:
                    raise ValueError
            except ValueError:
                checked.error(number, str(column["influence"].label), row["influence"], _("Influence is a whole number from 1 to 5."))
        if row.get("email"):
            try:
                validate_email(row["email"])
            except ValidationError:
                checked.error(number, str(column["email"].label), row["email"], _("Not an email address."))
        lead = None
        if row.get("lead"):
            lead = organisations.get(normalise(row["lead"]))
            if lead is None:
                checked.error(
                    number, str(column["lead"].label), row["lead"],
                    _("No lead or member organisation of the coalition has this name or acronym."),
                )
            elif not access.may_act_for(lead.pk):
                checked.error(
                    number, str(column["lead"].label), row["lead"],
                    _("Only a lead of the coalition can make another organisation lead a target."),
                )
        if key and key in seen:
            checked.error(number, str(column["name"].label), name, _("The same target as row %(row)s.") % {"row": seen[key]})
        if len(checked.errors) > errors_before:
            checked.outcome(number, "error")
            continue
        seen[key] = number
        if key in existing:
            checked.outcome(number, "matched")
            checked.plan.append([number, "matched", existing[key]])
            continue
        checked.outcome(number, "new")
        checked.to_apply += 1
        checked.plan.append([number, "new", name, kind, influence, lead.pk if lead else None])
    return checked


def apply_targets(job: ImportJob, checked: Checked, progress) -> dict[str, int]:
    campaign = _campaign(job)
    rows = {row["_row"]: row for row in job.rows}
    organisations = {o.pk: o for o in selectors.partner_organisations(campaign.coalition)}
    added = 0
    for entry in checked.plan:
        if entry[1] != "new":
            continue
        number, _action, name, kind, influence, lead_id = entry
        row = rows[number]
        target = services.target_create(
            campaign=campaign, by=job.created_by, name=name, kind=kind, influence=influence,
            **{key: row.get(key, "") for key in ("title", "institution", "region", "email", "phone", "address", "contact_notes")},
        )
        if lead_id is not None:
            services.target_organisation_set(
                target=target, by=job.created_by, organisation=organisations[lead_id], role=OutreachRole.LEAD
            )
        added += 1
        progress(added)
    return {"targets_added": added}


# Tasks ---------------------------------------------------------------------------------------


def check_tasks(job: ImportJob, rows: list[dict], progress) -> Checked:
    campaign = _campaign(job)
    access = campaign.access
    checked = Checked()
    column = {c.key: c for c in TASK_COLUMNS}
    channels = _choice_lookup(Channel, CHANNEL_ALIASES)
    statuses = _choice_lookup(TaskStatus, STATUS_ALIASES)
    kinds = _choice_lookup(TargetKind, KIND_ALIASES)
    organisations = _organisation_lookup(campaign)
    targets = {normalise(name): pk for pk, name in Target.objects.filter(campaign=campaign).values_list("pk", "name")}
    people: dict[tuple[int, str], int] = {}
    for affiliation in Affiliation.objects.filter(organisation__in=set(organisations.values())).select_related("user"):
        for name in (affiliation.user.display_name, affiliation.user.email):
            if name:
                people.setdefault((affiliation.organisation_id, normalise(name)), affiliation.user_id)
    existing_tasks = set(
        Task.objects.filter(campaign=campaign).values_list("target_id", "organisation_id", "channel", "due_on")
    )
    month_first = any(_reads_month_first(row.get("due_on", "")) for row in rows)
    new_targets: dict[str, int] = {}
    seen: dict[tuple, int] = {}
    for done, row in enumerate(rows, start=1):
        progress(done)
        number = row["_row"]
        errors_before = len(checked.errors)
        target_name = row.get("target", "")
        target_key = normalise(target_name)
        target_ref = None
        if not target_key:
            checked.error(number, str(column["target"].label), target_name, _("Which target is to be contacted?"))
        elif target_key in targets:
            target_ref = targets[target_key]
        elif len(target_name) > Target._meta.get_field("name").max_length:
            _over_length(checked, row, column["target"], Target._meta.get_field("name").max_length)
        else:
            target_ref = f"new:{target_key}"
        target_kind = TargetKind.OTHER
        if row.get("target_kind"):
            target_kind = kinds.get(normalise(row["target_kind"]))
            if target_kind is None:
                checked.error(
                    number, str(column["target_kind"].label), row["target_kind"],
                    _("Not a kind of target; use one of: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in TargetKind.choices)},
                )
        organisation = organisations.get(normalise(row.get("organisation", "")))
        if organisation is None:
            checked.error(
                number, str(column["organisation"].label), row.get("organisation", ""),
                _("No lead or member organisation of the coalition has this name or acronym."),
            )
        elif not access.may_act_for(organisation.pk):
            checked.error(
                number, str(column["organisation"].label), row["organisation"],
                _("You can plan tasks only for your own organisation."),
            )
        assignee = None
        if row.get("person") and organisation is not None:
            assignee = people.get((organisation.pk, normalise(row["person"])))
            if assignee is None:
                checked.error(
                    number, str(column["person"].label), row["person"],
                    _("Nobody of this name or address belongs to %(organisation)s.") % {"organisation": organisation.short_name},
                )
        channel = channels.get(normalise(row.get("channel", "")))
        if channel is None:
            checked.error(
                number, str(column["channel"].label), row.get("channel", ""),
                _("Not a channel; use one of: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in Channel.choices)},
            )
        due_on = None
        if not row.get("due_on"):
            checked.error(number, str(column["due_on"].label), "", _("By when? Give a date such as 2026-12-01."))
        else:
            try:
                due_on = parse_day(row["due_on"], month_first_seen=month_first)
            except BadDate as error:
                checked.error(number, str(column["due_on"].label), row["due_on"], str(error))
        status = TaskStatus.TODO
        if row.get("status"):
            status = statuses.get(normalise(row["status"]))
            if status is None:
                checked.error(
                    number, str(column["status"].label), row["status"],
                    _("Not a status; use to do, doing or blocked."),
                )
            elif status == TaskStatus.DONE:
                checked.error(
                    number, str(column["status"].label), row["status"],
                    _("A task is done only with a record of what happened: import it as to do and check it off on the board."),
                )
        if status == TaskStatus.BLOCKED and not row.get("blocked_reason"):
            checked.error(number, str(column["blocked_reason"].label), "", _("Please say why the task is blocked."))
        _over_length(checked, row, column["blocked_reason"], Task._meta.get_field("blocked_reason").max_length)
        if len(checked.errors) > errors_before:
            checked.outcome(number, "error")
            continue
        key = (target_ref, organisation.pk, channel, due_on)
        if key in seen:
            checked.error(number, str(column["target"].label), target_name, _("The same task as row %(row)s.") % {"row": seen[key]})
            checked.outcome(number, "error")
            continue
        seen[key] = number
        if isinstance(target_ref, int) and key in existing_tasks:
            checked.outcome(number, "matched")
            checked.plan.append([number, "matched"])
            continue
        if isinstance(target_ref, str) and target_ref not in new_targets:
            new_targets[target_ref] = number
            checked.plan.append([number, "new_target", target_name, target_kind])
            checked.counts["new_targets"] = checked.counts.get("new_targets", 0) + 1
        checked.outcome(number, "new")
        checked.to_apply += 1
        checked.plan.append([number, "new", target_ref, organisation.pk, assignee, channel, due_on.isoformat(), status])
    return checked


def apply_tasks(job: ImportJob, checked: Checked, progress) -> dict[str, int]:
    campaign = _campaign(job)
    rows = {row["_row"]: row for row in job.rows}
    organisations = {o.pk: o for o in selectors.partner_organisations(campaign.coalition)}
    targets = {target.pk: target for target in Target.objects.filter(campaign=campaign)}
    users = {a.user_id: a.user for a in Affiliation.objects.filter(organisation__in=organisations).select_related("user")}
    added = targets_added = 0
    for entry in checked.plan:
        if entry[1] == "new_target":
            _number, _action, name, kind = entry
            targets[f"new:{normalise(name)}"] = services.target_create(campaign=campaign, by=job.created_by, name=name, kind=kind)
            targets_added += 1
        elif entry[1] == "new":
            number, _action, target_ref, organisation_id, assignee_id, channel, due_on, status = entry
            row = rows[number]
            task = services.task_plan(
                campaign=campaign, by=job.created_by, target=targets[target_ref],
                organisation=organisations[organisation_id], channel=channel, due_on=date.fromisoformat(due_on),
                assignee=users.get(assignee_id), notes=row.get("notes", ""),
                # The plan being brought in is the coalition's own: two partners on one target is its choice.
                acknowledge_overlap=True,
            )
            if status != TaskStatus.TODO:
                services.task_status_set(task=task, by=job.created_by, status=status, blocked_reason=row.get("blocked_reason", ""))
            added += 1
            progress(added)
    return {"tasks_added": added, "targets_added": targets_added}


def _back(view: str):
    def url(job: ImportJob) -> str:
        campaign = Campaign.objects.get(pk=job.scope["campaign"])
        return reverse(view, args=[job.coalition.slug, campaign.slug])

    return url


def _target_outcomes() -> dict[str, str]:
    return {"new": _("New target"), "matched": _("Already there, left as it is"), "error": _("Error")}


def _task_outcomes() -> dict[str, str]:
    return {"new": _("New task"), "matched": _("Already on the plan, left as it is"), "error": _("Error")}


register_import_kind(
    ImportKind(
        code="targets", label=gettext_lazy("Targets"), columns=TARGET_COLUMNS, check=check_targets, apply=apply_targets,
        back_url=_back("target_list"), back_label=gettext_lazy("See the targets"), outcome_labels=_target_outcomes,
    )
)
register_import_kind(
    ImportKind(
        code="tasks", label=gettext_lazy("Tasks of the outreach plan"), columns=TASK_COLUMNS, check=check_tasks,
        apply=apply_tasks, back_url=_back("plan_board"), back_label=gettext_lazy("See the outreach plan"),
        outcome_labels=_task_outcomes,
    )
)
