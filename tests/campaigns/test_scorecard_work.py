"""Action points agreed after a scorecard round behave like tasks: the responsible organisation's
people find them one tap from their home page, check them off there, and hear of overdue ones in
their daily reminder mail. Rounds open for scoring wait on the home page too."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.reminders import reminder_digest_send, reminder_digests
from coalitions.models import AffiliationRole, CoalitionRole, Participation
from coalitions.scorecards import services
from coalitions.scorecards.models import ActionPoint
from coalitions.scorecards.services import AnswerInput
from tests.factories import ActionPointFactory, ScorecardRoundFactory, person_in

SITE = "https://coalition.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def closed_round(world):
    return ScorecardRoundFactory(coalition=world.coalition, title="Second half of 2010", status="closed")


def _home(client_for, user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def test_an_action_point_of_ones_organisation_is_one_tap_from_home(world, closed_round, client_for, today):
    point = ActionPointFactory(round=closed_round, organisation=world.member_org, wording="Share the minutes", due_on=today)

    html = _home(client_for, world.member_staff)

    assert "Share the minutes" in html
    done_url = reverse("action_point_complete", args=[world.coalition.slug, closed_round.pk, point.pk])
    assert f'action="{done_url}"' in html
    assert "Share the minutes" not in _home(client_for, world.observer)
    assert "Share the minutes" not in _home(client_for, world.lead)


def test_checking_off_from_home_comes_back_home(world, closed_round, client_for, today):
    point = ActionPointFactory(round=closed_round, organisation=world.member_org, due_on=today)
    client = client_for(world.member_staff)

    response = client.post(
        reverse("action_point_complete", args=[world.coalition.slug, closed_round.pk, point.pk]), {"next": "/"}
    )

    assert response.status_code == 302 and response.url == "/"
    point.refresh_from_db()
    assert point.done_by == world.member_staff
    assert point.wording not in _home(client_for, world.member_staff)


def test_an_action_point_given_to_a_colleague_is_not_on_ones_home(world, closed_round, client_for, today):
    ActionPointFactory(round=closed_round, organisation=world.member_org, assignee=world.org_admin, wording="For the admin")

    assert "For the admin" not in _home(client_for, world.member_staff)
    assert "For the admin" in _home(client_for, world.org_admin)


def test_an_organisation_that_became_an_observer_no_longer_sees_its_action_points(world, closed_round, client_for):
    ActionPointFactory(round=closed_round, organisation=world.member_org, wording="Share the minutes")
    Participation.objects.filter(coalition=world.coalition, organisation=world.member_org).update(role=CoalitionRole.OBSERVER)

    assert "Share the minutes" not in _home(client_for, world.member_staff)


def test_a_round_open_for_scoring_waits_on_home_until_the_organisation_answered(world, client_for):
    scorecard = services.scorecard_round_open(coalition=world.coalition, by=world.lead, title="First half of 2011")
    services.scorecard_scoring_start(scorecard=scorecard, by=world.lead)

    assert "The scorecard “First half of 2011” waits for the scores of" in _home(client_for, world.member_staff)
    assert "waits for the scores of" not in _home(client_for, world.observer)

    services.scorecard_answer(
        scorecard=scorecard, by=world.org_admin, organisation=world.member_org,
        answers=[AnswerInput(scorecard.indicators.get(key="equity").pk, 3)],
    )
    assert "waits for the scores of" not in _home(client_for, world.member_staff)
    assert "waits for the scores of" in _home(client_for, world.lead)


# The daily reminder --------------------------------------------------------------------------


def test_an_overdue_action_point_reaches_its_person_in_the_daily_mail(world, closed_round, today, mailoutbox, django_capture_on_commit_callbacks):
    point = ActionPointFactory(
        round=closed_round, organisation=world.member_org, assignee=world.member_staff, wording="Share the minutes",
        due_on=today - timedelta(days=2),
    )
    ActionPointFactory(round=closed_round, organisation=world.member_org, wording="Not yet due", due_on=today + timedelta(days=1))

    [digest] = reminder_digests(today)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_digest_send(digest, today)

    assert digest.user == world.member_staff
    assert [item.action_point for item in digest.action_points] == [point]
    [mail] = mailoutbox
    assert mail.subject.endswith("Reminder: 1 partnership action point is overdue")
    assert "Share the minutes" in mail.body and "Not yet due" not in mail.body
    assert f"{SITE}{reverse('scorecard_detail', args=[world.coalition.slug, closed_round.pk])}#action-{point.pk}" in mail.body


def test_with_nobody_named_the_organisations_admins_are_reminded(world, closed_round, today):
    ActionPointFactory(round=closed_round, organisation=world.member_org, due_on=today - timedelta(days=1))

    digests = reminder_digests(today)

    assert [digest.user for digest in digests] == [world.org_admin]
    assert digests[0].action_points[0].for_organisation


def test_done_action_points_and_those_of_observers_remind_nobody(world, closed_round, today):
    ActionPointFactory(round=closed_round, organisation=world.member_org, due_on=today - timedelta(days=1), done_at=timezone.now())
    ActionPointFactory(round=closed_round, organisation=world.observer_org, due_on=today - timedelta(days=1))

    assert reminder_digests(today) == []


def test_an_action_point_left_by_its_person_goes_to_the_admins(world, closed_round, today):
    gone = person_in(world.coalition, CoalitionRole.MEMBER, organisation=world.member_org, org_role=AffiliationRole.STAFF)
    ActionPointFactory(round=closed_round, organisation=world.member_org, assignee=gone, due_on=today - timedelta(days=1))
    gone.affiliations.all().delete()

    assert [digest.user for digest in reminder_digests(today)] == [world.org_admin]
    assert ActionPoint.objects.count() == 1


def test_reading_overdue_action_points_takes_the_same_queries_for_few_and_many(world, closed_round, today, django_assert_num_queries):
    ActionPointFactory(round=closed_round, organisation=world.member_org, due_on=today - timedelta(days=1))
    with django_assert_num_queries(7) as few:
        reminder_digests(today)
    for _ in range(5):
        person = person_in(world.coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
        ActionPointFactory(round=closed_round, organisation=person.affiliations.get().organisation, due_on=today - timedelta(days=3))

    with django_assert_num_queries(len(few.captured_queries)):
        digests = reminder_digests(today)

    assert len(digests) == 6
