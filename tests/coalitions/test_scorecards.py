"""The community scorecard: rounds, indicators, one answer per organisation, anonymity below three
answers, the trend across rounds, action points, and the live page."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from coalitions.errors import DomainError
from coalitions.models import (
    AffiliationRole,
    AuditEntry,
    Coalition,
    CoalitionRole,
    Notification,
    NotificationKind,
)
from coalitions.notices import notification_view
from coalitions.scorecards import services
from coalitions.scorecards.chart import trend_chart
from coalitions.scorecards.models import (
    ActionPoint,
    Indicator,
    IndicatorOrigin,
    ScoreAnswer,
    ScorecardRound,
    ScorecardStatus,
)
from coalitions.scorecards.selectors import (
    scorecard_answers_by_organisation,
    scorecard_results,
    scorecard_trend,
)
from coalitions.scorecards.services import AnswerInput
from tests.factories import person_in


@pytest.fixture
def partners(world):
    """The world's lead and member organisations, plus two more members, each with one person."""
    third = person_in(world.coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    fourth = person_in(world.coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    return {
        world.lead_org.pk: world.lead,
        world.member_org.pk: world.member_staff,
        third.affiliations.get().organisation_id: third,
        fourth.affiliations.get().organisation_id: fourth,
    }


def _org(user):
    return user.affiliations.get().organisation


def _open(world, title="Second half of 2010") -> ScorecardRound:
    return services.scorecard_round_open(coalition=world.coalition, by=world.lead, title=title)


def _scoring(world, title="Second half of 2010") -> ScorecardRound:
    scorecard = _open(world, title)
    services.scorecard_scoring_start(scorecard=scorecard, by=world.lead)
    return scorecard


def _indicator(scorecard, key="transparency") -> Indicator:
    return scorecard.indicators.get(key=key)


def _score(scorecard, user, score, *, key="transparency", comment="", signed=False):
    return services.scorecard_answer(
        scorecard=scorecard, by=user, organisation=_org(user),
        answers=[AnswerInput(_indicator(scorecard, key).pk, score, comment, signed)],
    )


def _page(client_for, user, scorecard) -> str:
    response = client_for(user).get(reverse("scorecard_detail", args=[scorecard.coalition.slug, scorecard.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _results_html(html: str) -> str:
    return html[html.index('id="results"'):html.index('id="actions"')]


# Rounds and indicators -----------------------------------------------------------------------


def test_a_new_round_rates_the_three_principles(world):
    scorecard = _open(world)

    assert [(i.key, i.origin) for i in scorecard.indicators.all()] == [
        ("shared_vision", IndicatorOrigin.PRINCIPLE), ("equity", IndicatorOrigin.PRINCIPLE),
        ("transparency", IndicatorOrigin.PRINCIPLE),
    ]
    assert scorecard.status == ScorecardStatus.PREPARING
    assert AuditEntry.objects.filter(coalition=world.coalition, action="scorecard.opened").count() == 1


def test_principles_read_in_the_readers_language(world, client_for):
    scorecard = _open(world)
    client = client_for(world.member_staff)
    client.post(reverse("language_set"), {"language": "fr"})

    html = client.get(reverse("scorecard_detail", args=[world.coalition.slug, scorecard.pk])).content.decode()

    # Stored by key, not in the words of whoever opened the round.
    assert _indicator(scorecard).wording == ""
    with translation.override("fr"):
        assert f"<li>{translation.gettext('Transparency')} " in html


def test_a_member_adds_an_indicator_while_the_round_is_prepared(world):
    scorecard = _open(world)

    indicator = services.scorecard_indicator_add(
        scorecard=scorecard, by=world.member_staff, organisation=world.member_org,
        wording="  Costs of joint events   are shared fairly ",
    )

    assert indicator.wording == "Costs of joint events are shared fairly"
    assert indicator.origin == IndicatorOrigin.MEMBER and indicator.added_by == world.member_org
    lead_own = services.scorecard_indicator_add(
        scorecard=scorecard, by=world.lead, organisation=world.lead_org, wording="Every partner is heard"
    )
    assert lead_own.origin == IndicatorOrigin.COALITION


def test_the_coalitions_own_and_members_indicators_carry_into_the_next_round_with_their_key(world):
    first = _open(world)
    added = services.scorecard_indicator_add(
        scorecard=first, by=world.member_staff, organisation=world.member_org, wording="Costs are shared fairly"
    )
    services.scorecard_scoring_start(scorecard=first, by=world.lead)
    services.scorecard_round_close(scorecard=first, by=world.lead)

    second = _open(world, "First half of 2011")

    carried = second.indicators.get(key=added.key)
    assert (carried.wording, carried.origin, carried.added_by_id) == (added.wording, IndicatorOrigin.MEMBER, world.member_org.pk)
    assert second.indicators.count() == 4


def test_no_indicator_is_added_once_scoring_started_and_nothing_is_recorded(world):
    scorecard = _scoring(world)
    before = (Indicator.objects.count(), AuditEntry.objects.count())

    with pytest.raises(DomainError):
        services.scorecard_indicator_add(
            scorecard=scorecard, by=world.member_staff, organisation=world.member_org, wording="Too late"
        )

    assert (Indicator.objects.count(), AuditEntry.objects.count()) == before


def test_an_indicator_already_in_the_round_is_refused(world):
    scorecard = _open(world)
    before = Indicator.objects.count()

    with pytest.raises(DomainError):
        services.scorecard_indicator_add(scorecard=scorecard, by=world.member_staff, organisation=world.member_org, wording="transparency")

    assert Indicator.objects.count() == before


def test_observer_adds_no_indicator(world):
    scorecard = _open(world)
    before = (Indicator.objects.count(), AuditEntry.objects.count())

    with pytest.raises(PermissionDenied):
        services.scorecard_indicator_add(scorecard=scorecard, by=world.observer, organisation=world.observer_org, wording="Mine")

    assert (Indicator.objects.count(), AuditEntry.objects.count()) == before


def test_a_second_round_waits_until_the_first_is_closed(world):
    _open(world)

    with pytest.raises(DomainError):
        _open(world, "Another")

    assert ScorecardRound.objects.filter(coalition=world.coalition).count() == 1


def test_opening_scoring_tells_the_people_of_partner_organisations_but_not_observers(world, partners):
    _scoring(world)

    told = set(Notification.objects.filter(kind=NotificationKind.SCORECARD_OPEN).values_list("user_id", flat=True))
    assert told == {world.member_staff.pk, world.org_admin.pk} | {user.pk for user in list(partners.values())[2:]}
    assert world.observer.pk not in told and world.lead.pk not in told


# Answers -------------------------------------------------------------------------------------


def test_one_answer_per_organisation_per_indicator_changeable_while_scoring_is_open(world):
    scorecard = _scoring(world)

    _score(scorecard, world.member_staff, 2, comment="Minutes come late")
    _score(scorecard, world.org_admin, 4)  # a colleague of the same organisation changes its answer

    answer = ScoreAnswer.objects.get()
    assert (answer.organisation, answer.score, answer.comment, answer.answered_by) == (
        world.member_org, 4, "", world.org_admin,
    )


def test_no_score_takes_an_earlier_answer_back(world):
    scorecard = _scoring(world)
    _score(scorecard, world.member_staff, 2, key="equity")
    _score(scorecard, world.member_staff, 3)

    _score(scorecard, world.member_staff, None, key="equity")

    assert list(ScoreAnswer.objects.values_list("indicator__key", flat=True)) == ["transparency"]


def test_the_lead_organisation_scores_too(world):
    scorecard = _scoring(world)

    _score(scorecard, world.lead, 3)

    assert ScoreAnswer.objects.get().organisation == world.lead_org


@pytest.mark.parametrize("who", ["observer", "member_for_another"])
def test_nobody_answers_for_an_organisation_not_their_own(world, who):
    scorecard = _scoring(world)
    user, organisation = (world.observer, world.observer_org) if who == "observer" else (world.member_staff, world.lead_org)
    before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.scorecard_answer(
            scorecard=scorecard, by=user, organisation=organisation,
            answers=[AnswerInput(_indicator(scorecard).pk, 5)],
        )

    assert not ScoreAnswer.objects.exists()
    assert AuditEntry.objects.count() == before


def test_staff_the_organisation_did_not_authorise_to_vote_cannot_score_for_it(world):
    from coalitions.scorecards.selectors import scorecards_awaiting_answer

    scorecard = _scoring(world)
    world.member_staff.affiliations.update(may_vote=False)
    before = AuditEntry.objects.count()

    assert scorecards_awaiting_answer(world.member_staff) == []
    with pytest.raises(PermissionDenied):
        services.scorecard_answer(
            scorecard=scorecard, by=world.member_staff, organisation=world.member_org,
            answers=[AnswerInput(_indicator(scorecard).pk, 5)],
        )

    assert not ScoreAnswer.objects.exists()
    assert AuditEntry.objects.count() == before
    assert [a.organisation for a in scorecards_awaiting_answer(world.org_admin)] == [world.member_org]


@pytest.mark.parametrize(
    ("answers", "state"),
    [
        (lambda s: [AnswerInput(_indicator(s).pk, 6)], "scoring"),
        (lambda s: [AnswerInput(_indicator(s).pk, None, "A comment alone")], "scoring"),
        (lambda s: [AnswerInput(_indicator(s).pk, None)], "scoring"),
        (lambda s: [AnswerInput(Indicator.objects.exclude(round=s).get(key="transparency").pk, 3)], "scoring"),
        (lambda s: [AnswerInput(_indicator(s).pk, 3)], "preparing"),
        (lambda s: [AnswerInput(_indicator(s).pk, 3)], "closed"),
    ],
    ids=["score-out-of-range", "comment-without-score", "nothing-scored", "other-rounds-indicator", "not-yet-open", "closed"],
)
def test_a_refused_answer_leaves_nothing_behind(world, answers, state):
    other = ScorecardRound.objects.create(coalition=world.other_coalition, title="Theirs")
    Indicator.objects.create(round=other, key="transparency", origin=IndicatorOrigin.PRINCIPLE)
    scorecard = _open(world)
    if state != "preparing":
        services.scorecard_scoring_start(scorecard=scorecard, by=world.lead)
    if state == "closed":
        services.scorecard_round_close(scorecard=scorecard, by=world.lead)
    before = AuditEntry.objects.count()

    with pytest.raises(DomainError):
        services.scorecard_answer(scorecard=scorecard, by=world.member_staff, organisation=world.member_org, answers=answers(scorecard))

    assert not ScoreAnswer.objects.exists()
    assert AuditEntry.objects.count() == before


def test_the_trail_says_that_an_answer_came_not_whose(world, partners):
    scorecard = _scoring(world)

    _score(scorecard, world.member_staff, 2, comment="Minutes come late")

    entry = AuditEntry.objects.filter(action="scorecard.answered").get()
    assert entry.actor is None and entry.actor_name == ""
    assert world.member_org.short_name not in str(entry.data)
    assert f"scorecard:{scorecard.pk}" in entry.topics


def test_while_scoring_the_page_shows_how_many_answered_never_the_scores(world, partners, client_for):
    scorecard = _scoring(world)
    users = list(partners.values())
    for user, score in zip(users, (1, 2, 3, 4), strict=True):
        _score(scorecard, user, score, comment=f"Said by {user.display_name}")

    html = _page(client_for, world.observer, scorecard)

    assert "4 of 4 organisations have answered." in html
    assert "Median" not in html and "Said by" not in html and "<meter" not in html


# Results: anonymity below three answers ------------------------------------------------------


def _closed_with(world, partners, scores: list[tuple[int, str, bool]]) -> ScorecardRound:
    scorecard = _scoring(world)
    for user, (score, comment, signed) in zip(partners.values(), scores, strict=False):
        _score(scorecard, user, score, comment=comment, signed=signed)
    services.scorecard_round_close(scorecard=scorecard, by=world.lead)
    return scorecard


def test_with_two_answers_no_figure_and_no_unsigned_comment_reaches_the_page(world, partners, client_for):
    scorecard = _closed_with(world, partners, [(1, "The budget was hidden from us", False), (5, "", False)])
    member_org_name = world.member_org.short_name

    for reader in (world.lead, world.member_staff, world.observer):
        results = _results_html(_page(client_for, reader, scorecard))
        transparency = results[results.index("Transparency"):]
        assert "Median" not in results
        assert "<meter" not in results
        assert "The budget was hidden" not in results
        assert world.lead_org.short_name not in results and member_org_name not in results
        assert "2 organisations scored it: too few to show a score" in transparency
        assert "1 unsigned comment is held back" in transparency


def test_the_selector_hands_on_no_hidden_figure(world, partners):
    scorecard = _closed_with(world, partners, [(1, "Hidden", False), (5, "Ours, signed", True)])

    result = next(r for r in scorecard_results(scorecard) if r.indicator.key == "transparency")

    assert (result.answered, result.distribution, result.median) == (2, [], None)
    assert [(c.text, c.organisation) for c in result.comments] == [("Ours, signed", world.member_org.short_name)]
    assert result.comments_held == 1


def test_with_three_answers_the_distribution_and_median_show_and_unsigned_comments_name_nobody(world, partners, client_for):
    scorecard = _closed_with(
        world, partners,
        [(2, "", False), (2, "Minutes reach us late", False), (4, "Much better since March", True)],
    )
    third_org = _org(list(partners.values())[2])

    results = _results_html(_page(client_for, world.lead, scorecard))
    transparency = results[results.index("Transparency"):]

    assert "Median: 2 out of 5" in transparency
    assert re.search(r'<th scope="row">2</th><td><meter min="0" max="3" value="2"></meter> 2</td>', transparency)
    assert "Minutes reach us late" in transparency and "Much better since March" in transparency
    assert f"— {third_org.short_name}" in transparency  # signed
    assert world.member_org.short_name not in results  # unsigned: never named
    assert world.lead_org.short_name not in results


def test_a_signed_comment_does_not_tell_its_organisations_score(world, partners, client_for):
    scorecard = _closed_with(world, partners, [(1, "", False), (5, "We sign this", True), (3, "", False)])

    result = next(r for r in scorecard_results(scorecard) if r.indicator.key == "transparency")

    assert result.comments[0].organisation == world.member_org.short_name
    assert not hasattr(result.comments[0], "score")


def test_a_median_of_an_even_count_is_the_mean_of_the_middle_two(world, partners):
    scorecard = _closed_with(world, partners, [(2, "", False), (3, "", False), (4, "", False), (5, "", False)])

    result = next(r for r in scorecard_results(scorecard) if r.indicator.key == "transparency")

    assert result.median == 3.5
    assert [s.count for s in result.distribution] == [0, 1, 1, 1, 1]


def test_the_results_page_costs_the_same_queries_with_more_answers(world, partners, client_for, django_assert_max_num_queries):
    scorecard = _closed_with(world, partners, [(2, "a", False), (3, "b", True), (4, "c", False), (5, "d", True)])
    client = client_for(world.member_staff)
    url = reverse("scorecard_detail", args=[world.coalition.slug, scorecard.pk])

    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


# The trend across rounds ---------------------------------------------------------------------


def _round_with_transparency(world, partners, title, scores):
    scorecard = _scoring(world, title)
    for user, score in zip(partners.values(), scores, strict=False):
        _score(scorecard, user, score)
    services.scorecard_round_close(scorecard=scorecard, by=world.lead)
    return scorecard


def test_the_trend_holds_both_rounds_medians(world, partners, client_for):
    _round_with_transparency(world, partners, "Second half of 2010", [2, 2, 1, 3])
    _round_with_transparency(world, partners, "First half of 2011", [4, 4, 5])

    trend = scorecard_trend(world.coalition)
    transparency = next(s for s in trend.series if s.key == "transparency")
    assert transparency.medians == [2.0, 4.0]
    assert next(s for s in trend.series if s.key == "equity").medians == [None, None]

    html = client_for(world.observer).get(reverse("scorecard_list", args=[world.coalition.slug])).content.decode()
    figure = html.index('<figure class="scorecard-trend">')
    svg = html[figure:html.index("</svg>", figure)]
    assert "Transparency, round 1: median 2</title>" in svg
    assert "Transparency, round 2: median 4</title>" in svg
    chart = trend_chart(trend)
    line = next(s for s in chart.series if s.label == "Transparency").lines[0]
    assert f'<polyline points="{line}"' in svg
    # The table beside the chart says the same, for readers who do not see it.
    table = html[html.index('id="trend-table"'):]
    assert "<th scope=\"row\">Transparency</th><td>2</td><td>4</td>" in table


def test_the_trend_leaves_a_gap_where_too_few_answered(world, partners):
    _round_with_transparency(world, partners, "One", [2, 2, 2])
    _round_with_transparency(world, partners, "Two", [3, 3])
    _round_with_transparency(world, partners, "Three", [4, 4, 4])

    series = next(s for s in trend_chart(scorecard_trend(world.coalition)).series if s.label == "Transparency")

    assert [p.round_number for p in series.points] == [1, 3]
    assert series.lines == []  # no line drawn across the gap


def test_the_scorecard_list_costs_a_fixed_number_of_queries(world, partners, client_for, django_assert_num_queries):
    client = client_for(world.member_staff)
    url = reverse("scorecard_list", args=[world.coalition.slug])
    _round_with_transparency(world, partners, "One", [2, 2, 2])
    client.get(url)
    with django_assert_num_queries(9) as few:
        client.get(url)
    for title in ("Two", "Three"):
        _round_with_transparency(world, partners, title, [3, 4, 5, 1])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# Action points -------------------------------------------------------------------------------


def _closed(world) -> ScorecardRound:
    scorecard = _scoring(world)
    services.scorecard_round_close(scorecard=scorecard, by=world.lead)
    return scorecard


def test_an_action_point_goes_to_the_responsible_organisations_people(world):
    scorecard = _closed(world)

    point = services.action_point_add(
        scorecard=scorecard, by=world.lead, wording="Send the minutes within a week", organisation=world.member_org,
        due_on=date(2011, 1, 15),
    )

    assert point.coalition == world.coalition
    told = set(Notification.objects.filter(kind=NotificationKind.ACTION_POINT_GIVEN).values_list("user_id", flat=True))
    assert told == {world.member_staff.pk, world.org_admin.pk}


def test_an_action_point_waits_for_the_close(world):
    scorecard = _scoring(world)
    before = AuditEntry.objects.count()

    with pytest.raises(DomainError):
        services.action_point_add(
            scorecard=scorecard, by=world.lead, wording="Too early", organisation=world.member_org, due_on=date(2011, 1, 1)
        )

    assert not ActionPoint.objects.exists() and AuditEntry.objects.count() == before
    assert not Notification.objects.filter(kind=NotificationKind.ACTION_POINT_GIVEN).exists()


@pytest.mark.parametrize("who", ["observer_org", "person_elsewhere"])
def test_an_action_point_goes_to_a_partner_and_its_own_people_only(world, who):
    scorecard = _closed(world)
    kwargs = (
        {"organisation": world.observer_org}
        if who == "observer_org"
        else {"organisation": world.member_org, "assignee": world.lead}
    )

    with pytest.raises(DomainError):
        services.action_point_add(scorecard=scorecard, by=world.lead, wording="X", due_on=date(2011, 1, 1), **kwargs)

    assert not ActionPoint.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.ACTION_POINT_GIVEN).exists()


def test_the_responsible_organisation_checks_its_action_point_off_once(world):
    scorecard = _closed(world)
    point = services.action_point_add(
        scorecard=scorecard, by=world.lead, wording="Rota of speakers", organisation=world.member_org, due_on=date(2011, 2, 1)
    )

    services.action_point_complete(action_point=point, by=world.member_staff)

    point.refresh_from_db()
    assert point.done_by == world.member_staff and point.done_at is not None
    entries = AuditEntry.objects.filter(action="action_point.done").count()
    with pytest.raises(DomainError):
        services.action_point_complete(action_point=point, by=world.lead)
    assert AuditEntry.objects.filter(action="action_point.done").count() == entries


def test_another_partner_does_not_check_off_an_action_point(world, partners):
    scorecard = _closed(world)
    point = services.action_point_add(
        scorecard=scorecard, by=world.lead, wording="Rota", organisation=world.member_org, due_on=date(2011, 2, 1)
    )
    stranger = list(partners.values())[2]

    with pytest.raises(PermissionDenied):
        services.action_point_complete(action_point=point, by=stranger)

    point.refresh_from_db()
    assert point.done_at is None


# Counting for the balance of power -----------------------------------------------------------


def test_scores_per_organisation_in_a_period_are_counted_in_one_query(world, partners, django_assert_num_queries):
    scorecard = _scoring(world)
    services.scorecard_answer(
        scorecard=scorecard, by=world.member_staff, organisation=world.member_org,
        answers=[AnswerInput(_indicator(scorecard, key).pk, 3) for key in ("equity", "transparency")],
    )
    _score(scorecard, world.lead, 4)
    ScoreAnswer.objects.filter(organisation=world.lead_org).update(answered_at=timezone.now() - timedelta(days=40))
    start, end = timezone.now() - timedelta(days=30), timezone.now() + timedelta(minutes=1)

    with django_assert_num_queries(1):
        counts = scorecard_answers_by_organisation(world.coalition, start, end)

    assert counts == {world.member_org.pk: 2}


# Live ----------------------------------------------------------------------------------------


def test_an_answer_refreshes_the_round_page_and_the_list_live(world, partners, client_for):
    from tests.messaging.test_live_regions import Regions

    scorecard = _scoring(world)
    client = client_for(world.observer)
    detail = reverse("scorecard_detail", args=[world.coalition.slug, scorecard.pk])
    listing = reverse("scorecard_list", args=[world.coalition.slug])
    stale = {**Regions(client.get(detail).content.decode()).found, **Regions(client.get(listing).content.decode()).found}
    seq = Coalition.objects.get(pk=world.coalition.pk).last_event_seq

    _score(scorecard, world.member_staff, 3)

    touched = {t for e in AuditEntry.objects.filter(coalition=world.coalition, seq__gt=seq) for t in e.topics}
    fresh = {**Regions(client.get(detail).content.decode()).found, **Regions(client.get(listing).content.decode()).found}
    applied = {name: (fresh[name] if topics & touched else (topics, html)) for name, (topics, html) in stale.items()}
    assert set(stale) == {"scorecard", "scorecard-rounds"}
    assert applied == fresh
    assert "1 of 4 organisations has answered." in fresh["scorecard"][1]


def test_the_notifications_of_the_scorecard_read_as_sentences(world):
    scorecard = _open(world)
    scorecard.scoring_deadline = date(2010, 12, 6)
    scorecard.save()
    services.scorecard_scoring_start(scorecard=scorecard, by=world.lead)
    services.scorecard_round_close(scorecard=scorecard, by=world.lead)
    services.action_point_add(
        scorecard=scorecard, by=world.lead, wording="Share the minutes", organisation=world.member_org,
        assignee=world.member_staff, due_on=date(2011, 1, 15),
    )
    texts = sorted(notification_view(n).text for n in Notification.objects.filter(user=world.member_staff))

    lead_name = world.lead.display_name
    assert texts == [
        f"{lead_name} gave you an action point of the scorecard “Second half of 2010”: Share the minutes, due 15 Jan 2011.",
        f"{lead_name} opened the scorecard “Second half of 2010”: how is the partnership doing? Scores by 6 Dec 2010.",
    ]


# The pages -----------------------------------------------------------------------------------


def _answer_post(scorecard, organisation, **fields) -> dict:
    data = {"organisation": organisation.pk}
    for name, value in fields.items():
        key, _sep, indicator_key = name.rpartition("_")
        data[f"org{organisation.pk}-{key}_{_indicator(scorecard, indicator_key).pk}"] = value
    return data


def test_a_refused_answer_keeps_what_was_typed(world, client_for):
    scorecard = _scoring(world)
    url = reverse("scorecard_answer", args=[world.coalition.slug, scorecard.pk])

    response = client_for(world.member_staff).post(
        url, _answer_post(scorecard, world.member_org, comment_transparency="Minutes come late")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "A comment goes with a score" in html and "Minutes come late</textarea>" in html
    assert not ScoreAnswer.objects.exists()


def test_the_scoring_form_saves_and_shows_the_organisations_answers_back(world, client_for):
    scorecard = _scoring(world)
    client = client_for(world.member_staff)
    url = reverse("scorecard_answer", args=[world.coalition.slug, scorecard.pk])

    response = client.post(
        url, _answer_post(scorecard, world.member_org, score_transparency="2", comment_transparency="Late", signed_transparency="on", score_equity="4"),
    )

    assert response.status_code == 302
    assert sorted(ScoreAnswer.objects.values_list("indicator__key", "score", "comment", "signed")) == [
        ("equity", 4, "", False), ("transparency", 2, "Late", True),
    ]
    html = _page(client_for, world.member_staff, scorecard)
    transparency = _indicator(scorecard).pk
    assert re.search(rf'name="org{world.member_org.pk}-score_{transparency}" value="2"[^>]*checked', html)
    # Nobody else's answers fill another organisation's form.
    lead_form = _page(client_for, world.lead, scorecard).split('id="answer-')[1]
    assert re.findall(r'value="(\d?)"[^>]*checked', lead_form) == [""] * scorecard.indicators.count()


def test_an_answer_sent_after_the_close_is_refused_with_the_reason(world, client_for):
    scorecard = _closed(world)

    response = client_for(world.member_staff).post(
        reverse("scorecard_answer", args=[world.coalition.slug, scorecard.pk]),
        _answer_post(scorecard, world.member_org, score_transparency="2"), follow=True,
    )

    assert "This round is not open for scoring." in response.content.decode()
    assert not ScoreAnswer.objects.exists()


def test_the_coalition_page_links_to_the_scorecard(world, client_for):
    html = client_for(world.observer).get(reverse("coalition_detail", args=[world.coalition.slug])).content.decode()

    assert f'href="{reverse("scorecard_list", args=[world.coalition.slug])}"' in html
