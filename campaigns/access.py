"""Campaign objects are reached only through their coalition's access check."""

from django.http import Http404

from coalitions.access import CoalitionAccess, Need, get_coalition_for_user

from .models import Campaign, Commitment, Decision, Target, Task, TextVersion


def get_campaign_for_user(user, coalition_slug: str, campaign_slug: str, need: Need = "view") -> Campaign:
    coalition = get_coalition_for_user(user, coalition_slug, need=need)
    campaign = Campaign.objects.filter(coalition=coalition, slug=campaign_slug).first()
    if campaign is None:
        raise Http404
    campaign.coalition = coalition
    campaign.access = coalition.access
    return campaign


def get_target_for_user(user, coalition_slug: str, campaign_slug: str, target_id: int, need: Need = "view") -> Target:
    campaign = get_campaign_for_user(user, coalition_slug, campaign_slug, need=need)
    target = Target.objects.filter(campaign=campaign, pk=target_id).first()
    if target is None:
        raise Http404
    target.campaign = campaign
    return target


def get_task_for_user(user, coalition_slug: str, campaign_slug: str, task_id: int, need: Need = "view") -> Task:
    campaign = get_campaign_for_user(user, coalition_slug, campaign_slug, need=need)
    task = Task.objects.filter(campaign=campaign, pk=task_id).select_related("target", "organisation", "assignee").first()
    if task is None:
        raise Http404
    task.campaign = campaign
    return task


def get_text_version_for_user(
    user, coalition_slug: str, campaign_slug: str, version_id: int, need: Need = "view"
) -> TextVersion:
    campaign = get_campaign_for_user(user, coalition_slug, campaign_slug, need=need)
    version = TextVersion.objects.filter(campaign=campaign, pk=version_id).first()
    if version is None:
        raise Http404
    version.campaign = campaign
    return version


def get_commitment_for_user(
    user, coalition_slug: str, campaign_slug: str, commitment_id: int, need: Need = "view"
) -> Commitment:
    campaign = get_campaign_for_user(user, coalition_slug, campaign_slug, need=need)
    commitment = (
        Commitment.objects.filter(campaign=campaign, pk=commitment_id).select_related("target", "partner", "organisation").first()
    )
    if commitment is None:
        raise Http404
    commitment.campaign = campaign
    return commitment


def may_change_commitment(access: CoalitionAccess, commitment: Commitment) -> bool:
    """Leads, the organisation that recorded it, and the partner that made it; never an observer."""
    if access.is_lead:
        return True
    return bool({commitment.organisation_id, commitment.partner_id} & access.acting_organisation_ids)


def get_decision_for_user(user, coalition_slug: str, decision_id: int, need: Need = "view") -> Decision:
    """A decision of the coalition, whether of the whole coalition or of one of its campaigns."""
    coalition = get_coalition_for_user(user, coalition_slug, need=need)
    decision = (
        Decision.objects.filter(coalition=coalition, pk=decision_id)
        .select_related("campaign", "organisation", "proposed_by", "winning_option")
        .first()
    )
    if decision is None:
        raise Http404
    decision.coalition = coalition
    if decision.campaign is not None:
        decision.campaign.coalition = coalition
    decision.access = coalition.access
    return decision
