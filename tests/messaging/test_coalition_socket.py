"""The coalition socket, end to end through config.asgi: origin check, session auth, routing, consumer.

The socket only pushes what the audit trail holds. Whatever the channel layer loses, a client that
applies the events it receives to an older snapshot must end up with the fresh snapshot.
"""

import asyncio
import random

import pytest
from channels.db import database_sync_to_async
from channels_redis.core import RedisChannelLayer
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

from coalitions import services
from coalitions.audit import audit_record, coalition_group, describe_entry
from coalitions.errors import DomainError
from coalitions.models import (
    Affiliation,
    AffiliationRole,
    Coalition,
    CoalitionInvitation,
    CoalitionRole,
    OrganisationKind,
    Participation,
    User,
)
from coalitions.selectors import audit_entries_after
from config.settings.base import redis_channel_layer
from messaging.consumers import CATCH_UP_LIMIT, CLOSE_FORBIDDEN
from tests.conftest import needs_redis
from tests.factories import UserFactory

from .conftest import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

BASE_URL = "http://localhost"
ROLES = [CoalitionRole.LEAD, CoalitionRole.MEMBER, CoalitionRole.OBSERVER]
FORBIDDEN = {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
# redis-py's default socket_timeout, in seconds.
REDIS_PY_READ_TIMEOUT = 5


# --- Changes, made through the services as the HTTP views make them ---------------------------


def _coalition(world) -> Coalition:
    return Coalition.objects.get(pk=world.coalition.pk)


@database_sync_to_async
def invite(world, *, by=None, email="contact@newcomers.example", organisation_name="Newcomers", role=CoalitionRole.MEMBER):
    return services.coalition_invite(
        coalition=_coalition(world), by=by or world.lead, email=email, organisation_name=organisation_name,
        role=role, base_url=BASE_URL,
    )


@database_sync_to_async
def revoke(invitation, *, by):
    services.coalition_invitation_revoke(invitation=CoalitionInvitation.objects.get(pk=invitation.pk), by=by)


@database_sync_to_async
def change_role(world, organisation, role, *, by=None):
    participation = Participation.objects.get(coalition=world.coalition, organisation=organisation)
    return services.participation_role_change(participation=participation, by=by or world.lead, role=role)


@database_sync_to_async
def remove(world, organisation, *, by=None):
    participation = Participation.objects.get(coalition=world.coalition, organisation=organisation)
    services.participation_remove(participation=participation, by=by or world.lead)


@database_sync_to_async
def require_mfa_for_leads(world):
    coalition = _coalition(world)
    services.coalition_update(
        coalition=coalition, by=world.lead, name=coalition.name, description=coalition.description,
        language=coalition.language, require_mfa_for_leads=True,
    )


@database_sync_to_async
def record_updates(world, count: int) -> None:
    with transaction.atomic():
        for _ in range(count):
            audit_record(coalition=_coalition(world), actor=world.lead, action="coalition.updated")


@database_sync_to_async
def set_language(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


async def seed_trail(world) -> list[str]:
    """Four entries, made before anyone listens."""
    first = await invite(world, email="a@example.net", organisation_name="Alpha")
    await invite(world, email="b@example.net", organisation_name="Beta", role=CoalitionRole.OBSERVER)
    await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    await revoke(first, by=world.lead)
    return ["invitation.sent", "invitation.sent", "organisation.role_changed", "invitation.revoked"]


# --- Reading back -----------------------------------------------------------------------------


@database_sync_to_async
def current_seq(world) -> int:
    return _coalition(world).last_event_seq


@database_sync_to_async
def snapshot(world, language: str) -> list[dict]:
    """What a page shows of the trail when loaded now, in the same shape as the socket's events."""
    entries = audit_entries_after(coalition=_coalition(world), seq=0, limit=10**6)
    with translation.override(language):
        return [
            {
                "type": "event",
                "seq": entry.seq,
                "action": entry.action,
                "text": describe_entry(entry),
                "at": entry.created_at.isoformat(),
                "topics": entry.topics,
            }
            for entry in entries
        ]


async def events_until(communicator, seq: int) -> list[dict]:
    events = []
    while not events or events[-1]["seq"] < seq:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        assert message["type"] == "event", message
        events.append(message)
    return events


def seqs(events: list[dict]) -> list[int]:
    return [event["seq"] for event in events]


# --- Handshake --------------------------------------------------------------------------------


async def test_a_socket_without_a_session_is_refused(world, sockets):
    assert await sockets.refused(None, after=0)


@pytest.mark.parametrize("name", ["outsider", "other_lead"])
async def test_people_outside_the_coalition_are_refused(world, sockets, name):
    assert await sockets.refused(world.user(name), after=0)


async def test_an_unknown_coalition_is_refused(world, sockets):
    assert await sockets.refused(world.lead, slug="no-such-coalition")


@pytest.mark.parametrize("name", ["observer", "member_staff", "org_admin", "lead"])
async def test_people_of_the_coalition_are_accepted(world, sockets, name):
    communicator = await sockets.open(world.user(name))
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "hello", "seq": 0}


async def test_a_lead_without_two_factor_authentication_is_refused_when_the_coalition_requires_it(world, sockets):
    await require_mfa_for_leads(world)
    assert await sockets.refused(world.lead)
    assert not await sockets.refused(world.member_staff)


async def test_a_foreign_origin_is_refused(world, sockets):
    assert await sockets.refused(world.lead, origin=(b"origin", b"https://elsewhere.example"))
    assert await sockets.refused(world.lead, origin=None)
    assert not await sockets.refused(world.lead)


# --- Catching up ------------------------------------------------------------------------------


async def test_after_zero_replays_the_whole_trail_in_order(world, sockets):
    actions = await seed_trail(world)
    communicator = await sockets.open(world.observer, after=0)
    events = await events_until(communicator, len(actions))
    assert seqs(events) == [1, 2, 3, 4]
    assert [event["action"] for event in events] == actions
    assert events == await snapshot(world, "en")


async def test_without_after_the_socket_says_hello_with_the_current_seq_and_then_pushes_what_follows(world, sockets):
    await seed_trail(world)
    communicator = await sockets.open(world.member_staff)
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "hello", "seq": 4}
    await change_role(world, world.observer_org, CoalitionRole.OBSERVER)
    [event] = await events_until(communicator, 5)
    assert event["seq"] == 5


