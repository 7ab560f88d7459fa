"""Sockets only push. Writes go over HTTP; what a socket sends is read back from the audit trail.

A client says which sequence number it saw last (`?after=N`); the socket sends every entry after
it, then one more batch at each nudge from the channel layer or each `{"type": "sync"}` from the
client. A client too far behind is told to reload instead.

Counts that the public changes (a petition's signatures) never enter the trail: the socket
passes on that they changed, unnumbered, at most once per LIVE_TALLY_SECONDS for each, and the
page reads them afresh.

Every LIVE_HEARTBEAT_SECONDS the socket also catches up by itself and then sends a ping: a nudge
the layer lost is made up for, access is checked again (a removed organisation is cut off within
one beat even if no event reaches it), and a client that hears nothing for a few beats knows the
link is dead and reconnects.

The sockets of a coalition that catch up at the same moment, as a nudge or a beat wakes them all,
are read together (feed.py).
"""

import asyncio
import json
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigns.models import Campaign
from coalitions.access import get_coalition_for_user
from coalitions.audit import coalition_group
from coalitions.models import User
from coalitions.notices import person_group

from .feed import CATCH_UP_LIMIT, Reader, coalition_feed, first_sign_in, signed_in_user
from .presence import presence_store

CLOSE_FORBIDDEN = 4403
# Messages of the channel layer's groups, as opposed to the socket's own (websocket.*).
GROUP_MESSAGES = {"coalition.nudge", "coalition.tally", "presence.changed", "notifications.changed"}


class GroupMessagesWithoutDatabaseHop:
    """Channels closes stale database connections before every message it hands a consumer: a
    trip to the one database thread for each socket of a group at each nudge, one after the other,
    which with 200 sockets alone held the last of them tens of milliseconds. The handlers of group
    messages here read the database only through database_sync_to_async, which closes stale
    connections around each read itself, so these go straight to their handler."""

    group_messages: set[str] = set()

    async def dispatch(self, message):
        if message.get("type") in self.group_messages:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)


class PersonalMixin:
    """What a socket tells its person whatever page they are on: how many notifications they have
    not read. Each notification nudges the person's group; every beat sends the count again."""

    async def join_person(self):
        self.person_group = person_group(self.scope["user"].pk)
        await self.channel_layer.group_add(self.person_group, self.channel_name)

    async def leave_person(self):
        if getattr(self, "person_group", None):
            await self.channel_layer.group_discard(self.person_group, self.channel_name)

    async def notifications_changed(self, event):
        await self.send_unread()

    async def send_unread(self, *, if_changed: bool = False):
        """The page asks once it is connected (its count may be older than the socket); each beat
        after that says it again only if it changed, which makes up for a lost nudge."""
        unread = await database_sync_to_async(self._unread)()
        if if_changed and unread == getattr(self, "unread_sent", None):
            return
        self.unread_sent = unread
        await self.send_json({"type": "notifications", "unread": unread})

    def _unread(self) -> int:
        return User.objects.filter(pk=self.scope["user"].pk).values_list("unread_notifications", flat=True).first() or 0


class PersonConsumer(GroupMessagesWithoutDatabaseHop, PersonalMixin, AsyncJsonWebsocketConsumer):
    """For pages outside any coalition (the dashboard, one's account): the count, nothing else."""

    group_messages = {"notifications.changed"}

    async def connect(self):
        if not self.scope["user"].is_authenticated:
            await self.close()
            return
        await self.join_person()
        await self.accept()
        await self.send_unread()
        self.heartbeat = asyncio.create_task(self.beat())

    async def disconnect(self, code):
        if getattr(self, "heartbeat", None):
            self.heartbeat.cancel()
        await self.leave_person()

    async def beat(self):
        while True:
            await asyncio.sleep(settings.LIVE_HEARTBEAT_SECONDS)
            user = await database_sync_to_async(signed_in_user)(self.scope["session"].session_key, self.scope["user"].pk)
            if user is None:
                await self.close(code=CLOSE_FORBIDDEN)
                return
            await self.send_json({"type": "ping"})
            await self.send_unread(if_changed=True)


