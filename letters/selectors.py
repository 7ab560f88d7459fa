"""What the letters app reads: who may sign for an organisation, and its signing page."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from coalitions.models import Affiliation, AffiliationRole, Organisation, User

from .models import SigningAsset, SigningAuthority


def _signing_affiliations(organisation: Organisation) -> QuerySet[Affiliation]:
    """The organisation's active people, each marked with whether they may sign for it.

    Its admins always may; staff only with a grant made since they (last) joined: a person who
    left and is invited back does not find an authority given to them before they left.
    """
    grant = SigningAuthority.objects.filter(
        organisation=OuterRef("organisation"), user=OuterRef("user"), granted_at__gte=OuterRef("joined_at")
    )
    return (
        Affiliation.objects.filter(organisation=organisation, user__is_active=True)
        .annotate(granted=Exists(grant))
        .annotate(may_sign=Q(role=AffiliationRole.ADMIN) | Q(granted=True))
    )


def has_signing_authority(*, user: User, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return _signing_affiliations(organisation).filter(user=user, may_sign=True).exists()


def signing_people(organisation: Organisation) -> list[User]:
    """Everyone who may approve letters in the organisation's name."""
    return [
        affiliation.user
        for affiliation in _signing_affiliations(organisation)
        .filter(may_sign=True)
        .select_related("user")
        .order_by("user__display_name", "user__pk")
    ]


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
        _signing_affiliations(organisation).select_related("user").order_by("user__display_name", "user__pk")
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
