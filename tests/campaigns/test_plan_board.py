"""The outreach board and its CSV export: groupings, filters, derived due states, query counts."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import DueState, Task, TaskStatus
from tests.factories import AffiliationFactory, TargetFactory, TaskFactory

TODAY = date(2011, 6, 6)
BOARD_QUERIES = 11


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _board(world, campaign) -> str:
    return reverse("plan_board", args=[world.coalition.slug, campaign.slug])


def _get_board(user, world, campaign, query: str = ""):
    url = reverse("plan_board", args=[world.coalition.slug, campaign.slug])
    return _client(user).get(url + query)


def _csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _today():
    return timezone.localdate()


# Due states are derived from the date, never stored -------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (TODAY - timedelta(days=30), DueState.OVERDUE),
        (TODAY - timedelta(days=1), DueState.OVERDUE),
        (TODAY, DueState.DUE_TODAY),
        (TODAY + timedelta(days=1), DueState.DUE_SOON),
        (TODAY + timedelta(days=3), DueState.DUE_SOON),
        (TODAY + timedelta(days=4), None),
    ],
)
def test_due_state_follows_the_date_around_a_fixed_today(due_on, expected):
    assert Task(due_on=due_on, status=TaskStatus.TODO).due_state(TODAY) == expected


@pytest.mark.parametrize("status", [TaskStatus.DOING, TaskStatus.BLOCKED])
def test_open_task_past_its_date_is_overdue_whatever_its_status(status):
    assert Task(due_on=TODAY - timedelta(days=1), status=status).due_state(TODAY) == DueState.OVERDUE


def test_done_task_has_no_due_state():
    assert Task(due_on=TODAY - timedelta(days=5), status=TaskStatus.DONE).due_state(TODAY) is None


def test_due_state_filter_in_the_database_agrees_with_the_model(world, campaign, target):
    for offset in range(-2, 6):
        TaskFactory(campaign=campaign, target=target, organisation=world.member_org, due_on=TODAY + timedelta(days=offset))
    TaskFactory(
        campaign=campaign, target=target, organisation=world.member_org, due_on=TODAY - timedelta(days=1), status="done"
    )

    for state in DueState:
        in_database = set(Task.objects.in_due_state(state, TODAY).values_list("pk", flat=True))
        in_python = {task.pk for task in Task.objects.all() if task.due_state(TODAY) == state}
        assert in_database == in_python, state


def test_nothing_about_due_states_is_stored():
    assert not {"due_state", "is_overdue", "due_soon"} & {field.name for field in Task._meta.get_fields()}


# The board ------------------------------------------------------------------------------------------


@pytest.fixture
def plan(world, campaign, target):
    """A task of the lead organisation and one of the member organisation, on two targets."""
    bishops = TargetFactory(campaign=campaign, name="Council of Bishops", kind="religious_council")
    return {
        "lead": TaskFactory(
            campaign=campaign, target=target, organisation=world.lead_org, channel="letter",
            due_on=_today() + timedelta(days=10), notes="Postcards to the Prime Minister",
        ),
        "member": TaskFactory(
            campaign=campaign, target=bishops, organisation=world.member_org, channel="meeting",
            due_on=_today() - timedelta(days=2), assignee=world.member_staff,
        ),
    }


def test_board_opens_on_our_organisations_tasks(world, campaign, plan):
    page = _get_board(world.member_staff, world, campaign).content.decode()

    assert "Council of Bishops" in page
    assert "Postcards to the Prime Minister" not in page
    assert 'aria-current="page">Our organisation' in page


def test_observer_board_opens_on_every_task_without_an_our_tab(world, campaign, plan):
    page = _get_board(world.observer, world, campaign).content.decode()

    assert "Council of Bishops" in page and "Postcards to the Prime Minister" in page
    assert "Our organisation" not in page


def test_by_organisation_shows_ours_first(world, campaign, plan):
    page = _get_board(world.member_staff, world, campaign, "?group=organisation").content.decode()

    assert page.index(world.member_org.name) < page.index(world.lead_org.name)
    assert page.count("Your organisation") == 1


def test_by_target_groups_under_each_target(world, campaign, plan):
    response = _get_board(world.lead, world, campaign, "?group=target")

    titles = [section["title"] for section in response.context["sections"]]
    assert titles == ["Council of Bishops", "Ministry of Labour"]


def test_by_due_date_puts_the_earliest_date_first_with_its_state(world, campaign, plan):
    response = _get_board(world.lead, world, campaign, "?group=due")

    sections = response.context["sections"]
    assert [s["date"] for s in sections] == [plan["member"].due_on, plan["lead"].due_on]
    assert sections[0]["state"] == DueState.OVERDUE


def test_task_card_shows_who_how_when_and_the_derived_badge(world, campaign, plan):
    plan["member"].status, plan["member"].blocked_reason = "blocked", "Bishop travelling until July"
    plan["member"].save()
    follow_up = TaskFactory(
        campaign=campaign, target=plan["member"].target, organisation=world.member_org, channel="call",
        due_on=_today(), follow_up_of=plan["member"],
    )

    page = _get_board(world.observer, world, campaign, "?group=target").content.decode()

    assert world.member_staff.display_name in page
    assert "Overdue" in page and "Due today" in page
    assert "Blocked:</strong> Bishop travelling until July" in page
    assert "Follow-up of the Meeting" in page
    assert f'id="task-{follow_up.pk}"' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=blocked", {"blocked"}),
        ("channel=call", {"call"}),
        ("due=overdue", {"overdue"}),
        ("due=today", {"today"}),
        ("due=soon", {"soon"}),
        ("organisation={lead_org}", {"lead"}),
        ("assignee={member_staff}", {"assigned"}),
        ("target={target}", {"lead", "soon", "today"}),
    ],
)
def test_filters_narrow_the_board(world, campaign, target, query, expected):
    other = TargetFactory(campaign=campaign, name="Times of India", kind="media")
    names = {
        "lead": TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=_today() + timedelta(days=20)),
        "soon": TaskFactory(campaign=campaign, target=target, organisation=world.member_org, due_on=_today() + timedelta(days=2)),
        "today": TaskFactory(campaign=campaign, target=target, organisation=world.member_org, due_on=_today()),
        "overdue": TaskFactory(campaign=campaign, target=other, organisation=world.member_org, due_on=_today() - timedelta(days=1)),
        "blocked": TaskFactory(
            campaign=campaign, target=other, organisation=world.member_org, status="blocked", blocked_reason="No answer",
            due_on=_today() + timedelta(days=30),
        ),
        "call": TaskFactory(campaign=campaign, target=other, organisation=world.member_org, channel="call", due_on=_today() + timedelta(days=40)),
        "assigned": TaskFactory(
            campaign=campaign, target=other, organisation=world.member_org, assignee=world.member_staff,
            due_on=_today() + timedelta(days=50),
        ),
    }
    query = query.format(lead_org=world.lead_org.pk, member_staff=world.member_staff.pk, target=target.pk)

    response = _get_board(world.observer, world, campaign, f"?group=due&{query}")

    shown = {task.pk for section in response.context["sections"] for task in section["tasks"]}
    assert shown == {names[name].pk for name in expected}


def test_unknown_filter_values_are_ignored(world, campaign, plan):
    response = _get_board(world.lead, world, campaign, "?group=nonsense&status=lost&target=999999&organisation=x")

    assert response.status_code == 200
    assert response.context["open_count"] == 2


def test_action_buttons_appear_only_on_tasks_the_viewer_may_act_on(world, campaign, plan):
    check_off = reverse("task_complete", args=[world.coalition.slug, campaign.slug, plan["lead"].pk])
    own_check_off = reverse("task_complete", args=[world.coalition.slug, campaign.slug, plan["member"].pk])

    member_page = _get_board(world.member_staff, world, campaign, "?group=target").content.decode()
    observer_page = _get_board(world.observer, world, campaign, "?group=target").content.decode()
    lead_page = _get_board(world.lead, world, campaign, "?group=target").content.decode()

    assert own_check_off in member_page and check_off not in member_page
    assert "Check off" not in observer_page and "Plan a task" not in observer_page
    assert own_check_off in lead_page and check_off in lead_page


def test_done_task_has_no_buttons(world, campaign, plan):
    plan["member"].status = "done"
    plan["member"].save()

    page = _get_board(world.member_staff, world, campaign).content.decode()

    assert "Check off" not in page


def _many_tasks(world, campaign, count: int) -> None:
    organisations = [world.lead_org, world.member_org]
    people = {world.lead_org.pk: world.lead, world.member_org.pk: world.member_staff}
    targets = [TargetFactory(campaign=campaign) for _ in range(5)]
    previous = None
    for n in range(count):
        organisation = organisations[n % 2]
        task = TaskFactory(
            campaign=campaign, target=targets[n % 5], organisation=organisation,
            assignee=people[organisation.pk] if n % 3 else None, due_on=_today() + timedelta(days=n % 9 - 3),
            status="blocked" if n % 7 == 0 else "todo", blocked_reason="Waiting" if n % 7 == 0 else "",
            follow_up_of=previous if n % 4 == 0 else None,
        )
        previous = task


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("group", ["organisation&mine=1", "organisation", "target", "due"])
def test_board_runs_the_same_number_of_queries_for_10_and_200_tasks(
    world, campaign, count, group, django_assert_num_queries
):
    _many_tasks(world, campaign, count)
    client = _client(world.lead)

    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(_board(world, campaign) + f"?group={group}&status=&due=")

    assert response.status_code == 200
    assert "Check off" in response.content.decode()


def test_csv_runs_the_same_number_of_queries_for_10_and_200_tasks(world, campaign):
    _many_tasks(world, campaign, 10)
    client = _client(world.observer)
    url = reverse("plan_csv", args=[world.coalition.slug, campaign.slug])

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _many_tasks(world, campaign, 190)
    with CaptureQueriesContext(connection) as large:
        rows = _csv_rows(client.get(url))

    assert len(rows) == 201
    assert len(large) == len(small)


# CSV export -----------------------------------------------------------------------------------------


def test_csv_is_an_excel_friendly_attachment_with_the_documented_columns(world, campaign, plan):
    response = _client(world.observer).get(reverse("plan_csv", args=[world.coalition.slug, campaign.slug]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="c189-outreach-plan-all-{_today().isoformat()}.csv"'
    rows = _csv_rows(response)
    assert rows[0] == [
        "Target", "Organisation", "Person", "Channel", "Due by", "Status", "Why it is blocked", "Due state", "Notes",
        "Follow-up of", "Contacted on", "Outcome", "Summary",
    ]
    assert ["Council of Bishops", world.member_org.short_name, world.member_staff.display_name, "Meeting",
            plan["member"].due_on.isoformat(), "To do", "", "Overdue", "", "", "", "", ""] in rows


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://evil.example\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_neutralises_spreadsheet_formulas(world, campaign, target, dangerous):
    TaskFactory(campaign=campaign, target=target, organisation=world.member_org, notes=dangerous)
    target.name = dangerous
    target.save()

    rows = _csv_rows(_client(world.lead).get(reverse("plan_csv", args=[world.coalition.slug, campaign.slug])))

    assert rows[1][0] == "'" + dangerous
    assert rows[1][8] == "'" + dangerous


def test_csv_keeps_harmless_text_as_typed(world, campaign, target):
    TaskFactory(campaign=campaign, target=target, organisation=world.member_org, notes="Ask about C189; bring 5,000 postcards")

    rows = _csv_rows(_client(world.lead).get(reverse("plan_csv", args=[world.coalition.slug, campaign.slug])))

    assert rows[1][8] == "Ask about C189; bring 5,000 postcards"


def test_csv_applies_the_board_filters(world, campaign, plan):
    url = reverse("plan_csv", args=[world.coalition.slug, campaign.slug])

    rows = _csv_rows(_client(world.lead).get(url + f"?organisation={world.lead_org.pk}"))
    mine = _csv_rows(_client(world.member_staff).get(url + "?mine=1"))

    assert [row[0] for row in rows[1:]] == ["Ministry of Labour"]
    assert [row[0] for row in mine[1:]] == ["Council of Bishops"]


def test_csv_link_on_the_board_carries_the_current_view(world, campaign, plan):
    page = _get_board(world.member_staff, world, campaign, "?status=todo").content.decode()

    assert reverse("plan_csv", args=[world.coalition.slug, campaign.slug]) + "?status=todo&amp;mine=1" in page


def test_csv_names_people_without_their_email(world, campaign, target):
    unnamed = AffiliationFactory(organisation=world.member_org, user__display_name="").user
    TaskFactory(campaign=campaign, target=target, organisation=world.member_org, assignee=unnamed)

    body = _client(world.observer).get(reverse("plan_csv", args=[world.coalition.slug, campaign.slug])).content.decode()

    assert unnamed.email not in body


def test_our_tab_link_drops_an_organisation_chosen_in_another_view(world, campaign, plan):
    page = _get_board(world.member_staff, world, campaign, f"?group=target&organisation={world.lead_org.pk}&channel=letter")

    html = page.content.decode()
    assert "?group=organisation&amp;mine=1&amp;channel=letter\"" in html


# Open work first ---------------------------------------------------------------------------------


@pytest.fixture
def with_history(world, campaign, plan):
    """Besides the plan: two tasks done long ago, one of them on the oldest date of all."""
    old = [
        TaskFactory(
            campaign=campaign, target=plan["lead"].target, organisation=world.lead_org, due_on=date(2010, 3, day),
            status=TaskStatus.DONE,
        )
        for day in (1, 2)
    ]
    return {**plan, "done": old}


def test_done_tasks_are_folded_behind_a_count(world, campaign, with_history):
    response = _get_board(world.lead, world, campaign, "?group=due")

    page = response.content.decode()
    shown = [task.pk for section in response.context["sections"] for task in section["tasks"]]
    assert shown == [with_history["member"].pk, with_history["lead"].pk]
    assert f'id="task-{with_history["done"][0].pk}"' not in page
    assert "Show the 2 done tasks" in page
    assert "?group=due&amp;done=1#done" in page


def test_by_due_date_starts_at_what_is_overdue_not_at_old_done_work(world, campaign, with_history):
    response = _get_board(world.lead, world, campaign, "?group=due")

    first = response.context["sections"][0]
    assert first["date"] == with_history["member"].due_on
    assert first["state"] == DueState.OVERDUE


def test_show_done_lists_them_after_the_open_ones_newest_first(world, campaign, with_history):
    response = _get_board(world.lead, world, campaign, "?group=due&done=1")

    page = response.content.decode()
    newer, older = with_history["done"][1], with_history["done"][0]
    assert response.context["done_tasks"] == [newer, older]
    assert page.index(f'id="task-{with_history["lead"].pk}"') < page.index(f'id="task-{newer.pk}"') < page.index(f'id="task-{older.pk}"')
    assert "Hide the done tasks" in page


def test_done_filter_shows_the_done_tasks_without_the_switch(world, campaign, with_history):
    response = _get_board(world.lead, world, campaign, "?group=target&status=done")

    assert response.context["sections"] == []
    assert len(response.context["done_tasks"]) == 2


def test_open_tasks_come_nearest_first_within_a_group(world, campaign, target):
    later = TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=_today() + timedelta(days=5))
    sooner = TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=_today())

    response = _get_board(world.lead, world, campaign, "?group=target")

    assert response.context["sections"][0]["tasks"] == [sooner, later]


def test_csv_name_says_which_view_it_holds(world, campaign, plan):
    url = reverse("plan_csv", args=[world.coalition.slug, campaign.slug])

    response = _client(world.member_staff).get(url + "?mine=1&status=todo&channel=meeting")

    today = _today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="c189-outreach-plan-ours-to-do-meeting-{today}.csv"'


def test_csv_carries_the_outcome_and_summary_of_the_check_off(world, campaign, plan):
    services.task_complete(
        task=plan["member"], by=world.member_staff, happened_on=_today(), channel="meeting", attendees="",
        outcome="committed", summary="The bishop will speak on Sunday.", next_step="", next_step_due=None, stance=None,
    )

    rows = _csv_rows(_client(world.lead).get(reverse("plan_csv", args=[world.coalition.slug, campaign.slug])))

    [row] = [row for row in rows if row[0] == "Council of Bishops"]
    assert row[-3:] == [_today().isoformat(), "Committed", "The bishop will speak on Sunday."]


def test_an_open_task_can_be_passed_on_by_whatsapp_with_prepared_text(world, campaign, target, client_for):
    from datetime import date
    from urllib.parse import parse_qs, urlparse

    from django.urls import reverse

    from campaigns import services

    task = services.task_plan(
        campaign=campaign, by=world.lead, target=target, organisation=world.lead_org, channel="meeting",
        due_on=date(2026, 12, 20),
    )
    page = client_for(world.observer).get(reverse("plan_board", args=[world.coalition.slug, campaign.slug]))
    link = next(a for a in page.content.decode().split('href="')[1:] if a.startswith("https://wa.me/"))
    text = parse_qs(urlparse(link[: link.index('"')].replace("&amp;", "&")).query)["text"][0]
    assert f"{world.lead_org.short_name} contacts {target.name} (Meeting) by 20 Dec 2026." in text
    assert text.endswith(reverse("task_edit", args=[world.coalition.slug, campaign.slug, task.pk]))
    assert world.lead.email not in text
