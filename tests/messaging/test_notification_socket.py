"""The unread count follows the person live: on their own socket outside any coalition, and on
the coalition's socket beside its events."""

from datetime import date

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session

import coalitions.notices
from campaigns import services as campaign_services
from messaging import services
from messaging.consumers import CLOSE_FORBIDDEN
from tests.factories import CampaignFactory, TargetFactory

from .conftest import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/ws/me/"


@pytest.fixture(autouse=True)
def _quick_heartbeat(settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2


@database_sync_to_async
def give_task(world, assignee):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    return campaign_services.task_plan(
        campaign=campaign, by=world.lead, target=TargetFactory(campaign=campaign), organisation=world.member_org,
        channel="meeting", due_on=date(2026, 12, 20), assignee=assignee,
    )


async def next_of(communicator, kind: str) -> dict:
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] == kind:
            return message


async def test_nobody_signed_out_gets_a_personal_socket(sockets):
    assert await sockets.refused(path=ME)


async def test_the_personal_socket_says_the_count_at_once_and_again_when_a_task_is_given(world, sockets):
    communicator = await sockets.open(world.member_staff, path=ME)
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "notifications", "unread": 0}

    await give_task(world, world.member_staff)

    assert await next_of(communicator, "notifications") == {"type": "notifications", "unread": 1}


async def test_someone_else_s_notification_does_not_reach_the_socket(world, sockets):
    communicator = await sockets.open(world.org_admin, path=ME)
    await communicator.receive_json_from(timeout=TIMEOUT)

    await give_task(world, world.member_staff)

    for _ in range(3):  # three beats: pings only, and no count
        assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "ping"


async def test_reading_in_another_tab_lowers_the_count_on_this_one(world, sockets):
    await give_task(world, world.member_staff)
    communicator = await sockets.open(world.member_staff, path=ME)
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["unread"] == 1

    await database_sync_to_async(services.notifications_read_all)(by=world.member_staff)

    assert await next_of(communicator, "notifications") == {"type": "notifications", "unread": 0}


async def test_the_personal_socket_closes_once_the_person_signs_out(world, sockets):
    communicator = await sockets.open(world.member_staff, path=ME)
    await communicator.receive_json_from(timeout=TIMEOUT)

    await database_sync_to_async(lambda: Session.objects.all().delete())()

    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            assert output["code"] == CLOSE_FORBIDDEN
            break


async def test_the_coalition_socket_gives_the_count_when_asked_and_when_it_changes(world, sockets):
    communicator = await sockets.open(world.member_staff)
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    await communicator.send_json_to({"type": "unread"})
    assert await next_of(communicator, "notifications") == {"type": "notifications", "unread": 0}

    await give_task(world, world.member_staff)

    assert await next_of(communicator, "notifications") == {"type": "notifications", "unread": 1}


async def test_a_lost_nudge_is_made_up_for_at_the_next_beat(world, sockets, monkeypatch):
    communicator = await sockets.open(world.member_staff)
    await communicator.receive_json_from(timeout=TIMEOUT)
    await communicator.send_json_to({"type": "unread"})
    await next_of(communicator, "notifications")
    monkeypatch.setattr(coalitions.notices, "notifications_changed", lambda user_ids: None)

    await give_task(world, world.member_staff)

    assert await next_of(communicator, "notifications") == {"type": "notifications", "unread": 1}
