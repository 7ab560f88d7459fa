"""How campaign entries of the coalition's activity trail read, in the reader's language."""

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coalitions.audit import register_audit_actions

from .models import (
    CampaignStatus,
    Channel,
    CommitmentStatus,
    DecisionStatus,
    Outcome,
    OutreachRole,
    Stance,
    TaskStatus,
    TextKind,
)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _day(value: str) -> str:
    parsed = parse_date(value or "")
    return date_format(parsed, "DATE_FORMAT") if parsed else ""


# One sentence per kind, role, channel and outcome: a label dropped into a sentence cannot agree in gender
# ("la demande", "le message") nor take the right case once it is lower-cased.
TEXT_SENTENCES = {
    "text.proposed": {
        TextKind.MESSAGE: gettext_lazy("%(actor)s (%(organisation)s) proposed wording %(number)s of the message of “%(campaign)s”."),
        TextKind.ASK: gettext_lazy("%(actor)s (%(organisation)s) proposed wording %(number)s of the ask of “%(campaign)s”."),
        TextKind.SOLUTION: gettext_lazy("%(actor)s (%(organisation)s) proposed wording %(number)s of the solution of “%(campaign)s”."),
    },
    "text.approved": {
        TextKind.MESSAGE: gettext_lazy("%(organisation)s approved wording %(number)s of the message of “%(campaign)s” (%(actor)s)."),
        TextKind.ASK: gettext_lazy("%(organisation)s approved wording %(number)s of the ask of “%(campaign)s” (%(actor)s)."),
        TextKind.SOLUTION: gettext_lazy("%(organisation)s approved wording %(number)s of the solution of “%(campaign)s” (%(actor)s)."),
    },
    "text.adopted": {
        TextKind.MESSAGE: gettext_lazy("Wording %(number)s of the message of “%(campaign)s” is adopted."),
        TextKind.ASK: gettext_lazy("Wording %(number)s of the ask of “%(campaign)s” is adopted."),
        TextKind.SOLUTION: gettext_lazy("Wording %(number)s of the solution of “%(campaign)s” is adopted."),
    },
    "text.withdrawn": {
        TextKind.MESSAGE: gettext_lazy("%(actor)s withdrew wording %(number)s of the message of “%(campaign)s”."),
        TextKind.ASK: gettext_lazy("%(actor)s withdrew wording %(number)s of the ask of “%(campaign)s”."),
        TextKind.SOLUTION: gettext_lazy("%(actor)s withdrew wording %(number)s of the solution of “%(campaign)s”."),
    },
}
ROLE_SET_SENTENCES = {
    OutreachRole.LEAD: gettext_lazy("%(actor)s made %(organisation)s the lead organisation for %(target)s."),
    OutreachRole.SUPPORT: gettext_lazy("%(actor)s made %(organisation)s a supporting organisation for %(target)s."),
}

PLANNED_SENTENCES = {
    Channel.MEETING: gettext_lazy("%(actor)s planned: %(organisation)s meets %(target)s before %(due)s."),
    Channel.CALL: gettext_lazy("%(actor)s planned: %(organisation)s calls %(target)s before %(due)s."),
    Channel.LETTER: gettext_lazy("%(actor)s planned: %(organisation)s writes a letter to %(target)s before %(due)s."),
    Channel.EMAIL: gettext_lazy("%(actor)s planned: %(organisation)s emails %(target)s before %(due)s."),
    Channel.SMS: gettext_lazy("%(actor)s planned: %(organisation)s sends %(target)s an SMS or WhatsApp message before %(due)s."),
    Channel.EVENT: gettext_lazy("%(actor)s planned: %(organisation)s meets %(target)s at an event before %(due)s."),
    Channel.MEDIA: gettext_lazy("%(actor)s planned: %(organisation)s reaches %(target)s through the media before %(due)s."),
}
COMPLETED_SENTENCES = {
    Outcome.NO_RESPONSE: gettext_lazy("%(organisation)s contacted %(target)s: no response (%(actor)s)."),
    Outcome.ACKNOWLEDGED: gettext_lazy("%(organisation)s contacted %(target)s: acknowledged (%(actor)s)."),
    Outcome.REFERRED: gettext_lazy("%(organisation)s contacted %(target)s: referred to someone else (%(actor)s)."),
    Outcome.COMMITTED: gettext_lazy("%(organisation)s contacted %(target)s: committed (%(actor)s)."),
    Outcome.REFUSED: gettext_lazy("%(organisation)s contacted %(target)s: refused (%(actor)s)."),
}

COMMITMENT_STATUS_SENTENCES = {
    CommitmentStatus.KEPT: gettext_lazy("%(actor)s marked the commitment of %(made_by)s as kept on %(on)s."),
    CommitmentStatus.PARTLY_KEPT: gettext_lazy("%(actor)s marked the commitment of %(made_by)s as partly kept on %(on)s."),
    CommitmentStatus.BROKEN: gettext_lazy("%(actor)s marked the commitment of %(made_by)s as broken on %(on)s."),
}


