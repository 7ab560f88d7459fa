"""Reads that campaign pages, exports and feeds share. Each runs a fixed number of queries."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from coalitions.models import Affiliation, Coalition, CoalitionRole, Organisation, Participation, User
from coalitions.voting import VOTERS

from .models import (
    DUE_SOON_DAYS,
    Ballot,
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    Decision,
    DecisionStatus,
    Delegation,
    DueState,
    OutreachLog,
    OutreachRole,
    Stance,
    StanceAssessment,
    Target,
    TargetOrganisation,
    Task,
    TaskStatus,
    TextApproval,
    TextKind,
    TextStatus,
    TextVersion,
)


def campaigns_of_coalition(coalition: Coalition) -> list[Campaign]:
    return list(coalition.campaigns.order_by("-created_at"))


def _partner_ids(coalition: Coalition):
    return Participation.objects.filter(coalition=coalition).exclude(role=CoalitionRole.OBSERVER).values("organisation_id")


def partner_organisations(coalition: Coalition) -> list[Organisation]:
    """Organisations that can be given work: leads and members, not observers."""
    return list(Organisation.objects.filter(pk__in=_partner_ids(coalition)).order_by("name"))


def people_of_partners(coalition: Coalition) -> list[Affiliation]:
    return list(
        Affiliation.objects.filter(organisation_id__in=_partner_ids(coalition))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__display_name")
    )


def plan_counts(campaign: Campaign, today: date) -> dict[str, int]:
    """How the outreach plan stands, for the campaign's front page."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return campaign.tasks.aggregate(
        targets=Count("target", distinct=True),
        open=Count("pk", filter=~Q(status=TaskStatus.DONE)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        overdue=Count("pk", filter=~Q(status=TaskStatus.DONE) & Q(due_on__lt=today)),
        due_soon=Count("pk", filter=~Q(status=TaskStatus.DONE) & Q(due_on__gte=today, due_on__lte=soon)),
        blocked=Count("pk", filter=Q(status=TaskStatus.BLOCKED)),
    )


