"""An organisation's signing page: who signs its letters, with what signature, and who approves them.

A signature image is seen by the organisation's admins and its signatory only; everyone else,
the organisation's own staff included, gets 404 for it, as for a page of an organisation they
do not belong to.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions.access import get_organisation_for_user
from coalitions.errors import DomainError
from coalitions.models import Organisation

from .. import services
from ..forms import PersonForm, SigningAssetForm
from ..models import SigningAsset
from ..selectors import SigningOverview, signing_overview


def _page(request, organisation: Organisation, overview: SigningOverview, *, upload_form=None, grant_form=None):
    if upload_form is None and overview.uploadable_for:
        # Staff with signing authority upload only their own: their name is the likely one.
        uploads_own_only = overview.uploadable_for == [request.user]
        upload_form = SigningAssetForm(
            people=overview.uploadable_for,
            initial={"signatory": request.user.pk, "name": request.user.display_name if uploads_own_only else ""},
        )
    if grant_form is None and overview.viewer_is_admin:
        grant_form = PersonForm(people=overview.grantable)
    return render(
        request,
        "letters/signing.html",
        {
            "organisation": organisation,
            "overview": overview,
            "shows_current_signature": overview.shows_signature_of(overview.current, request.user),
            "shows_pending_signature": overview.shows_signature_of(overview.pending, request.user),
            "upload_form": upload_form,
            "grant_form": grant_form,
        },
    )


@login_required
def signing_page(request, organisation_id: int):
    """The page, for all of the organisation's people; a POST uploads a signature."""
    organisation = get_organisation_for_user(request.user, organisation_id)
    overview = signing_overview(organisation=organisation, viewer=request.user)
    if request.method != "POST":
        return _page(request, organisation, overview)
    if not overview.uploadable_for:
        raise PermissionDenied
    form = SigningAssetForm(request.POST, request.FILES, people=overview.uploadable_for)
    if form.is_valid():
        try:
            asset = services.signing_asset_create(organisation=organisation, by=request.user, **form.service_kwargs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _upload_done(asset, request.user))
            return redirect("signing_page", organisation.pk)
    return _page(request, organisation, overview, upload_form=form)


def _upload_done(asset: SigningAsset, by) -> str:
    if asset.is_current:
        return _("Your signature is now used on the letters of %(organisation)s.") % {
            "organisation": asset.organisation.short_name
        }
    if asset.signatory_id == by.pk:
        return _("Your signature is saved. It is used on letters once you confirm it below.")
    return _("%(person)s has been asked by mail to confirm the signature. It is used on letters once they do.") % {
        "person": asset.signatory.name_at(asset.organisation)
    }


def _asset(organisation: Organisation, asset_id: int) -> SigningAsset:
    return get_object_or_404(
        SigningAsset.objects.select_related("organisation", "signatory"),
        pk=asset_id, organisation=organisation, retired_at__isnull=True,
    )


def _signatorys_asset(request, organisation_id: int, asset_id: int) -> SigningAsset:
    """An asset for its signatory alone: the address in the confirmation mail is no key, and
    whoever else opens it, even signed in and of the same organisation, finds nothing there."""
    organisation = get_organisation_for_user(request.user, organisation_id)
    asset = _asset(organisation, asset_id)
    if asset.signatory_id != request.user.pk:
        raise Http404
    return asset


@login_required
def signing_asset_confirm(request, organisation_id: int, asset_id: int):
    """Where the mail leads the signatory. Confirming takes a POST: mail scanners follow links."""
    asset = _signatorys_asset(request, organisation_id, asset_id)
    if asset.confirmed_at is not None:
        messages.info(request, _("You have already confirmed this signature."))
        return redirect("signing_page", organisation_id)
    if request.method == "POST":
        try:
            services.signing_asset_confirm(asset=asset, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your signature is now used on the letters of %(organisation)s.") % {
                "organisation": asset.organisation.short_name
            })
        return redirect("signing_page", organisation_id)
    return render(request, "letters/signing_asset_confirm.html", {"organisation": asset.organisation, "asset": asset})


@login_required
def signing_asset_image(request, organisation_id: int, asset_id: int):
    organisation = get_organisation_for_user(request.user, organisation_id)
    asset = _asset(organisation, asset_id)
    if asset.signatory_id != request.user.pk and not organisation.viewer_affiliation.is_admin:
        raise Http404
    response = FileResponse(asset.signature.open("rb"), content_type="image/png")
    # Never kept by a browser's cache or a proxy, and shown rather than saved among downloads.
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="signature.png"'
    return response


@login_required
@require_POST
def signing_asset_retire(request, organisation_id: int, asset_id: int):
    organisation = get_organisation_for_user(request.user, organisation_id)
    asset = _asset(organisation, asset_id)
    try:
        services.signing_asset_retire(asset=asset, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The signature has been withdrawn."))
    return redirect("signing_page", organisation.pk)


def _names(person, organisation: Organisation) -> dict[str, str]:
    return {"person": person.name_at(organisation), "organisation": organisation.short_name}


@login_required
@require_POST
def signing_authority_grant(request, organisation_id: int):
    organisation = get_organisation_for_user(request.user, organisation_id, need="admin")
    overview = signing_overview(organisation=organisation, viewer=request.user)
    form = PersonForm(request.POST, people=overview.grantable)
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.signing_authority_grant(organisation=organisation, by=request.user, user=person)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(person)s may now approve letters in the name of %(organisation)s.") % _names(person, organisation)
            )
            return redirect("signing_page", organisation.pk)
    return _page(request, organisation, overview, grant_form=form)


@login_required
@require_POST
def signing_authority_revoke(request, organisation_id: int, user_id: int):
    organisation = get_organisation_for_user(request.user, organisation_id, need="admin")
    person = get_object_or_404(organisation.affiliations.select_related("user"), user_id=user_id).user
    try:
        services.signing_authority_revoke(organisation=organisation, by=request.user, user=person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(person)s may no longer approve letters in the name of %(organisation)s.") % _names(person, organisation)
        )
    return redirect("signing_page", organisation.pk)
