from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import get_campaign_for_user, get_target_for_user
from campaigns.forms.targets import OutreachRoleForm, StanceForm, TargetForm
from campaigns.models import OutreachRole, Stance, Target, TargetOrganisation
from coalitions.errors import DomainError


@login_required
def target_list(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    return render(
        request,
        "campaigns/target_list.html",
        {
            "coalition": campaign.coalition,
            "campaign": campaign,
            "access": campaign.access,
            "targets": selectors.targets_with_stance(campaign),
        },
    )


@login_required
def target_create(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="act")
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_create(campaign=campaign, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(target)s has been added. Record what you know of their stance next.") % {"target": target})
            return redirect("target_detail", slug, campaign.slug, target.pk)
    return render(
        request, "campaigns/target_form.html", {"coalition": campaign.coalition, "campaign": campaign, "form": form}
    )


@login_required
def target_edit(request, slug: str, campaign_slug: str, target_id: int):
    target = get_target_for_user(request.user, slug, campaign_slug, target_id, need="act")
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(target=target, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The details of %(target)s have been saved.") % {"target": target})
            return redirect("target_detail", slug, campaign_slug, target.pk)
    campaign = target.campaign
    return render(
        request,
        "campaigns/target_form.html",
        {"coalition": campaign.coalition, "campaign": campaign, "target": target, "form": form},
    )


def _detail_page(request, target: Target, *, stance_form=None, outreach_form=None):
    """The target's page; a refused form comes back bound, so nothing typed is lost."""
    campaign = target.campaign
    access = campaign.access
    detail = selectors.target_detail(target)
    placements = detail["placements"]
    lead = next((p for p in placements if p.role == OutreachRole.LEAD), None)
    history = detail["stance_history"]
    today = timezone.localdate()
    for task in detail["tasks"]:
        task.due_state_now = task.due_state(today)
        task.may_change = access.may_act_for(task.organisation_id)
    for placement in placements:
        placement.removable = access.may_act_for(placement.organisation_id)
        placement.own = placement.organisation_id in access.acting_organisation_ids
    if access.can_act:
        stance_form = stance_form or StanceForm(access=access)
        if outreach_form is None and _has_a_placement_to_offer(access, placements, lead):
            outreach_form = _outreach_form(target, access, lead)
    return render(
        request,
        "campaigns/target_detail.html",
        {
            "coalition": campaign.coalition,
            "campaign": campaign,
            "access": access,
            "target": target,
            # The history is kept newest first; told oldest first it reads as the story it is.
            "timeline": list(reversed(history)),
            "current": history[0] if history else None,
            "unknown": Stance.UNKNOWN,
            "lead": lead,
            "placements": placements,
            "tasks": detail["tasks"],
            "logs": detail["logs"],
            "stance_form": stance_form,
            "outreach_form": outreach_form,
        },
    )


def _has_a_placement_to_offer(access, placements: list[TargetOrganisation], lead: TargetOrganisation | None) -> bool:
    """A member whose organisations all support someone else's lead has nothing left to choose."""
    if access.is_lead or lead is None or lead.organisation_id in access.acting_organisation_ids:
        return True
    return not access.acting_organisation_ids <= {p.organisation_id for p in placements}


def _outreach_form(target: Target, access, lead: TargetOrganisation | None, data=None) -> OutreachRoleForm:
    return OutreachRoleForm(
        data,
        access=access,
        partners=selectors.partner_organisations(target.campaign.coalition),
        lead_organisation_id=lead.organisation_id if lead else None,
    )


@login_required
def target_detail(request, slug: str, campaign_slug: str, target_id: int):
    target = get_target_for_user(request.user, slug, campaign_slug, target_id)
    return _detail_page(request, target)


@login_required
@require_POST
def stance_assess(request, slug: str, campaign_slug: str, target_id: int):
    target = get_target_for_user(request.user, slug, campaign_slug, target_id, need="act")
    form = StanceForm(request.POST, access=target.campaign.access)
    if form.is_valid():
        try:
            services.stance_assess(target=target, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The assessment has been added to the stance history."))
            return redirect("target_detail", slug, campaign_slug, target.pk)
    return _detail_page(request, target, stance_form=form)


@login_required
@require_POST
def target_organisation_set(request, slug: str, campaign_slug: str, target_id: int):
    target = get_target_for_user(request.user, slug, campaign_slug, target_id, need="act")
    lead = target.organisations.filter(role=OutreachRole.LEAD).first()
    form = _outreach_form(target, target.campaign.access, lead, data=request.POST)
    if form.is_valid():
        try:
            placement = services.target_organisation_set(target=target, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # One sentence per role, so that each language can make the role agree.
            sentence = (
                _("%(organisation)s is now the lead organisation for %(target)s.")
                if placement.role == OutreachRole.LEAD
                else _("%(organisation)s is now a supporting organisation for %(target)s.")
            )
            messages.success(request, sentence % {"organisation": placement.organisation, "target": target})
            return redirect("target_detail", slug, campaign_slug, target.pk)
    return _detail_page(request, target, outreach_form=form)


@login_required
@require_POST
def target_organisation_remove(request, slug: str, campaign_slug: str, target_id: int, organisation_id: int):
    target = get_target_for_user(request.user, slug, campaign_slug, target_id, need="act")
    placement = target.organisations.filter(organisation_id=organisation_id).select_related("organisation").first()
    if placement is None:
        raise Http404
    try:
        services.target_organisation_remove(target=target, by=request.user, organisation=placement.organisation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(organisation)s no longer works on %(target)s.") % {"organisation": placement.organisation, "target": target}
        )
    return redirect("target_detail", slug, campaign_slug, target.pk)


@login_required
def power_map(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    return render(
        request,
        "campaigns/power_map.html",
        {
            "coalition": campaign.coalition,
            "campaign": campaign,
            "access": campaign.access,
            "map": selectors.power_map(campaign),
        },
    )
