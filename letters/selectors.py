"""Reads about letters and signing that views, services and the worker share."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from campaigns.selectors import LIVE_CAMPAIGN_STATUSES
from coalitions.access import coalitions_withheld_for_mfa
from coalitions.models import Affiliation, AffiliationRole, Organisation, User
from signatures.models import Petition, SignatureChannel
from signatures.selectors import petition_counts, public_region_counts

from .document import Approval, Cosigner, LetterDocument, PetitionAnnex, Recipient, Signatory
from .models import Decision, Letter, LetterDecision, LetterStatus, LetterVersion, SigningAsset, SigningAuthority
from .versions import signatories_changed

# Signing authority ---------------------------------------------------------------------------

def _signing_affiliations(**filters) -> QuerySet[Affiliation]:
    """The organisation's active people, each marked with whether they may sign for it.

    Its admins always may; staff only with a grant made since they (last) joined: a person who
    left and is invited back does not find an authority given to them before they left.
    """
    grant = SigningAuthority.objects.filter(
        organisation=OuterRef("organisation"), user=OuterRef("user"), granted_at__gte=OuterRef("joined_at")
    )
    return (
        Affiliation.objects.filter(user__is_active=True, **filters)
        .annotate(granted=Exists(grant))
        .annotate(may_sign=Q(role=AffiliationRole.ADMIN) | Q(granted=True))
    )


def has_signing_authority(*, user: User, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return _signing_affiliations(organisation=organisation, user=user).filter(may_sign=True).exists()


def signing_people(organisation: Organisation) -> list[User]:
    """Everyone who may approve letters in the organisation's name."""
    return [
        affiliation.user
        for affiliation in _signing_affiliations(organisation=organisation)
        .filter(may_sign=True)
        .select_related("user")
        .order_by("user__display_name", "user__pk")
    ]


def signing_organisation_ids(user, organisation_ids) -> set[int]:
    """Which of these organisations `user` may approve letters for, in one query."""
    organisation_ids = list(organisation_ids)
    if not user.is_authenticated or not organisation_ids:
        return set()
    return set(
        _signing_affiliations(user=user, organisation_id__in=list(organisation_ids))
        .filter(may_sign=True)
        .values_list("organisation_id", flat=True)
    )


def signing_people_by_organisation(organisation_ids) -> dict[int, list[User]]:
    """`signing_people` of several organisations, in one query, for the mails a letter sends."""
    people: dict[int, list[User]] = {pk: [] for pk in organisation_ids}
    affiliations = (
        _signing_affiliations(organisation_id__in=list(people)).filter(may_sign=True).select_related("user")
    )
    for affiliation in affiliations:
        people[affiliation.organisation_id].append(affiliation.user)
    return people


@dataclass
class SigningOverview:
    """The organisation's signing page, for one of its people."""

    current: SigningAsset | None
    pending: SigningAsset | None
    admins: list[User]
    # Staff with signing authority, and staff who could be given it.
    granted: list[User]
    grantable: list[User]
    # Whom the viewer may upload a signature for: everyone for an admin, themselves for staff
    # with signing authority, no one for other staff.
    uploadable_for: list[User]
    viewer_is_admin: bool

    def shows_signature_of(self, asset: SigningAsset | None, viewer: User) -> bool:
        """A signature image is seen by the organisation's admins and by the signatory alone."""
        return asset is not None and (self.viewer_is_admin or asset.signatory_id == viewer.pk)


def signing_overview(*, organisation: Organisation, viewer: User) -> SigningOverview:
    affiliations = list(
        _signing_affiliations(organisation=organisation).select_related("user").order_by("user__display_name", "user__pk")
    )
    assets = list(organisation.signing_assets.filter(retired_at__isnull=True).select_related("signatory"))
    admins = [a.user for a in affiliations if a.role == AffiliationRole.ADMIN]
    staff = [a for a in affiliations if a.role != AffiliationRole.ADMIN]
    viewer_is_admin = any(user.pk == viewer.pk for user in admins)
    viewer_may_sign = viewer_is_admin or any(a.user_id == viewer.pk and a.granted for a in staff)
    if viewer_is_admin:
        uploadable_for = [a.user for a in affiliations]
    else:
        uploadable_for = [viewer] if viewer_may_sign else []
    return SigningOverview(
        current=next((asset for asset in assets if asset.is_current), None),
        pending=next((asset for asset in assets if asset.confirmed_at is None), None),
        admins=admins,
        granted=[a.user for a in staff if a.granted],
        grantable=[a.user for a in staff if not a.granted],
        uploadable_for=uploadable_for,
        viewer_is_admin=viewer_is_admin,
    )


