"""Every change to scorecard rounds, their answers and their action points happens here."""

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import CoalitionAccess, check_coalition_access
from ..audit import audit_record
from ..errors import DomainError
from ..models import Affiliation, Coalition, CoalitionRole, NotificationKind, Organisation, User
from ..notices import Notice
from ..selectors import voting_organisation_ids
from .models import (
    PRINCIPLES,
    SCORE_MAX,
    SCORE_MIN,
    ActionPoint,
    Indicator,
    IndicatorOrigin,
    ScoreAnswer,
    ScorecardRound,
    ScorecardStatus,
)


def scorecard_may_answer_for(access: CoalitionAccess, organisation_id: int) -> bool:
    """An organisation's scores are its say on the partnership: given by those who cast its votes
    (coalitions/voting.py), while it takes part as lead or member. Observers watch; a lead speaks
    for its own organisation only."""
    return access.may_vote_for(organisation_id)


def scorecard_round_path(scorecard: ScorecardRound) -> str:
    return reverse("scorecard_detail", kwargs={"slug": scorecard.coalition.slug, "round_id": scorecard.pk})


def _record(scorecard: ScorecardRound, by: User | None, what: str, notices=(), **data) -> None:
    audit_record(
        coalition=scorecard.coalition, actor=by, action=what, data={"title": scorecard.title, **data},
        topics=[f"scorecard:{scorecard.pk}", f"scorecards:{scorecard.coalition_id}"], notices=notices,
    )


def _locked(scorecard: ScorecardRound) -> ScorecardRound:
    """The round's row, locked until commit, so that a close and a last answer cannot cross."""
    locked = ScorecardRound.objects.select_for_update().get(pk=scorecard.pk)
    scorecard.status = locked.status
    return locked


@transaction.atomic
def scorecard_round_open(
    *, coalition: Coalition, by: User, title: str, scoring_deadline: date | None = None
) -> ScorecardRound:
    """A new round rates the principles and carries the other indicators of the last closed round."""
    check_coalition_access(by, coalition, "lead")
    title = title.strip()
    if not title:
        raise DomainError(_("Please give the round a title."))
    # Rounds are opened one at a time per coalition.
    Coalition.objects.select_for_update().only("pk").get(pk=coalition.pk)
    if coalition.scorecard_rounds.exclude(status=ScorecardStatus.CLOSED).exists():
        raise DomainError(_("A round is still under way: close it before opening the next one."))
    scorecard = ScorecardRound.objects.create(
        coalition=coalition, title=title, scoring_deadline=scoring_deadline, opened_by=by
    )
    indicators = [
        Indicator(round=scorecard, key=key, origin=IndicatorOrigin.PRINCIPLE, position=position)
        for position, key in enumerate(PRINCIPLES)
    ]
    last = coalition.scorecard_rounds.filter(status=ScorecardStatus.CLOSED).order_by("-closed_at", "-pk").first()
    if last is not None:
        carried = last.indicators.exclude(origin=IndicatorOrigin.PRINCIPLE).order_by("position", "pk")
        indicators += [
            Indicator(
                round=scorecard, key=old.key, origin=old.origin, wording=old.wording, added_by_id=old.added_by_id,
                position=len(PRINCIPLES) + index,
            )
            for index, old in enumerate(carried)
        ]
    Indicator.objects.bulk_create(indicators)
    _record(scorecard, by, "scorecard.opened")
    return scorecard


@transaction.atomic
def scorecard_indicator_add(
    *, scorecard: ScorecardRound, by: User, organisation: Organisation, wording: str
) -> Indicator:
    """Any partner adds what it wants rated, until scoring starts; a lead's addition is the coalition's own."""
    access = check_coalition_access(by, scorecard.coalition, "act")
    if organisation.pk not in access.acting_organisation_ids:
        raise PermissionDenied
    wording = " ".join(wording.split())
    if not wording:
        raise DomainError(_("Please write the indicator."))
    _locked(scorecard)
    if not scorecard.is_preparing:
        raise DomainError(_("Scoring has started: indicators can no longer be added to this round."))
    same = wording.casefold()
    existing = list(scorecard.indicators.all())
    if any(str(indicator.label).casefold() == same for indicator in existing):
        raise DomainError(_("This round already has that indicator."))
    is_lead = any(p.organisation_id == organisation.pk and p.role == CoalitionRole.LEAD for p in access.participations)
    indicator = Indicator.objects.create(
        round=scorecard, key=f"i-{secrets.token_hex(6)}", wording=wording, added_by=organisation,
        origin=IndicatorOrigin.COALITION if is_lead else IndicatorOrigin.MEMBER,
        position=(scorecard.indicators.aggregate(n=Max("position"))["n"] or 0) + 1,
    )
    _record(scorecard, by, "scorecard.indicator_added", indicator=wording, organisation=organisation.short_name)
    return indicator


@transaction.atomic
def scorecard_scoring_start(*, scorecard: ScorecardRound, by: User) -> ScorecardRound:
    check_coalition_access(by, scorecard.coalition, "lead")
    locked = _locked(scorecard)
    if not scorecard.is_preparing:
        raise DomainError(_("Scoring of this round has already started."))
    locked.status = scorecard.status = ScorecardStatus.SCORING
    locked.scoring_started_at = scorecard.scoring_started_at = timezone.now()
    locked.save(update_fields=["status", "scoring_started_at"])
    notice = Notice(
        kind=NotificationKind.SCORECARD_OPEN, key=f"scorecard:{scorecard.pk}:scoring", url=scorecard_round_path(scorecard),
        data={"title": scorecard.title, "due": scorecard.scoring_deadline.isoformat() if scorecard.scoring_deadline else ""},
        organisations=voting_organisation_ids(scorecard.coalition),
    )
    _record(scorecard, by, "scorecard.scoring_started", notices=[notice])
    return scorecard