# Shared texts --------------------------------------------------------------------------------


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments of ("same" | "removed" | "added", text) turning `old` into `new`, word by word."""
    before, after = re.findall(r"\s+|[^\s]+", old or ""), re.findall(r"\s+|[^\s]+", new or "")
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(("added", "".join(after[j1:j2])))
    return segments


# Below this share of words kept, a word-by-word diff is a jumble of struck and inserted words:
# the two wordings are shown one after the other instead.
WORD_DIFF_MIN_KEPT = 0.6


@dataclass(frozen=True)
class TextChanges:
    before: str
    after: str
    # None when the text was rewritten rather than edited.
    segments: list[tuple[str, str]] | None

    @property
    def rewritten(self) -> bool:
        return self.segments is None


def kept_share(old: str, new: str) -> float:
    """The share of the old wording's words that the new one keeps, in order (1.0 when there was none).
    Words added at the end or in between do not lower it: they read well as insertions."""
    before, after = (old or "").split(), (new or "").split()
    if not before:
        return 1.0
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(before)


def text_changes(old: str, new: str) -> TextChanges:
    """How to show the change from `old` to `new`: word by word when most words stay, else before/after."""
    segments = word_diff(old, new) if kept_share(old, new) >= WORD_DIFF_MIN_KEPT else None
    return TextChanges(before=old, after=new, segments=segments)


@dataclass
class TextSection:
    kind: TextKind
    adopted: TextVersion | None
    pending: list[TextVersion] = field(default_factory=list)
    history: list[TextVersion] = field(default_factory=list)


def text_sections(campaign: Campaign) -> list[TextSection]:
    """For message, ask and solution: the adopted wording, proposals waiting with their approvals,
    and every version with its changes against the one before it."""
    versions = list(
        campaign.texts.select_related("organisation", "proposed_by").prefetch_related(
            Prefetch("approvals", queryset=_approvals())
        )
    )
    eligible = set(
        Participation.objects.filter(coalition_id=campaign.coalition_id)
        .exclude(role=CoalitionRole.OBSERVER)
        .values_list("organisation_id", flat=True)
    )
    sections = []
    for kind in TextKind:
        of_kind = sorted((v for v in versions if v.kind == kind), key=lambda v: v.number)
        previous = ""
        for version in of_kind:
            version.diff = text_changes(previous, version.body) if previous else None
            version.counting_approvals = [a for a in version.approvals.all() if a.organisation_id in eligible]
            version.approving_ids = {a.organisation_id for a in version.counting_approvals}
            previous = version.body
        sections.append(
            TextSection(
                kind=kind,
                adopted=next((v for v in of_kind if v.status == TextStatus.ADOPTED), None),
                pending=[v for v in of_kind if v.status == TextStatus.PENDING],
                history=list(reversed(of_kind)),
            )
        )
    return sections


def _approvals():
    return TextApproval.objects.select_related("organisation", "approved_by")


def adopted_texts(campaign: Campaign) -> dict[str, TextVersion]:
    return {v.kind: v for v in campaign.texts.filter(status=TextStatus.ADOPTED)}


# Targets and the power map -------------------------------------------------------------------


def _latest_stance(field_name: str):
    return Subquery(
        StanceAssessment.objects.filter(target=OuterRef("pk"))
        .order_by("-assessed_on", "-recorded_at", "-pk")
        .values(field_name)[:1]
    )


def targets_with_stance(campaign: Campaign):
    """Targets with `current_stance` (UNKNOWN when never assessed) and `lead_placement` set."""
    targets = list(
        campaign.targets.annotate(latest_stance=_latest_stance("stance"), latest_stance_on=_latest_stance("assessed_on"))
        .prefetch_related(
            Prefetch(
                "organisations",
                queryset=TargetOrganisation.objects.select_related("organisation").order_by("role", "organisation__name"),
                to_attr="placements",
            )
        )
        .order_by("-influence", "name")
    )
    for target in targets:
        target.current_stance = Stance(target.latest_stance) if target.latest_stance is not None else Stance.UNKNOWN
        target.lead_placement = next((p for p in target.placements if p.role == OutreachRole.LEAD), None)
        target.supporters = [p for p in target.placements if p.role == OutreachRole.SUPPORT]
    return targets


@dataclass
class PowerMap:
    stances: list[Stance]
    rows: list[tuple[int, list[list[Target]]]]


def power_map(campaign: Campaign) -> PowerMap:
    """Influence (rows, 5 at the top) by current stance (columns, opposed to champion)."""
    stances = sorted(Stance, key=int)
    cells = {(influence, stance): [] for influence in range(1, 6) for stance in stances}
    for target in targets_with_stance(campaign):
        cells[(target.influence, target.current_stance)].append(target)
    rows = [(influence, [cells[(influence, stance)] for stance in stances]) for influence in range(5, 0, -1)]
    return PowerMap(stances=stances, rows=rows)


def target_detail(target: Target) -> dict:
    return {
        "stance_history": list(target.stance_history.select_related("organisation", "recorded_by")),
        "placements": list(target.organisations.select_related("organisation").order_by("role", "organisation__name")),
        "tasks": list(target.tasks.select_related("organisation", "assignee").order_by("due_on")),
        "logs": list(
            OutreachLog.objects.filter(task__target=target).select_related(
                "task__organisation", "logged_by", "stance_assessment", "follow_up"
            )
        ),
    }


# The outreach board --------------------------------------------------------------------------


@dataclass
class BoardFilters:
    organisation_ids: set[int] = field(default_factory=set)
    target_id: int | None = None
    status: str = ""
    channel: str = ""
    due: str = ""
    assignee_id: int | None = None


def board_tasks(campaign: Campaign, filters: BoardFilters, today: date, *, with_logs: bool = False) -> list[Task]:
    tasks = campaign.tasks.select_related("target", "organisation", "assignee", "follow_up_of")
    if with_logs:
        tasks = tasks.prefetch_related(
            Prefetch("logs", queryset=OutreachLog.objects.order_by("-happened_on", "-logged_at"), to_attr="latest_logs")
        )
    if filters.organisation_ids:
        tasks = tasks.filter(organisation_id__in=filters.organisation_ids)
    if filters.target_id:
        tasks = tasks.filter(target_id=filters.target_id)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.channel:
        tasks = tasks.filter(channel=filters.channel)
    if filters.assignee_id:
        tasks = tasks.filter(assignee_id=filters.assignee_id)
    if filters.due in DueState.values:
        tasks = tasks.in_due_state(filters.due, today)
    tasks = list(tasks.order_by("due_on", "target__name", "pk"))
    for task in tasks:
        task.due_state_now = task.due_state(today)
    return tasks


def group_tasks(tasks: list[Task], by: str) -> list[tuple[object, list[Task]]]:
    """Group an ordered task list by target, organisation or due date, keeping the order."""
    key = {
        "target": lambda t: t.target,
        "organisation": lambda t: t.organisation,
        "due": lambda t: t.due_on,
    }[by]
    groups: dict[object, list[Task]] = {}
    for task in tasks:
        groups.setdefault(key(task), []).append(task)
    if by == "due":
        return sorted(groups.items(), key=lambda item: item[0])
    return sorted(groups.items(), key=lambda item: str(item[0]).lower())


# Calendars and reminders ---------------------------------------------------------------------


def tasks_of_person(user: User):
    """Open and done tasks given to the person, or to one of their organisations with nobody named,
    in coalitions where that organisation still takes part."""
    own_organisations = Affiliation.objects.filter(user=user).values("organisation_id")
    still_partner = Participation.objects.filter(
        coalition=OuterRef("campaign__coalition"), organisation=OuterRef("organisation")
    ).exclude(role=CoalitionRole.OBSERVER)
    return (
        Task.objects.filter(organisation_id__in=own_organisations)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .filter(Exists(still_partner))
        .select_related("target", "organisation", "campaign__coalition")
    )


# A person's home page ------------------------------------------------------------------------

HOME_WEEK_DAYS = 7
# Campaigns that are over keep their unfinished tasks on their board, not on anybody's agenda.
LIVE_CAMPAIGN_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.ACTIVE)
HOME_TASK_LIMIT = 60


@dataclass
class Agenda:
    overdue: list[Task]
    today: list[Task]
    this_week: list[Task]
    more: int

    @property
    def groups(self) -> list[tuple[str, list[Task]]]:
        return [(name, tasks) for name, tasks in (("overdue", self.overdue), ("today", self.today), ("week", self.this_week)) if tasks]

    def __bool__(self) -> bool:
        return bool(self.overdue or self.today or self.this_week)


def agenda_of_person(user: User, today: date) -> Agenda:
    """Open tasks for the person or their organisation, due by a week from today, nearest first."""
    tasks = list(
        tasks_of_person(user)
        .open()
        .filter(due_on__lte=today + timedelta(days=HOME_WEEK_DAYS), campaign__status__in=LIVE_CAMPAIGN_STATUSES)
        .select_related("campaign__coalition", "assignee")
        .order_by("due_on", "campaign__coalition__name", "target__name", "pk")[: HOME_TASK_LIMIT + 1]
    )
    more = max(len(tasks) - HOME_TASK_LIMIT, 0)
    tasks = tasks[:HOME_TASK_LIMIT]
    for task in tasks:
        task.due_state_now = task.due_state(today)
    return Agenda(
        overdue=[t for t in tasks if t.due_on < today],
        today=[t for t in tasks if t.due_on == today],
        this_week=[t for t in tasks if t.due_on > today],
        more=more,
    )


def texts_awaiting_vote(user: User) -> list[TextVersion]:
    """Pending wordings in the person's coalitions that one of their voting organisations has not approved."""
    voting_for = Affiliation.objects.filter(VOTERS, user=user).values("organisation_id")
    unvoted = (
        Participation.objects.filter(coalition=OuterRef("campaign__coalition"), organisation_id__in=voting_for)
        .exclude(role=CoalitionRole.OBSERVER)
        .exclude(Exists(TextApproval.objects.filter(version=OuterRef(OuterRef("pk")), organisation=OuterRef("organisation"))))
    )
    return list(
        TextVersion.objects.filter(status=TextStatus.PENDING, campaign__status__in=LIVE_CAMPAIGN_STATUSES)
        .filter(Exists(unvoted))
        .select_related("campaign__coalition", "organisation")
        .order_by("proposed_at", "pk")
    )


