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
"""

import asyncio
import json
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from campaigns.models import Campaign
from coalitions.access import check_coalition_access, get_coalition_for_user
from coalitions.audit import coalition_group, describe_entry
from coalitions.models import User
from coalitions.notices import person_group
from coalitions.selectors import audit_entries_after

from .presence import presence_store

CATCH_UP_LIMIT = 200
CLOSE_FORBIDDEN = 4403


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

    def _signed_in_user(self):
        """The socket's person, read again from their session as a request would read it.

        Signing out deletes the session, a password change no longer matches its hash, and a
        deactivated account is refused by the authentication backend: each ends the socket too.
        """
        session_key = self.scope["session"].session_key
        if not session_key:
            return None
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
        user = get_user(SimpleNamespace(session=store))
        if not user.is_authenticated or not user.is_active or user.pk != self.scope["user"].pk:
            return None
        return user



class PersonConsumer(PersonalMixin, AsyncJsonWebsocketConsumer):
    """For pages outside any coalition (the dashboard, one's account): the count, nothing else."""

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
            if await database_sync_to_async(self._signed_in_user)() is None:
                await self.close(code=CLOSE_FORBIDDEN)
                return
            await self.send_json({"type": "ping"})
            await self.send_unread(if_changed=True)


class CoalitionConsumer(PersonalMixin, AsyncJsonWebsocketConsumer):
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
            await self.catch_up()

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
        while True:
            await asyncio.sleep(settings.LIVE_HEARTBEAT_SECONDS)
            if await self.catch_up():
                await self.send_json({"type": "ping", "seq": self.last_seq})
                await self.send_presence()
                if hasattr(self, "unread_sent"):
                    await self.send_unread(if_changed=True)
            else:
                return

    async def catch_up(self) -> bool:
        """Sends what the client has not seen; False once the socket is closed for lost access."""
        async with self.lock:
            batch = await database_sync_to_async(self._entries_after)(self.last_seq)
            if batch is None:
                self._forget_tallies()
                await self.close(code=CLOSE_FORBIDDEN)
                return False
            entries, current = batch
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
        try:
            return get_coalition_for_user(self.scope["user"], self.scope["url_route"]["kwargs"]["slug"])
        except (Http404, PermissionDenied):
            return None

    def _entries_after(self, seq: int):
        # Access is checked again each time: a removed organisation stops receiving at once.
        user = self._signed_in_user()
        if user is None:
            return None
        self.coalition.refresh_from_db(fields=["last_event_seq", "require_mfa_for_leads"])
        try:
            check_coalition_access(user, self.coalition, "view")
        except (Http404, PermissionDenied):
            return None
        entries = audit_entries_after(coalition=self.coalition, seq=seq, limit=CATCH_UP_LIMIT + 1)
        with translation.override(user.language):
            return (
                [
                    {
                        "type": "event",
                        "seq": entry.seq,
                        "action": entry.action,
                        "text": describe_entry(entry),
                        "at": entry.created_at.isoformat(),
                        "topics": entry.topics,
                    }
                    for entry in entries
                ],
                self.coalition.last_event_seq,
            )
