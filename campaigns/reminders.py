"""The daily reminder mail: each person's open tasks that are overdue, due today or due soon, and
the commitments their organisation follows up that are overdue and still pending.

A task goes to the person named on it; with nobody named (or when that person has left the
organisation or was switched off) it goes to the admins of its organisation, so that the
organisation still hears of it. A commitment goes the same way: to the person who recorded it
while they belong to the organisation that follows it up (a partner's own promise is followed up by
that partner, a target's by the organisation that recorded it), else to that organisation's admins.
Tasks and commitments of organisations that no longer take part in the coalition,
or only watch as observers, remind nobody. Nothing about due states is stored: they are worked
out from the due date on the day the mail is written.

Each person is reminded in their own morning, on their own date: beat runs every hour, and a
person's digest of a day goes out with the first run at or after REMINDER_HOUR in their zone, with
"overdue" and "due today" meaning their today.
"""

import operator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from coalitions.access import leads_withheld_for_mfa
from coalitions.mail import outbox_mail
from coalitions.models import (
    DIGEST_NOTIFICATION_KINDS,
    Affiliation,
    AffiliationRole,
    CoalitionRole,
    MailPreference,
    Notification,
    NotificationKind,
    Participation,
    User,
)
from coalitions.notices import Notice, notices_send, notification_view
from coalitions.scorecards.models import ActionPoint
from coalitions.scorecards.selectors import overdue_action_points
from coalitions.scorecards.services import action_point_path
from coalitions.timezones import local_now

from .models import DUE_SOON_DAYS, CampaignStatus, Commitment, DueState, ReminderDigest, Task, TaskStatus
from .services import commitment_path, task_path

TEMPLATE = "campaigns/email/reminder_digest"
SECTIONS = (DueState.OVERDUE, DueState.DUE_TODAY, DueState.DUE_SOON)
# A draft campaign may already have work under way; a won, lost or closed one is history, and
# what was left open in it should stop calling people.
REMINDING_CAMPAIGN_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.ACTIVE)
# Local hour from which the day's digest may go: early enough to plan the day, never at night.
REMINDER_HOUR = 7


@dataclass
class DigestItem:
    task: Task
    url: str
    # True when the mail reaches the person as an admin of the organisation, not as the one named.
    for_organisation: bool


@dataclass
class ActionPointItem:
    """An overdue action point of a scorecard round: partnership work, reminded like a task."""

    action_point: ActionPoint
    url: str
    for_organisation: bool


@dataclass
class CommitmentItem:
    commitment: Commitment
    url: str
    for_organisation: bool


@dataclass
class DigestSection:
    state: DueState
    items: list[DigestItem] = field(default_factory=list)


@dataclass
class Digest:
    user: User
    sections: list[DigestSection]
    boards: list[dict]
    # What concerned the person since their last mail, for those who asked for it once a day.
    notifications: list[Notification] = field(default_factory=list)
    action_points: list[ActionPointItem] = field(default_factory=list)
    commitments: list[CommitmentItem] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _task_url(task: Task) -> str:
    return _absolute(task_path(task))


def _board_url(task: Task) -> str:
    return _absolute(
        reverse("plan_board", kwargs={"slug": task.campaign.coalition.slug, "campaign_slug": task.campaign.slug})
    )


def due_tasks(today: date) -> list[Task]:
    """Open tasks, overdue, due today or due soon, of partner organisations in live campaigns."""
    still_partner = Participation.objects.filter(
        coalition=OuterRef("campaign__coalition"), organisation=OuterRef("organisation")
    ).exclude(role=CoalitionRole.OBSERVER)
    due = reduce(operator.or_, (Task.objects.in_due_state(state, today) for state in SECTIONS))
    return list(
        due.filter(campaign__status__in=REMINDING_CAMPAIGN_STATUSES)
        .filter(Exists(still_partner))
        .select_related("campaign__coalition", "target", "organisation", "assignee")
        .order_by("due_on", "target__name", "pk")
    )


def overdue_commitments_to_remind(today: date) -> list[Commitment]:
    """Pending commitments past their date in live campaigns, followed up by a partner that still takes part."""
    still_partner = Participation.objects.filter(
        coalition=OuterRef("campaign__coalition"), organisation=OuterRef("keeper")
    ).exclude(role=CoalitionRole.OBSERVER)
    return list(
        Commitment.objects.overdue(today)
        .annotate(keeper=Coalesce("partner_id", "organisation_id"))
        .filter(campaign__status__in=REMINDING_CAMPAIGN_STATUSES)
        .filter(Exists(still_partner))
        .select_related("campaign__coalition", "target", "partner", "organisation", "recorded_by")
        .order_by("due_on", "pk")
    )


