"""Every change to letters, their versions and approvals, and to organisations' signing assets."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from coalitions.errors import DomainError
from coalitions.mail import outbox_mail
from coalitions.models import Affiliation, AffiliationRole, Organisation, User

from .assets import signature_reencode
from .models import SigningAsset, SigningAuthority
from .selectors import has_signing_authority

# Letters and versions ------------------------------------------------------------------------


# Signing authority and assets ----------------------------------------------------------------
# An organisation's signing authority and assets are its own affairs, not a coalition's shared
# state: they get no entry in a coalition's audit trail, which every partner and observer reads,
# and which an organisation outside any coalition would not have. The rows keep who granted or
# uploaded what, and when.


def _is_admin(*, organisation: Organisation, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return Affiliation.objects.filter(organisation=organisation, user=user, role=AffiliationRole.ADMIN).exists()


def _require_admin(*, organisation: Organisation, user: User) -> None:
    if not _is_admin(organisation=organisation, user=user):
        raise PermissionDenied


def _belongs(*, organisation: Organisation, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return Affiliation.objects.filter(organisation=organisation, user=user, user__is_active=True).exists()


def _staff_member(*, organisation: Organisation, user: User) -> None:
    """Signing authority is granted to staff: admins have it anyway, outsiders never."""
    affiliation = Affiliation.objects.filter(organisation=organisation, user=user).first()
    names = {"person": user.name_at(organisation), "organisation": organisation.short_name}
    if affiliation is None:
        raise DomainError(_("%(person)s is not one of the people of %(organisation)s.") % names)
    if affiliation.is_admin:
        raise DomainError(_("%(person)s is an admin of %(organisation)s and may always sign in its name.") % names)


@transaction.atomic
def signing_authority_grant(*, organisation: Organisation, by: User, user: User) -> SigningAuthority:
    _require_admin(organisation=organisation, user=by)
    _staff_member(organisation=organisation, user=user)
    if has_signing_authority(user=user, organisation=organisation):
        raise DomainError(_("%(person)s already has signing authority.") % {"person": user.name_at(organisation)})
    # A grant from before the person last joined counts for nothing (letters/selectors.py): it is renewed.
    authority, _created = SigningAuthority.objects.update_or_create(
        organisation=organisation, user=user, defaults={"granted_by": by, "granted_at": timezone.now()}
    )
    return authority


@transaction.atomic
def signing_authority_revoke(*, organisation: Organisation, by: User, user: User) -> None:
    _require_admin(organisation=organisation, user=by)
    _staff_member(organisation=organisation, user=user)
    if not has_signing_authority(user=user, organisation=organisation):
        raise DomainError(_("%(person)s has no signing authority to withdraw.") % {"person": user.name_at(organisation)})
    SigningAuthority.objects.filter(organisation=organisation, user=user).delete()


def _signing_assets_locked(organisation: Organisation) -> list[SigningAsset]:
    """The organisation's assets that are not retired, locked until commit.

    Uploads, confirmations and withdrawals for one organisation take turns on its row, so that
    two of them cannot each see no current signature and both make one.
    """
    Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
    return list(SigningAsset.objects.select_for_update().filter(organisation=organisation, retired_at__isnull=True))


def _confirm_locked(asset: SigningAsset, assets: list[SigningAsset]) -> None:
    now = timezone.now()
    # The previous one is retired first: the database holds at most one confirmed asset that is
    # not retired per organisation (one_confirmed_signing_asset_per_org), at every statement.
    SigningAsset.objects.filter(pk__in=[other.pk for other in assets if other.is_current]).update(retired_at=now)
    asset.confirmed_at = now
    asset.save(update_fields=["confirmed_at"])


def _delete_unconfirmed(asset: SigningAsset) -> None:
    """An asset never confirmed was never used, so nothing refers to it: it goes, with its image."""
    storage, name = asset.signature.storage, asset.signature.name
    asset.delete()
    # The file goes once the change is committed; a change rolled back keeps it.
    transaction.on_commit(lambda: storage.delete(name))


def _ask_signatory_to_confirm(asset: SigningAsset, by: User) -> None:
    signatory, organisation = asset.signatory, asset.organisation
    outbox_mail(
        to=signatory.email,
        template="letters/email/signing_asset_confirm",
        context={
            # Written to the person themselves, who may see their own address.
            "name": signatory.display_name or signatory.email,
            "organisation": organisation.name,
            # Lazy, so that the uploader is named in the signatory's language.
            "uploader": lazy(lambda: capfirst(by.name_at(organisation)), str)(),
            "signatory_name": asset.name,
            "title": asset.title,
            # A page of the site, not a token: it works only for the signatory, signed in.
            "url": settings.SITE_URL + reverse("signing_asset_confirm", args=[organisation.pk, asset.pk]),
        },
        language=signatory.language,
    )


@transaction.atomic
def signing_asset_create(
    *,
    organisation: Organisation,
    by: User,
    signatory: User,
    name: str,
    title: str,
    signature_upload,
    confirm: bool = False,
) -> SigningAsset:
    """A new signature for the organisation's letters, used once its signatory confirms it.

    Admins upload it for any of the organisation's people; a person with signing authority for
    themselves. Signatories who upload their own may confirm it at once (`confirm`); anyone
    else's upload is mailed to the signatory to confirm. It replaces an upload still unconfirmed.
    """
    uploads_own = by.is_authenticated and by.pk == signatory.pk
    if not _is_admin(organisation=organisation, user=by) and not (
        uploads_own and has_signing_authority(user=by, organisation=organisation)
    ):
        raise PermissionDenied
    if not _belongs(organisation=organisation, user=signatory):
        raise DomainError(
            _("%(person)s is not one of the people of %(organisation)s.")
            % {"person": signatory.name_at(organisation), "organisation": organisation.short_name}
        )
    name, title = name.strip(), title.strip()
    if not name or not title:
        raise DomainError(_("Give the signatory's name and title as letters should print them."))
    try:
        signature = signature_reencode(signature_upload)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from error
    assets = _signing_assets_locked(organisation)
    for unconfirmed in [asset for asset in assets if asset.confirmed_at is None]:
        _delete_unconfirmed(unconfirmed)
    asset = SigningAsset(organisation=organisation, signatory=signatory, name=name, title=title, created_by=by)
    asset.signature.save("signature.png", signature, save=False)
    try:
        asset.save()
        if uploads_own and confirm:
            _confirm_locked(asset, assets)
        elif not uploads_own:
            _ask_signatory_to_confirm(asset, by)
    except Exception:
        # Whatever stops the change leaves no signature image behind.
        asset.signature.storage.delete(asset.signature.name)
        raise
    return asset


def _locked_again(asset: SigningAsset) -> tuple[SigningAsset | None, list[SigningAsset]]:
    assets = _signing_assets_locked(asset.organisation)
    return next((other for other in assets if other.pk == asset.pk), None), assets


@transaction.atomic
def signing_asset_confirm(*, asset: SigningAsset, by: User) -> SigningAsset:
    """The signatory, and no one else, confirms their signature; it replaces the current one."""
    if asset.signatory_id != by.pk or not _belongs(organisation=asset.organisation, user=by):
        raise PermissionDenied
    locked, assets = _locked_again(asset)
    if locked is None or locked.confirmed_at is not None:
        raise DomainError(_("This signature has already been confirmed, replaced or withdrawn."))
    _confirm_locked(locked, assets)
    return locked


@transaction.atomic
def signing_asset_retire(*, asset: SigningAsset, by: User) -> None:
    """An admin or the signatory withdraws a signature.

    A confirmed one is only retired, as versions of letters name it; one never confirmed goes.
    """
    is_signatory = asset.signatory_id == by.pk and _belongs(organisation=asset.organisation, user=by)
    if not is_signatory:
        _require_admin(organisation=asset.organisation, user=by)
    locked, _assets = _locked_again(asset)
    if locked is None:
        raise DomainError(_("This signature has already been replaced or withdrawn."))
    if locked.confirmed_at is None:
        _delete_unconfirmed(locked)
    else:
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at"])