# A coalition's front page --------------------------------------------------------------------

COALITION_DUE_LIMIT = 10


@dataclass
class CoalitionWork:
    live: list[Campaign]
    past: list[Campaign]
    due: list[Task]
    due_more: int


def coalition_work(coalition: Coalition, today: date) -> CoalitionWork:
    """What the coalition is doing: its live campaigns with where the plan stands and who leads which
    target, the campaigns that are over, and the open tasks due within a week, nearest first."""
    soon = today + timedelta(days=HOME_WEEK_DAYS)
    open_tasks = ~Q(tasks__status=TaskStatus.DONE)
    campaigns = list(
        coalition.campaigns.annotate(
            open_count=Count("tasks", filter=open_tasks, distinct=True),
            overdue_count=Count("tasks", filter=open_tasks & Q(tasks__due_on__lt=today), distinct=True),
            week_count=Count("tasks", filter=open_tasks & Q(tasks__due_on__gte=today, tasks__due_on__lte=soon), distinct=True),
        ).order_by("-created_at")
    )
    live = [c for c in campaigns if c.status in LIVE_CAMPAIGN_STATUSES]
    targets = (
        Target.objects.filter(campaign__in=live)
        .prefetch_related(
            Prefetch(
                "organisations",
                queryset=TargetOrganisation.objects.filter(role=OutreachRole.LEAD).select_related("organisation"),
                to_attr="leads",
            )
        )
        .order_by("-influence", "name")
    )
    by_campaign: dict[int, list[Target]] = {}
    for target in targets:
        target.lead = target.leads[0].organisation if target.leads else None
        by_campaign.setdefault(target.campaign_id, []).append(target)
    for campaign in live:
        campaign.lead_targets = by_campaign.get(campaign.pk, [])
    due = list(
        Task.objects.open()
        .filter(campaign__in=live, due_on__lte=soon)
        .select_related("campaign", "target", "organisation")
        .order_by("due_on", "target__name", "pk")[: COALITION_DUE_LIMIT + 1]
    )
    for task in due:
        task.due_state_now = task.due_state(today)
    return CoalitionWork(
        live=live,
        past=[c for c in campaigns if c.status not in LIVE_CAMPAIGN_STATUSES],
        due=due[:COALITION_DUE_LIMIT],
        due_more=len(due) > COALITION_DUE_LIMIT,
    )


