"""Who may reach which scorecard page, one row per URL and method, as in test_permissions.py.

Outsiders get 404; observers see the scorecard and change nothing; members and leads answer for
their own organisations; leads open, start and close rounds and agree action points. A refused
request leaves the database as it was and sends no mail."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from coalitions.models import Notification, User
from coalitions.scorecards import urls as scorecard_urls
from coalitions.scorecards.models import (
    PRINCIPLES,
    ActionPoint,
    Indicator,
    IndicatorOrigin,
    ScoreAnswer,
    ScorecardRound,
    ScorecardStatus,
)
from tests.conftest import ROLES, World
from tests.factories import ActionPointFactory, ScorecardRoundFactory

from .support import db_snapshot

OK, DONE, LOGIN, HIDDEN, DENIED = 200, 302, "login", 404, 403


@dataclass
class Rounds:
    world: World
    preparing: ScorecardRound
    scoring: ScorecardRound
    closed: ScorecardRound
    action_point: ActionPoint  # the member organisation's


def _with_principles(scorecard: ScorecardRound) -> ScorecardRound:
    Indicator.objects.bulk_create(
        Indicator(round=scorecard, key=key, origin=IndicatorOrigin.PRINCIPLE, position=i) for i, key in enumerate(PRINCIPLES)
    )
    return scorecard


@pytest.fixture
def rounds(world) -> Rounds:
    closed = _with_principles(ScorecardRoundFactory(coalition=world.coalition, title="2010", status=ScorecardStatus.CLOSED))
    return Rounds(
        world=world,
        preparing=_with_principles(ScorecardRoundFactory(coalition=world.coalition, title="Now")),
        scoring=_with_principles(ScorecardRoundFactory(coalition=world.coalition, title="Open", status=ScorecardStatus.SCORING)),
        closed=closed,
        action_point=ActionPointFactory(round=closed, organisation=world.member_org),
    )


def _snapshot() -> dict:
    return {
        **db_snapshot(),
        "rounds": sorted(ScorecardRound.objects.values_list("pk", "title", "status")),
        "indicators": sorted(Indicator.objects.values_list("pk", "wording")),
        "answers": sorted(ScoreAnswer.objects.values_list("pk", "organisation_id", "score")),
        "action points": sorted(ActionPoint.objects.values_list("pk", "wording", "done_at")),
        "notifications": Notification.objects.count(),
    }


def _own_organisation_id(rounds: Rounds, user: User | None) -> int:
    return user.affiliations.get().organisation_id if user else rounds.world.member_org.pk


def _url(name: str, which: str | None = None, *extra) -> Callable[[Rounds], str]:
    def url(rounds: Rounds) -> str:
        args = [rounds.world.coalition.slug]
        if which:
            args.append(getattr(rounds, which).pk)
        return reverse(name, args=args + [e(rounds) for e in extra])

    return url


def _answer(rounds: Rounds, user: User | None) -> dict:
    organisation_id = _own_organisation_id(rounds, user)
    indicator = rounds.scoring.indicators.get(key="transparency")
    return {"organisation": organisation_id, f"org{organisation_id}-score_{indicator.pk}": "3"}


def _nothing(rounds, user):
    return None


def _close_the_rounds_under_way(rounds: Rounds) -> None:
    ScorecardRound.objects.filter(pk__in=[rounds.preparing.pk, rounds.scoring.pk]).update(status=ScorecardStatus.CLOSED)


@dataclass(frozen=True)
class Case:
    url_name: str
    method: str
    url: Callable[[Rounds], str]
    data: Callable[[Rounds, User | None], dict] = lambda rounds, user: {}
    effect: Callable[[Rounds, User | None], None] = _nothing
    prepare: Callable[[Rounds], None] = lambda rounds: None

    @property
    def id(self) -> str:
        return f"{self.url_name} {self.method}"


def _status(which: str, status: str):
    def effect(rounds, user):
        assert ScorecardRound.objects.get(pk=getattr(rounds, which).pk).status == status

    return effect


EXPECTED = {
    #                                  anonymous outsider observer member_staff org_admin lead  other_lead
    "scorecard_list GET":              (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "scorecard_open POST":             (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "scorecard_detail GET":            (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "scorecard_indicator_add POST":    (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
    "scorecard_scoring_start POST":    (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "scorecard_answer POST":           (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
    "scorecard_round_close POST":      (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "action_point_add POST":           (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    # The action point is the member organisation's: its people or a lead check it off.
    "action_point_complete POST":      (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
}

CASES = [
    Case("scorecard_list", "GET", _url("scorecard_list")),
    Case(
        "scorecard_open", "POST", _url("scorecard_open"), data=lambda r, u: {"title": "Round three"},
        prepare=_close_the_rounds_under_way,
        effect=lambda r, u: ScorecardRound.objects.get(title="Round three", indicators__key="transparency"),
    ),
    Case("scorecard_detail", "GET", _url("scorecard_detail", "scoring")),
    Case(
        "scorecard_indicator_add", "POST", _url("scorecard_indicator_add", "preparing"),
        data=lambda r, u: {"wording": "Costs are shared fairly"},
        effect=lambda r, u: Indicator.objects.get(round=r.preparing, wording="Costs are shared fairly"),
    ),
    Case("scorecard_scoring_start", "POST", _url("scorecard_scoring_start", "preparing"), effect=_status("preparing", "scoring")),
    Case(
        "scorecard_answer", "POST", _url("scorecard_answer", "scoring"), data=_answer,
        effect=lambda r, u: ScoreAnswer.objects.get(organisation_id=_own_organisation_id(r, u), score=3),
    ),
    Case("scorecard_round_close", "POST", _url("scorecard_round_close", "scoring"), effect=_status("scoring", "closed")),
    Case(
        "action_point_add", "POST", _url("action_point_add", "closed"),
        data=lambda r, u: {"wording": "Share the budget", "organisation": r.world.member_org.pk, "due_on": "2011-02-01"},
        effect=lambda r, u: ActionPoint.objects.get(wording="Share the budget", organisation=r.world.member_org),
    ),
    Case(
        "action_point_complete", "POST", _url("action_point_complete", "closed", lambda r: r.action_point.pk),
        effect=lambda r, u: ActionPoint.objects.get(pk=r.action_point.pk, done_by=u),
    ),
]


def _pairs(*outcomes):
    return [
        pytest.param(case, role, id=f"{case.url_name}-{case.method}-{role}")
        for case in CASES
        for role in ROLES
        if EXPECTED[case.id][ROLES.index(role)] in outcomes
    ]


@pytest.fixture
def ask(rounds, client_for, django_capture_on_commit_callbacks):
    def request(case: Case, role: str):
        user = rounds.world.user(role)
        client = client_for(user)
        case.prepare(rounds)
        with django_capture_on_commit_callbacks(execute=True):
            if case.method == "GET":
                return client.get(case.url(rounds))
            return client.post(case.url(rounds), case.data(rounds, user))

    return request


@pytest.mark.parametrize(("case", "role"), _pairs(OK, DONE))
def test_permitted_role_is_served(case, role, rounds, ask, mailoutbox):
    case.prepare(rounds)
    before = _snapshot()
    response = ask(case, role)
    assert response.status_code == EXPECTED[case.id][ROLES.index(role)]
    if case.method == "GET":
        assert _snapshot() == before and mailoutbox == []
    else:
        case.effect(rounds, rounds.world.user(role))


@pytest.mark.parametrize(("case", "role"), _pairs(LOGIN))
def test_anonymous_visitor_is_sent_to_sign_in(case, role, rounds, ask, mailoutbox):
    case.prepare(rounds)
    before = _snapshot()
    response = ask(case, role)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login") + "?next=")
    assert _snapshot() == before and mailoutbox == []


@pytest.mark.parametrize(("case", "role"), _pairs(HIDDEN))
def test_non_member_gets_404(case, role, rounds, ask, mailoutbox):
    case.prepare(rounds)
    before = _snapshot()
    assert ask(case, role).status_code == 404
    assert _snapshot() == before and mailoutbox == []


@pytest.mark.parametrize(("case", "role"), _pairs(DENIED))
def test_insufficient_role_gets_403(case, role, rounds, ask, mailoutbox):
    case.prepare(rounds)
    before = _snapshot()
    assert ask(case, role).status_code == 403
    assert _snapshot() == before and mailoutbox == []


def test_a_member_answering_for_the_lead_organisation_gets_403_and_changes_nothing(rounds, client_for):
    world = rounds.world
    indicator = rounds.scoring.indicators.get(key="transparency")
    before = _snapshot()

    response = client_for(world.member_staff).post(
        reverse("scorecard_answer", args=[world.coalition.slug, rounds.scoring.pk]),
        {"organisation": world.lead_org.pk, f"org{world.lead_org.pk}-score_{indicator.pk}": "1"},
    )

    assert response.status_code == 403
    assert _snapshot() == before


def test_a_lead_opening_a_round_while_one_is_under_way_is_told_why_and_nothing_changes(rounds, client_for, mailoutbox):
    before = _snapshot()

    response = client_for(rounds.world.lead).post(
        reverse("scorecard_open", args=[rounds.world.coalition.slug]), {"title": "Round three"}, follow=True
    )

    assert "A round is still under way" in response.content.decode()
    assert _snapshot() == before and mailoutbox == []


def test_a_round_of_another_coalition_is_404_even_to_a_lead(rounds, client_for):
    theirs = ScorecardRoundFactory(coalition=rounds.world.other_coalition)

    response = client_for(rounds.world.lead).get(reverse("scorecard_detail", args=[rounds.world.coalition.slug, theirs.pk]))

    assert response.status_code == 404


def test_every_case_has_a_row_and_every_scorecard_url_is_in_the_matrix():
    assert sorted(case.id for case in CASES) == sorted(EXPECTED)
    assert {pattern.name for pattern in scorecard_urls.urlpatterns} == {case.url_name for case in CASES}
    for name, row in EXPECTED.items():
        assert len(row) == len(ROLES), name