class CoalitionConsumer(GroupMessagesWithoutDatabaseHop, PersonalMixin, AsyncJsonWebsocketConsumer):
    group_messages = GROUP_MESSAGES

    async def connect(self):
        self.lock = asyncio.Lock()
        self.tallies_waiting: dict[str, asyncio.Task] = {}
        self.coalition = await database_sync_to_async(self._authorised_coalition)()
        if self.coalition is None:
            # Closing before accepting refuses the handshake (HTTP 403).
            await self.close()
            return
        self.group = coalition_group(self.coalition.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.join_person()
        await self.accept()
        self.heartbeat = asyncio.create_task(self.beat())
        after = self._after_from_query()
        if after is None:
            self.last_seq = self.coalition.last_event_seq
            await self.send_json({"type": "hello", "seq": self.last_seq})
        else:
            self.last_seq = after
            await self.catch_up()

    async def disconnect(self, code):
        if getattr(self, "heartbeat", None):
            self.heartbeat.cancel()
        self._forget_tallies()
        if getattr(self, "presence", None):
            await database_sync_to_async(presence_store().leave)(self.presence["campaign"], self.scope["user"].pk)
            await self.presence_announce()
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.leave_person()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Whatever is not a sync is ignored, binary and malformed frames included.
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        if content.get("type") == "sync":
            await self.catch_up()
        elif content.get("type") == "unread":
            await self.send_unread()
        elif content.get("type") == "presence" and isinstance(content.get("campaign"), int):
            self.presence = await database_sync_to_async(self._presence_for)(content["campaign"])
            await self.send_presence()
            await self.presence_announce()

    async def presence_announce(self):
        """Tells the others on the campaign at once; a lost message waits for their next beat."""
        if getattr(self, "presence", None):
            await self.channel_layer.group_send(
                self.group, {"type": "presence.changed", "campaign": self.presence["campaign"]}
            )

    async def presence_changed(self, event):
        if getattr(self, "presence", None) and event.get("campaign") == self.presence["campaign"]:
            await self.send_presence()

    async def send_presence(self):
        """Marks this person present on the campaign they look at, and says who else is."""
        if not getattr(self, "presence", None):
            return
        campaign_id, label = self.presence["campaign"], self.presence["label"]
        store = presence_store()

        def mark_and_read():
            store.mark(campaign_id, self.scope["user"].pk, label, settings.LIVE_PRESENCE_TTL_SECONDS)
            return store.here(campaign_id)

        people = await database_sync_to_async(mark_and_read)()
        await self.send_json({"type": "presence", "campaign": campaign_id, "people": people})

    def _presence_for(self, campaign_id: int) -> dict | None:
        """Only a campaign of this socket's coalition; the person is named, never by their address."""
        if not Campaign.objects.filter(pk=campaign_id, coalition=self.coalition).exists():
            return None
        user = self.scope["user"]
        organisation = self.coalition.access.participations[0].organisation
        label = {"id": user.pk, "name": user.name_at(organisation), "organisation": organisation.short_name}
        return {"campaign": campaign_id, "label": label}

    async def coalition_nudge(self, event):
        if event.get("seq", 0) > self.last_seq:
            await self.catch_up(woken_with_others=True)

    async def coalition_tally(self, event):
        """Passed on once at the end of a window that the first nudge opens, whatever comes in
        meanwhile: fifty signatures a second cost each page one fetch a second. A sender may skip
        the nudges of a window as long (signatures.services does), so waiting it out is what
        makes the page read what was skipped."""
        topic = event.get("topic")
        if isinstance(topic, str) and topic not in self.tallies_waiting:
            self.tallies_waiting[topic] = asyncio.create_task(self._tally_after_window(topic))

    async def _tally_after_window(self, topic: str):
        await asyncio.sleep(settings.LIVE_TALLY_SECONDS)
        self.tallies_waiting.pop(topic, None)
        await self.send_json({"type": "tally", "topics": [topic]})

    def _forget_tallies(self):
        for waiting in getattr(self, "tallies_waiting", {}).values():
            waiting.cancel()
        self.tallies_waiting = {}

    async def beat(self):
        loop = asyncio.get_running_loop()
        period = settings.LIVE_HEARTBEAT_SECONDS
        while True:
            # On the beat of the process's clock rather than of the socket's own opening: all
            # sockets of the process beat together, and their catch-ups are read as one.
            await asyncio.sleep(period - loop.time() % period)
            if await self.catch_up(woken_with_others=True):
                await self.send_json({"type": "ping", "seq": self.last_seq})
                await self.send_presence()
                if hasattr(self, "unread_sent") and self.unread_seen != self.unread_sent:
                    await self.send_unread()
            else:
                return

    async def catch_up(self, *, woken_with_others: bool = False) -> bool:
        """Sends what the client has not seen; False once the socket is closed for lost access.

        Sign-in and access are checked again each time: a removed organisation stops receiving at
        once. The sockets of the coalition that catch up at the same moment are read together."""
        async with self.lock:
            reader = Reader(self.scope["session"].session_key, self.scope["user"].pk, self.last_seq, self.sign_in)
            batch = await coalition_feed(self.coalition.pk).read(reader, woken_with_others=woken_with_others)
            if batch is None:
                self._forget_tallies()
                await self.close(code=CLOSE_FORBIDDEN)
                return False
            self.sign_in, self.unread_seen = batch.sign_in, batch.unread
            entries, current = batch.events, batch.current
            # A client ahead of the trail (e.g. after a restore from backup) would miss what follows.
            if len(entries) > CATCH_UP_LIMIT or self.last_seq > current:
                self.last_seq = current
                await self.send_json({"type": "snapshot_required", "seq": current})
                return True
            for entry in entries:
                await self.send_json(entry)
                self.last_seq = entry["seq"]
            return True

    def _after_from_query(self) -> int | None:
        values = parse_qs(self.scope.get("query_string", b"").decode()).get("after")
        try:
            return max(0, int(values[0])) if values else None
        except ValueError:
            return None

    def _authorised_coalition(self):
        user, self.sign_in = first_sign_in(self.scope["session"].session_key, self.scope["user"].pk)
        if user is None:
            return None
        try:
            return get_coalition_for_user(user, self.scope["url_route"]["kwargs"]["slug"])
        except (Http404, PermissionDenied):
            return None
