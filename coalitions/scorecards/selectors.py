"""Reads of scorecard pages, the home page and the reminder mail; each runs a fixed number of queries.

Figures an organisation gave in confidence are held back here, not in templates: an indicator
that fewer than MIN_ANSWERS_SHOWN organisations answered has no distribution and no median, and a
comment names its organisation only when the organisation signed it.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from ..access import CoalitionAccess
from ..balance import count_by_organisation, in_period
from ..models import Affiliation, Coalition, CoalitionRole, Organisation, Participation, User
from ..voting import VOTERS
from .models import (
    MIN_ANSWERS_SHOWN,
    PRINCIPLES,
    SCORE_MAX,
    SCORE_MIN,
    ActionPoint,
    Indicator,
    ScoreAnswer,
    ScorecardRound,
    ScorecardStatus,
)
from .services import may_complete_action_point, scorecard_may_answer_for


def scorecard_rounds_of_coalition(coalition: Coalition) -> list[ScorecardRound]:
    """Newest first, each with how many indicators it rates, how many organisations answered and
    how many of its action points are still open."""
    return list(
        coalition.scorecard_rounds.annotate(
            indicator_count=Count("indicators", distinct=True),
            answered=Count("indicators__answers__organisation", distinct=True),
            open_actions=Count("action_points", filter=Q(action_points__done_at=None), distinct=True),
        ).order_by("-opened_at", "-pk")
    )


def _median(scores: list[int]) -> float:
    return float(statistics.median(scores))


@dataclass(frozen=True)
class Share:
    score: int
    count: int
    percent: int


@dataclass(frozen=True)
class Comment:
    text: str
    organisation: str = ""  # only when the organisation signed it


@dataclass
class IndicatorResult:
    indicator: Indicator
    answered: int
    distribution: list[Share] = field(default_factory=list)
    median: float | None = None
    comments: list[Comment] = field(default_factory=list)
    # Unsigned comments not shown because too few organisations answered.
    comments_held: int = 0

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_ANSWERS_SHOWN


def scorecard_results(scorecard: ScorecardRound, indicators: list[Indicator] | None = None) -> list[IndicatorResult]:
    """Per indicator, what the partners may see of the answers. One query (two without `indicators`)."""
    indicators = indicators if indicators is not None else list(scorecard.indicators.all())
    rows = ScoreAnswer.objects.filter(indicator__round=scorecard).values_list(
        "indicator_id", "score", "comment", "signed", "organisation__acronym", "organisation__name"
    )
    by_indicator: dict[int, list[tuple]] = {}
    for row in rows:
        by_indicator.setdefault(row[0], []).append(row[1:])
    results = []
    for indicator in indicators:
        answers = by_indicator.get(indicator.pk, [])
        result = IndicatorResult(indicator=indicator, answered=len(answers))
        signed = [Comment(comment, acronym or name) for _s, comment, is_signed, acronym, name in answers if comment and is_signed]
        unsigned = [Comment(comment) for _s, comment, is_signed, _a, _n in answers if comment and not is_signed]
        if result.shown:
            scores = [score for score, *_rest in answers]
            result.distribution = [
                Share(score, scores.count(score), round(100 * scores.count(score) / len(scores)))
                for score in range(SCORE_MIN, SCORE_MAX + 1)
            ]
            result.median = _median(scores)
            shown = signed + unsigned
        else:
            # With one or two answers an unsigned comment could be traced to its organisation.
            shown, result.comments_held = signed, len(unsigned)
        # In the words' order, which says nothing of who answered first.
        result.comments = sorted(shown, key=lambda comment: comment.text.casefold())
        results.append(result)
    return results


@dataclass
class AnswerForm:
    """One organisation the reader answers for, with its scores so far by indicator."""

    organisation: Organisation
    answers: dict[int, ScoreAnswer]


@dataclass
class RoundPage:
    scorecard: ScorecardRound
    indicators: list[Indicator]
    answered: int
    partners: int
    answer_forms: list[AnswerForm]
    results: list[IndicatorResult] | None
    action_points: list[ActionPoint]
    may_add_indicator: bool


def scorecard_round_page(scorecard: ScorecardRound, access: CoalitionAccess) -> RoundPage:
    indicators = list(scorecard.indicators.select_related("added_by"))
    answering = [
        p.organisation for p in sorted(access.participations, key=lambda p: p.organisation.name.lower())
        if scorecard_may_answer_for(access, p.organisation_id)
    ]
    answer_forms = []
    if scorecard.is_scoring and answering:
        mine: dict[int, dict[int, ScoreAnswer]] = {organisation.pk: {} for organisation in answering}
        for answer in ScoreAnswer.objects.filter(indicator__round=scorecard, organisation__in=answering):
            mine[answer.organisation_id][answer.indicator_id] = answer
        answer_forms = [AnswerForm(organisation, mine[organisation.pk]) for organisation in answering]
    action_points = []
    if scorecard.is_closed:
        action_points = list(
            scorecard.action_points.select_related("organisation", "assignee", "done_by").order_by("due_on", "pk")
        )
        for action_point in action_points:
            action_point.may_complete = not action_point.is_done and may_complete_action_point(access, action_point)
    return RoundPage(
        scorecard=scorecard,
        indicators=indicators,
        answered=ScoreAnswer.objects.filter(indicator__round=scorecard).values("organisation").distinct().count(),
        partners=Participation.objects.filter(coalition=scorecard.coalition).exclude(role=CoalitionRole.OBSERVER).count(),
        answer_forms=answer_forms,
        results=scorecard_results(scorecard, indicators) if scorecard.is_closed else None,
        action_points=action_points,
        may_add_indicator=scorecard.is_preparing and bool(answering),
    )


# The trend across rounds ---------------------------------------------------------------------


@dataclass
class TrendSeries:
    key: str
    label: str
    medians: list[float | None]  # one per round; None where too few answered


@dataclass
class Trend:
    rounds: list[ScorecardRound]
    series: list[TrendSeries]


def scorecard_trend(coalition: Coalition) -> Trend:
    """The median of each indicator in each closed round, oldest round first, in three queries."""
    rounds = list(coalition.scorecard_rounds.filter(status=ScorecardStatus.CLOSED).order_by("closed_at", "pk"))
    column = {scorecard.pk: index for index, scorecard in enumerate(rounds)}
    indicators = list(Indicator.objects.filter(round__in=rounds).order_by("round__closed_at", "position", "pk"))
    scores: dict[int, list[int]] = {}
    for indicator_id, score in ScoreAnswer.objects.filter(indicator__round__in=rounds).values_list("indicator_id", "score"):
        scores.setdefault(indicator_id, []).append(score)
    series: dict[str, TrendSeries] = {}
    for indicator in indicators:
        line = series.setdefault(indicator.key, TrendSeries(indicator.key, "", [None] * len(rounds)))
        # The latest words of an indicator name it.
        line.label = str(indicator.label)
        given = scores.get(indicator.pk, [])
        if len(given) >= MIN_ANSWERS_SHOWN:
            line.medians[column[indicator.round_id]] = _median(given)
    principles = [series[key] for key in PRINCIPLES if key in series]
    others = [line for key, line in series.items() if key not in PRINCIPLES]
    return Trend(rounds=rounds, series=principles + others)


# A person's partnership work -----------------------------------------------------------------

HOME_ACTION_POINT_LIMIT = 30


def _still_acting(coalition_field: str):
    return Participation.objects.filter(
        coalition=OuterRef(coalition_field), organisation=OuterRef("organisation")
    ).exclude(role=CoalitionRole.OBSERVER)


def action_points_of_person(user: User):
    """Open action points given to the person, or to one of their organisations with nobody named,
    in coalitions where that organisation still takes part as lead or member."""
    return (
        ActionPoint.objects.filter(done_at=None, organisation__in=Affiliation.objects.filter(user=user).values("organisation"))
        .filter(Q(assignee=user) | Q(assignee=None))
        .filter(Exists(_still_acting("coalition")))
        .select_related("round__coalition", "organisation", "assignee")
    )


@dataclass(frozen=True)
class AwaitingScores:
    round_id: int
    title: str
    deadline: date | None
    coalition: Coalition
    organisation: Organisation


def scorecards_awaiting_answer(user: User) -> list[AwaitingScores]:
    """Rounds open for scoring that one of the person's answering organisations has not answered yet,
    in one query (a coalition has one round under way at most)."""
    scoring = ScorecardRound.objects.filter(coalition=OuterRef("coalition"), status=ScorecardStatus.SCORING)
    participations = (
        Participation.objects.filter(Exists(Affiliation.objects.filter(VOTERS, user=user, organisation=OuterRef("organisation"))))
        .exclude(role=CoalitionRole.OBSERVER)
        .annotate(
            round_id=Subquery(scoring.values("pk")[:1]),
            round_title=Subquery(scoring.values("title")[:1]),
            round_deadline=Subquery(scoring.values("scoring_deadline")[:1]),
        )
        .filter(round_id__isnull=False)
        .exclude(Exists(ScoreAnswer.objects.filter(indicator__round=OuterRef("round_id"), organisation=OuterRef("organisation"))))
        .select_related("organisation", "coalition")
        .order_by("coalition__name", "organisation__name")
    )
    return [
        AwaitingScores(p.round_id, p.round_title, p.round_deadline, p.coalition, p.organisation) for p in participations
    ]


def scorecard_home_section(user: User, today: date | None = None) -> dict | None:
    """For the home page: scorecards to fill in and action points to do, each one tap away."""
    today = today or timezone.localdate()
    points = list(action_points_of_person(user).order_by("due_on", "pk")[:HOME_ACTION_POINT_LIMIT])
    for action_point in points:
        action_point.overdue = action_point.is_overdue(today)
    awaiting = scorecards_awaiting_answer(user)
    if not points and not awaiting:
        return None
    return {"template": "coalitions/includes/home_scorecards.html", "items": {"action_points": points, "awaiting": awaiting}}


def overdue_action_points(today: date) -> list[ActionPoint]:
    """Open action points past their date, of organisations still taking part as lead or member."""
    return list(
        ActionPoint.objects.filter(done_at=None, due_on__lt=today)
        .filter(Exists(_still_acting("coalition")))
        .select_related("round__coalition", "organisation", "assignee")
        .order_by("due_on", "pk")
    )


def scorecard_answers_by_organisation(coalition: Coalition, start: datetime | None, end: datetime) -> dict[int, int]:
    """How many scores each organisation gave in the coalition's scorecards from `start` (included;
    None for since the beginning) to `end` (excluded), by the time of its last change to each; one query."""
    return count_by_organisation(
        ScoreAnswer.objects.filter(in_period("answered_at", start, end), indicator__round__coalition=coalition)
    )
