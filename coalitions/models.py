import hashlib
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .timezones import DEFAULT_TIME_ZONE, time_zone_validate


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class MailPreference(models.TextChoices):
    IMMEDIATELY = "immediately", _("At once, one mail each")
    DAILY = "daily", _("In one mail a day")
    NEVER = "never", _("Never: I look on the site")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; people belong to coalitions only through organisations."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(_("site administrator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Below date_joined: inside the class body this name hides django.utils.timezone.
    timezone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[time_zone_validate],
        help_text=_("Times on the site and your reminder mails follow it."),
    )
    notification_mail = models.CharField(
        _("mail me about what concerns me"), max_length=16, choices=MailPreference.choices,
        default=MailPreference.DAILY,
        help_text=_("Mentions, tasks given to you or your organisation, approvals asked of it, overdue tasks."),
    )
    # Kept beside the person so that the header of every page shows it without a query.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        # Whoever sees a person's name is not entitled to their address: never fall back to it.
        return self.display_name or gettext("a person")

    def name_at(self, organisation: "Organisation | None") -> str:
        """The person's name, or which organisation they speak for when they gave none."""
        if self.display_name or organisation is None:
            return str(self)
        return person_at(organisation.short_name)

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


def person_at(organisation_name: str) -> str:
    return gettext("a person at %(organisation)s") % {"organisation": organisation_name}


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    TRADE_UNION = "trade_union", _("Trade union")
    COMMUNITY_GROUP = "community_group", _("Community group")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    FUNDER = "funder", _("Funder")
    OTHER = "other", _("Other")


def logo_upload_path(instance: "Organisation", filename: str) -> str:
    # Random names: a logo's file name must not reveal which organisation it belongs to.
    return f"logos/{uuid.uuid4().hex}.png"


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = CountryField(_("country"))
    regions = models.JSONField(_("regions or states where active"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_path, blank=True)
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


class AffiliationRole(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    STAFF = "staff", _("Staff")


class Affiliation(models.Model):
    """A person belongs to an organisation, as its admin or as staff."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices, default=AffiliationRole.STAFF)
    # Admins always vote for their organisation; staff only once an admin authorised them (coalitions/voting.py).
    may_vote = models.BooleanField(_("may cast the organisation's votes"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_affiliation_per_org")]
        ordering = ["organisation__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == AffiliationRole.ADMIN


class AdoptionRule(models.TextChoices):
    ALL = "all", _("All member and lead organisations approve")
    MAJORITY = "majority", _("A majority of member and lead organisations approve")


def all_decision_methods() -> list[str]:
    return ["consent", "majority", "unanimity"]


class Coalition(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for links"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    timezone = models.CharField(
        _("default time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[time_zone_validate],
        help_text=_("Where most of its people live; each person still sees times in their own zone."),
    )
    require_mfa_for_leads = models.BooleanField(
        _("require two-factor authentication of the people of lead organisations"), default=False
    )
    adoption_rule = models.CharField(
        _("how shared texts are adopted"), max_length=16, choices=AdoptionRule.choices, default=AdoptionRule.ALL,
        help_text=_("One vote per organisation; observers never count; at least two organisations must approve."),
    )
    # Which of coalitions.voting.Method a decision may use; the proposer chooses among them.
    decision_methods = models.JSONField(_("how decisions may be taken"), default=all_decision_methods)
    decision_results_hidden = models.BooleanField(
        _("a decision may hide its results until the vote closes"), default=True,
        help_text=_("So that the first votes of the largest partners do not sway the others."),
    )
    decision_delegation = models.BooleanField(
        _("an organisation may hand its vote on a decision to another"), default=True
    )
    last_event_seq = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coalition")
        verbose_name_plural = _("coalitions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoalitionRole(models.TextChoices):
    LEAD = "lead", _("Lead (facilitator)")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Participation(models.Model):
    """An organisation's place in a coalition."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("role"), max_length=16, choices=CoalitionRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "organisation"], name="one_participation_per_org")
        ]
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.coalition} ({self.role})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self, now: datetime | None = None):
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An emailed, expiring, single-use token. Only its hash is stored."""

    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    def is_usable(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class CoalitionInvitation(Invitation):
    """A lead invites an organisation, through one of its people, to join the coalition."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="invitations")
    organisation_name = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=CoalitionRole.choices)
    message = models.TextField(_("personal message"), blank=True)
    accepted_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.organisation_name} → {self.coalition}"


