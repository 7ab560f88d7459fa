"""Scorecard rounds and action points are reached only through their coalition's access check."""

from django.http import Http404

from ..access import Need, get_coalition_for_user
from .models import ActionPoint, ScorecardRound


def get_scorecard_round_for_user(user, coalition_slug: str, round_id: int, need: Need = "view") -> ScorecardRound:
    coalition = get_coalition_for_user(user, coalition_slug, need=need)
    scorecard = ScorecardRound.objects.filter(coalition=coalition, pk=round_id).first()
    if scorecard is None:
        raise Http404
    scorecard.coalition = coalition
    scorecard.access = coalition.access
    return scorecard


def get_action_point_for_user(
    user, coalition_slug: str, round_id: int, action_point_id: int, need: Need = "view"
) -> ActionPoint:
    scorecard = get_scorecard_round_for_user(user, coalition_slug, round_id, need=need)
    action_point = scorecard.action_points.filter(pk=action_point_id).select_related("organisation").first()
    if action_point is None:
        raise Http404
    action_point.round = scorecard
    action_point.coalition = scorecard.coalition
    return action_point