VOTED_SENTENCES = {
    ("consent", "for"): gettext_lazy("%(organisation)s consents to option %(option)s of “%(question)s” (%(actor)s)."),
    ("consent", "abstain"): gettext_lazy("%(organisation)s stands aside on option %(option)s of “%(question)s” (%(actor)s)."),
    ("consent", "against"): gettext_lazy("%(organisation)s objects to option %(option)s of “%(question)s” (%(actor)s)."),
    ("vote", "for"): gettext_lazy("%(organisation)s voted for option %(option)s of “%(question)s” (%(actor)s)."),
    ("vote", "abstain"): gettext_lazy("%(organisation)s abstained on option %(option)s of “%(question)s” (%(actor)s)."),
    ("vote", "against"): gettext_lazy("%(organisation)s voted against option %(option)s of “%(question)s” (%(actor)s)."),
}
CLOSED_SENTENCES = {
    DecisionStatus.PASSED: gettext_lazy("Decided: “%(question)s” passed with option %(option)s."),
    DecisionStatus.REJECTED: gettext_lazy("“%(question)s” did not pass."),
    DecisionStatus.NO_QUORUM: gettext_lazy("“%(question)s” did not pass: not enough organisations voted."),
}


def _voted(d: dict) -> str:
    if "position" not in d:
        # The results are hidden until the vote closes: only that the organisation voted.
        return _("%(organisation)s voted on “%(question)s” (%(actor)s).") % d
    family = "consent" if d.get("method") == "consent" else "vote"
    return _per_kind({key[1]: value for key, value in VOTED_SENTENCES.items() if key[0] == family}, d["position"], d)


def _per_kind(sentences: dict, value: str, d: dict) -> str:
    # An entry written with a kind that no longer exists still reads, in the first kind's words.
    return str(sentences.get(value) or next(iter(sentences.values()))) % d


def _text(action: str):
    return lambda d: _per_kind(TEXT_SENTENCES[action], d["kind"], d)


register_audit_actions(
    {
        "campaign.created": lambda d: _("%(actor)s started the campaign “%(campaign)s”.") % d,
        "campaign.updated": lambda d: _("%(actor)s updated the campaign “%(campaign)s”.") % d,
        "campaign.status_changed": lambda d: _("%(actor)s changed the status of “%(campaign)s” from %(old)s to %(new)s.")
        % {**d, "old": _label(CampaignStatus, d["old"]), "new": _label(CampaignStatus, d["new"])},
        "text.proposed": _text("text.proposed"),
        "text.approved": _text("text.approved"),
        "text.adopted": _text("text.adopted"),
        "text.withdrawn": _text("text.withdrawn"),
        "target.added": lambda d: _("%(actor)s added %(target)s as a target of “%(campaign)s”.") % d,
        "target.updated": lambda d: _("%(actor)s updated the details of %(target)s.") % d,
        "stance.assessed": lambda d: _("%(organisation)s assessed %(target)s as “%(stance)s” on %(on)s (%(actor)s).")
        % {**d, "stance": _label(Stance, d["stance"]), "on": _day(d["on"])},
        "target.organisation_set": lambda d: _per_kind(ROLE_SET_SENTENCES, d["role"], d),
        "target.organisation_removed": lambda d: _("%(actor)s took %(organisation)s off the work on %(target)s.") % d,
        "task.planned": lambda d: _per_kind(PLANNED_SENTENCES, d["channel"], {**d, "due": _day(d["due"])}),
        "task.updated": lambda d: _("%(actor)s changed the task of %(organisation)s with %(target)s.") % d,
        "task.status_changed": lambda d: _("%(actor)s moved the task of %(organisation)s with %(target)s from %(old)s to %(new)s.")
        % {**d, "old": _label(TaskStatus, d["old"]), "new": _label(TaskStatus, d["new"])},
        "task.completed": lambda d: _per_kind(COMPLETED_SENTENCES, d["outcome"], d),
        "commitment.recorded": lambda d: _("%(actor)s recorded a commitment of %(made_by)s, due %(due)s (%(organisation)s follows it up).")
        % {**d, "due": _day(d["due"])},
        "commitment.updated": lambda d: _("%(actor)s changed the commitment of %(made_by)s.") % d,
        "commitment.status_changed": lambda d: _per_kind(COMMITMENT_STATUS_SENTENCES, d["new"], {**d, "on": _day(d["on"])}),
        "decision.proposed": lambda d: _("%(actor)s (%(organisation)s) asks the coalition to decide: “%(question)s”.") % d,
        "decision.voted": _voted,
        "decision.vote_changed": lambda d: _("%(organisation)s changed its vote on “%(question)s” (%(actor)s).") % d,
        "decision.option_revised": lambda d: _(
            "%(actor)s revised option %(old)s of “%(question)s” as option %(new)s: the organisations that had voted on it vote again."
        ) % d,
        "decision.delegated": lambda d: _("%(organisation)s handed its vote on “%(question)s” to %(to)s (%(actor)s).") % d,
        "decision.delegation_revoked": lambda d: _("%(organisation)s took back its vote on “%(question)s” from %(to)s (%(actor)s).") % d,
        "decision.extended": lambda d: _("%(actor)s extended the deadline of “%(question)s”: %(reason)s") % d,
        "decision.withdrawn": lambda d: _("%(actor)s withdrew the decision “%(question)s”.") % d,
        "decision.commented": lambda d: _("%(actor)s (%(organisation)s) commented on “%(question)s”.") % d,
        "decision.closed": lambda d: _per_kind(CLOSED_SENTENCES, d["status"], d),
    }
)