async def test_a_reconnecting_client_gets_exactly_what_it_missed(world, sockets):
    await seed_trail(world)
    first = await sockets.open(world.member_staff, after=0)
    last_seen = (await events_until(first, 4))[-1]["seq"]
    await first.disconnect(timeout=TIMEOUT)

    await invite(world, email="c@example.net", organisation_name="Gamma")
    await change_role(world, world.observer_org, CoalitionRole.OBSERVER)

    second = await sockets.open(world.member_staff, after=last_seen)
    events = await events_until(second, 6)
    assert seqs(events) == [5, 6]
    assert [event["action"] for event in events] == ["invitation.sent", "organisation.role_changed"]
    assert events == (await snapshot(world, "en"))[4:]


@pytest.mark.parametrize("behind", [CATCH_UP_LIMIT, CATCH_UP_LIMIT + 1])
async def test_a_client_far_behind_is_told_to_reload(world, sockets, nudges, behind):
    with nudges.lost():
        await record_updates(world, behind)
    communicator = await sockets.open(world.member_staff, after=0)
    if behind > CATCH_UP_LIMIT:
        assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "snapshot_required", "seq": behind}
    else:
        assert seqs(await events_until(communicator, behind)) == list(range(1, behind + 1))
    # Either way the socket goes on from the current seq.
    await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    [event] = await events_until(communicator, behind + 1)
    assert event["action"] == "organisation.role_changed"


async def test_a_client_ahead_of_the_trail_is_told_to_reload(world, sockets):
    # For instance a tab left open while the database was restored from an older backup: its
    # numbers would otherwise hide the next events.
    await seed_trail(world)
    communicator = await sockets.open(world.member_staff, after=50)
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "snapshot_required", "seq": 4}
    await change_role(world, world.observer_org, CoalitionRole.OBSERVER)
    [event] = await events_until(communicator, 5)
    assert event["seq"] == 5


# --- Live events ------------------------------------------------------------------------------


