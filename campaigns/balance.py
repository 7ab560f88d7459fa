"""What campaigns count towards a coalition's balance of power (coalitions/balance.py).

Imported from CampaignsConfig.ready, which registers each count once.
"""

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from coalitions.balance import Side, count_by_organisation, in_period, on_days, register_contribution

from .models import (
    Ballot,
    Decision,
    OutreachLog,
    OutreachRole,
    TargetOrganisation,
    Task,
    TaskStatus,
    TextApproval,
    TextVersion,
)


def tasks_done(coalition, start, end) -> dict[int, int]:
    return count_by_organisation(
        Task.objects.filter(in_period("completed_at", start, end), campaign__coalition=coalition, status=TaskStatus.DONE)
    )


def outreach_logged(coalition, start, end) -> dict[int, int]:
    return count_by_organisation(
        OutreachLog.objects.filter(on_days("happened_on", start, end), task__campaign__coalition=coalition),
        organisation="task__organisation",
    )


def targets_led(coalition, start, end) -> dict[int, int]:
    # Who leads a target is kept, not since when: a lead counts in the periods its target was
    # worked on, so that a campaign won years ago does not fill this month's figures.
    worked_on = Task.objects.filter(
        on_days("due_on", start, end) | in_period("completed_at", start, end) | on_days("logs__happened_on", start, end),
        target=OuterRef("target"),
    )
    return count_by_organisation(
        TargetOrganisation.objects.filter(Exists(worked_on), target__campaign__coalition=coalition, role=OutreachRole.LEAD)
    )


def texts_proposed(coalition, start, end) -> dict[int, int]:
    return count_by_organisation(
        TextVersion.objects.filter(in_period("proposed_at", start, end), campaign__coalition=coalition)
    )


def text_votes(coalition, start, end) -> dict[int, int]:
    # Proposing a wording records the proposer's yes with it; that is already counted as a proposal.
    return count_by_organisation(
        TextApproval.objects.filter(in_period("approved_at", start, end), version__campaign__coalition=coalition).exclude(
            organisation=F("version__organisation")
        )
    )


def decisions_proposed(coalition, start, end) -> dict[int, int]:
    return count_by_organisation(Decision.objects.filter(in_period("proposed_at", start, end), coalition=coalition))


def decision_votes(coalition, start, end) -> dict[int, int]:
    # A vote handed to another organisation still counts for the one whose vote it is.
    return count_by_organisation(Ballot.objects.filter(in_period("cast_at", start, end), decision__coalition=coalition))


register_contribution(
    key="tasks_done", label=_("Tasks done"), side=Side.WORK, count=tasks_done,
    note=_("Tasks checked off in the period, counted for the organisation whose task it was."),
)
register_contribution(
    key="outreach_logged", label=_("Outreach logged"), side=Side.WORK, count=outreach_logged,
    note=_("Meetings, calls and other contacts that took place in the period, by the day they took place."),
)
register_contribution(
    key="targets_led", label=_("Targets led"), side=Side.WORK, count=targets_led,
    note=_(
        "Targets the organisation leads, counted in the periods they were worked on (a task due or done, an "
        "outreach that took place): the platform records who leads a target, not since when."
    ),
)
register_contribution(
    key="texts_proposed", label=_("Texts proposed"), side=Side.DECIDE, count=texts_proposed,
    note=_("Wordings of a campaign's message, ask or solution proposed in the period."),
)
register_contribution(
    key="decisions_proposed", label=_("Decisions proposed"), side=Side.DECIDE, count=decisions_proposed,
    note=_("Decisions put to the coalition or one of its campaigns in the period."),
)
register_contribution(
    key="votes", label=_("Votes cast"), side=Side.DECIDE, count=text_votes,
    note=_("Approvals of another organisation's wording given in the period."),
)
register_contribution(
    key="votes", label=_("Votes cast"), side=Side.DECIDE, count=decision_votes,
    note=_("Votes on decisions first cast in the period, counted for the organisation whose vote it is."),
)
