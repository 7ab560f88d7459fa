"""A petition's counts reach its coalition's pages without entering the trail: a confirmed signature
says so to the coalition's sockets, unnumbered, at most once a window, and nothing of its signer."""

import asyncio
import copy
import secrets
import uuid

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

import coalitions.audit
from coalitions.audit import coalition_group
from coalitions.models import AuditEntry, hash_token
from signatures import services
from signatures.models import Held, Signature
from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory, SignatureFactory

from .conftest import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings):
    """The windows live in the shared cache: neither earlier tests nor parallel runs may hold one open."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-tallies-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture
def petition(world):
    petition = PetitionFactory(campaign=CampaignFactory(coalition=world.coalition, slug="c189"), slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    return petition


@database_sync_to_async
def signed(petition, *, name="Asha Devi", email="asha@example.org", held=Held.NO) -> str:
    """A signature waiting for its signer to confirm it; its confirmation token."""
    token = secrets.token_urlsafe(16)
    SignatureFactory(petition=petition, name=name, email=email, token_hash=hash_token(token), held=held)
    return token


@database_sync_to_async
def confirm(token: str) -> None:
    services.signature_confirm(token=token)


@database_sync_to_async
def trail_length() -> int:
    return AuditEntry.objects.count()


async def next_message(communicator) -> dict:
    """The next message that is neither the greeting nor a heartbeat."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] not in ("hello", "ping"):
            return message


@pytest.fixture
def group_listener(monkeypatch):
    """What the web processes hand the channel layer for the coalition's group, in order.

    Recorded where it leaves for the layer rather than read back from it: the sockets' own tests
    cover the way back, and a bare channel reading the group from the test's thread would depend
    on the layer (pub/sub, core or in memory) more than on what was sent."""

    async def listen(layer, coalition_id: int) -> list[dict]:
        sent: list[dict] = []
        real = coalitions.audit._group_send

        def record(group_coalition_id: int, message: dict) -> None:
            if group_coalition_id == coalition_id:
                sent.append(message)
            real(group_coalition_id, message)

        monkeypatch.setattr(coalitions.audit, "_group_send", record)
        return sent

    return listen


async def nudges_heard(layer, sent: list[dict]) -> list[dict]:
    """What was sent since the last look."""
    heard = list(sent)
    sent.clear()
    return heard


async def test_a_confirmed_signature_tells_the_coalition_its_counts_changed_and_nothing_of_the_signer(
    world, petition, sockets
):
    member = await sockets.open(world.member_staff)
    stranger = await sockets.open(world.other_lead, slug=world.other_coalition.slug)
    assert (await stranger.receive_json_from(timeout=TIMEOUT))["type"] == "hello"
    token = await signed(petition)
    entries = await trail_length()

    await confirm(token)

    assert await next_message(member) == {"type": "tally", "topics": [f"petition:{petition.pk}"]}
    assert await stranger.receive_nothing(timeout=1.5)
    assert await trail_length() == entries  # no partner's doing: the trail holds none of it


async def test_a_page_hears_once_of_a_burst_of_signatures(world, petition, sockets, channel_layer):
    member = await sockets.open(world.member_staff)
    other = await database_sync_to_async(PetitionFactory)(campaign=petition.campaign, slug="second")
    group = coalition_group(world.coalition.pk)

    for topic in [f"petition:{petition.pk}"] * 5 + [f"petition:{other.pk}"] * 2:
        await channel_layer.group_send(group, {"type": "coalition.tally", "topic": topic})

    heard = [await next_message(member), await next_message(member)]
    assert sorted(message["topics"][0] for message in heard) == sorted([f"petition:{petition.pk}", f"petition:{other.pk}"])
    assert await member.receive_nothing(timeout=1.5)


async def test_web_processes_announce_a_petition_once_per_window(group_listener, world, petition, settings, channel_layer):
    settings.LIVE_TALLY_SECONDS = 60  # no window ends during the test
    listener = await group_listener(channel_layer, world.coalition.pk)
    tokens = [await signed(petition, name=f"Signer {n}", email=f"signer{n}@example.org") for n in range(3)]

    for token in tokens:
        await confirm(token)

    assert await nudges_heard(channel_layer, listener) == [
        {"type": "coalition.tally", "topic": f"petition:{petition.pk}"}
    ]


async def test_the_next_window_announces_again(group_listener, world, petition, settings, channel_layer):
    listener = await group_listener(channel_layer, world.coalition.pk)
    first, second = await signed(petition), await signed(petition, name="Meena", email="meena@example.org")

    await confirm(first)
    assert len(await nudges_heard(channel_layer, listener)) == 1
    await asyncio.sleep(settings.LIVE_TALLY_SECONDS)
    await confirm(second)

    assert len(await nudges_heard(channel_layer, listener)) == 1


async def test_a_signature_collected_in_the_field_is_announced_at_once(group_listener, world, petition, channel_layer):
    listener = await group_listener(channel_layer, world.coalition.pk)

    await database_sync_to_async(services.petition_sign)(
        petition=petition, name="Lakshmi", email="", region="Kerala", visibility="counted", opt_ins=[],
        ip="198.51.100.7", channel="field", collector=world.member_staff,
    )

    assert await nudges_heard(channel_layer, listener) == [
        {"type": "coalition.tally", "topic": f"petition:{petition.pk}"}
    ]


async def test_signatures_that_change_no_count_announce_nothing(group_listener, world, petition, channel_layer):
    listener = await group_listener(channel_layer, world.coalition.pk)
    held = await signed(petition, held=Held.DISPOSABLE)
    waiting = await signed(petition, name="Meena", email="meena@example.org")

    await confirm(held)  # held aside: never counted
    await database_sync_to_async(services.signature_erase)(token=waiting)  # never confirmed
    await database_sync_to_async(services.petition_sign)(
        petition=petition, name="Kavita", email="kavita@example.org", region="Kerala", visibility="counted",
        opt_ins=[], ip="198.51.100.8",
    )  # waits for its signer's confirmation

    assert await nudges_heard(channel_layer, listener) == []


async def test_an_erased_confirmed_signature_is_announced(group_listener, world, petition, channel_layer):
    token = await signed(petition)
    await database_sync_to_async(Signature.objects.update)(confirmed_at=timezone.now())
    listener = await group_listener(channel_layer, world.coalition.pk)

    await database_sync_to_async(services.signature_erase)(token=token)

    assert await nudges_heard(channel_layer, listener) == [
        {"type": "coalition.tally", "topic": f"petition:{petition.pk}"}
    ]
