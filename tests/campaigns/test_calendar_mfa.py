"""A coalition's two-factor rule for its leads covers their calendar address too."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from campaigns import services
from coalitions.models import CoalitionRole
from tests.factories import CampaignFactory, CoalitionFactory, ParticipationFactory, TaskFactory


@pytest.fixture
def strict(world):
    world.coalition.require_mfa_for_leads = True
    world.coalition.save()
    return world


def _feed(token: str) -> str:
    response = Client().get(reverse("calendar_feed", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def tasks(strict):
    strict_task = TaskFactory(campaign=CampaignFactory(coalition=strict.coalition), organisation=strict.lead_org)
    relaxed = CoalitionFactory()
    ParticipationFactory(coalition=relaxed, organisation=strict.lead_org, role=CoalitionRole.MEMBER)
    relaxed_task = TaskFactory(campaign=CampaignFactory(coalition=relaxed), organisation=strict.lead_org)
    return strict_task, relaxed_task


def test_a_lead_without_an_authenticator_gets_no_task_of_that_coalition(strict, tasks):
    strict_task, relaxed_task = tasks
    body = _feed(services.calendar_feed_create(user=strict.lead))
    assert f"UID:task-{relaxed_task.pk}@" in body
    assert f"task-{strict_task.pk}@" not in body
    assert strict_task.target.name not in body


def test_once_the_lead_has_an_authenticator_the_tasks_come_back(strict, tasks):
    strict_task, relaxed_task = tasks
    Authenticator.objects.create(user=strict.lead, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    body = _feed(services.calendar_feed_create(user=strict.lead))
    assert f"UID:task-{strict_task.pk}@" in body and f"UID:task-{relaxed_task.pk}@" in body


def test_members_of_that_coalition_keep_their_tasks(strict, campaign, target):
    task = TaskFactory(campaign=campaign, target=target, organisation=strict.member_org)
    assert f"UID:task-{task.pk}@" in _feed(services.calendar_feed_create(user=strict.member_staff))
