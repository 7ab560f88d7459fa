"""Planning, changing and checking off outreach tasks; who may do what on the plan and calendar pages."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import CalendarFeed, OutreachLog, Stance, StanceAssessment, Task, TaskStatus
from coalitions.models import AuditEntry
from tests.conftest import ROLES
from tests.factories import AffiliationFactory, OrganisationFactory, ParticipationFactory, TargetFactory, TaskFactory

OK, DONE, LOGIN, HIDDEN, DENIED = 200, 302, "login", 404, 403


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _today():
    return timezone.localdate()


def _state():
    """Every row a plan or calendar request could write."""
    return {
        "audit": AuditEntry.objects.count(),
        "tasks": sorted(
            Task.objects.values_list("pk", "organisation_id", "assignee_id", "channel", "due_on", "status", "blocked_reason", "notes")
        ),
        "logs": OutreachLog.objects.count(),
        "stances": StanceAssessment.objects.count(),
        "feeds": sorted(CalendarFeed.objects.values_list("user_id", "token_hash")),
    }


@dataclass
class Plan:
    world: object
    campaign: object
    target: object
    member_task: Task
    lead_task: Task
    feed_token: str

    def url(self, name: str, *args) -> str:
        return reverse(name, args=[self.world.coalition.slug, self.campaign.slug, *args])


@pytest.fixture
def plan(world, campaign, target) -> Plan:
    return Plan(
        world=world, campaign=campaign, target=target,
        member_task=TaskFactory(
            campaign=campaign, target=target, organisation=world.member_org, channel="meeting",
            due_on=_today() + timedelta(days=5),
        ),
        lead_task=TaskFactory(
            campaign=campaign, target=target, organisation=world.lead_org, channel="letter",
            due_on=_today() + timedelta(days=6),
        ),
        feed_token=services.calendar_feed_create(user=world.member_staff),
    )


# The permission matrix -------------------------------------------------------------------------------


def _new_task(plan: Plan) -> dict:
    return {
        "target": plan.target.pk, "organisation": plan.world.member_org.pk, "assignee": "", "channel": "call",
        "due_on": (_today() + timedelta(days=60)).isoformat(), "notes": "Planned by the matrix", "acknowledge_overlap": "on",
    }


def _edit(plan: Plan) -> dict:
    return {"assignee": "", "channel": "email", "due_on": (_today() + timedelta(days=9)).isoformat(), "notes": "Changed"}


def _complete(plan: Plan) -> dict:
    return {"happened_on": _today().isoformat(), "channel": "meeting", "outcome": "acknowledged", "summary": "Met them."}


@dataclass(frozen=True)
class Case:
    name: str  # "<url name> <METHOD>[ <which object>]"
    url: Callable[[Plan], str]
    data: Callable[[Plan], dict] = lambda plan: {}

    @property
    def method(self) -> str:
        return self.name.split()[1]


CASES = [
    Case("plan_board GET", lambda p: p.url("plan_board")),
    Case("plan_csv GET", lambda p: p.url("plan_csv")),
    Case("task_create GET", lambda p: p.url("task_create")),
    Case("task_create POST", lambda p: p.url("task_create"), _new_task),
    Case("task_edit GET", lambda p: p.url("task_edit", p.member_task.pk)),
    Case("task_edit POST", lambda p: p.url("task_edit", p.member_task.pk), _edit),
    Case("task_edit GET lead's task", lambda p: p.url("task_edit", p.lead_task.pk)),
    Case("task_edit POST lead's task", lambda p: p.url("task_edit", p.lead_task.pk), _edit),
    Case("task_status POST", lambda p: p.url("task_status", p.member_task.pk), lambda p: {"status": "doing"}),
    Case("task_status POST lead's task", lambda p: p.url("task_status", p.lead_task.pk), lambda p: {"status": "doing"}),
    Case("task_complete GET", lambda p: p.url("task_complete", p.member_task.pk)),
    Case("task_complete POST", lambda p: p.url("task_complete", p.member_task.pk), _complete),
    Case("task_complete GET lead's task", lambda p: p.url("task_complete", p.lead_task.pk)),
    Case("task_complete POST lead's task", lambda p: p.url("task_complete", p.lead_task.pk), _complete),
    Case("calendar_settings GET", lambda p: reverse("calendar_settings")),
    Case("calendar_settings POST", lambda p: reverse("calendar_settings"), lambda p: {"action": "create"}),
    Case("calendar_feed GET", lambda p: reverse("calendar_feed", args=[p.feed_token])),
]

# Columns follow tests.conftest.ROLES. The member organisation owns "the task"; the lead organisation
# owns "lead's task". Observers read everything and change nothing. The calendar feed answers anyone
# holding its secret address, signed in or not; calendar settings are every signed-in person's own.
EXPECTED = {
    #                                     anonymous outsider observer member_staff org_admin lead other_lead
    "plan_board GET":                     (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "plan_csv GET":                       (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "task_create GET":                    (LOGIN,   HIDDEN,  DENIED,  OK,          OK,       OK,   HIDDEN),
    "task_create POST":                   (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
    "task_edit GET":                      (LOGIN,   HIDDEN,  DENIED,  OK,          OK,       OK,   HIDDEN),
    "task_edit POST":                     (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
    "task_edit GET lead's task":          (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   OK,   HIDDEN),
    "task_edit POST lead's task":         (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "task_status POST":                   (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
    "task_status POST lead's task":       (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "task_complete GET":                  (LOGIN,   HIDDEN,  DENIED,  OK,          OK,       OK,   HIDDEN),
    "task_complete POST":                 (LOGIN,   HIDDEN,  DENIED,  DONE,        DONE,     DONE, HIDDEN),
    "task_complete GET lead's task":      (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   OK,   HIDDEN),
    "task_complete POST lead's task":     (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "calendar_settings GET":              (LOGIN,   OK,      OK,      OK,          OK,       OK,   OK),
    "calendar_settings POST":             (LOGIN,   OK,      OK,      OK,          OK,       OK,   OK),
    "calendar_feed GET":                  (OK,      OK,      OK,      OK,          OK,       OK,   OK),
}


def test_every_case_has_a_row_for_every_role():
    assert sorted(case.name for case in CASES) == sorted(EXPECTED)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_role_gets_what_the_matrix_says(case, role, plan, mailoutbox, django_capture_on_commit_callbacks):
    expected = EXPECTED[case.name][ROLES.index(role)]
    user = plan.world.user(role)
    before = _state()

    with django_capture_on_commit_callbacks(execute=True):
        if case.method == "GET":
            response = _client(user).get(case.url(plan))
        else:
            response = _client(user).post(case.url(plan), case.data(plan))

    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, response.content[:300]
    changes = case.method == "POST" and expected in (DONE, OK)
    if changes:
        assert _state() != before
    else:
        assert _state() == before
    assert mailoutbox == []


def test_permitted_changes_are_recorded_in_the_audit_trail(plan):
    client = _client(plan.world.member_staff)
    actions = []
    for case in [c for c in CASES if c.method == "POST" and c.url(plan).startswith("/c/") and "lead's" not in c.name]:
        client.post(case.url(plan), case.data(plan))
        actions.append(AuditEntry.objects.filter(coalition=plan.world.coalition).latest("seq").action)

    assert actions == ["task.planned", "task.updated", "task.status_changed", "task.completed"]


# Planning a task -------------------------------------------------------------------------------------


def test_target_in_the_address_is_preselected(plan):
    other = TargetFactory(campaign=plan.campaign, name="Prime Minister", kind="minister")

    page = _client(plan.world.member_staff).get(plan.url("task_create") + f"?target={other.pk}").content.decode()

    assert f'<option value="{other.pk}" selected>Prime Minister</option>' in page


def test_no_target_is_chosen_for_the_person(plan):
    TargetFactory(campaign=plan.campaign, name="Prime Minister", kind="minister")

    page = _client(plan.world.member_staff).get(plan.url("task_create")).content.decode()

    assert '<option value="" selected>Choose a target</option>' in page
    assert "Prime Minister</option>" in page and " selected>Prime Minister" not in page


def test_task_without_a_target_is_refused_and_keeps_what_was_typed(plan):
    before = _state()

    response = _client(plan.world.member_staff).post(
        plan.url("task_create"),
        {"organisation": plan.world.member_org.pk, "channel": "call", "due_on": _today().isoformat(), "notes": "Ask for a date"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["target"]
    assert "Ask for a date" in response.content.decode()
    assert _state() == before


def test_required_fields_are_marked_in_the_task_forms(plan):
    client = _client(plan.world.member_staff)

    planning = client.get(plan.url("task_create")).content.decode()
    checking_off = client.get(plan.url("task_complete", plan.member_task.pk)).content.decode()

    assert '<label for="id_target" class="required">' in planning
    assert '<label for="id_notes">' in planning
    assert '<label for="id_summary" class="required">' in checking_off
    assert '<label for="id_attendees">' in checking_off
    assert "Fields marked * must be filled in." in planning and "Fields marked * must be filled in." in checking_off


def test_member_chooses_only_its_own_organisation_and_people(plan):
    colleague = plan.world.member_staff
    stranger = plan.world.lead

    form = _client(colleague).get(plan.url("task_create")).context["form"]

    assert [value for value, _label in form.fields["organisation"].choices] == [plan.world.member_org.pk]
    people = dict(form.fields["assignee"].choices)
    listed = {value for options in people.values() if isinstance(options, list) for value, _label in options}
    assert colleague.pk in listed and stranger.pk not in listed


def test_people_are_listed_as_organisation_dash_person_grouped_by_organisation(plan):
    page = _client(plan.world.lead).get(plan.url("task_create")).content.decode()

    assert f'<optgroup label="{plan.world.member_org.short_name}">' in page
    assert f"{plan.world.member_org.short_name} — {plan.world.member_staff.display_name}" in page


def test_lead_assigns_to_any_partner_organisation_but_not_observers_or_outsiders(plan):
    outsider_org = plan.world.outsider.affiliations.get().organisation

    form = _client(plan.world.lead).get(plan.url("task_create")).context["form"]

    offered = {value for value, _label in form.fields["organisation"].choices}
    assert offered == {plan.world.lead_org.pk, plan.world.member_org.pk}
    assert plan.world.observer_org.pk not in offered and outsider_org.pk not in offered


def test_lead_plans_a_task_for_a_member_organisation(plan):
    response = _client(plan.world.lead).post(plan.url("task_create"), _new_task(plan))

    assert response.url == plan.url("plan_board")
    task = Task.objects.get(notes="Planned by the matrix")
    assert (task.organisation, task.created_by) == (plan.world.member_org, plan.world.lead)
    assert AuditEntry.objects.filter(coalition=plan.world.coalition).latest("seq").action == "task.planned"


@pytest.mark.parametrize("who", ["observer_org", "outsider_org"])
def test_lead_cannot_give_work_to_an_observer_or_an_outsider(plan, who):
    organisation = (
        plan.world.observer_org if who == "observer_org" else plan.world.outsider.affiliations.get().organisation
    )
    before = _state()

    response = _client(plan.world.lead).post(plan.url("task_create"), {**_new_task(plan), "organisation": organisation.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _state() == before


def test_member_cannot_plan_for_another_organisation(plan):
    before = _state()

    response = _client(plan.world.member_staff).post(
        plan.url("task_create"), {**_new_task(plan), "organisation": plan.world.lead_org.pk}
    )

    assert response.status_code == 200
    assert _state() == before


def test_person_of_another_organisation_is_refused_and_the_typed_task_kept(plan):
    before = _state()

    response = _client(plan.world.lead).post(
        plan.url("task_create"), {**_new_task(plan), "assignee": plan.world.lead.pk, "notes": "Bring the postcards"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "does not belong to" in page
    assert "Bring the postcards" in page
    assert _state() == before


def test_planning_without_targets_points_to_adding_one(world, campaign):
    page = _client(world.member_staff).get(reverse("task_create", args=[world.coalition.slug, campaign.slug])).content.decode()

    assert reverse("target_create", args=[world.coalition.slug, campaign.slug]) in page


def test_planning_returns_to_a_safe_next_address_only(plan):
    client = _client(plan.world.member_staff)
    board = plan.url("plan_board") + "?group=target"

    safe = client.post(plan.url("task_create"), {**_new_task(plan), "next": board})
    unsafe = client.post(plan.url("task_create"), {**_new_task(plan), "next": "https://evil.example/"})

    assert safe.url == board
    assert unsafe.url == plan.url("plan_board")


# The duplicate-contact warning -----------------------------------------------------------------------


def _planned(plan, *, organisation, days: int, **extra):
    data = {
        **_new_task(plan), "organisation": organisation.pk, "acknowledge_overlap": "",
        "due_on": (plan.lead_task.due_on + timedelta(days=days)).isoformat(), "notes": "Meet the minister's secretary",
        **extra,
    }
    return _client(plan.world.lead).post(plan.url("task_create"), data)


def test_another_organisation_within_14_days_brings_a_warning_and_keeps_what_was_typed(plan):
    before = _state()

    response = _planned(plan, organisation=plan.world.member_org, days=14)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Another organisation is in touch with this target within 14 days" in page
    assert f"{plan.world.lead_org.short_name} · Letter" in page
    assert "Meet the minister&#x27;s secretary" in page
    assert 'name="acknowledge_overlap"' in page and "Plan it anyway" in page
    assert _state() == before


def test_a_contact_already_made_also_brings_the_warning(plan):
    plan.lead_task.delete()
    logged = TaskFactory(campaign=plan.campaign, target=plan.target, organisation=plan.world.lead_org, channel="call")
    services.task_complete(
        task=logged, by=plan.world.lead, happened_on=_today() - timedelta(days=10), channel="call",
        outcome="acknowledged", summary="Spoke to the secretary",
    )
    plan.member_task.delete()

    response = _client(plan.world.member_staff).post(
        plan.url("task_create"), {**_new_task(plan), "due_on": _today().isoformat(), "acknowledge_overlap": ""}
    )

    page = response.content.decode()
    assert "Contacted" in page
    assert page.count(f"{plan.world.lead_org.short_name} · Call") == 1


def test_the_same_organisation_gets_no_warning(plan):
    plan.member_task.delete()

    response = _planned(plan, organisation=plan.world.lead_org, days=2)

    assert response.status_code == 302


def test_fifteen_days_apart_gets_no_warning(plan):
    plan.member_task.delete()

    response = _planned(plan, organisation=plan.world.member_org, days=15)

    assert response.status_code == 302


def test_acknowledged_overlap_is_planned(plan):
    response = _planned(plan, organisation=plan.world.member_org, days=1, acknowledge_overlap="on")

    assert response.status_code == 302
    assert Task.objects.filter(notes="Meet the minister's secretary", organisation=plan.world.member_org).exists()


def test_warning_box_is_absent_without_overlap(plan):
    page = _client(plan.world.member_staff).get(plan.url("task_create")).content.decode()

    assert "Plan it anyway" not in page


# Changing a task -------------------------------------------------------------------------------------


def test_member_changes_person_channel_date_and_notes(plan):
    colleague = plan.world.org_admin

    response = _client(plan.world.member_staff).post(
        plan.url("task_edit", plan.member_task.pk), {**_edit(plan), "assignee": colleague.pk}
    )

    assert response.status_code == 302
    plan.member_task.refresh_from_db()
    assert (plan.member_task.assignee, plan.member_task.channel, plan.member_task.notes) == (colleague, "email", "Changed")
    assert plan.member_task.due_on == _today() + timedelta(days=9)


def test_edit_form_offers_only_people_of_the_task_organisation(plan):
    form = _client(plan.world.lead).get(plan.url("task_edit", plan.member_task.pk)).context["form"]

    listed = {
        value for group, options in form.fields["assignee"].choices if isinstance(options, list) for value, _label in options
    }
    assert listed == {plan.world.member_staff.pk, plan.world.org_admin.pk}


def test_edit_form_starts_from_the_current_values(plan):
    plan.member_task.assignee = plan.world.member_staff
    plan.member_task.notes = "Take the 2010 report"
    plan.member_task.save()

    page = _client(plan.world.member_staff).get(plan.url("task_edit", plan.member_task.pk)).content.decode()

    assert f'<option value="{plan.world.member_staff.pk}" selected>' in page
    assert "Take the 2010 report" in page
    assert f'value="{plan.member_task.due_on.isoformat()}"' in page


# Status ----------------------------------------------------------------------------------------------


def test_blocked_needs_a_reason_and_nothing_changes_without_one(plan):
    before = _state()

    response = _client(plan.world.member_staff).post(
        plan.url("task_status", plan.member_task.pk), {"status": "blocked", "blocked_reason": "  "}, follow=True
    )

    assert "Please say why the task is blocked." in response.content.decode()
    assert _state() == before


def test_blocked_with_a_reason_shows_the_reason_on_the_board(plan):
    client = _client(plan.world.member_staff)
    client.post(plan.url("task_status", plan.member_task.pk), {"status": "blocked", "blocked_reason": "Bishop abroad"})

    page = client.get(plan.url("plan_board")).content.decode()

    plan.member_task.refresh_from_db()
    assert plan.member_task.status == TaskStatus.BLOCKED
    assert "Bishop abroad" in page


def test_done_cannot_be_set_without_a_record(plan):
    before = _state()

    response = _client(plan.world.member_staff).post(plan.url("task_status", plan.member_task.pk), {"status": "done"}, follow=True)

    assert "Please choose to do, doing or blocked." in response.content.decode()
    assert _state() == before


def test_status_change_returns_to_where_it_was_made(plan):
    board = plan.url("plan_board") + "?group=due"

    response = _client(plan.world.member_staff).post(
        plan.url("task_status", plan.member_task.pk), {"status": "doing", "next": board}
    )

    assert response.url == board + f"#task-{plan.member_task.pk}"


def test_rejected_status_change_comes_back_at_the_card(plan):
    board = plan.url("plan_board") + "?group=target#top"
    before = _state()

    response = _client(plan.world.member_staff).post(
        plan.url("task_status", plan.member_task.pk), {"status": "blocked", "blocked_reason": "", "next": board}
    )

    assert response.url == plan.url("plan_board") + f"?group=target#task-{plan.member_task.pk}"
    assert _state() == before


def test_status_form_needs_a_post(plan):
    response = _client(plan.world.member_staff).get(plan.url("task_status", plan.member_task.pk))

    assert response.status_code == 405


# Checking off ----------------------------------------------------------------------------------------


def test_check_off_form_starts_with_today_and_the_planned_channel(plan):
    form = _client(plan.world.member_staff).get(plan.url("task_complete", plan.member_task.pk)).context["form"]

    assert form.initial == {"happened_on": _today(), "channel": "meeting"}


def test_next_step_with_a_date_creates_the_follow_up_and_links_to_it(plan):
    due = _today() + timedelta(days=20)

    response = _client(plan.world.member_staff).post(
        plan.url("task_complete", plan.member_task.pk),
        {
            **_complete(plan), "happened_on": (_today() - timedelta(days=3)).isoformat(), "attendees": "Two secretaries",
            "next_step": "Send the ILO report", "next_step_due": due.isoformat(),
        },
        follow=True,
    )

    plan.member_task.refresh_from_db()
    follow_up = Task.objects.get(follow_up_of=plan.member_task)
    log = OutreachLog.objects.get(task=plan.member_task)
    assert plan.member_task.status == TaskStatus.DONE
    assert (follow_up.organisation, follow_up.due_on, follow_up.notes, follow_up.status) == (
        plan.world.member_org, due, "Send the ILO report", TaskStatus.TODO
    )
    assert log.follow_up == follow_up and log.happened_on == _today() - timedelta(days=3)
    assert plan.url("task_edit", follow_up.pk) in response.content.decode()


def test_without_a_next_step_date_no_follow_up_is_made(plan):
    _client(plan.world.member_staff).post(
        plan.url("task_complete", plan.member_task.pk), {**_complete(plan), "next_step": "Maybe write again"}
    )

    assert not Task.objects.filter(follow_up_of=plan.member_task).exists()
    assert OutreachLog.objects.get(task=plan.member_task).next_step == "Maybe write again"


def test_stance_update_from_a_log_creates_an_assessment_by_the_task_organisation(plan):
    _client(plan.world.member_staff).post(
        plan.url("task_complete", plan.member_task.pk),
        {**_complete(plan), "stance": str(Stance.LEANING_FOR), "summary": "Constructive this time"},
    )

    assessment = StanceAssessment.objects.get(target=plan.target)
    assert (assessment.stance, assessment.organisation, assessment.evidence) == (
        Stance.LEANING_FOR, plan.world.member_org, "Constructive this time"
    )
    assert OutreachLog.objects.get(task=plan.member_task).stance_assessment == assessment


def test_empty_stance_leaves_the_stance_history_alone(plan):
    _client(plan.world.member_staff).post(plan.url("task_complete", plan.member_task.pk), {**_complete(plan), "stance": ""})

    assert not StanceAssessment.objects.exists()


def test_missing_summary_keeps_what_was_typed(plan):
    before = _state()

    response = _client(plan.world.member_staff).post(
        plan.url("task_complete", plan.member_task.pk), {**_complete(plan), "summary": "", "attendees": "The deputy"}
    )

    assert response.status_code == 200
    assert "The deputy" in response.content.decode()
    assert _state() == before


def test_date_in_the_future_is_refused(plan):
    before = _state()

    response = _client(plan.world.member_staff).post(
        plan.url("task_complete", plan.member_task.pk),
        {**_complete(plan), "happened_on": (_today() + timedelta(days=5)).isoformat()},
    )

    assert "cannot be in the future" in response.content.decode()
    assert _state() == before


def test_a_done_task_cannot_be_checked_off_twice(plan):
    client = _client(plan.world.member_staff)
    client.post(plan.url("task_complete", plan.member_task.pk), _complete(plan))
    before = _state()

    again = client.post(plan.url("task_complete", plan.member_task.pk), _complete(plan))
    page = client.get(plan.url("task_complete", plan.member_task.pk), follow=True)

    assert "already been checked off" in again.content.decode()
    assert "already been checked off" in page.content.decode()
    assert _state() == before


def test_check_off_returns_to_a_safe_next_address(plan):
    board = plan.url("plan_board") + "?group=target"

    response = _client(plan.world.member_staff).post(
        plan.url("task_complete", plan.member_task.pk) + "?next=" + board, _complete(plan)
    )

    assert response.url == board


def test_person_in_two_member_organisations_acts_for_both(plan):
    second = OrganisationFactory()
    ParticipationFactory(coalition=plan.world.coalition, organisation=second)
    AffiliationFactory(organisation=second, user=plan.world.member_staff)
    theirs = TaskFactory(campaign=plan.campaign, target=plan.target, organisation=second)

    response = _client(plan.world.member_staff).post(plan.url("task_status", theirs.pk), {"status": "doing"})

    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == TaskStatus.DOING
