from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coalitions.models import AppendOnlyModel, Coalition, Organisation

DUE_SOON_DAYS = 3
DUPLICATE_CONTACT_DAYS = 14


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    CLOSED = "closed", _("Closed")


class Campaign(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name for links"), max_length=60)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    decision_deadline = models.DateField(
        _("decision deadline"), null=True, blank=True, help_text=_("The date the decision you want is taken, e.g. a vote.")
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coalition", "slug"], name="campaign_slug_unique_in_coalition")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class TextKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    ASK = "ask", _("Ask")
    SOLUTION = "solution", _("Solution")


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Replaced")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TextVersion(models.Model):
    """One wording of the campaign's message, ask or solution, proposed by an organisation."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="texts")
    kind = models.CharField(_("kind"), max_length=16, choices=TextKind.choices)
    number = models.PositiveIntegerField()
    body = models.TextField(_("wording"), max_length=2000)
    note = models.CharField(_("why this wording"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind", "number"], name="text_version_number_unique"),
            models.UniqueConstraint(
                fields=["campaign", "kind"], condition=Q(status="adopted"), name="one_adopted_text_per_kind"
            ),
        ]
        ordering = ["kind", "-number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


class TextApproval(models.Model):
    """One organisation's yes to a wording: one vote per organisation, not per person."""

    version = models.ForeignKey(TextVersion, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "organisation"], name="one_approval_per_org")]
        ordering = ["approved_at"]


class TargetKind(models.TextChoices):
    MINISTER = "minister", _("Minister")
    MINISTRY = "ministry", _("Ministry")
    MEMBER_OF_PARLIAMENT = "mp", _("Member of parliament")
    UNION_LEADER = "union_leader", _("Trade-union leader")
    RELIGIOUS_COUNCIL = "religious_council", _("Religious council")
    MEDIA = "media", _("Media outlet")
    OTHER = "other", _("Other")


class Stance(models.IntegerChoices):
    OPPOSED = -2, _("Opposed")
    LEANING_AGAINST = -1, _("Leaning against")
    UNKNOWN = 0, _("Unknown")
    LEANING_FOR = 1, _("Leaning for")
    CHAMPION = 2, _("Champion")