async def test_a_change_reaches_a_connected_member_with_the_next_seq(world, sockets):
    await seed_trail(world)
    communicator = await sockets.open(world.member_staff, after=4)
    await change_role(world, world.observer_org, CoalitionRole.OBSERVER)
    [event] = await events_until(communicator, 5)
    assert event["type"] == "event" and event["seq"] == 5
    assert event["action"] == "organisation.role_changed"
    assert event["text"] == f"{world.lead} changed the role of {world.observer_org.short_name} from Member to Observer."

    await invite(world, email="d@example.net", organisation_name="Delta Union")
    [event] = await events_until(communicator, 6)
    assert event["text"] == f"{world.lead} invited Delta Union as Member."


async def test_each_reader_gets_the_text_in_their_own_language(world, sockets, french):
    await set_language(world.member_staff, "fr")
    french_reader = await sockets.open(world.member_staff, after=0)
    english_reader = await sockets.open(world.org_admin, after=0)
    await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    [in_french] = await events_until(french_reader, 1)
    [in_english] = await events_until(english_reader, 1)
    org = world.observer_org.short_name
    assert in_french["text"] == f"{world.lead} a changé le rôle de {org} : Observateur → Membre."
    assert in_english["text"] == f"{world.lead} changed the role of {org} from Observer to Member."
    assert {**in_french, "text": ""} == {**in_english, "text": ""}


async def test_a_dropped_nudge_is_made_up_for_by_the_clients_next_sync(world, sockets, nudges):
    communicator = await sockets.open(world.member_staff, after=0)
    with nudges.lost():
        await invite(world, email="e@example.net", organisation_name="Epsilon")
    assert nudges.dropped == [1]
    assert await communicator.receive_nothing()
    await communicator.send_json_to({"type": "sync"})
    [event] = await events_until(communicator, 1)
    assert event["action"] == "invitation.sent"

    # Nothing new: a sync sends nothing, and nothing twice.
    await communicator.send_json_to({"type": "sync"})
    await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    assert seqs(await events_until(communicator, 2)) == [2]


async def test_a_dropped_nudge_is_made_up_for_by_the_next_nudge(world, sockets, nudges):
    communicator = await sockets.open(world.member_staff, after=0)
    with nudges.lost():
        await invite(world, email="f@example.net", organisation_name="Zeta")
        await invite(world, email="g@example.net", organisation_name="Eta")
    await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    events = await events_until(communicator, 3)
    assert seqs(events) == [1, 2, 3]
    assert events == await snapshot(world, "en")


@pytest.mark.parametrize("nudge", ["delivered", "lost"])
async def test_a_removed_organisations_socket_is_closed_at_the_next_batch(world, sockets, nudges, nudge):
    removed = await sockets.open(world.member_staff, after=0)
    staying = await sockets.open(world.observer, after=0)
    if nudge == "lost":
        nudges.drop_all()
    await remove(world, world.member_org)
    if nudge == "lost":
        assert await removed.receive_nothing()
        await removed.send_json_to({"type": "sync"})
        await staying.send_json_to({"type": "sync"})
    assert await removed.receive_output(timeout=TIMEOUT) == FORBIDDEN
    [event] = await events_until(staying, 1)
    assert event["action"] == "organisation.removed"


async def test_a_leads_socket_is_closed_once_the_coalition_requires_two_factor_authentication_of_leads(world, sockets):
    lead = await sockets.open(world.lead, after=0)
    member = await sockets.open(world.member_staff, after=0)
    await require_mfa_for_leads(world)
    assert await lead.receive_output(timeout=TIMEOUT) == FORBIDDEN
    [event] = await events_until(member, 1)
    assert event["action"] == "coalition.updated"


async def test_what_a_client_sends_other_than_sync_is_ignored(world, sockets, nudges):
    communicator = await sockets.open(world.lead)
    assert await communicator.receive_json_from(timeout=TIMEOUT) == {"type": "hello", "seq": 0}
    with nudges.lost():
        await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    for frame in [
        {"type": "invite", "email": "h@example.net", "organisation_name": "Theta", "role": "lead"},
        {"type": "role_change", "organisation": world.member_org.pk, "role": "observer"},
        {"type": "coalition.nudge", "seq": 99},
        {"type": "SYNC"},
        ["sync"],
        "sync",
        None,
    ]:
        await communicator.send_json_to(frame)
    await communicator.send_to(text_data="{not json")
    await communicator.send_to(bytes_data=b'{"type": "sync"}')
    assert await communicator.receive_nothing()

    # Still there, and only a sync makes it catch up.
    await communicator.send_json_to({"type": "sync"})
    [event] = await events_until(communicator, 1)
    assert event["action"] == "organisation.role_changed"
    assert await communicator.receive_nothing()
    assert await current_seq(world) == 1
    assert not await database_sync_to_async(CoalitionInvitation.objects.exists)()
    assert await database_sync_to_async(
        Participation.objects.filter(organisation=world.member_org, role=CoalitionRole.MEMBER).exists
    )()