# Commitments ---------------------------------------------------------------------------------

CAMPAIGN_PAGE_OVERDUE_LIMIT = 5


@dataclass
class Ledger:
    overdue: list[Commitment]
    pending: list[Commitment]
    settled: list[Commitment]


def commitment_ledger(campaign: Campaign, today: date) -> Ledger:
    """Overdue first, then what is still to come by its date, then what was kept or broken, latest first."""
    commitments = list(
        campaign.commitments.select_related(
            "target", "partner", "organisation", "recorded_by", "status_changed_by", "source_log"
        ).order_by("due_on", "pk")
    )
    pending = [c for c in commitments if c.status == CommitmentStatus.PENDING]
    return Ledger(
        overdue=[c for c in pending if c.is_overdue(today)],
        pending=[c for c in pending if not c.is_overdue(today)],
        settled=sorted(
            (c for c in commitments if c.status != CommitmentStatus.PENDING), key=lambda c: (c.settled_on, c.pk), reverse=True
        ),
    )


def overdue_commitments(campaign: Campaign, today: date) -> tuple[list[Commitment], int]:
    """The first overdue commitments for the campaign's front page, and how many there are in all."""
    overdue = campaign.commitments.overdue(today)
    first = list(overdue.select_related("target", "partner", "organisation")[:CAMPAIGN_PAGE_OVERDUE_LIMIT])
    count = len(first) if len(first) < CAMPAIGN_PAGE_OVERDUE_LIMIT else overdue.count()
    return first, count