def reminder_digests(today: date, zones: set[str] | None = None) -> list[Digest]:
    """One digest per person with something due or, for those who take them once a day, notifications
    not yet mailed; leaving out people already reminded today.

    With `zones`, only people living in one of those time zones (where it is `today`).
    """
    tasks = due_tasks(today)
    points = overdue_action_points(today)
    commitments = overdue_commitments_to_remind(today)
    affiliations = Affiliation.objects.filter(
        organisation_id__in={task.organisation_id for task in tasks}
        | {point.organisation_id for point in points}
        | {c.keeper for c in commitments},
        user__is_active=True,
    ).select_related("user")
    members: dict[int, set[int]] = {}
    admins: dict[int, list[User]] = {}
    for affiliation in affiliations:
        members.setdefault(affiliation.organisation_id, set()).add(affiliation.user_id)
        if affiliation.role == AffiliationRole.ADMIN:
            admins.setdefault(affiliation.organisation_id, []).append(affiliation.user)

    reminded = set(ReminderDigest.objects.filter(day=today).values_list("user_id", flat=True))
    # A coalition that asks its leads for a second factor does not mail its tasks to a lead who
    # has none: the mailbox would be a way around the sign-in the coalition asked for.
    withheld = leads_withheld_for_mfa(set().union(*members.values())) if members else set()
    people: dict[int, User] = {}
    items: dict[int, list[DigestItem]] = {}
    promised: dict[int, list[CommitmentItem]] = {}
    boards: dict[int, dict[int, dict]] = {}

    def recipients(organisation_id: int, person: User | None, coalition_id: int):
        """The person named if still in the organisation, else its admins; each of them once."""
        named = person if person is not None and person.pk in members.get(organisation_id, ()) else None
        for recipient in [named] if named is not None else admins.get(organisation_id, []):
            if recipient.pk in reminded or (zones is not None and recipient.timezone not in zones):
                continue
            if (recipient.pk, coalition_id) in withheld:
                continue
            people[recipient.pk] = recipient
            yield recipient, named is None

    for task in tasks:
        for person, for_organisation in recipients(task.organisation_id, task.assignee, task.campaign.coalition_id):
            items.setdefault(person.pk, []).append(
                DigestItem(task=task, url=_task_url(task), for_organisation=for_organisation)
            )
            boards.setdefault(person.pk, {}).setdefault(
                task.campaign_id, {"campaign": task.campaign, "url": _board_url(task)}
            )
    for commitment in commitments:
        coalition_id = commitment.campaign.coalition_id
        for person, for_organisation in recipients(commitment.keeper, commitment.recorded_by, coalition_id):
            promised.setdefault(person.pk, []).append(
                CommitmentItem(
                    commitment=commitment, url=_absolute(commitment_path(commitment)), for_organisation=for_organisation
                )
            )

    action_items: dict[int, list[ActionPointItem]] = {}
    for point in points:
        for person, for_organisation in recipients(point.organisation_id, point.assignee, point.coalition_id):
            action_items.setdefault(person.pk, []).append(
                ActionPointItem(action_point=point, url=_absolute(action_point_path(point)), for_organisation=for_organisation)
            )

    waiting = _notifications_waiting(today, zones, reminded)
    for person_id in waiting:
        people.setdefault(person_id, waiting[person_id][0].user)

    digests = []
    for person_id in sorted(people):
        sections = [DigestSection(state=state) for state in SECTIONS]
        by_state = {section.state: section for section in sections}
        for item in items.get(person_id, []):
            by_state[item.task.due_state(today)].items.append(item)
        digests.append(
            Digest(
                user=people[person_id],
                sections=[section for section in sections if section.items],
                boards=sorted(boards.get(person_id, {}).values(), key=lambda board: board["campaign"].title.lower()),
                notifications=waiting.get(person_id, []),
                action_points=action_items.get(person_id, []),
                commitments=promised.get(person_id, []),
            )
        )
    return digests