class StaffInvitation(Invitation):
    """An organisation admin invites a person to their own organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff_invitations")
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices)

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """A record of what happened: rows are added, never changed or removed one by one.

    Django's cascade still removes them with their parent, as it goes around these methods.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only.")


class AuditEntry(AppendOnlyModel):
    """One line of a coalition's append-only record; its seq also numbers the live events."""

    coalition = models.ForeignKey(Coalition, on_delete=models.PROTECT, related_name="audit_entries")
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The actor's display name as it was; blank when they gave none, and then the entry's data
    # holds `actor_organisation`, so that each reader sees "a person at …" in their own language.
    actor_name = models.CharField(max_length=200)
    action = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    # The objects the change touched ("campaign:3", "task:12"): pages showing one of them refresh it.
    topics = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coalition", "seq"], name="audit_seq_unique")]
        ordering = ["-seq"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.coalition_id}#{self.seq} {self.action}"

    def actor_label(self) -> str:
        """Who did it, as anyone may see them named, in the active language."""
        if self.actor_name:
            return self.actor_name
        organisation = self.data.get("actor_organisation")
        return person_at(organisation) if organisation else gettext("a person")


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mention")
    TASK_ASSIGNED = "task_assigned", _("Task given")
    APPROVAL_REQUESTED = "approval_requested", _("Approval asked")
    TASK_OVERDUE = "task_overdue", _("Overdue")
    SCORECARD_OPEN = "scorecard_open", _("Scorecard to fill in")
    ACTION_POINT_GIVEN = "action_point_given", _("Action point given")
    COMMITMENT_OVERDUE = "commitment_overdue", _("Commitment overdue")
    VOTE_REQUESTED = "vote_requested", _("Vote asked")
    DECISION_CLOSED = "decision_closed", _("Decided")


# What the daily reminder mail lists by itself: never mailed on its own, nor again among the notifications.
DIGEST_NOTIFICATION_KINDS = (NotificationKind.TASK_OVERDUE, NotificationKind.COMMITMENT_OVERDUE)


class Notification(models.Model):
    """Something that concerns one person: a mention, a task, an approval asked, an overdue task.

    `key` names the occasion, so that it reaches each person once however often it is raised (a
    message edited with the same mention, the daily overdue check run twice).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(AuditEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    key = models.CharField(max_length=200)
    # What the text needs, as it was then (names, titles, dates); written in the reader's language.
    data = models.JSONField(default=dict)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once a mail (single or daily) has told the person, so the digest does not repeat it.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_person")]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_recent")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.key}"


class OutboxMessage(models.Model):
    """A side effect of a change (a mail, later a webhook) that must not be lost.

    Written in the transaction of the change, so it exists exactly when the change does; the
    worker delivers it and marks it delivered. See coalitions/outbox.py.
    """

    kind = models.CharField(max_length=32)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    # None once delivered or given up; the sweep takes undelivered rows whose time has come.
    next_attempt_at = models.DateTimeField(null=True, default=timezone.now)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(delivered_at__isnull=True), name="outbox_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    READY = "ready", _("Ready to import")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(models.Model):
    """A spreadsheet on its way in: read, checked row by row, shown, and applied only when confirmed.

    The rows may hold people's contact details, so they are kept only until the import is applied
    or cancelled, or for `IMPORT_RETENTION_DAYS` at most (`coalitions.tasks.imports_purge`).
    """

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=32)
    # Where the rows go inside the coalition, in the words of the app that owns the kind.
    scope = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list)
    unused_columns = models.JSONField(default=list)
    # What checking found: per-row errors and outcomes, counts, and a digest of the planned changes.
    results = models.JSONField(default=dict)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk} ({self.status})"

    @property
    def is_busy(self) -> bool:
        return self.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.APPLYING)


# The community scorecard lives in its own module; imported here so that Django finds its models.
from .scorecards.models import ActionPoint, Indicator, ScoreAnswer, ScorecardRound  # noqa: E402, F401
