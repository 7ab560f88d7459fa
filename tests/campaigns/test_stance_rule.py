"""A stance speaks for the organisation of the person recording it, whichever way it is recorded."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import OutreachLog, StanceAssessment, TaskStatus
from coalitions.errors import DomainError
from tests.factories import TaskFactory


@pytest.fixture
def member_task(world, campaign, target):
    return TaskFactory(campaign=campaign, target=target, organisation=world.member_org)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_lead_checking_off_another_organisations_task_cannot_record_its_stance(world, member_task):
    with pytest.raises(DomainError):
        services.task_complete(
            task=member_task, by=world.lead, happened_on=date.today(), channel="meeting", outcome="committed",
            summary="Met them.", stance=2,
        )
    member_task.refresh_from_db()
    assert member_task.status != TaskStatus.DONE
    assert not StanceAssessment.objects.exists() and not OutreachLog.objects.exists()


def test_the_check_off_form_of_a_partners_task_asks_no_stance_and_ignores_one_posted(world, campaign, member_task):
    url = reverse("task_complete", args=[world.coalition.slug, campaign.slug, member_task.pk])
    lead = _client(world.lead)
    assert 'name="stance"' not in lead.get(url).content.decode()
    assert 'name="stance"' in _client(world.member_staff).get(url).content.decode()
    response = lead.post(
        url, {"happened_on": date.today().isoformat(), "channel": "meeting", "outcome": "committed",
              "summary": "Met the joint secretary.", "stance": "2"},
    )
    assert response.status_code == 302
    assert OutreachLog.objects.get().stance_assessment is None
    assert not StanceAssessment.objects.exists()


def test_a_lead_may_still_check_off_another_organisations_task_without_a_stance(world, member_task):
    log = services.task_complete(
        task=member_task, by=world.lead, happened_on=date.today(), channel="meeting", outcome="committed",
        summary="Met them.",
    )
    assert log.stance_assessment is None


def test_the_organisations_own_people_record_its_stance_through_a_check_off(world, member_task):
    log = services.task_complete(
        task=member_task, by=world.member_staff, happened_on=date.today(), channel="meeting", outcome="committed",
        summary="Met them.", stance=2,
    )
    assert log.stance_assessment.organisation == world.member_org


def test_the_direct_stance_form_follows_the_same_rule(world, target):
    with pytest.raises(DomainError):
        services.stance_assess(
            target=target, by=world.lead, organisation=world.member_org, stance=2, assessed_on=date.today()
        )
    assert not StanceAssessment.objects.exists()
