"""How campaign entries of the coalition's activity trail read, in the reader's language."""

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coalitions.audit import register_audit_actions

from .models import CampaignStatus, Channel, Outcome, OutreachRole, Stance, TaskStatus, TextKind


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _day(value: str) -> str:
    parsed = parse_date(value or "")
    return date_format(parsed, "DATE_FORMAT") if parsed else ""


def _text(d: dict) -> dict:
    # Mid-sentence, like the channel and role labels: "wording 2 of the ask of …".
    return {**d, "kind": _label(TextKind, d["kind"]).lower()}


register_audit_actions(
    {
        "campaign.created": lambda d: _("%(actor)s started the campaign “%(campaign)s”.") % d,
        "campaign.updated": lambda d: _("%(actor)s updated the campaign “%(campaign)s”.") % d,
        "campaign.status_changed": lambda d: _("%(actor)s changed the status of “%(campaign)s” from %(old)s to %(new)s.")
        % {**d, "old": _label(CampaignStatus, d["old"]), "new": _label(CampaignStatus, d["new"])},
        "text.proposed": lambda d: _("%(actor)s (%(organisation)s) proposed wording %(number)s of the %(kind)s of “%(campaign)s”.")
        % _text(d),
        "text.approved": lambda d: _("%(organisation)s approved wording %(number)s of the %(kind)s of “%(campaign)s” (%(actor)s).")
        % _text(d),
        "text.adopted": lambda d: _("Wording %(number)s of the %(kind)s of “%(campaign)s” is adopted.") % _text(d),
        "text.withdrawn": lambda d: _("%(actor)s withdrew wording %(number)s of the %(kind)s of “%(campaign)s”.")
        % _text(d),
        "target.added": lambda d: _("%(actor)s added %(target)s as a target of “%(campaign)s”.") % d,
        "target.updated": lambda d: _("%(actor)s updated the details of %(target)s.") % d,
        "stance.assessed": lambda d: _("%(organisation)s assessed %(target)s as “%(stance)s” on %(on)s (%(actor)s).")
        % {**d, "stance": _label(Stance, d["stance"]), "on": _day(d["on"])},
        "target.organisation_set": lambda d: _("%(actor)s made %(organisation)s the %(role)s for %(target)s.")
        % {**d, "role": _label(OutreachRole, d["role"]).lower()},
        "target.organisation_removed": lambda d: _("%(actor)s took %(organisation)s off the work on %(target)s.") % d,
        "task.planned": lambda d: _("%(actor)s planned: %(organisation)s contacts %(target)s by %(channel)s before %(due)s.")
        % {**d, "channel": _label(Channel, d["channel"]).lower(), "due": _day(d["due"])},
        "task.updated": lambda d: _("%(actor)s changed the task of %(organisation)s with %(target)s.") % d,
        "task.status_changed": lambda d: _("%(actor)s moved the task of %(organisation)s with %(target)s from %(old)s to %(new)s.")
        % {**d, "old": _label(TaskStatus, d["old"]), "new": _label(TaskStatus, d["new"])},
        "task.completed": lambda d: _("%(organisation)s contacted %(target)s: %(outcome)s (%(actor)s).")
        % {**d, "outcome": _label(Outcome, d["outcome"]).lower()},
    }
)