# Where each co-signer stands ------------------------------------------------------------------


class Standing:
    APPROVED = "approved"
    STALE = "stale"
    CHANGES = "changes"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    WAITING = "waiting"


@dataclass
class CosignerState:
    organisation_id: int
    name: str
    named: bool
    signatory: dict | None
    standing: str
    decision: LetterDecision | None
    history: list[LetterDecision]

    @property
    def approved(self) -> bool:
        return self.standing == Standing.APPROVED

    @property
    def to_act(self) -> bool:
        return self.standing in (Standing.WAITING, Standing.STALE, Standing.WITHDRAWN)


def _standing(decision: LetterDecision | None, version: LetterVersion) -> str:
    if decision is None:
        return Standing.WAITING
    if decision.decision == Decision.APPROVE:
        return Standing.APPROVED if decision.version_id == version.pk else Standing.STALE
    return {
        Decision.CHANGES: Standing.CHANGES, Decision.DECLINE: Standing.DECLINED, Decision.WITHDRAW: Standing.WITHDRAWN
    }[decision.decision]


def cosigner_states(letter: Letter, decisions: list[LetterDecision] | None = None) -> list[CosignerState]:
    """Each co-signer of the current version with its latest decision, newest decisions first."""
    version = letter.current_version
    if decisions is None:
        decisions = list(letter.decisions.select_related("version"))
    by_organisation: dict[int, list[LetterDecision]] = {}
    for decision in decisions:
        by_organisation.setdefault(decision.organisation_id, []).append(decision)
    states = []
    for cosigner in version.content["cosigners"]:
        history = by_organisation.get(cosigner["organisation_id"], [])
        latest = history[0] if history else None
        states.append(
            CosignerState(
                organisation_id=cosigner["organisation_id"], name=cosigner["name"], named=cosigner["named"],
                signatory=cosigner["signatory"], standing=_standing(latest, version), decision=latest, history=history,
            )
        )
    return states


@dataclass(frozen=True)
class Readiness:
    ready: bool
    waiting_for: list[str]
    without_signatory: list[str]
    signatory_changed: list[str]


def letter_readiness(letter: Letter, states: list[CosignerState] | None = None) -> Readiness:
    """Whether the lead may finalise: every co-signer approved this very version, and every named
    one has a confirmed signatory that is still its signatory."""
    states = cosigner_states(letter) if states is None else states
    waiting = [state.name for state in states if not state.approved]
    without = [state.name for state in states if state.named and state.signatory is None]
    changed = signatories_changed(letter.current_version.content)
    return Readiness(
        ready=bool(states) and not waiting and not without and not changed,
        waiting_for=waiting, without_signatory=without, signatory_changed=changed,
    )


def letter_list(campaign) -> list[Letter]:
    return list(
        Letter.objects.filter(campaign=campaign)
        .select_related("current_version")
        .prefetch_related(Prefetch("decisions", queryset=LetterDecision.objects.select_related("version")))
    )


# What the PDF is drawn from -------------------------------------------------------------------


def verification_url(letter: Letter) -> str:
    return settings.SITE_URL + reverse("letter_verify", args=[letter.verification_code])


def _read(field_file) -> bytes | None:
    if not field_file:
        return None
    with field_file.open("rb") as handle:
        return handle.read()


def petition_annex(petition_id: int, title: str) -> PetitionAnnex | None:
    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None:
        return None
    counts = petition_counts(petition)
    channels = (
        (str(SignatureChannel.ONLINE.label), counts.online),
        (str(SignatureChannel.FIELD.label), counts.field),
        (str(SignatureChannel.PAPER.label), counts.paper),
    )
    return PetitionAnnex(
        title=title, total=counts.total, by_region=tuple(public_region_counts(petition)),
        by_channel=tuple((label, n) for label, n in channels if n),
    )


def letter_document(version: LetterVersion, *, final: bool, on_screen: bool = False) -> LetterDocument:
    """Everything the renderer needs for a saved version. Signature images go only into a final letter."""
    letter = version.letter
    approvals, unnamed_approvals = (), 0
    if final:
        named, hidden = approval_times(letter, version)
        approvals = tuple(
            Approval(organisation=name, version_sha256=version.sha256, approved_at=at) for name, at in named
        )
        unnamed_approvals = len(hidden)
    return content_document(
        version.content, final=final, number=version.number,
        sha256=version.sha256, verification=verification_url(letter) if final else "", approvals=approvals,
        unnamed_approvals=unnamed_approvals, on_screen=on_screen,
    )