def _notifications_waiting(today: date, zones: set[str] | None, reminded: set[int]) -> dict[int, list[Notification]]:
    """Notifications not yet mailed to people who take them in one mail a day."""
    waiting = (
        Notification.objects.filter(
            mailed_at=None, user__is_active=True, user__notification_mail=MailPreference.DAILY
        )
        .exclude(kind__in=DIGEST_NOTIFICATION_KINDS)
        .exclude(user_id__in=reminded)
        .select_related("user", "entry")
        .order_by("created_at", "pk")
    )
    if zones is not None:
        waiting = waiting.filter(user__timezone__in=zones)
    notifications = list(waiting)
    withheld = leads_withheld_for_mfa({n.user_id for n in notifications}) if notifications else set()
    by_person: dict[int, list[Notification]] = {}
    for notification in notifications:
        if (notification.user_id, notification.coalition_id) not in withheld:
            by_person.setdefault(notification.user_id, []).append(notification)
    return by_person


def _overdue_notices(digest: Digest) -> None:
    """The person finds their overdue tasks and commitments among their notifications too, once per due date."""
    by_coalition: dict[int, tuple] = {}
    for item in next((section.items for section in digest.sections if section.state == DueState.OVERDUE), []):
        task = item.task
        coalition, notices = by_coalition.setdefault(task.campaign.coalition_id, (task.campaign.coalition, []))
        notices.append(
            Notice(
                kind=NotificationKind.TASK_OVERDUE, key=f"overdue:{task.pk}:{task.due_on.isoformat()}",
                url=task_path(task), users=frozenset([digest.user.pk]),
                data={
                    "campaign": task.campaign.title, "target": task.target.name, "due": task.due_on.isoformat(),
                    "organisation": task.organisation.short_name,
                },
            )
        )
    for item in digest.commitments:
        commitment = item.commitment
        coalition, notices = by_coalition.setdefault(commitment.campaign.coalition_id, (commitment.campaign.coalition, []))
        notices.append(
            Notice(
                kind=NotificationKind.COMMITMENT_OVERDUE,
                key=f"commitment-overdue:{commitment.pk}:{commitment.due_on.isoformat()}",
                url=commitment_path(commitment), users=frozenset([digest.user.pk]),
                data={"campaign": commitment.campaign.title, "made_by": str(commitment.made_by), "due": commitment.due_on.isoformat()},
            )
        )
    for coalition, notices in by_coalition.values():
        notices_send(coalition=coalition, notices=notices)


def reminder_digest_send(digest: Digest, today: date) -> bool:
    """Mark the person's digest of the day as done, then queue the mail; False if none goes.

    The mark comes first and the mail leaves only once it commits, so two runs at the same
    moment (beat catching up, a second beat by mistake) cannot both mail the same person.
    Someone who asked for no mail still finds their overdue tasks among their notifications.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReminderDigest.objects.create(user=digest.user, day=today, task_count=digest.task_count)
        except IntegrityError:
            return False
        _overdue_notices(digest)
        if digest.user.notification_mail == MailPreference.NEVER:
            return False
        Notification.objects.filter(pk__in=[n.pk for n in digest.notifications]).update(mailed_at=timezone.now())
        outbox_mail(
            to=digest.user.email,
            template=TEMPLATE,
            context={
                # Written to the person themselves, who may see their own address.
                "name": digest.user.display_name or digest.user.email,
                "today": today,
                "sections": digest.sections,
                "boards": digest.boards,
                "count": digest.task_count,
                "action_points": digest.action_points,
                "commitments": digest.commitments,
                "soon_days": DUE_SOON_DAYS,
                "blocked": TaskStatus.BLOCKED,
                "notifications": [notification_view(n, digest.user) for n in digest.notifications],
            },
            language=digest.user.language,
        )
    return True


def reminder_days(now: datetime) -> dict[date, set[str]]:
    """The local dates on which it is now morning or later somewhere, with the zones where it is.

    At any moment the people's zones cover two or three dates, so this is a short loop.
    """
    zones = User.objects.filter(is_active=True).values_list("timezone", flat=True).distinct()
    days: dict[date, set[str]] = {}
    for name in zones:
        local = local_now(name, now)
        if local.hour >= REMINDER_HOUR:
            days.setdefault(local.date(), set()).add(name)
    return days


def reminder_digests_send(*, now: datetime | None = None, today: date | None = None) -> int:
    """Send the digests that are due at `now`, each person's once on their own date; returns how many.

    With `today` instead, every person's digest for that date whatever their zone (a catch-up run).
    """
    if today is not None:
        return sum(reminder_digest_send(digest, today) for digest in reminder_digests(today))
    return sum(
        reminder_digest_send(digest, day)
        for day, zones in sorted(reminder_days(now).items())
        for digest in reminder_digests(day, zones)
    )
