"""Letters are reached only through their campaign, and so through the coalition's access check."""

from django.http import Http404

from campaigns.access import get_campaign_for_user
from coalitions.access import Need

from .models import Letter


def get_letter_for_user(user, coalition_slug: str, campaign_slug: str, letter_id: int, need: Need = "view") -> Letter:
    campaign = get_campaign_for_user(user, coalition_slug, campaign_slug, need=need)
    letter = Letter.objects.filter(campaign=campaign, pk=letter_id).select_related("current_version").first()
    if letter is None:
        raise Http404
    letter.campaign = campaign
    letter.access = campaign.access
    return letter
