"""The balance of power: per organisation, who does the coalition's work and who decides, over a period."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import OutreachRole, TargetOrganisation, TaskStatus
from coalitions import balance
from coalitions.balance import Period, Side, balance_columns, coalition_balance, register_contribution
from coalitions.models import AuditEntry, CoalitionRole
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    OutreachLogFactory,
    ParticipationFactory,
    TaskFactory,
    TextApprovalFactory,
    TextVersionFactory,
)

UTC = ZoneInfo("UTC")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world) -> str:
    return reverse("coalition_balance", args=[world.coalition.slug])


def _page(world, user=None, **query):
    return _client(user or world.member_staff).get(_url(world), query)


def _by_organisation(response) -> dict:
    return {row.participation.organisation: row.by_key for row in response.context["balance"].rows}


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition)


@pytest.fixture
def registry(monkeypatch):
    """The registrations as the apps left them, given back after the test."""
    monkeypatch.setattr(balance, "_contributions", list(balance._contributions))


def _done(campaign, organisation, at):
    return TaskFactory(campaign=campaign, organisation=organisation, status=TaskStatus.DONE, completed_at=at)


# The registry ---------------------------------------------------------------------------------


def test_columns_come_work_first_then_deciding_as_the_apps_registered_them():
    assert [(column.key, column.side) for column in balance_columns()] == [
        ("tasks_done", Side.WORK), ("outreach_logged", Side.WORK), ("targets_led", Side.WORK),
        ("letters_cosigned", Side.WORK), ("scorecard_answers", Side.DECIDE), ("texts_proposed", Side.DECIDE),
        ("decisions_proposed", Side.DECIDE), ("votes", Side.DECIDE),
    ]


def test_two_registrations_of_one_key_are_summed_in_one_column(world, registry):
    def decision_votes(coalition, start, end):
        return {world.member_org.pk: 2, world.observer_org.pk: 0}

    register_contribution(key="votes", label="Votes cast", side=Side.DECIDE, count=decision_votes, note="On decisions.")
    campaign = CampaignFactory(coalition=world.coalition)
    version = TextVersionFactory(campaign=campaign, organisation=world.lead_org)
    TextApprovalFactory(version=version, organisation=world.member_org)
    today = timezone.localdate()

    result = coalition_balance(coalition=world.coalition, period=Period(first=None, last=today, zone=UTC))

    assert [column.key for column in balance_columns()].count("votes") == 1
    assert {row.participation.organisation: row.by_key["votes"] for row in result.rows}[world.member_org] == 3
    assert ("Votes cast", "On decisions.") in result.notes


def test_a_column_is_counted_on_one_side_only(registry):
    with pytest.raises(ImproperlyConfigured):
        register_contribution(key="votes", label="Votes cast", side=Side.WORK, count=lambda coalition, start, end: {})


def test_the_same_count_registered_twice_is_counted_once(registry):
    count = next(c.count for c in balance._contributions if c.key == "tasks_done")

    register_contribution(key="tasks_done", label="Tasks done", side=Side.WORK, count=count)

    assert len(balance_columns()[0].counts) == 1


# The page -------------------------------------------------------------------------------------


def test_every_organisation_taking_part_has_a_row_with_its_role_even_with_nothing_counted(world):
    response = _page(world)

    rows = response.context["balance"].rows
    assert [(row.participation.organisation, row.participation.role) for row in rows] == [
        (world.lead_org, CoalitionRole.LEAD), (world.member_org, CoalitionRole.MEMBER),
        (world.observer_org, CoalitionRole.OBSERVER),
    ]
    assert all(set(row.by_key.values()) == {0} for row in rows)
    html = response.content.decode()
    assert world.observer_org.name in html and "Observer" in html


def test_the_chart_shows_whether_the_lead_decides_while_members_do_the_work(world, campaign):
    now = timezone.now()
    _done(campaign, world.lead_org, now)
    for _number in range(3):
        _done(campaign, world.member_org, now)
    TextVersionFactory(campaign=campaign, organisation=world.lead_org, proposed_at=now)
    TextVersionFactory(campaign=campaign, organisation=world.lead_org, proposed_at=now)

    response = _page(world)

    chart = {line.row.participation.organisation: line for line in response.context["chart"].rows}
    assert (chart[world.lead_org].work.percent, chart[world.lead_org].decide.percent) == (25, 100)
    assert (chart[world.lead_org].work.width, chart[world.lead_org].decide.width) == ("85", "340")
    assert (chart[world.member_org].work.percent, chart[world.member_org].decide.width) == (75, "0")
    html = response.content.decode()
    assert "The lead organisations did 25% of the work and 100% of the deciding." in html
    # Drawn to the width of the screen, with words for those who cannot see it.
    assert '<svg viewBox="0 0 400 190" role="img" aria-labelledby="balance-title balance-desc"' in html
    assert '<title id="balance-title">' in html and '<desc id="balance-desc">' in html


def test_presets_count_back_from_the_readers_today(world):
    today = timezone.localdate()

    assert _page(world).context["period"].first == today - timedelta(days=89)
    assert _page(world, period="30d").context["period"].first == today - timedelta(days=29)
    assert (today - _page(world, period="12m").context["period"].first).days in (364, 365)
    assert _page(world, period="all").context["period"].first is None
    assert _page(world, period="someday").context["period"].first == today - timedelta(days=89)
    assert {_page(world, period=p).context["period"].last for p in ("30d", "90d", "12m", "all")} == {today}


def test_dates_of_ones_own_count_what_falls_between_them_and_nothing_else(world, campaign):
    _done(campaign, world.member_org, datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    _done(campaign, world.member_org, datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
    _done(campaign, world.member_org, datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    task = TaskFactory(campaign=campaign, organisation=world.lead_org)
    OutreachLogFactory(task=task, happened_on=date(2026, 3, 31))
    OutreachLogFactory(task=task, happened_on=date(2026, 4, 1))

    response = _page(world, start="2026-03-01", end="2026-03-31")

    counted = _by_organisation(response)
    assert counted[world.member_org]["tasks_done"] == 1
    assert counted[world.lead_org]["outreach_logged"] == 1
    assert "From 1 Mar 2026 to 31 Mar 2026" in response.content.decode()


def test_the_days_are_the_readers_own(world, campaign):
    # 20:00 in London on 28 February is already 1 March in Kolkata.
    _done(campaign, world.member_org, datetime(2026, 2, 28, 20, 0, tzinfo=UTC))
    world.member_staff.timezone = "Asia/Kolkata"
    world.member_staff.save(update_fields=["timezone"])

    in_kolkata = _page(world, start="2026-03-01", end="2026-03-31")
    in_utc = _page(world, world.lead, start="2026-03-01", end="2026-03-31")

    assert _by_organisation(in_kolkata)[world.member_org]["tasks_done"] == 1
    assert _by_organisation(in_utc)[world.member_org]["tasks_done"] == 0


def test_an_empty_start_counts_from_the_beginning_and_an_empty_end_up_to_today(world):
    response = _page(world, start="", end="2026-03-31")
    assert (response.context["period"].first, response.context["period"].last) == (None, date(2026, 3, 31))

    response = _page(world, start="2026-03-01", end="")
    assert (response.context["period"].first, response.context["period"].last) == (date(2026, 3, 1), timezone.localdate())


def test_an_unreadable_date_is_named_and_what_was_typed_stays(world):
    response = _page(world, start="1st of March", end="2026-03-31")

    assert response.status_code == 200
    assert response.context["balance"] is None
    html = response.content.decode()
    assert "Please give the start date as year, month and day, such as 2026-12-01." in html
    assert 'value="1st of March"' in html and 'value="2026-03-31"' in html
    assert "Correct the dates above to see the figures." in html


def test_a_start_after_the_end_is_refused_with_both_dates_kept(world):
    response = _page(world, start="2026-04-01", end="2026-03-01")

    assert response.context["balance"] is None
    html = response.content.decode()
    assert "The start date is after the end date." in html
    assert 'value="2026-04-01"' in html and 'value="2026-03-01"' in html


def test_a_start_after_today_without_an_end_is_refused(world):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _page(world, start=tomorrow.isoformat())

    assert response.context["balance"] is None
    assert "The start date is after today." in response.content.decode()


def test_the_coalition_page_links_to_the_balance_of_power(world):
    html = _client(world.observer).get(reverse("coalition_detail", args=[world.coalition.slug])).content.decode()

    assert _url(world) in html


def test_other_coalitions_people_get_404_and_anonymous_visitors_sign_in(world):
    assert _client(world.other_lead).get(_url(world)).status_code == 404
    response = Client().get(_url(world))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


# Cost ------------------------------------------------------------------------------------------


def _coalition_of(world, size: int):
    """`size` organisations in all, each with some of everything counted."""
    campaign = CampaignFactory(coalition=world.coalition)
    now = timezone.now()
    organisations = [world.lead_org, world.member_org, world.observer_org]
    while len(organisations) < size:
        organisation = OrganisationFactory()
        ParticipationFactory(coalition=world.coalition, organisation=organisation, role=CoalitionRole.MEMBER)
        organisations.append(organisation)
    for organisation in organisations:
        task = _done(campaign, organisation, now)
        OutreachLogFactory(task=task, happened_on=timezone.localdate())
        TargetOrganisation.objects.create(target=task.target, organisation=organisation, role=OutreachRole.LEAD)
        version = TextVersionFactory(campaign=campaign, organisation=organisation, proposed_at=now)
        TextApprovalFactory(version=version, organisation=world.lead_org if organisation != world.lead_org else world.member_org)


@pytest.mark.parametrize("size", [5, 50])
def test_the_page_costs_the_same_queries_for_5_or_50_organisations(world, size, django_assert_num_queries):
    _coalition_of(world, size)
    client = _client(world.member_staff)

    # Session, person, the access check (3), the organisations, then one per registered count (9).
    with django_assert_num_queries(15):
        response = client.get(_url(world))

    assert len(response.context["balance"].rows) == size
    assert response.context["balance"].work == size * 3


# Live -----------------------------------------------------------------------------------------


def test_the_figures_follow_every_change_in_the_coalition(world, campaign):
    task = TaskFactory(campaign=campaign, organisation=world.member_org)
    html = _page(world).content.decode()
    region = f'data-live-region="balance" data-live-topics="coalition:{world.coalition.pk}"'
    assert region in html
    assert f'data-live-notice data-socket="/ws/coalitions/{world.coalition.slug}/"' in html

    campaign_services.task_complete(
        task=task, by=world.member_staff, happened_on=timezone.localdate(), channel="meeting", outcome="committed",
        summary="The minister will table the bill.",
    )

    assert f"coalition:{world.coalition.pk}" in AuditEntry.objects.get(action="task.completed").topics
    refreshed = _client(world.member_staff).get(_url(world), headers={"X-Live-Refresh": "1"})
    assert _by_organisation(refreshed)[world.member_org]["tasks_done"] == 1


@pytest.mark.parametrize("query", [{"end": "9999-12-31"}, {"start": "0001-01-01", "end": "2026-01-01"}])
def test_dates_at_the_ends_of_the_calendar_are_refused_not_failed_on(world, query):
    response = _page(world, **query)

    assert response.status_code == 200 and response.context["balance"] is None
