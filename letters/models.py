import hashlib
import json
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Outcome, Target, Task
from coalitions.models import AppendOnlyModel, Organisation

# Letters may be written in more languages than the site speaks: Hindi and Tamil letters go to
# ministries in India, and the fonts cover their scripts.
LETTER_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("bn", _("Bengali")),
    ("hi", _("Hindi")),
    ("ta", _("Tamil")),
]


def content_hash(content: dict) -> str:
    """SHA-256 of a version's canonical JSON: keys sorted, no spaces, text kept as UTF-8."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def verification_code() -> str:
    return secrets.token_urlsafe(12)


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALISING = "finalising", _("Being finalised")
    FINAL = "final", _("Finalised")


class Letter(models.Model):
    """A letter from some of the coalition's organisations to targets of one of its campaigns."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letters")
    status = models.CharField(max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    current_version = models.ForeignKey(
        "LetterVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The last page's QR code points here; the PDF's own hash cannot be printed inside it.
    verification_code = models.CharField(max_length=32, unique=True, default=verification_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.current_version.content["subject"] if self.current_version_id else f"letter #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == LetterStatus.DRAFT


class LetterVersion(AppendOnlyModel):
    """One wording of a letter, never changed: what an organisation approves is this content's hash.

    `content` holds everything the hash covers (see letters/versions.py): subject, body, language,
    place, date, addressees, co-signers with whether each is named, and their signatories.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["letter", "number"], name="letter_version_number_unique")]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} {self.sha256[:12]}"

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    @property
    def cosigner_ids(self) -> list[int]:
        return [cosigner["organisation_id"] for cosigner in self.content["cosigners"]]


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    CHANGES = "changes", _("Asked for changes")
    DECLINE = "decline", _("Declined")
    WITHDRAW = "withdraw", _("Withdrew its approval")


class LetterDecision(AppendOnlyModel):
    """What an organisation said about one version; its latest decision is where it stands."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="decisions")
    version = models.ForeignKey(LetterVersion, on_delete=models.PROTECT, related_name="decisions")
    version_sha256 = models.CharField(max_length=64)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField(max_length=200)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]


def pdf_upload_path(instance: "LetterPdf", filename: str) -> str:
    # Random names: a letter carries signatures, and no file name says which letter it is.
    return f"letters/{uuid.uuid4().hex}.pdf"


# LetterPdf.failure: a code, then (for missing glyphs) the characters.
FAILED_GLYPHS = "glyphs"
FAILED_TIMEOUT = "timeout"
FAILED_OTHER = "render"


class LetterPdf(models.Model):
    """A rendering of a version by the worker: drafts on demand, and the one final PDF."""

    version = models.ForeignKey(LetterVersion, on_delete=models.CASCADE, related_name="pdfs")
    final = models.BooleanField(default=False)
    file = models.FileField(upload_to=pdf_upload_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    manifest = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "final"], name="one_pdf_per_version_and_kind")]

    @property
    def is_ready(self) -> bool:
        return self.rendered_at is not None and not self.failure

    def failure_message(self) -> str:
        """Why it could not be drawn, in the reader's language (the worker keeps only a code)."""
        kind, _sep, detail = self.failure.partition(":")
        if kind == FAILED_GLYPHS:
            return gettext(
                "The letter's fonts cannot print these characters: %(characters)s. Remove or replace them, "
                "save a new version and have it approved."
            ) % {"characters": " ".join(detail)}
        if kind == FAILED_TIMEOUT:
            return gettext("Drawing the letter took too long. Try again; if it happens again, shorten the letter.")
        return gettext("The letter could not be drawn. Try again in a moment.")


def signature_upload_path(instance: "SigningAsset", filename: str) -> str:
    # Random names, kept out of the public media: a signature image must never be guessable.
    return f"signatures/{uuid.uuid4().hex}.png"


class SigningAuthority(models.Model):
    """A person other than the organisation's admins who may approve letters in its name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="signing_authorities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_signing_authority_per_person")]


class SigningAsset(models.Model):
    """Who signs the organisation's letters, with their title and signature image.

    Used only once the signatory has confirmed it themselves; a replaced one is retired, never
    deleted, because versions already approved name it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="signing_assets")
    signatory = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("signatory's name"), max_length=200)
    title = models.CharField(_("signatory's title"), max_length=200)
    signature = models.FileField(upload_to=signature_upload_path)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(confirmed_at__isnull=False, retired_at__isnull=True),
                name="one_confirmed_signing_asset_per_org",
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"

    @property
    def is_current(self) -> bool:
        return self.confirmed_at is not None and self.retired_at is None


class DeliveryMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    HAND = "hand", _("Hand delivery")
    POST = "post", _("Post")
    MEETING = "meeting", _("In a meeting")


class LetterDelivery(models.Model):
    """The final letter reached one of its addressees, and what came back."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(_("delivered on"))
    method = models.CharField(_("how"), max_length=16, choices=DeliveryMethod.choices)
    delivered_to = models.CharField(_("received by"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    response = models.CharField(_("response"), max_length=16, choices=Outcome.choices, default=Outcome.NO_RESPONSE)
    response_on = models.DateField(_("response received on"), null=True, blank=True)
    response_summary = models.TextField(_("what they answered"), blank=True)
    follow_up = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-delivered_on", "-pk"]