@dataclass(frozen=True)
class AnswerInput:
    indicator_id: int
    score: int | None  # None: the organisation gives this indicator no score (or takes its score back)
    comment: str = ""
    signed: bool = False


@transaction.atomic
def scorecard_answer(
    *, scorecard: ScorecardRound, by: User, organisation: Organisation, answers: list[AnswerInput]
) -> int:
    """The organisation's scores of the round's indicators, replacing its earlier ones; returns how many it gave.
    No score for an indicator takes back an earlier one."""
    access = check_coalition_access(by, scorecard.coalition, "act")
    if not scorecard_may_answer_for(access, organisation.pk):
        raise PermissionDenied
    _locked(scorecard)
    if not scorecard.is_scoring:
        raise DomainError(_("This round is not open for scoring."))
    indicators = set(scorecard.indicators.values_list("pk", flat=True))
    if not answers or any(answer.indicator_id not in indicators for answer in answers):
        raise DomainError(_("Please score the indicators of this round."))
    for answer in answers:
        if answer.score is not None and not SCORE_MIN <= answer.score <= SCORE_MAX:
            raise DomainError(_("Scores go from 1 to 5."))
        if answer.score is None and answer.comment.strip():
            raise DomainError(_("A comment goes with a score: please give one, or leave the comment out."))
    if all(answer.score is None for answer in answers) and not ScoreAnswer.objects.filter(
        indicator__round=scorecard, organisation=organisation
    ).exists():
        raise DomainError(_("Please give at least one score."))
    now = timezone.now()
    for answer in answers:
        mine = ScoreAnswer.objects.filter(indicator_id=answer.indicator_id, organisation=organisation)
        if answer.score is None:
            mine.delete()
            continue
        ScoreAnswer.objects.update_or_create(
            indicator_id=answer.indicator_id, organisation=organisation,
            defaults={
                "score": answer.score, "comment": answer.comment.strip(), "signed": answer.signed and bool(answer.comment.strip()),
                "answered_by": by, "answered_at": now,
            },
        )
    answered = (
        ScoreAnswer.objects.filter(indicator__round=scorecard).values("organisation").distinct().count()
    )
    # The trail tells the partners that an answer came, not whose: scores are given in confidence.
    _record(scorecard, None, "scorecard.answered", organisations=answered)
    return sum(answer.score is not None for answer in answers)


@transaction.atomic
def scorecard_round_close(*, scorecard: ScorecardRound, by: User) -> ScorecardRound:
    check_coalition_access(by, scorecard.coalition, "lead")
    locked = _locked(scorecard)
    if not scorecard.is_scoring:
        raise DomainError(_("Only a round open for scoring can be closed."))
    locked.status = scorecard.status = ScorecardStatus.CLOSED
    locked.closed_at = scorecard.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    answered = ScoreAnswer.objects.filter(indicator__round=scorecard).values("organisation").distinct().count()
    _record(scorecard, by, "scorecard.closed", organisations=answered)
    return scorecard


def action_point_path(action_point: ActionPoint) -> str:
    return scorecard_round_path(action_point.round) + f"#action-{action_point.pk}"


@transaction.atomic
def action_point_add(
    *, scorecard: ScorecardRound, by: User, wording: str, organisation: Organisation, due_on: date,
    assignee: User | None = None,
) -> ActionPoint:
    """What the partners agreed after a round becomes work for one partner organisation."""
    check_coalition_access(by, scorecard.coalition, "lead")
    wording = wording.strip()
    if not wording:
        raise DomainError(_("Please write the action point."))
    _locked(scorecard)
    if not scorecard.is_closed:
        raise DomainError(_("Action points are agreed once the round is closed."))
    if organisation.pk not in voting_organisation_ids(scorecard.coalition):
        raise DomainError(_("%(organisation)s is not a member of this coalition.") % {"organisation": organisation})
    if assignee is not None and not Affiliation.objects.filter(organisation=organisation, user=assignee).exists():
        raise DomainError(_("The person named must belong to %(organisation)s.") % {"organisation": organisation})
    action_point = ActionPoint.objects.create(
        coalition=scorecard.coalition, round=scorecard, wording=wording, organisation=organisation,
        assignee=assignee, due_on=due_on, created_by=by,
    )
    notice = Notice(
        kind=NotificationKind.ACTION_POINT_GIVEN, key=f"action_point:{action_point.pk}", url=action_point_path(action_point),
        data={
            "title": scorecard.title, "action": wording, "organisation": organisation.short_name,
            "due": due_on.isoformat(), "personal": assignee is not None,
        },
        users=frozenset([assignee.pk]) if assignee else frozenset(),
        organisations=frozenset() if assignee else frozenset([organisation.pk]),
    )
    _record(
        scorecard, by, "action_point.added", notices=[notice], action=wording, organisation=organisation.short_name,
        due=due_on.isoformat(),
    )
    return action_point


def may_complete_action_point(access: CoalitionAccess, action_point: ActionPoint) -> bool:
    return access.is_lead or action_point.organisation_id in access.acting_organisation_ids


@transaction.atomic
def action_point_complete(*, action_point: ActionPoint, by: User) -> ActionPoint:
    access = check_coalition_access(by, action_point.coalition, "act")
    if not may_complete_action_point(access, action_point):
        raise PermissionDenied
    locked = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    if locked.is_done:
        raise DomainError(_("This action point is already done."))
    locked.done_at = action_point.done_at = timezone.now()
    locked.done_by = action_point.done_by = by
    locked.save(update_fields=["done_at", "done_by"])
    _record(
        action_point.round, by, "action_point.done", action=action_point.wording,
        organisation=action_point.organisation.short_name,
    )
    return action_point
