from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import get_campaign_for_user, get_text_version_for_user
from campaigns.forms.texts import SpeakingForForm, TextProposeForm
from campaigns.models import TextKind, TextStatus
from coalitions.errors import DomainError


def _texts_url(campaign, version=None) -> str:
    url = reverse("campaign_texts", args=[campaign.coalition.slug, campaign.slug])
    return f"{url}#version-{version.pk}" if version is not None else url


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _sections(campaign, access) -> list[selectors.TextSection]:
    """The selector's sections, with what each pending proposal needs and what this person may do."""
    sections = selectors.text_sections(campaign)
    partners = selectors.partner_organisations(campaign.coalition)
    eligible = frozenset(organisation.pk for organisation in partners)
    for section in sections:
        adopted_body = section.adopted.body if section.adopted else ""
        for version in section.pending:
            version.tally = services.text_count(
                approving=version.approving_ids, eligible=eligible, rule=campaign.coalition.adoption_rule
            )
            version.changes = selectors.text_changes(adopted_body, version.body) if section.adopted else None
            version.waiting_for = [o for o in partners if o.pk not in version.tally.support]
            version.not_counting = [a for a in version.approvals.all() if a.organisation_id not in eligible]
            voted = {approval.organisation_id for approval in version.approvals.all()}
            version.speaks_for = [
                p.organisation for p in access.participations
                if access.may_vote_for(p.organisation_id) and p.organisation_id not in voted
            ]
            version.may_withdraw = access.can_act and (
                access.is_lead or version.organisation_id in access.acting_organisation_ids
            )
            # The coalition changed since the last vote (an organisation left, or the rule was
            # eased): enough organisations agree, and any partner may confirm the adoption.
            version.ready = version.tally.passes
            version.confirm_as = next(iter(sorted(voted & access.voter_organisation_ids)), None)
    return sections


@login_required
def campaign_texts(request, slug: str, campaign_slug: str):
    """The adopted message, ask and solution, the proposals waiting for approval, and their history.
    A POST proposes new wording."""
    need = "act" if request.method == "POST" else "view"
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need=need)
    access = campaign.access
    form = None
    if access.can_act:
        kind = request.GET.get("kind", TextKind.MESSAGE)
        form = TextProposeForm(request.POST or None, access=access, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.text_propose(
                campaign=campaign, by=request.user, organisation=data["organisation"], kind=data["kind"],
                body=data["body"], note=data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if version.status == TextStatus.ADOPTED:
                messages.success(request, _("The new wording is adopted."))
            else:
                messages.success(request, _("Your proposal is waiting for the other organisations to approve it."))
            return redirect(_texts_url(campaign, version))
    sections = _sections(campaign, access)
    if form is not None and not form.is_bound:
        adopted = next((s.adopted for s in sections if s.kind == form.initial["kind"]), None)
        if adopted is not None:
            # Proposals usually change a few words of what was agreed, so they start from it.
            form.initial["body"] = adopted.body
    return render(
        request,
        "campaigns/texts.html",
        {
            "coalition": campaign.coalition,
            "campaign": campaign,
            "access": access,
            "sections": sections,
            "form": form,
        },
    )


@login_required
@require_POST
def text_approve(request, slug: str, campaign_slug: str, version_id: int):
    version = get_text_version_for_user(request.user, slug, campaign_slug, version_id, need="act")
    form = SpeakingForForm(request.POST, access=version.campaign.access)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_texts_url(version.campaign, version))
    organisation = form.cleaned_data["organisation"]
    try:
        services.text_approve(version=version, by=request.user, organisation=organisation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if version.status == TextStatus.ADOPTED:
            messages.success(request, _("Enough organisations have approved: the wording is adopted."))
        else:
            messages.success(request, _("%(organisation)s approved the wording.") % {"organisation": organisation})
    return redirect(_texts_url(version.campaign, version))


@login_required
@require_POST
def text_withdraw(request, slug: str, campaign_slug: str, version_id: int):
    version = get_text_version_for_user(request.user, slug, campaign_slug, version_id, need="act")
    try:
        services.text_withdraw(version=version, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The proposal has been withdrawn."))
    return redirect(_texts_url(version.campaign, version))
