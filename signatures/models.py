from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from coalitions.models import Organisation


class PetitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for signatures")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Visibility(models.TextChoices):
    COUNTED = "counted", _("Counted only")
    INITIALS = "initials", _("Initials and region")
    FULL_NAME = "full_name", _("Full name")


class SignatureChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    FIELD = "field", _("Field")
    PAPER = "paper", _("Paper")


class Held(models.TextChoices):
    """Why a signature is silently set aside: not counted, no mail sent, nothing said to the sender."""

    NO = "", _("Not held")
    RATE = "rate", _("Too many signatures from one address")
    DISPOSABLE = "disposable", _("Disposable email domain")


class Petition(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="petitions")
    slug = models.SlugField(_("short name for links"), max_length=60, unique=True)
    goal = models.PositiveIntegerField(_("goal"), default=1000)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.DRAFT)
    # Each co-owner gets its own opt-in checkbox on the form ("keep me informed by …").
    organisations = models.ManyToManyField(
        Organisation, related_name="petitions", blank=True, verbose_name=_("co-owning organisations")
    )
    regions = models.JSONField(_("regions a signer picks from"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Anonymisation counts its months from here.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.slug

    @property
    def coalition(self):
        return self.campaign.coalition

    def accepts_signatures(self, today: date) -> bool:
        return self.status == PetitionStatus.OPEN and (self.deadline is None or self.deadline >= today)


class PetitionText(models.Model):
    """The petition in one language; shown to the public only once a lead approved it."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "language"], name="one_petition_text_per_language")]
        ordering = ["language"]

    def __str__(self) -> str:
        return f"{self.petition} ({self.language})"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    canonical_email = models.CharField(max_length=254)
    region = models.CharField(_("region"), max_length=100, blank=True)
    visibility = models.CharField(_("shown as"), max_length=16, choices=Visibility.choices, default=Visibility.COUNTED)
    channel = models.CharField(
        _("channel"), max_length=8, choices=SignatureChannel.choices, default=SignatureChannel.ONLINE
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Ids of the co-owning organisations the signer agreed to hear from.
    opt_ins = models.JSONField(default=list, blank=True)
    # The confirmation and erasure link carries the token; only its hash is kept.
    token_hash = models.CharField(max_length=64, unique=True)
    # When the signing was made whose mailed links the token hash now answers; empty while it is
    # the first signing's. Repeat mails go out in any order, and only a newer one replaces it.
    token_issued_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A keyed hash of the signer's address, for abuse limits; the address itself is never stored.
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    held = models.CharField(max_length=16, choices=Held.choices, default=Held.NO, blank=True)
    # Whether the batch count has added this confirmed signature to the petition's tallies.
    counted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            # Paper signatures may come without an address; those are not deduped by it.
            models.UniqueConstraint(
                fields=["petition", "canonical_email"],
                condition=~models.Q(canonical_email=""),
                name="one_signature_per_canonical_email",
            )
        ]
        indexes = [
            models.Index(fields=["petition", "confirmed_at"], name="signature_petition_confirmed"),
            # The batch count only ever reads the few confirmed rows it has not counted yet.
            models.Index(
                fields=["confirmed_at"],
                condition=models.Q(counted=False, confirmed_at__isnull=False),
                name="signature_to_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition}: {self.pk}"


class PetitionTally(models.Model):
    """Confirmed signatures of one channel and region, as the batch count has added them.

    Signing never writes here: the worker adds the newly confirmed rows every few seconds, and
    recounts from the rows every night, so that no request waits on one hot row.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="tallies")
    channel = models.CharField(max_length=8, choices=SignatureChannel.choices)
    region = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "channel", "region"], name="one_tally_per_channel_region")
        ]

    def __str__(self) -> str:
        return f"{self.petition} {self.channel} {self.region}: {self.count}"


class PaperTotal(models.Model):
    """Signatures counted on paper sheets whose names cannot be typed in (illegible, or too many)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="paper_totals")
    count = models.PositiveIntegerField(_("number of signatures"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    collected_on = models.DateField(_("collected on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-collected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.petition}: {self.count} on paper"
