"""Petitions are reached by their coalition's people only through their campaign's access check."""

from typing import Literal

from django.http import Http404

from campaigns.access import get_campaign_for_user

from .models import Petition

PetitionNeed = Literal["view", "edit", "lead"]

# Members and observers follow a petition; only leads change it, and only leads read who signed
# ("lead"), which a page may ask for separately from changing the petition ("edit").
COALITION_NEED = {"view": "view", "edit": "lead", "lead": "lead"}


def get_petition_for_user(
    user, coalition_slug: str, campaign_slug: str, petition_slug: str, need: PetitionNeed = "view"
) -> Petition:
    campaign = get_campaign_for_user(user, coalition_slug, campaign_slug, need=COALITION_NEED[need])
    petition = Petition.objects.filter(campaign=campaign, slug=petition_slug).first()
    if petition is None:
        raise Http404
    petition.campaign = campaign
    petition.access = campaign.access
    return petition