# --- The invariant: stale snapshot + events = fresh snapshot -----------------------------------


class CoalitionLife:
    """Random service calls on one coalition, each made by someone who may make it."""

    def __init__(self, world, rng: random.Random, keep):
        self.world = world
        self.rng = rng
        self.keep = keep  # the organisation of the person watching; it never leaves
        self.n = 0

    def step(self) -> str | None:
        self.n += 1
        coalition = _coalition(self.world)
        action = self.rng.choice(["invite", "invite", "revoke", "accept", "accept", "role", "role", "leave", "remove"])
        try:
            return getattr(self, action)(coalition)
        except DomainError:
            # Refused (e.g. the last lead leaving): nothing committed, nothing recorded.
            return None

    def _leads(self, coalition) -> list[User]:
        return list(
            User.objects.filter(
                affiliations__organisation__participations__coalition=coalition,
                affiliations__organisation__participations__role=CoalitionRole.LEAD,
            )
            .distinct()
            .order_by("pk")
        )

    def _pending(self, coalition) -> list[CoalitionInvitation]:
        return list(coalition.invitations.pending().order_by("pk"))

    def _others(self, coalition) -> list[Participation]:
        return list(coalition.participations.exclude(organisation=self.keep).select_related("organisation").order_by("pk"))

    def invite(self, coalition):
        services.coalition_invite(
            coalition=coalition, by=self.rng.choice(self._leads(coalition)), email=f"contact{self.n}@example.net",
            organisation_name=f"Group {self.n}", role=self.rng.choice(ROLES), base_url=BASE_URL,
        )
        return "invitation.sent"

    def revoke(self, coalition):
        pending = self._pending(coalition)
        if not pending:
            return self.invite(coalition)
        services.coalition_invitation_revoke(invitation=self.rng.choice(pending), by=self.rng.choice(self._leads(coalition)))
        return "invitation.revoked"

    def accept(self, coalition):
        pending = self._pending(coalition)
        if not pending:
            return self.invite(coalition)
        invitation = self.rng.choice(pending)
        services.coalition_invitation_accept(
            invitation=invitation,
            user=UserFactory(email=invitation.email),
            new_organisation={"name": f"Joined {self.n}", "acronym": f"J{self.n}", "kind": OrganisationKind.NGO, "country": "IN"},
        )
        return "organisation.joined"

    def role(self, coalition):
        participation = self.rng.choice(list(coalition.participations.order_by("pk")))
        role = self.rng.choice([role for role in ROLES if role != participation.role])
        services.participation_role_change(participation=participation, by=self.rng.choice(self._leads(coalition)), role=role)
        return "organisation.role_changed"

    def leave(self, coalition):
        others = self._others(coalition)
        if not others:
            return self.invite(coalition)
        participation = self.rng.choice(others)
        admin = Affiliation.objects.filter(organisation=participation.organisation, role=AffiliationRole.ADMIN).first().user
        services.coalition_leave(coalition=coalition, organisation=participation.organisation, by=admin)
        return "organisation.left"

    def remove(self, coalition):
        others = self._others(coalition)
        if not others:
            return self.invite(coalition)
        participation = self.rng.choice(others)
        services.participation_remove(participation=participation, by=self.rng.choice(self._leads(coalition)))
        return "organisation.removed"


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_stale_snapshot_plus_the_pushed_events_is_the_fresh_snapshot(world, sockets, nudges, seed):
    rng = random.Random(seed)
    losses = random.Random(seed + 1000)
    watcher = world.observer
    life = CoalitionLife(world, rng, keep=world.observer_org)
    # In a thread of its own, as a web request would be, concurrently with the socket's reads.
    step = database_sync_to_async(life.step, thread_sensitive=False)

    for _ in range(4):
        await step()
    stale = await snapshot(world, watcher.language)
    k = stale[-1]["seq"] if stale else 0

    # Changes made while the client has the page but no socket yet.
    for _ in range(4):
        await step()
    communicator = await sockets.open(watcher, after=k)

    # A third of the nudges get lost; now and then the client asks.
    nudges.drop_when(lambda seq: losses.random() < 0.33)
    for _ in range(14):
        await step()
        if rng.random() < 0.2:
            await communicator.send_json_to({"type": "sync"})
    await communicator.send_json_to({"type": "sync"})
    now = await current_seq(world)
    events = await events_until(communicator, now) if now > k else []

    # The last change's nudge is lost too: only the client's sync brings it.
    nudges.drop_all()
    while await step() is None:
        pass
    await communicator.send_json_to({"type": "sync"})
    final = await current_seq(world)
    events += await events_until(communicator, final)
    assert stale + events == await snapshot(world, watcher.language)
    assert seqs(stale + events) == list(range(1, final + 1))
    await communicator.send_json_to({"type": "sync"})
    assert await communicator.receive_nothing()


