"""The socket's heartbeat: it catches up by itself, checks access again, and tells the client it lives."""

import json
from datetime import date

import pytest
from channels.db import database_sync_to_async

from campaigns import services as campaign_services
from coalitions import services
from coalitions.models import Participation
from messaging.consumers import CLOSE_FORBIDDEN
from tests.factories import CampaignFactory, TargetFactory

from .conftest import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

BEAT = 0.2


@pytest.fixture(autouse=True)
def _quick_heartbeat(settings):
    settings.LIVE_HEARTBEAT_SECONDS = BEAT


@database_sync_to_async
def plan_task(world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    target = TargetFactory(campaign=campaign)
    task = campaign_services.task_plan(
        campaign=campaign, by=world.lead, target=target, organisation=world.lead_org, channel="meeting",
        due_on=date(2026, 12, 20),
    )
    return campaign, target, task


@database_sync_to_async
def remove(world, organisation):
    participation = Participation.objects.get(coalition=world.coalition, organisation=organisation)
    services.participation_remove(participation=participation, by=world.lead)


async def next_not_ping(communicator) -> dict:
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] != "websocket.send" or '"ping"' not in output.get("text", ""):
            return output


async def test_an_idle_socket_is_pinged_every_beat(world, sockets):
    communicator = await sockets.open(world.member_staff)
    assert (await communicator.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    for _ in range(2):
        assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "ping", "seq": 0}


async def test_a_change_whose_nudge_was_lost_arrives_at_the_next_beat(world, sockets, nudges):
    communicator = await sockets.open(world.member_staff, after=0)
    nudges.drop_all()
    campaign, target, task = await plan_task(world)
    event = json.loads((await next_not_ping(communicator))["text"])
    assert event["action"] == "task.planned"
    # Events name what they touched, so that a page refreshes what shows them.
    assert set(event["topics"]) == {
        f"coalition:{world.coalition.pk}", f"campaign:{campaign.pk}", f"task:{task.pk}", f"target:{target.pk}",
    }


async def test_a_removed_organisation_is_cut_off_within_a_beat_though_every_nudge_is_lost(world, sockets, nudges):
    communicator = await sockets.open(world.member_staff, after=0)
    nudges.drop_all()
    await remove(world, world.member_org)
    assert await next_not_ping(communicator) == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