class Target(models.Model):
    """A person or institution whose decision the campaign wants to change."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=TargetKind.choices)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    contact_notes = models.TextField(_("notes on how to reach them"), blank=True)
    influence = models.PositiveSmallIntegerField(
        _("influence"), validators=[MinValueValidator(1), MaxValueValidator(5)], default=3,
        help_text=_("1 = little say over the ask, 5 = decides it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(influence__gte=1) & Q(influence__lte=5), name="target_influence_1_to_5")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StanceAssessment(AppendOnlyModel):
    """What one organisation judged a target's position on the ask to be, on a given day, and why."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="stance_history")
    stance = models.SmallIntegerField(_("stance on the ask"), choices=Stance.choices)
    assessed_on = models.DateField(_("as of"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-pk"]


class OutreachRole(models.TextChoices):
    LEAD = "lead", _("Lead organisation")
    SUPPORT = "support", _("Supporting organisation")


class TargetOrganisation(models.Model):
    """Which organisations work on a target; at most one of them leads."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="organisations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=OutreachRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "organisation"], name="one_outreach_role_per_org"),
            models.UniqueConstraint(fields=["target"], condition=Q(role="lead"), name="one_lead_organisation_per_target"),
        ]


class Channel(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    EMAIL = "email", pgettext_lazy("channel", "Email")
    SMS = "sms", _("SMS / WhatsApp")
    EVENT = "event", _("Event")
    MEDIA = "media", _("Media")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class DueState(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_TODAY = "today", _("Due today")
    DUE_SOON = "soon", _("Due soon")


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=TaskStatus.DONE)

    def in_due_state(self, state: str, today: date):
        soon = today + timedelta(days=DUE_SOON_DAYS)
        lookups = {
            DueState.OVERDUE: Q(due_on__lt=today),
            DueState.DUE_TODAY: Q(due_on=today),
            DueState.DUE_SOON: Q(due_on__gt=today, due_on__lte=soon),
        }
        return self.open().filter(lookups[state])


class Task(models.Model):
    """An organisation (and maybe one of its people) contacts a target through a channel by a date."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="tasks")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaign_tasks"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    due_on = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    blocked_reason = models.CharField(_("why it is blocked"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(blocked_reason=""), name="blocked_task_has_reason"
            )
        ]
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.target} ({self.get_channel_display()}, {self.due_on})"

    def due_state(self, today: date) -> DueState | None:
        if self.status == TaskStatus.DONE:
            return None
        if self.due_on < today:
            return DueState.OVERDUE
        if self.due_on == today:
            return DueState.DUE_TODAY
        if self.due_on <= today + timedelta(days=DUE_SOON_DAYS):
            return DueState.DUE_SOON
        return None


class Outcome(models.TextChoices):
    NO_RESPONSE = "no_response", _("No response")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REFERRED = "referred", _("Referred to someone else")
    COMMITTED = "committed", _("Committed")
    REFUSED = "refused", _("Refused")


class OutreachLog(models.Model):
    """What happened when a task was carried out."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="logs")
    happened_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    attendees = models.TextField(_("who attended"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    summary = models.TextField(_("summary"))
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    next_step_due = models.DateField(_("next step due by"), null=True, blank=True)
    follow_up = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stance_assessment = models.ForeignKey(
        StanceAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    # The key of the check-off form it came from: a form sent twice (kept on a phone while the link
    # was down, sent again after an answer that never arrived) is recorded once.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-happened_on", "-logged_at"]


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")


class CommitmentQuerySet(models.QuerySet):
    def overdue(self, today: date):
        return self.filter(status=CommitmentStatus.PENDING, due_on__lt=today)


class Commitment(models.Model):
    """A promise made to the campaign, by a target or by a partner organisation, with a date to keep it.

    `organisation` is the partner that recorded it and follows it up (for a target's promise made at
    a contact, the organisation whose contact it was). Only a target's promise can go into a letter,
    and only in its public wording: a partner's promises and every note stay in the coalition.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="commitments")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    wording = models.TextField(_("what they committed to"), max_length=1000)
    made_on = models.DateField(_("committed on"))
    due_on = models.DateField(_("by when"))
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    settled_on = models.DateField(_("kept or broken on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("link to the evidence"), max_length=500, blank=True)
    notes = models.TextField(_("notes for the coalition"), blank=True)
    public = models.BooleanField(_("may be quoted in letters"), default=False)
    public_wording = models.TextField(_("wording for letters"), max_length=500, blank=True)
    source_log = models.ForeignKey(
        OutreachLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(target__isnull=False) & Q(partner__isnull=True))
                | (Q(target__isnull=True) & Q(partner__isnull=False)),
                name="commitment_made_by_target_or_partner",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(settled_on__isnull=True))
                | (~Q(status="pending") & Q(settled_on__isnull=False) & ~Q(evidence="")),
                name="settled_commitment_has_date_and_evidence",
            ),
            models.CheckConstraint(
                condition=Q(public=False) | (Q(target__isnull=False) & ~Q(public_wording="")),
                name="public_commitment_is_a_targets_with_wording",
            ),
        ]
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.made_by}: {self.wording[:60]}"

    @property
    def made_by(self) -> "Target | Organisation":
        return self.target if self.target_id else self.partner

    @property
    def followed_up_by(self) -> Organisation:
        """A partner keeps its own promise; a target's is followed up by the organisation that recorded it."""
        return self.partner if self.partner_id else self.organisation

    def is_overdue(self, today: date) -> bool:
        return self.status == CommitmentStatus.PENDING and self.due_on < today