def _commitment_sentence(commitment: Commitment, today: date, day_format: str) -> str:
    def day(value: date | None) -> str:
        return date_format(value, day_format) if value else ""

    words = {
        "made": day(commitment.made_on), "due": day(commitment.due_on), "target": commitment.target.name,
        "wording": commitment.public_wording.rstrip(" ."), "settled": day(commitment.settled_on),
    }
    sentences = [_("On %(made)s, %(target)s committed to %(wording)s by %(due)s.") % words]
    if commitment.status == CommitmentStatus.KEPT:
        sentences.append(_("It was kept on %(settled)s.") % words)
    elif commitment.status == CommitmentStatus.PARTLY_KEPT:
        sentences.append(_("By %(settled)s it was partly kept.") % words)
    elif commitment.status == CommitmentStatus.BROKEN:
        sentences.append(_("By %(settled)s it had not been kept.") % words)
    elif commitment.is_overdue(today):
        sentences.append(_("It has not been kept yet."))
    return " ".join(sentences)


def public_commitments(campaign: Campaign):
    """Targets' commitments that may be quoted in letters; a partner's never is."""
    return campaign.commitments.filter(public=True, target__isnull=False)


def public_commitments_summary(
    campaign: Campaign, *, language: str, today: date, day_format: str = "DATE_FORMAT"
) -> str:
    """The campaign's public commitments as one paragraph of plain text for a letter, in its language
    and with its way of writing dates.

    Only their public wording, the target's name, their dates and status: never a note, the
    evidence, nor who recorded it. Empty when there is none."""
    commitments = public_commitments(campaign).select_related("target").order_by("made_on", "pk")
    with override(language):
        return " ".join(_commitment_sentence(c, today, day_format) for c in commitments)


def partner_commitment_tally(coalition: Coalition) -> list[dict]:
    """For each partner organisation, how many of its own commitments it kept, partly kept, broke or
    has pending, across the coalition's campaigns: one query, for a view of who carries the work."""
    counted = {
        status.value: Count("pk", filter=Q(status=status)) for status in CommitmentStatus
    }
    return list(
        Commitment.objects.filter(campaign__coalition=coalition, partner__isnull=False)
        .values("partner_id", "partner__name", "partner__acronym")
        .annotate(total=Count("pk"), **counted)
        .order_by("partner__name")
    )


# Decisions -----------------------------------------------------------------------------------


def decisions_of_coalition(coalition: Coalition, campaign: Campaign | None = None) -> tuple[list, list]:
    """Open decisions, nearest deadline first, and closed ones, latest first; with a campaign, only its own."""
    decisions = (
        Decision.objects.filter(coalition=coalition)
        .select_related("campaign", "organisation")
        .annotate(ballot_count=Count("ballots"))
    )
    if campaign is not None:
        decisions = decisions.filter(campaign=campaign)
    decisions = list(decisions)
    open_ = sorted((d for d in decisions if d.is_open), key=lambda d: (d.deadline, d.pk))
    closed = sorted((d for d in decisions if not d.is_open), key=lambda d: d.closed_at or d.proposed_at, reverse=True)
    return open_, closed


def decisions_awaiting_vote(user: User) -> list[Decision]:
    """Open decisions in which an organisation the person votes for has neither voted nor handed its vote on."""
    voting_for = Affiliation.objects.filter(VOTERS, user=user).values("organisation_id")
    unvoted = (
        Participation.objects.filter(coalition=OuterRef("coalition"), organisation_id__in=voting_for)
        .exclude(role=CoalitionRole.OBSERVER)
        .exclude(Exists(Ballot.objects.filter(decision=OuterRef(OuterRef("pk")), organisation=OuterRef("organisation"))))
        .exclude(Exists(Delegation.objects.filter(decision=OuterRef(OuterRef("pk")), organisation=OuterRef("organisation"))))
    )
    return list(
        Decision.objects.filter(status=DecisionStatus.OPEN)
        .filter(Exists(unvoted))
        .select_related("coalition", "campaign", "organisation")
        .order_by("deadline", "pk")
    )
