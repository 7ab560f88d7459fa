"""A coalition's front page shows its work first; managing organisations has a page of its own."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CampaignStatus, OutreachRole, TargetOrganisation, TaskStatus
from coalitions.models import CoalitionRole
from tests.factories import CampaignFactory, OrganisationFactory, ParticipationFactory, TargetFactory, TaskFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(world, user):
    return _client(user).get(reverse("coalition_detail", args=[world.coalition.slug]))


def test_page_shows_live_campaigns_who_leads_which_target_and_what_is_due(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.LEAD)
    unled = TargetFactory(campaign=campaign, name="Chief Minister of Kerala", influence=1)
    today = timezone.localdate()
    late = TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=today - timedelta(days=1))
    TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=today + timedelta(days=20))
    TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=today, status=TaskStatus.DONE)

    response = _page(world, world.observer)

    work = response.context["work"]
    assert work.live == [campaign]
    assert (work.live[0].open_count, work.live[0].overdue_count) == (2, 1)
    assert [(t.name, t.lead) for t in work.live[0].lead_targets] == [(target.name, world.member_org), (unled.name, None)]
    assert work.due == [late]
    html = response.content.decode()
    assert html.index("Campaigns") < html.index("Activity") < html.index("Organisations</h2>")
    assert "Nobody yet" in html


def test_finished_campaigns_are_listed_apart_with_no_tasks_due(world, campaign):
    won = CampaignFactory(coalition=world.coalition, title="Kerala law 2011", status=CampaignStatus.WON)
    TaskFactory(campaign=won, organisation=world.lead_org, due_on=timezone.localdate())

    work = _page(world, world.member_staff).context["work"]

    assert work.live == [campaign] and work.past == [won]
    assert work.due == []


def test_members_see_partners_read_only_and_no_management(world, campaign):
    html = _page(world, world.member_staff).content.decode()

    assert world.member_org.name in html and world.lead_org.name in html
    assert "Change role" not in html and "Remove" not in html
    assert reverse("coalition_organisations", args=[world.coalition.slug]) in html


def test_organisations_page_gives_leads_the_controls_and_members_a_read_only_list(world):
    url = reverse("coalition_organisations", args=[world.coalition.slug])

    as_lead = _client(world.lead).get(url).content.decode()
    as_member = _client(world.member_staff).get(url).content.decode()

    assert "Change role" in as_lead and "Invite an organisation" in as_lead
    assert "Change role" not in as_member and "Invite an organisation" not in as_member
    assert world.lead_org.name in as_member


def test_role_change_comes_back_to_the_organisations_page(world):
    participation = world.coalition.participations.get(organisation=world.member_org)

    response = _client(world.lead).post(
        reverse("participation_role", args=[world.coalition.slug, participation.pk]), {"role": "observer"}
    )

    assert response.url == reverse("coalition_organisations", args=[world.coalition.slug])


def _coalition_with_campaigns(world, count: int):
    for _number in range(count):
        campaign = CampaignFactory(coalition=world.coalition)
        partner = OrganisationFactory()
        ParticipationFactory(coalition=world.coalition, organisation=partner, role=CoalitionRole.MEMBER)
        for offset in (-1, 2):
            target = TargetFactory(campaign=campaign)
            TargetOrganisation.objects.create(target=target, organisation=partner, role=OutreachRole.LEAD)
            TaskFactory(campaign=campaign, target=target, organisation=partner, due_on=timezone.localdate() + timedelta(days=offset))


@pytest.mark.parametrize("campaigns", [1, 8])
def test_coalition_page_query_count_does_not_grow_with_campaigns(world, campaigns, django_assert_num_queries):
    _coalition_with_campaigns(world, campaigns)
    client = _client(world.member_staff)

    with django_assert_num_queries(12):
        response = client.get(reverse("coalition_detail", args=[world.coalition.slug]))

    assert len(response.context["work"].live) == campaigns
