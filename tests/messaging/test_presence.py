"""Who is looking at a campaign now, over the coalition socket."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from messaging.presence import presence_store
from tests.factories import CampaignFactory

from .conftest import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    settings.LIVE_PRESENCE_TTL_SECONDS = 0.6
    presence_store.cache_clear()
    yield
    presence_store.cache_clear()


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, slug="c189")


async def names_until(communicator, predicate, campaign_id) -> list[str]:
    """Reads the socket until a presence message satisfies `predicate`."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] == "presence":
            assert message["campaign"] == campaign_id
            names = sorted(person["name"] for person in message["people"])
            if predicate(names):
                return names


async def test_people_on_a_campaign_see_each_other_by_name_and_organisation(world, sockets, campaign):
    a = await sockets.open(world.lead)
    b = await sockets.open(world.member_staff)
    await a.send_json_to({"type": "presence", "campaign": campaign.pk})
    await b.send_json_to({"type": "presence", "campaign": campaign.pk})
    both = sorted([str(world.lead), str(world.member_staff)])
    assert await names_until(a, lambda names: names == both, campaign.pk) == both
    message = None
    while message is None or message["type"] != "presence":
        message = await b.receive_json_from(timeout=TIMEOUT)
    person = next(p for p in message["people"] if p["name"] == str(world.member_staff))
    assert person["organisation"] == world.member_org.short_name
    assert world.member_staff.email not in json.dumps(message)


async def test_someone_gone_without_a_goodbye_disappears_once_their_mark_lapses(world, sockets, campaign):
    a = await sockets.open(world.lead)
    await a.send_json_to({"type": "presence", "campaign": campaign.pk})
    # A laptop closed: its socket never says goodbye, its last mark simply ages.
    await database_sync_to_async(presence_store().mark)(campaign.pk, 999, {"id": 999, "name": "Gone", "organisation": "X"}, 0.6)
    assert "Gone" in await names_until(a, lambda names: "Gone" in names, campaign.pk)
    assert await names_until(a, lambda names: "Gone" not in names, campaign.pk) == [str(world.lead)]


async def test_a_closed_socket_leaves_at_once(world, sockets, campaign):
    a = await sockets.open(world.lead)
    b = await sockets.open(world.member_staff)
    for socket in (a, b):
        await socket.send_json_to({"type": "presence", "campaign": campaign.pk})
    await names_until(a, lambda names: len(names) == 2, campaign.pk)
    await b.disconnect()
    await asyncio.sleep(0.05)
    assert [p["name"] for p in await database_sync_to_async(presence_store().here)(campaign.pk)] == [str(world.lead)]


async def test_a_campaign_of_another_coalition_is_not_joined(world, sockets, campaign, settings):
    # Beats fall on the process's clock, not the socket's opening: a 20 s beat lands in the
    # half-second this test listens one run in forty. An hour's beat leaves it alone.
    settings.LIVE_HEARTBEAT_SECONDS = 3600
    foreign = await database_sync_to_async(CampaignFactory)(coalition=world.other_coalition, slug="other")
    a = await sockets.open(world.lead)
    assert (await a.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    await a.send_json_to({"type": "presence", "campaign": foreign.pk})
    assert await a.receive_nothing(timeout=0.5)
    assert await database_sync_to_async(presence_store().here)(foreign.pk) == []