class TaskStatusReceipt(models.Model):
    """The key of a status form that changed a task: the same form arriving again changes nothing."""

    key = models.CharField(max_length=64, unique=True)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)


class CalendarFeed(models.Model):
    """A person's secret calendar address. Only its hash is kept; a new one revokes the old."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ReminderDigest(models.Model):
    """Marks that a person's reminder mail for a day has gone out: at most one a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    task_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_reminder_digest_per_day")]


# Decisions -----------------------------------------------------------------------------------


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open for votes")
    PASSED = "passed", _("Passed")
    REJECTED = "rejected", _("Not passed")
    NO_QUORUM = "no_quorum", _("Not enough organisations voted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OutcomeAction(models.TextChoices):
    NONE = "none", _("Nothing more: the outcome is recorded")
    TASK = "task", _("A task in the outreach plan")
    TEXT = "text", _("A proposal of the message, ask or solution, in the words of the option that passed")
    LETTER = "letter", _("A draft letter, in the words of the option that passed")


class Decision(models.Model):
    """A question an organisation puts to the coalition, or to one of its campaigns, by a deadline.

    Counted by coalitions.voting, one vote per organisation; what it opens when it passes is said
    beforehand (`outcome_action` and its `outcome_params`)."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="decisions")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    question = models.CharField(_("question"), max_length=300)
    background = models.TextField(_("background"), max_length=5000, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(_("how it is decided"), max_length=16)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("The share of member organisations that must vote, in per cent."),
    )
    deadline = models.DateTimeField(_("deadline"))
    results_hidden = models.BooleanField(_("hide the results until the vote closes"), default=False)
    # Kinds of organisation (coalitions OrganisationKind) of which at least one must support.
    caucus_kinds = models.JSONField(_("kinds of organisation that must each support it"), default=list, blank=True)
    status = models.CharField(max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    winning_option = models.ForeignKey(
        "DecisionOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_action = models.CharField(
        _("when it passes, open"), max_length=16, choices=OutcomeAction.choices, default=OutcomeAction.NONE
    )
    outcome_params = models.JSONField(default=dict, blank=True)
    # What the outcome opened ("task:12", "text:4", "letter:3"), for the link on the page.
    outcome_ref = models.CharField(max_length=40, blank=True)
    reminded_two_days_at = models.DateTimeField(null=True, blank=True)
    reminded_one_day_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "deadline"], name="decision_open_deadline")]
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return self.question

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatus.OPEN

    def is_past_deadline(self, now) -> bool:
        return now >= self.deadline


class DecisionOption(models.Model):
    """One wording put to the vote; a revision replaces it, and the ballots on it are void."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    number = models.PositiveIntegerField()
    wording = models.TextField(_("option"), max_length=2000)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The void ballots as they stood when the option was revised: an objection's reasons are why
    # the wording changed, and stay part of the decision's record.
    earlier_votes = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "number"], name="decision_option_number_unique")]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.decision_id}#{self.number}"


class Ballot(models.Model):
    """An organisation's one vote on a decision: a position on one option, changeable until the deadline."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="ballots")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(DecisionOption, on_delete=models.CASCADE, related_name="ballots")
    position = models.CharField(_("position"), max_length=16)
    reasons = models.TextField(_("reasons"), max_length=3000, blank=True)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Cast by the organisation the vote was handed to, for this decision only.
    delegated_to = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "organisation"], name="one_ballot_per_org")]
        ordering = ["cast_at", "pk"]


class Delegation(models.Model):
    """An organisation hands its vote on one decision to another; recorded, shown, revocable."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="delegations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "organisation"], name="one_delegation_per_org")]


class DeadlineExtension(AppendOnlyModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateTimeField()
    new_deadline = models.DateTimeField()
    reason = models.CharField(_("why"), max_length=500)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    extended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["extended_at", "pk"]


class DecisionComment(models.Model):
    """Members and observers alike say what they think; observers never vote."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="comments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"), max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