def content_document(
    content: dict, *, final: bool = False, number: int = 0, sha256: str = "",
    verification: str = "", approvals: tuple[Approval, ...] = (), unnamed_approvals: int = 0, on_screen: bool = False,
) -> LetterDocument:
    """A document from a version's content, saved or only previewed.

    `on_screen`: for a page, which links the logos rather than embedding them and never shows a
    signature image (the PDF carries those), so that a phone loads no image twice.
    """
    named = [cosigner for cosigner in content["cosigners"] if cosigner["named"]]
    organisations = Organisation.objects.in_bulk([cosigner["organisation_id"] for cosigner in named])
    asset_ids = [cosigner["signatory"]["asset_id"] for cosigner in named if cosigner["signatory"]]
    assets = SigningAsset.objects.in_bulk(asset_ids) if final and not on_screen else {}

    def cosigner(entry: dict) -> Cosigner:
        organisation = organisations.get(entry["organisation_id"])
        signatory = entry["signatory"]
        asset = assets.get(signatory["asset_id"]) if signatory else None
        has_logo = organisation is not None and bool(organisation.logo)
        return Cosigner(
            name=entry["name"], acronym=entry["acronym"],
            logo_png=_read(organisation.logo) if has_logo and not on_screen else None,
            logo_url=reverse("organisation_logo", args=[organisation.pk]) if has_logo and on_screen else "",
            signatory=Signatory(
                name=signatory["name"], title=signatory["title"],
                signature_png=_read(asset.signature) if asset is not None else None,
            ) if signatory else None,
        )

    petition = content.get("petition")
    return LetterDocument(
        subject=content["subject"], body_markdown=content["body"], language=content["language"],
        place=content["place"], date=date.fromisoformat(content["date"]),
        recipients=tuple(
            Recipient(name=t["name"], title=t["title"], institution=t["institution"], address=t["address"])
            for t in content["targets"]
        ),
        cosigners=tuple(cosigner(entry) for entry in named),
        unnamed_count=len(content["cosigners"]) - len(named),
        final=final, version_number=number, version_sha256=sha256,
        # The organisations that sign it, not the coalition: a coalition's existence may be private.
        author=", ".join(entry["acronym"] or entry["name"] for entry in named),
        verification_url=verification,
        petition=petition_annex(petition["id"], petition["title"]) if petition else None,
        approvals=approvals, unnamed_approvals=unnamed_approvals,
    )


def approval_times(letter: Letter, version: LetterVersion) -> tuple[list[tuple[str, datetime]], list[datetime]]:
    """When each named co-signer approved this version, and when the unnamed ones did, without
    saying who they are: for the manifest and the public verification page."""
    named = {c["organisation_id"]: c["name"] for c in version.content["cosigners"] if c["named"]}
    cosigners = set(version.cosigner_ids)
    latest: dict[int, LetterDecision] = {}
    for decision in letter.decisions.filter(organisation_id__in=cosigners).order_by("decided_at", "pk"):
        latest[decision.organisation_id] = decision
    shown, hidden = [], []
    for organisation_id, decision in latest.items():
        if decision.decision != Decision.APPROVE or decision.version_id != version.pk:
            continue
        if organisation_id in named:
            shown.append((named[organisation_id], decision.decided_at))
        else:
            hidden.append(decision.decided_at)
    return sorted(shown, key=lambda item: item[1]), sorted(hidden)



# The home page ------------------------------------------------------------------------------


def letters_awaiting_decision(user) -> list[Letter]:
    """Open letters whose current version one of the person's organisations may approve and has not."""
    letters = list(
        Letter.objects.filter(
            status=LetterStatus.DRAFT, campaign__status__in=LIVE_CAMPAIGN_STATUSES,
            campaign__coalition__participations__organisation__affiliations__user=user,
        )
        .exclude(campaign__coalition__in=coalitions_withheld_for_mfa(user))
        .distinct()
        .select_related("current_version", "campaign__coalition")
        .prefetch_related(Prefetch("decisions", queryset=LetterDecision.objects.select_related("version")))
        .order_by("created_at", "pk")
    )
    cosigning = {pk for letter in letters for pk in letter.current_version.cosigner_ids}
    signing_for = signing_organisation_ids(user, cosigning)
    waiting = []
    for letter in letters:
        states = cosigner_states(letter, list(letter.decisions.all()))
        letter.waiting_for = [s.name for s in states if s.organisation_id in signing_for and s.to_act]
        if letter.waiting_for:
            waiting.append(letter)
    return waiting


def home_section(user) -> dict | None:
    letters = letters_awaiting_decision(user)
    return {"template": "letters/includes/home_letters.html", "items": letters} if letters else None