# --- Across processes, through Redis ----------------------------------------------------------


def another_process_layer(layers):
    """A second instance of a Redis layer, as another server or worker process has."""
    return import_string(layers["default"]["BACKEND"])(**layers["default"]["CONFIG"])


async def close(layer) -> None:
    if isinstance(layer, RedisChannelLayer):
        await layer.close_pools()
    else:
        await layer.flush()  # the pub/sub layer keeps nothing in Redis: this closes its connections


@needs_redis
@pytest.mark.parametrize("kind", ["core", "pubsub"])
async def test_a_nudge_sent_through_one_redis_layer_instance_reaches_a_listener_on_another(settings, layer_prefix, kind):
    layers = {"default": redis_channel_layer(kind, settings.REDIS_URL)}
    layers["default"]["CONFIG"]["prefix"] = layer_prefix
    web, worker = another_process_layer(layers), another_process_layer(layers)
    try:
        channel = await web.new_channel()
        await web.group_add(coalition_group(42), channel)
        await worker.group_send(coalition_group(42), {"type": "coalition.nudge", "seq": 7})
        assert await asyncio.wait_for(web.receive(channel), TIMEOUT) == {"type": "coalition.nudge", "seq": 7}
    finally:
        await close(web)
        await close(worker)


@needs_redis
async def test_the_socket_runs_on_the_configured_redis_channel_layer(world, sockets, nudges, channel_layer, settings):
    assert type(channel_layer) is import_string(redis_channel_layer(settings.CHANNEL_LAYER, settings.REDIS_URL)["BACKEND"])
    communicator = await sockets.open(world.member_staff, after=0)
    await invite(world, email="i@example.net", organisation_name="Iota")
    with nudges.lost():
        await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    await communicator.send_json_to({"type": "sync"})
    assert seqs(await events_until(communicator, 2)) == [1, 2]


@needs_redis
async def test_an_idle_socket_outlives_the_layers_blocking_read(world, sockets, channel_layer):
    # The core layer waits for messages with a blocking pop of brpop_timeout seconds, the pub/sub
    # layer's reader with a poll of its own; a Redis client that gives up reading sooner than
    # either (redis-py 8 does after 5 s by default) tears every quiet socket down.
    quiet = max(getattr(channel_layer, "brpop_timeout", 0), REDIS_PY_READ_TIMEOUT) + 1.5
    communicator = await sockets.open(world.member_staff, after=0)
    assert await communicator.receive_nothing(timeout=quiet, interval=0.1)
    await change_role(world, world.observer_org, CoalitionRole.MEMBER)
    [event] = await events_until(communicator, 1)
    assert event["action"] == "organisation.role_changed"


@needs_redis
async def test_a_change_recorded_by_one_process_reaches_a_socket_served_by_another(world, sockets, monkeypatch, settings):
    other_process = another_process_layer(settings.CHANNEL_LAYERS)
    monkeypatch.setattr("coalitions.audit.get_channel_layer", lambda alias="default": other_process)
    communicator = await sockets.open(world.member_staff, after=0)
    try:
        await change_role(world, world.observer_org, CoalitionRole.MEMBER)
        [event] = await events_until(communicator, 1)
        assert event["action"] == "organisation.role_changed"
    finally:
        await close(other_process)
