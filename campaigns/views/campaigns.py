from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import selectors, services
from campaigns.access import get_campaign_for_user
from campaigns.forms.campaigns import CampaignForm
from coalitions.access import get_coalition_for_user
from coalitions.errors import DomainError


@login_required
def campaign_list(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug)
    return render(
        request,
        "campaigns/campaign_list.html",
        {"coalition": coalition, "access": coalition.access, "campaigns": selectors.campaigns_of_coalition(coalition)},
    )


@login_required
def campaign_create(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug, need="lead")
    form = CampaignForm(request.POST or None, coalition=coalition, initial={"language": coalition.language})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(coalition=coalition, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The campaign has been created. Agree its message, ask and solution next."))
            return redirect("campaign_detail", coalition.slug, campaign.slug)
    return render(request, "campaigns/campaign_form.html", {"coalition": coalition, "form": form})


@login_required
def campaign_detail(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    today = timezone.localdate()
    days_left = (campaign.decision_deadline - today).days if campaign.decision_deadline else None
    overdue, overdue_count = selectors.overdue_commitments(campaign, today)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "coalition": campaign.coalition,
            "campaign": campaign,
            "access": campaign.access,
            "adopted": selectors.adopted_texts(campaign),
            "days_left": days_left,
            "counts": selectors.plan_counts(campaign, today),
            "overdue_commitments": overdue,
            "overdue_commitment_count": overdue_count,
        },
    )


@login_required
def campaign_edit(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="lead")
    form = CampaignForm(request.POST or None, instance=campaign, coalition=campaign.coalition)
    if request.method == "POST" and form.is_valid():
        services.campaign_update(campaign=campaign, by=request.user, **form.cleaned_data)
        messages.success(request, _("The campaign has been saved."))
        return redirect("campaign_detail", slug, campaign.slug)
    return render(request, "campaigns/campaign_form.html", {"coalition": campaign.coalition, "campaign": campaign, "form": form})
