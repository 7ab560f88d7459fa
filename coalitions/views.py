from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import (
    get_coalition_for_user,
    get_organisation_for_user,
    get_participation_for_user,
    organisation_visible_to,
)
from .audit import describe_entry
from .errors import DomainError
from .forms import (
    AcceptInvitationForm,
    CoalitionCreateForm,
    CoalitionInviteForm,
    CoalitionSettingsForm,
    LeaveForm,
    NewOrganisationForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
    StaffInviteForm,
    StaffRoleForm,
)
from .http import safe_next_url
from .models import Affiliation, CoalitionInvitation, Organisation, StaffInvitation, hash_token


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "coalitions/profile.html", {"form": form})


@require_POST
def language_set(request):
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next_url(request, reverse("home")))
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


# Organisations -------------------------------------------------------------------------------


@login_required
def organisation_create(request):
    form = NewOrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(by=request.user, **form.service_kwargs())
        messages.success(request, _("%(organisation)s has been registered. You are its admin.") % {"organisation": organisation})
        return redirect(safe_next_url(request, reverse("organisation_detail", args=[organisation.pk])))
    return render(request, "coalitions/organisation_form.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def organisation_detail(request, organisation_id: int):
    organisation = get_organisation_for_user(request.user, organisation_id)
    is_admin = organisation.viewer_affiliation.is_admin
    invite_form = StaffInviteForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if invite_form.is_valid():
            try:
                services.staff_invite(organisation=organisation, by=request.user, base_url=_base_url(request), **invite_form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % invite_form.cleaned_data)
                return redirect("organisation_detail", organisation.pk)
    return render(
        request,
        "coalitions/organisation_detail.html",
        {"organisation": organisation, "is_admin": is_admin, "invite_form": invite_form, **selectors.organisation_overview(organisation)},
    )


@login_required
def organisation_edit(request, organisation_id: int):
    organisation = get_organisation_for_user(request.user, organisation_id, need="admin")
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(organisation=organisation, by=request.user, **form.service_kwargs())
        messages.success(request, _("The organisation has been saved."))
        return redirect("organisation_detail", organisation.pk)
    return render(request, "coalitions/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def organisation_logo(request, organisation_id: int):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not organisation.logo or not organisation_visible_to(request.user, organisation):
        raise Http404
    response = FileResponse(organisation.logo.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _affiliation_for_admin(request, organisation_id: int, affiliation_id: int) -> Affiliation:
    organisation = get_organisation_for_user(request.user, organisation_id)
    affiliation = get_object_or_404(Affiliation.objects.select_related("organisation", "user"), pk=affiliation_id, organisation=organisation)
    if affiliation.user_id != request.user.pk and not organisation.viewer_affiliation.is_admin:
        raise PermissionDenied
    return affiliation


@login_required
@require_POST
def staff_role(request, organisation_id: int, affiliation_id: int):
    affiliation = _affiliation_for_admin(request, organisation_id, affiliation_id)
    form = StaffRoleForm(request.POST)
    if form.is_valid():
        try:
            services.staff_role_change(affiliation=affiliation, by=request.user, role=form.cleaned_data["role"])
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("organisation_detail", organisation_id)


@login_required
@require_POST
def staff_vote(request, organisation_id: int, affiliation_id: int):
    affiliation = _affiliation_for_admin(request, organisation_id, affiliation_id)
    services.staff_vote_set(affiliation=affiliation, by=request.user, may_vote=request.POST.get("may_vote") == "1")
    return redirect("organisation_detail", organisation_id)


@login_required
@require_POST
def staff_remove(request, organisation_id: int, affiliation_id: int):
    affiliation = _affiliation_for_admin(request, organisation_id, affiliation_id)
    try:
        services.staff_remove(affiliation=affiliation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("organisation_detail", organisation_id)
    if affiliation.user_id == request.user.pk:
        return redirect("home")
    return redirect("organisation_detail", organisation_id)


# Invitations by token ------------------------------------------------------------------------


def _invitation_by_token(queryset, token: str):
    invitation = queryset.filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise Http404
    return invitation


def _anonymous_invitation_page(request, invitation, context: dict):
    # The token arrived by mail at this address, so signing up with it needs no second check.
    get_adapter(request).stash_verified_email(request, invitation.email)
    here = request.get_full_path()
    return render(
        request,
        "coalitions/invitation_anonymous.html",
        {
            **context,
            "invitation": invitation,
            "signup_url": reverse("account_signup") + "?" + urlencode({"email": invitation.email, "next": here}),
            "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
        },
    )


def _wrong_account_page(request, invitation):
    # Only what the holder of the link needs to put it right: nothing about who invites whom.
    return render(request, "coalitions/invitation_wrong_account.html", {"invitation": invitation}, status=403)


def coalition_invitation(request, token: str):
    invitation = _invitation_by_token(CoalitionInvitation.objects.select_related("coalition", "invited_by"), token)
    context = {"invitation": invitation, "kind": "coalition"}
    if not invitation.is_usable(timezone.now()):
        return render(request, "coalitions/invitation_unusable.html", context, status=410)
    if not request.user.is_authenticated:
        return _anonymous_invitation_page(request, invitation, context)
    if not services.invitation_is_for(invitation, request.user):
        return _wrong_account_page(request, invitation)
    organisations = selectors.organisations_administered_by(request.user)
    form = AcceptInvitationForm(request.POST or None, organisations=organisations)
    # Beside a choice of existing organisations the new one is optional: no `required` in the HTML,
    # or the browser would refuse to submit a choice of an existing one.
    org_form = NewOrganisationForm(
        request.POST or None, request.FILES or None, prefix="new", initial={"name": invitation.organisation_name},
        use_required_attribute=not organisations.exists(),
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if organisation is not None or org_form.is_valid():
            try:
                services.coalition_invitation_accept(
                    invitation=invitation,
                    user=request.user,
                    organisation=organisation,
                    new_organisation=None if organisation else org_form.service_kwargs(),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Welcome to %(coalition)s.") % {"coalition": invitation.coalition})
                return redirect("coalition_detail", invitation.coalition.slug)
    return render(request, "coalitions/coalition_invitation.html", {**context, "form": form, "org_form": org_form, "has_organisations": organisations.exists()})


def staff_invitation(request, token: str):
    invitation = _invitation_by_token(StaffInvitation.objects.select_related("organisation", "invited_by"), token)
    context = {"invitation": invitation, "kind": "staff"}
    if not invitation.is_usable(timezone.now()):
        return render(request, "coalitions/invitation_unusable.html", context, status=410)
    if not request.user.is_authenticated:
        return _anonymous_invitation_page(request, invitation, context)
    if not services.invitation_is_for(invitation, request.user):
        return _wrong_account_page(request, invitation)
    if request.method == "POST":
        try:
            services.staff_invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You now belong to %(organisation)s.") % {"organisation": invitation.organisation.name})
            return redirect("organisation_detail", invitation.organisation_id)
    return render(request, "coalitions/staff_invitation.html", context)


# Coalitions ----------------------------------------------------------------------------------


@login_required
def coalition_create(request):
    organisations = selectors.organisations_administered_by(request.user)
    if not organisations.exists():
        messages.info(request, _("First register your organisation: a coalition is made of organisations."))
        return redirect(reverse("organisation_create") + "?" + urlencode({"next": reverse("coalition_create")}))
    form = CoalitionCreateForm(request.POST or None, organisations=organisations, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            coalition = services.coalition_create(by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("slug", error.message)
        else:
            messages.success(request, _("The coalition has been created. Invite its organisations next."))
            return redirect("coalition_detail", coalition.slug)
    return render(request, "coalitions/coalition_create.html", {"form": form})


@login_required
def coalition_organisations(request, slug: str):
    """Every partner and its people; for leads also roles, removals and invitations not yet accepted."""
    coalition = get_coalition_for_user(request.user, slug)
    overview = selectors.coalition_overview(coalition=coalition, access=coalition.access, activity_limit=0)
    return render(
        request,
        "coalitions/coalition_organisations.html",
        {
            "coalition": coalition,
            "access": coalition.access,
            "overview": overview,
            "role_form": RoleForm(),
            "leave_form": LeaveForm(organisations=Organisation.objects.filter(pk__in=coalition.access.admin_organisation_ids)),
        },
    )


@login_required
def coalition_settings(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    form = CoalitionSettingsForm(request.POST or None, instance=coalition)
    if request.method == "POST" and form.is_valid():
        services.coalition_update(coalition=coalition, by=request.user, **form.cleaned_data)
        messages.success(request, _("The coalition's settings have been saved."))
        return redirect("coalition_detail", coalition.slug)
    return render(request, "coalitions/coalition_settings.html", {"coalition": coalition, "form": form})


@login_required
def coalition_invite(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    form = CoalitionInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coalition_invite(coalition=coalition, by=request.user, base_url=_base_url(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("coalition_detail", coalition.slug)
    return render(request, "coalitions/coalition_invite.html", {"coalition": coalition, "form": form})


@login_required
@require_POST
def coalition_invitation_revoke(request, slug: str, invitation_id: int):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    invitation = get_object_or_404(CoalitionInvitation, pk=invitation_id, coalition=coalition)
    try:
        services.coalition_invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("coalition_organisations", coalition.slug)


@login_required
@require_POST
def participation_role(request, slug: str, participation_id: int):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    participation = get_participation_for_user(request.user, coalition, participation_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a role."))
    else:
        try:
            services.participation_role_change(participation=participation, by=request.user, role=form.cleaned_data["role"])
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("coalition_organisations", coalition.slug)


@login_required
@require_POST
def participation_remove(request, slug: str, participation_id: int):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    participation = get_participation_for_user(request.user, coalition, participation_id)
    try:
        services.participation_remove(participation=participation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("coalition_organisations", coalition.slug)


@login_required
@require_POST
def coalition_leave(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug)
    form = LeaveForm(request.POST, organisations=Organisation.objects.filter(pk__in=coalition.access.admin_organisation_ids))
    if not form.is_valid():
        raise PermissionDenied
    try:
        services.coalition_leave(coalition=coalition, organisation=form.cleaned_data["organisation"], by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("coalition_organisations", coalition.slug)
    messages.success(request, _("%(organisation)s has left %(coalition)s.") % {"organisation": form.cleaned_data["organisation"], "coalition": coalition})
    return redirect("home")


@login_required
def coalition_audit(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug)
    page = Paginator(coalition.audit_entries.order_by("-seq"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coalitions/coalition_audit.html",
        {"coalition": coalition, "page": page, "entries": [(entry, describe_entry(entry)) for entry in page]},
    )
