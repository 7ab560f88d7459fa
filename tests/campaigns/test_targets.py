"""Targets, their stance history and which organisations work on them: pages, rules and records."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from campaigns import selectors, services
from campaigns import urls as campaign_urls
from campaigns.forms.targets import StanceForm
from campaigns.models import (
    OutreachLog,
    OutreachRole,
    Stance,
    StanceAssessment,
    Target,
    TargetOrganisation,
    Task,
)
from coalitions.access import coalition_access
from coalitions.audit import describe_entry
from coalitions.models import AuditEntry, CoalitionRole
from tests.conftest import ROLES
from tests.factories import ParticipationFactory, TargetFactory, person_in

OK, DONE, LOGIN, HIDDEN, DENIED, NOT_ALLOWED = 200, 302, "login", 404, 403, 405

# One row per (URL, method); one column per role in tests.conftest.ROLES:
# anonymous, outsider, observer, member_staff, org_admin, lead, other_lead
EXPECTED = {
    "target_list GET": (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN),
    "target_create GET": (LOGIN, HIDDEN, DENIED, OK, OK, OK, HIDDEN),
    "target_create POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "target_detail GET": (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN),
    "target_edit GET": (LOGIN, HIDDEN, DENIED, OK, OK, OK, HIDDEN),
    "target_edit POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "stance_assess GET": (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "stance_assess POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "target_organisation_set GET": (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "target_organisation_set POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "target_organisation_remove GET": (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "target_organisation_remove POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "power_map GET": (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN),
}

TARGET_URLS = {
    "target_list", "target_create", "target_detail", "target_edit", "stance_assess",
    "target_organisation_set", "target_organisation_remove", "power_map",
}

NEW_TARGET = {
    "name": "Prime Minister", "kind": "minister", "title": "Prime Minister of India", "institution": "PMO",
    "region": "New Delhi", "email": "pm@example.org", "phone": "+91 11 2301 2312", "address": "South Block, New Delhi",
    "contact_notes": "Postcards go to the PMO address.", "influence": "5",
}
EDITED_TARGET = {**NEW_TARGET, "name": "Ministry of Labour and Employment", "kind": "ministry", "influence": "4"}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _own_organisation(world, user):
    return world.lead_org if user == world.lead else world.member_org


def _request_data(name: str, world, user) -> dict:
    if name == "target_create":
        return NEW_TARGET
    if name == "target_edit":
        return EDITED_TARGET
    if name == "stance_assess":
        organisation = _own_organisation(world, user) if user else world.member_org
        return {"stance": "1", "assessed_on": "2010-12-01", "evidence": "Constructive at the tripartite meeting.",
                "organisation": organisation.pk}
    if name == "target_organisation_set":
        return {"organisation": world.member_org.pk, "role": "lead"}
    return {}


def _url(name: str, world, campaign, target) -> str:
    args = [world.coalition.slug, campaign.slug]
    if name in {"target_detail", "target_edit", "stance_assess", "target_organisation_set"}:
        args.append(target.pk)
    if name == "target_organisation_remove":
        args += [target.pk, world.member_org.pk]
    return reverse(name, args=args)


def _state():
    """Everything a target page could change."""
    return {
        "audit entries": AuditEntry.objects.count(),
        "targets": sorted(Target.objects.values_list(*["pk", "campaign_id", *services.TARGET_FIELDS])),
        "assessments": sorted(StanceAssessment.objects.values_list("pk", "target_id", "stance", "assessed_on", "organisation_id")),
        "placements": sorted(TargetOrganisation.objects.values_list("pk", "target_id", "organisation_id", "role")),
        "tasks": sorted(Task.objects.values_list("pk", "status")),
    }


def _effect_seen(name: str, world, user, target) -> None:
    if name == "target_create":
        assert Target.objects.filter(name="Prime Minister", campaign=target.campaign, influence=5).exists()
    elif name == "target_edit":
        target.refresh_from_db()
        assert (target.name, target.influence) == ("Ministry of Labour and Employment", 4)
    elif name == "stance_assess":
        assert StanceAssessment.objects.filter(target=target, stance=1, organisation=_own_organisation(world, user)).exists()
    elif name == "target_organisation_set":
        assert target.organisations.get(role=OutreachRole.LEAD).organisation == world.member_org
    elif name == "target_organisation_remove":
        assert not target.organisations.filter(organisation=world.member_org).exists()


@pytest.fixture
def placed_target(target, world):
    """The ministry, with the member organisation already supporting the work on it."""
    TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.SUPPORT)
    return target


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_role_gets_what_the_matrix_says(case, role, world, campaign, placed_target):
    name, method = case.split()
    expected = EXPECTED[case][ROLES.index(role)]
    user = world.user(role)
    client = _client(user)
    before = _state()
    url = _url(name, world, campaign, placed_target)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, _request_data(name, world, user))

    if expected == LOGIN:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected, response.content[:500]
    if expected == DONE:
        assert _state() != before
        _effect_seen(name, world, user, placed_target)
    else:
        assert _state() == before


def test_every_target_url_is_in_the_matrix():
    names = {pattern.name for pattern in campaign_urls.app_urls}
    assert TARGET_URLS <= names
    assert {case.split()[0] for case in EXPECTED} == TARGET_URLS


# Adding and editing targets ------------------------------------------------------------------


def test_member_adds_a_target_and_the_addition_is_recorded(world, campaign):
    response = _client(world.member_staff).post(reverse("target_create", args=[world.coalition.slug, campaign.slug]), NEW_TARGET)

    target = Target.objects.get(campaign=campaign, name="Prime Minister")
    assert response["Location"] == reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk])
    assert (target.email, target.address, target.influence) == ("pm@example.org", "South Block, New Delhi", 5)
    entry = AuditEntry.objects.filter(coalition=world.coalition).latest("seq")
    assert entry.action == "target.added" and entry.actor == world.member_staff
    assert describe_entry(entry) == f"{world.member_staff} added Prime Minister as a target of “Ratify ILO C189”."


def test_a_refused_target_form_keeps_what_was_typed(world, campaign):
    typed = {**NEW_TARGET, "email": "not-an-address", "influence": "9"}

    response = _client(world.member_staff).post(reverse("target_create", args=[world.coalition.slug, campaign.slug]), typed)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "influence"}
    page = response.content.decode()
    assert 'value="Prime Minister of India"' in page and "South Block, New Delhi" in page and 'value="not-an-address"' in page
    assert not Target.objects.filter(name="Prime Minister").exists()
    assert not AuditEntry.objects.filter(action="target.added").exists()


def test_editing_a_target_is_recorded(world, campaign, target):
    _client(world.lead).post(reverse("target_edit", args=[world.coalition.slug, campaign.slug, target.pk]), EDITED_TARGET)

    entry = AuditEntry.objects.filter(coalition=world.coalition).latest("seq")
    assert entry.action == "target.updated" and entry.data["target"] == "Ministry of Labour and Employment"


def test_target_of_another_campaign_is_not_found_through_this_one(world, campaign):
    stranger = TargetFactory(campaign__coalition=world.other_coalition)

    response = _client(world.lead).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, stranger.pk]))

    assert response.status_code == 404


def test_the_list_shows_kind_institution_region_influence_stance_and_organisations(world, campaign, target):
    StanceAssessment.objects.create(target=target, stance=Stance.LEANING_FOR, assessed_on=date(2010, 12, 1), organisation=world.lead_org)
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)
    TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.SUPPORT)
    Target.objects.filter(pk=target.pk).update(institution="Government of India", region="New Delhi")

    response = _client(world.observer).get(reverse("target_list", args=[world.coalition.slug, campaign.slug]))

    page = response.content.decode()
    for text in ("Ministry of Labour", "Ministry", "Government of India", "New Delhi", "5/5", "Leaning for",
                 world.lead_org.short_name, world.member_org.short_name):
        assert text in page
    assert "Add a target" not in page  # observers read only


# Contact details -----------------------------------------------------------------------------


def test_contact_details_are_shown_to_partners_including_observers(world, campaign, target):
    Target.objects.filter(pk=target.pk).update(email="minister@labour.example", phone="+91 11 2371 0265", address="Shram Shakti Bhawan")

    page = _client(world.observer).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk])).content.decode()

    assert "minister@labour.example" in page and "+91 11 2371 0265" in page and "Shram Shakti Bhawan" in page


def test_contact_details_stay_hidden_from_people_outside_the_coalition(world, campaign, target):
    Target.objects.filter(pk=target.pk).update(email="minister@labour.example")

    for person in (world.outsider, world.other_lead):
        response = _client(person).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk]))
        assert response.status_code == 404
        assert b"minister@labour.example" not in response.content


# Stance history ------------------------------------------------------------------------------


def _assess(user, world, campaign, target, **data):
    return _client(user).post(reverse("stance_assess", args=[world.coalition.slug, campaign.slug, target.pk]), data)


def test_the_india_stance_history_reads_as_a_story_even_when_recorded_out_of_order(world, campaign, target):
    # The yes vote is recorded first; the earlier positions are written up afterwards from notes.
    _assess(world.lead, world, campaign, target, stance=Stance.CHAMPION, assessed_on="2011-06-16",
            evidence="Voted yes at the International Labour Conference.", organisation=world.lead_org.pk)
    _assess(world.member_staff, world, campaign, target, stance=Stance.OPPOSED, assessed_on="2010-06-10",
            evidence="Very critical of a binding convention.", organisation=world.member_org.pk)
    _assess(world.lead, world, campaign, target, stance=Stance.LEANING_FOR, assessed_on="2010-12-01",
            evidence="Constructive in the tripartite consultation.", organisation=world.lead_org.pk)

    page = _client(world.observer).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk])).content.decode()

    story = page[page.index("Stance on the ask over time"):]
    steps = [story.index(text) for text in (
        "10 Jun 2010", "Opposed", "Very critical",
        "1 Dec 2010", "Leaning for", "Constructive",
        "16 Jun 2011", "Champion", "Voted yes",
    )]
    assert steps == sorted(steps)
    assert selectors.targets_with_stance(campaign)[0].current_stance == Stance.CHAMPION


def test_a_late_recorded_older_assessment_does_not_override_a_newer_one(world, target):
    services.stance_assess(target=target, by=world.lead, organisation=world.lead_org, stance=Stance.CHAMPION, assessed_on=date(2011, 6, 16))
    services.stance_assess(target=target, by=world.member_staff, organisation=world.member_org, stance=Stance.OPPOSED, assessed_on=date(2010, 6, 10))

    [listed] = selectors.targets_with_stance(target.campaign)
    assert listed.current_stance == Stance.CHAMPION
    assert listed.latest_stance_on == date(2011, 6, 16)
    assert selectors.target_detail(target)["stance_history"][0].stance == Stance.CHAMPION


def test_of_two_assessments_on_one_day_the_later_recorded_counts(world, target):
    services.stance_assess(target=target, by=world.lead, organisation=world.lead_org, stance=Stance.LEANING_AGAINST, assessed_on=date(2010, 6, 10))
    services.stance_assess(target=target, by=world.lead, organisation=world.lead_org, stance=Stance.UNKNOWN, assessed_on=date(2010, 6, 10))

    assert selectors.targets_with_stance(target.campaign)[0].current_stance == Stance.UNKNOWN


def test_a_target_never_assessed_has_an_unknown_stance(target):
    assert selectors.targets_with_stance(target.campaign)[0].current_stance == Stance.UNKNOWN


def test_stance_history_cannot_be_changed_or_deleted(world, target):
    assessment = services.stance_assess(
        target=target, by=world.lead, organisation=world.lead_org, stance=Stance.OPPOSED, assessed_on=date(2010, 6, 10)
    )

    with pytest.raises(TypeError):
        StanceAssessment.objects.filter(pk=assessment.pk).update(stance=Stance.CHAMPION)
    with pytest.raises(TypeError):
        StanceAssessment.objects.filter(pk=assessment.pk).delete()
    assessment.stance = Stance.CHAMPION
    with pytest.raises(TypeError):
        assessment.save()
    with pytest.raises(TypeError):
        assessment.delete()
    assert StanceAssessment.objects.get(pk=assessment.pk).stance == Stance.OPPOSED


def test_assessing_a_stance_is_recorded_in_the_activity_trail(world, campaign, target):
    _assess(world.member_staff, world, campaign, target, stance=Stance.LEANING_FOR, assessed_on="2010-12-01",
            evidence="Constructive.", organisation=world.member_org.pk)

    entry = AuditEntry.objects.filter(coalition=world.coalition).latest("seq")
    assert entry.action == "stance.assessed"
    assert describe_entry(entry) == (
        f"{world.member_org.short_name} assessed Ministry of Labour as “Leaning for” on 1 Dec 2010 ({world.member_staff})."
    )


def test_observer_cannot_assess_a_stance(world, campaign, target):
    before = _state()

    response = _assess(world.observer, world, campaign, target, stance=Stance.CHAMPION, assessed_on="2011-06-16",
                       organisation=world.observer_org.pk)

    assert response.status_code == 403
    assert _state() == before
    assert not StanceAssessment.objects.exists()


def test_member_cannot_assess_in_the_name_of_another_organisation(world, campaign, target):
    before = _state()

    response = _assess(world.member_staff, world, campaign, target, stance=Stance.CHAMPION, assessed_on="2011-06-16",
                       organisation=world.lead_org.pk)

    assert response.status_code == 200
    assert "organisation" in response.context["stance_form"].errors
    assert _state() == before


def test_an_assessment_dated_in_the_future_is_refused_and_the_evidence_kept(world, campaign, target):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _assess(world.member_staff, world, campaign, target, stance=Stance.CHAMPION, assessed_on=tomorrow.isoformat(),
                       evidence="Promised in a corridor", organisation=world.member_org.pk)

    assert response.status_code == 200
    assert "assessed_on" in response.context["stance_form"].errors
    assert "Promised in a corridor" in response.content.decode()
    assert not StanceAssessment.objects.exists()


def test_a_person_in_two_acting_organisations_chooses_which_one_assesses(world, campaign, target):
    second = ParticipationFactory(coalition=world.coalition, role=CoalitionRole.MEMBER).organisation
    person = person_in(world.coalition, CoalitionRole.MEMBER, organisation=world.member_org)
    person.affiliations.create(organisation=second)

    page = _client(person).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk])).content.decode()
    _assess(person, world, campaign, target, stance=Stance.LEANING_FOR, assessed_on="2010-12-01", organisation=second.pk)

    assert f'<option value="{second.pk}">' in page and f'<option value="{world.member_org.pk}">' in page
    assert StanceAssessment.objects.get().organisation == second


# Who works on a target -----------------------------------------------------------------------


def _place(user, world, campaign, target, organisation, role):
    return _client(user).post(
        reverse("target_organisation_set", args=[world.coalition.slug, campaign.slug, target.pk]),
        {"organisation": organisation.pk, "role": role},
    )


def _withdraw(user, world, campaign, target, organisation):
    return _client(user).post(
        reverse("target_organisation_remove", args=[world.coalition.slug, campaign.slug, target.pk, organisation.pk])
    )


def _roles(target) -> dict:
    return dict(target.organisations.values_list("organisation__acronym", "role"))


def test_lead_places_any_partner_as_lead_or_supporting_and_removes_them(world, campaign, target):
    third = ParticipationFactory(coalition=world.coalition, role=CoalitionRole.MEMBER).organisation

    _place(world.lead, world, campaign, target, world.member_org, "lead")
    _place(world.lead, world, campaign, target, third, "support")
    assert _roles(target) == {world.member_org.acronym: "lead", third.acronym: "support"}

    response = _withdraw(world.lead, world, campaign, target, world.member_org)

    assert response.status_code == 302
    assert _roles(target) == {third.acronym: "support"}
    actions = list(AuditEntry.objects.filter(coalition=world.coalition).order_by("seq").values_list("action", flat=True))
    assert actions == ["target.organisation_set", "target.organisation_set", "target.organisation_removed"]


def test_placing_an_organisation_is_recorded_in_words(world, campaign, target):
    _place(world.lead, world, campaign, target, world.member_org, "lead")

    entry = AuditEntry.objects.filter(coalition=world.coalition).latest("seq")
    assert describe_entry(entry) == f"{world.lead} made {world.member_org.short_name} the lead organisation for Ministry of Labour."


def test_lead_hands_the_lead_over_by_making_the_current_lead_supporting_first(world, campaign, target):
    _place(world.lead, world, campaign, target, world.lead_org, "lead")

    refused = _place(world.lead, world, campaign, target, world.member_org, "lead")
    assert refused.status_code == 200
    assert "already leads" in str(refused.context["outreach_form"].non_field_errors())

    _place(world.lead, world, campaign, target, world.lead_org, "support")
    _place(world.lead, world, campaign, target, world.member_org, "lead")
    assert _roles(target) == {world.lead_org.acronym: "support", world.member_org.acronym: "lead"}


def test_member_adds_its_own_organisation_as_supporter(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)

    response = _place(world.member_staff, world, campaign, target, world.member_org, "support")

    assert response.status_code == 302
    assert _roles(target) == {world.lead_org.acronym: "lead", world.member_org.acronym: "support"}


def test_member_claims_the_lead_when_nobody_leads(world, campaign, target):
    _place(world.member_staff, world, campaign, target, world.member_org, "lead")

    assert _roles(target) == {world.member_org.acronym: "lead"}


def test_member_cannot_claim_the_lead_from_another_organisation(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)
    before = _state()

    response = _place(world.member_staff, world, campaign, target, world.member_org, "lead")

    assert response.status_code == 200
    assert response.context["outreach_form"].errors
    assert _state() == before


def test_member_is_offered_only_support_where_someone_else_leads(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)

    response = _client(world.member_staff).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk]))

    form = response.context["outreach_form"]
    assert [value for value, _label in form.fields["role"].choices] == ["support"]
    assert [value for value, _label in form.fields["organisation"].choices] == [world.member_org.pk]


def test_member_cannot_place_another_organisation(world, campaign, target):
    before = _state()

    response = _place(world.member_staff, world, campaign, target, world.lead_org, "support")

    assert response.status_code == 403
    assert _state() == before


def test_member_withdraws_its_own_organisation(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.LEAD)

    _withdraw(world.org_admin, world, campaign, target, world.member_org)

    assert _roles(target) == {}
    assert AuditEntry.objects.filter(action="target.organisation_removed").count() == 1


def test_member_cannot_remove_another_organisation(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)
    before = _state()

    response = _withdraw(world.member_staff, world, campaign, target, world.lead_org)

    assert response.status_code == 403
    assert _state() == before


def test_removing_an_organisation_that_does_not_work_on_the_target_is_not_found(world, campaign, target):
    before = _state()

    response = _withdraw(world.lead, world, campaign, target, world.member_org)

    assert response.status_code == 404
    assert _state() == before


def test_an_observer_organisation_cannot_be_given_work_on_a_target(world, campaign, target):
    before = _state()

    response = _place(world.lead, world, campaign, target, world.observer_org, "support")

    assert response.status_code == 200
    assert "organisation" in response.context["outreach_form"].errors
    assert _state() == before


def test_the_database_allows_any_number_of_supporting_organisations(world, target):
    third = ParticipationFactory(coalition=world.coalition, role=CoalitionRole.MEMBER).organisation
    for organisation in (world.lead_org, world.member_org, third):
        TargetOrganisation.objects.create(target=target, organisation=organisation, role=OutreachRole.SUPPORT)

    assert target.organisations.count() == 3


# Tasks and outreach logs on the target's page -------------------------------------------------


def test_the_page_lists_the_targets_tasks_and_what_happened_with_links(world, campaign, target):
    today = timezone.localdate()
    overdue = Task.objects.create(campaign=campaign, target=target, organisation=world.member_org, channel="letter",
                                  due_on=today - timedelta(days=2))
    done = Task.objects.create(campaign=campaign, target=target, organisation=world.lead_org, channel="meeting",
                               due_on=today - timedelta(days=10), status="done")
    OutreachLog.objects.create(task=done, happened_on=date(2011, 5, 20), channel="meeting", outcome="committed",
                               summary="The joint secretary promised support.", attendees="NDWM president")

    page = _client(world.member_staff).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk])).content.decode()

    assert reverse("task_edit", args=[world.coalition.slug, campaign.slug, overdue.pk]) in page
    assert reverse("task_complete", args=[world.coalition.slug, campaign.slug, overdue.pk]) in page
    assert reverse("task_complete", args=[world.coalition.slug, campaign.slug, done.pk]) not in page
    assert reverse("task_create", args=[world.coalition.slug, campaign.slug]) + f"?target={target.pk}" in page
    assert "Overdue" in page
    assert "The joint secretary promised support." in page and "Committed" in page


def test_observers_see_tasks_but_no_forms(world, campaign, target):
    Task.objects.create(campaign=campaign, target=target, organisation=world.member_org, channel="letter", due_on=date(2011, 6, 1))

    response = _client(world.observer).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk]))

    page = response.content.decode()
    assert response.context["stance_form"] is None and response.context["outreach_form"] is None
    assert reverse("task_edit", args=[world.coalition.slug, campaign.slug, Task.objects.get().pk]) in page
    assert "Check off" not in page and "Plan a task" not in page and "Edit details" not in page


# A fixed number of queries --------------------------------------------------------------------


def _fill(campaign, world, count: int) -> Target:
    """`count` targets, each assessed and with a lead and a supporter; the first has `count` tasks and logs."""
    targets = Target.objects.bulk_create(
        Target(campaign=campaign, name=f"Target {n:03}", kind="mp", influence=n % 5 + 1) for n in range(count)
    )
    StanceAssessment.objects.bulk_create(
        StanceAssessment(target=t, stance=n % 5 - 2, assessed_on=date(2010, 6, 1), organisation=world.lead_org)
        for n, t in enumerate(targets)
    )
    TargetOrganisation.objects.bulk_create(
        [TargetOrganisation(target=t, organisation=world.lead_org, role=OutreachRole.LEAD) for t in targets]
        + [TargetOrganisation(target=t, organisation=world.member_org, role=OutreachRole.SUPPORT) for t in targets]
    )
    first = targets[0]
    tasks = Task.objects.bulk_create(
        Task(campaign=campaign, target=first, organisation=world.member_org, assignee=world.member_staff,
             channel="call", due_on=date(2011, 6, 1), status="done")
        for _n in range(count)
    )
    OutreachLog.objects.bulk_create(
        OutreachLog(task=task, happened_on=date(2011, 5, 1), channel="call", outcome="acknowledged", summary="Spoke.",
                    logged_by=world.member_staff)
        for task in tasks
    )
    return first


TARGET_LIST_QUERIES = 8
TARGET_DETAIL_QUERIES = 12


@pytest.mark.parametrize("count", [10, 200])
def test_the_target_list_runs_a_fixed_number_of_queries(count, world, campaign, django_assert_num_queries):
    _fill(campaign, world, count)
    client = _client(world.member_staff)
    url = reverse("target_list", args=[world.coalition.slug, campaign.slug])

    with django_assert_num_queries(TARGET_LIST_QUERIES):
        response = client.get(url)

    assert response.content.decode().count("/targets/") >= count


@pytest.mark.parametrize("count", [10, 200])
def test_the_target_page_runs_a_fixed_number_of_queries(count, world, campaign, django_assert_num_queries):
    first = _fill(campaign, world, count)
    client = _client(world.lead)
    url = reverse("target_detail", args=[world.coalition.slug, campaign.slug, first.pk])

    with django_assert_num_queries(TARGET_DETAIL_QUERIES):
        response = client.get(url)

    assert response.content.decode().count("Spoke.") == count



def test_a_member_already_supporting_another_organisations_lead_is_not_offered_the_form(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)
    TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.SUPPORT)

    response = _client(world.member_staff).get(reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk]))

    assert response.context["outreach_form"] is None
    assert "Withdraw" in response.content.decode()


def test_the_as_of_date_is_filled_in_for_browsers_in_every_language(world):
    access = coalition_access(world.member_staff, world.coalition)

    with translation.override("fr"):
        rendered = str(StanceForm(access=access)["assessed_on"])

    assert f'value="{timezone.localdate().isoformat()}"' in rendered
