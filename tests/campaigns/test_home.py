"""A signed-in person's home page: what is due, what waits for their vote, what partners did."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campaigns import decisions as decision_services
from campaigns import services
from campaigns.models import CampaignStatus, TaskStatus
from coalitions.audit import audit_record
from coalitions.models import AffiliationRole, CoalitionRole
from letters import services as letter_services
from tests.factories import (
    AffiliationFactory,
    CampaignFactory,
    CoalitionFactory,
    ParticipationFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _today():
    return timezone.localdate()


def _home(user):
    return _client(user).get(reverse("home"))


def test_agenda_groups_overdue_today_and_this_week_nearest_first(world, campaign, target):
    today = _today()
    org = world.member_org
    late = TaskFactory(campaign=campaign, target=target, organisation=org, due_on=today - timedelta(days=3))
    later = TaskFactory(campaign=campaign, target=target, organisation=org, due_on=today - timedelta(days=1))
    now = TaskFactory(campaign=campaign, target=target, organisation=org, due_on=today)
    soon = TaskFactory(campaign=campaign, target=target, organisation=org, due_on=today + timedelta(days=6))
    TaskFactory(campaign=campaign, target=target, organisation=org, due_on=today + timedelta(days=8))
    TaskFactory(campaign=campaign, target=target, organisation=org, due_on=today, status=TaskStatus.DONE)
    agenda = _home(world.member_staff).context["agenda"]
    assert agenda.overdue == [late, later]
    assert agenda.today == [now]
    assert agenda.this_week == [soon]


def test_agenda_leaves_out_colleagues_tasks_other_organisations_and_finished_campaigns(world, campaign, target):
    today = _today()
    colleague = AffiliationFactory(organisation=world.member_org).user
    mine = TaskFactory(campaign=campaign, target=target, organisation=world.member_org, assignee=world.member_staff)
    TaskFactory(campaign=campaign, target=target, organisation=world.member_org, assignee=colleague)
    TaskFactory(campaign=campaign, target=target, organisation=world.lead_org)
    won = CampaignFactory(coalition=world.coalition, status=CampaignStatus.WON)
    TaskFactory(campaign=won, organisation=world.member_org, due_on=today)
    agenda = _home(world.member_staff).context["agenda"]
    assert agenda.today == [mine]
    assert not agenda.overdue and not agenda.this_week


def test_each_task_has_a_check_off_link_that_comes_back_home(world, campaign, target):
    task = TaskFactory(campaign=campaign, target=target, organisation=world.member_org, due_on=_today())
    page = _home(world.member_staff).content.decode()
    url = reverse("task_complete", args=[world.coalition.slug, campaign.slug, task.pk])
    assert f'href="{url}?next=/"' in page
    assert all(escape(text) in page for text in (campaign.title, world.coalition.name, target.name))


def test_observer_sees_no_task_and_no_vote(world, campaign, target):
    TaskFactory(campaign=campaign, target=target, organisation=world.observer_org, due_on=_today())
    services.text_propose(campaign=campaign, by=world.lead, organisation=world.lead_org, kind="message", body="Ratify now.")
    response = _home(world.observer)
    assert not response.context["agenda"]
    assert response.context["votes"] == []


def test_pending_wording_waits_for_organisations_that_have_not_approved(world, campaign):
    version = services.text_propose(
        campaign=campaign, by=world.lead, organisation=world.lead_org, kind="ask", body="Ratify C189 this year."
    )
    assert _home(world.member_staff).context["votes"] == [version]
    assert _home(world.lead).context["votes"] == []
    page = _home(world.member_staff).content.decode()
    assert reverse("campaign_texts", args=[world.coalition.slug, campaign.slug]) + f"#version-{version.pk}" in page


def test_approved_or_withdrawn_wording_no_longer_waits(world, campaign):
    ParticipationFactory(coalition=world.coalition, role=CoalitionRole.MEMBER)  # so that two yes do not adopt
    version = services.text_propose(
        campaign=campaign, by=world.lead, organisation=world.lead_org, kind="ask", body="Ratify C189 this year."
    )
    services.text_approve(version=version, by=world.member_staff, organisation=world.member_org)
    assert _home(world.member_staff).context["votes"] == []
    other = services.text_propose(campaign=campaign, by=world.lead, organisation=world.lead_org, kind="message", body="Fair work.")
    services.text_withdraw(version=other, by=world.lead)
    assert _home(world.org_admin).context["votes"] == []


def test_activity_shows_partners_entries_in_my_language_not_my_own(world, campaign):
    services.target_create(campaign=campaign, by=world.lead, name="Labour Minister", kind="minister")
    services.target_create(campaign=campaign, by=world.member_staff, name="Own entry", kind="minister")
    world.member_staff.language = "fr"
    world.member_staff.save()
    response = _home(world.member_staff)
    texts = [text for _entry, text in response.context["activity"]]
    assert any("Labour Minister" in text for text in texts)
    assert not any("Own entry" in text for text in texts)
    assert '<html lang="fr">' in response.content.decode()


def test_activity_keeps_a_few_entries_per_coalition(world):
    AffiliationFactory(user=world.lead, organisation=world.other_lead.affiliations.get().organisation)
    for _number in range(6):
        audit_record(coalition=world.coalition, actor=world.member_staff, action="coalition.updated")
    audit_record(coalition=world.other_coalition, actor=world.other_lead, action="coalition.updated")
    activity = _home(world.lead).context["activity"]
    coalitions = [entry.coalition_id for entry, _text in activity]
    assert coalitions.count(world.coalition.pk) == 3
    assert coalitions.count(world.other_coalition.pk) == 1


def test_person_without_work_is_told_so(world):
    page = _home(world.member_staff).content.decode()
    assert "Nothing is due for you or your organisation in the coming week." in page


def test_person_in_no_coalition_gets_no_empty_agenda(world):
    page = _home(world.outsider).content.decode()
    assert "Due for me and my organisation" not in page
    assert "You are not part of any coalition yet." in page


def _person_with_work_in(count: int):
    """A member of `count` coalitions, each with tasks due, a wording to vote on and a partner's action."""
    person = UserFactory()
    own = AffiliationFactory(user=person, role=AffiliationRole.ADMIN).organisation
    today = _today()
    for _number in range(count):
        coalition = CoalitionFactory()
        ParticipationFactory(coalition=coalition, organisation=own, role=CoalitionRole.MEMBER)
        partner = ParticipationFactory(coalition=coalition, role=CoalitionRole.LEAD).organisation
        ParticipationFactory(coalition=coalition, role=CoalitionRole.MEMBER)
        lead = AffiliationFactory(organisation=partner, role=AffiliationRole.ADMIN).user
        campaign = CampaignFactory(coalition=coalition)
        target = TargetFactory(campaign=campaign)
        for offset in (-2, 0, 3):
            TaskFactory(campaign=campaign, target=target, organisation=own, due_on=today + timedelta(days=offset))
        services.text_propose(campaign=campaign, by=lead, organisation=partner, kind="message", body="Decent work.")
        letter_services.letter_create(
            campaign=campaign, by=lead, organisation=partner, subject="Decent work", body="Dear Minister,",
            language="en", place="Delhi", on=today, targets=[target], cosigners=[(partner, True), (own, True)],
        )
        decision_services.decision_propose(
            coalition=coalition, by=lead, organisation=partner, question="Meet the minister together?", options=["Yes"],
            deadline=timezone.now() + timedelta(days=3), method="consent",
        )
    return person


@pytest.mark.parametrize("coalitions", [1, 10])
def test_home_query_count_does_not_grow_with_coalitions(db, coalitions, django_assert_num_queries):
    person = _person_with_work_in(coalitions)
    client = _client(person)
    # Three of them ask for the partnership's scorecards, action points and decisions waiting for a vote.
    with django_assert_num_queries(15):
        response = client.get(reverse("home"))
    assert len(response.context["coalitions"]) == coalitions
    agenda = response.context["agenda"]
    assert (len(agenda.overdue), len(agenda.today), len(agenda.this_week)) == (coalitions, coalitions, coalitions)
    assert len(response.context["votes"]) == coalitions
    assert len(response.context["decisions"]) == coalitions
    [letters] = response.context["sections"]
    assert len(letters["items"]) == coalitions
    assert len(response.context["activity"]) == 3 * coalitions
