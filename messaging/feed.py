"""What the sockets of one coalition in one server process read at a nudge, read once for all.

A change nudges every socket of its coalition at the same moment. Each socket must still find
that its sign-in goes on and that its person may still see the coalition, then read the entries
after the last one it sent. Socket by socket that is half a dozen queries each, one socket after
the other in the process's one database thread: with 200 sockets open, the last heard of a change
half a second after the first. Together, the same checks and the same reads take a handful of
queries whatever the number of sockets (`make bench`, `ws_fanout`).

The database stays the only source of what a socket sends: the nudge carries no entry, so a lost
nudge is made up for by the next catch-up exactly as before.
"""

import asyncio
import weakref
from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.utils import timezone, translation

from coalitions.access import coalition_access_of_people
from coalitions.audit import describe_entry
from coalitions.models import AuditEntry, Coalition, User
from coalitions.selectors import audit_entries_after

CATCH_UP_LIMIT = 200
DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


@dataclass(frozen=True)
class Reader:
    """One socket's catch-up: whose sign-in, and the last sequence number it sent."""

    session_key: str | None
    user_id: int
    after: int
    # What Django's check of the sign-in read (`sign_in_seen`) when it last let this socket through.
    sign_in: tuple | None


@dataclass(frozen=True)
class Batch:
    events: list[dict]
    current: int
    sign_in: tuple | None
    # The person's unread notifications, read with them: a beat tells a changed count at no cost.
    unread: int = 0


def signed_in_user(session_key: str | None, user_id: int):
    """The socket's person, read again from their session as a request would read it.

    Signing out deletes the session, a password change no longer matches its hash, and a
    deactivated account is refused by the authentication backend: each ends the socket too.
    """
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    user = get_user(SimpleNamespace(session=store))
    if not user.is_authenticated or not user.is_active or user.pk != user_id:
        return None
    return user


def sign_in_seen(sign_ins: list[tuple[str | None, int]], users: dict[int, User]) -> dict[str, tuple]:
    """For each (session, person), all that Django's check of that sign-in reads: the session's
    stored data while it has not expired, and the person's password (which the session's hash is
    drawn from) and active flag. While these stay as they were when the check last passed, it
    would pass again.

    Only sessions kept in the database can be read in bulk; with another session engine nothing
    is seen, and every catch-up runs Django's check itself."""
    if settings.SESSION_ENGINE != DATABASE_SESSIONS:
        return {}
    from django.contrib.sessions.models import Session

    stored = dict(
        Session.objects.filter(
            session_key__in={key for key, _ in sign_ins}, expire_date__gt=timezone.now()
        ).values_list("session_key", "session_data")
    )
    seen = {}
    for session_key, user_id in sign_ins:
        user = users.get(user_id)
        if session_key in stored and user is not None:
            seen[session_key] = (stored[session_key], user.password, user.is_active)
    return seen


def first_sign_in(session_key: str | None, user_id: int) -> tuple[User | None, tuple | None]:
    """Django's check of a socket's sign-in, and what it read, for the next catch-ups to compare."""
    seen = sign_in_seen([(session_key, user_id)], User.objects.in_bulk([user_id])).get(session_key)
    return signed_in_user(session_key, user_id), seen


def read_batches(coalition_id: int, readers: list[Reader]) -> list[Batch | None]:
    """For each reader, the events after its last one in its person's language, or None once its
    sign-in has ended or its person may no longer see the coalition."""
    coalition = Coalition.objects.get(pk=coalition_id)
    users = User.objects.only("password", "is_active", "language", "unread_notifications").in_bulk({reader.user_id for reader in readers})
    # Read before any check runs: a change made meanwhile then differs from what is kept.
    seen = sign_in_seen([(reader.session_key, reader.user_id) for reader in readers], users)
    people = [
        users[reader.user_id]
        if reader.sign_in is not None and seen.get(reader.session_key) == reader.sign_in
        else signed_in_user(reader.session_key, reader.user_id)
        for reader in readers
    ]
    access = coalition_access_of_people([person for person in people if person is not None], coalition, "view")

    entries: dict[int, list[AuditEntry]] = {}
    rendered: dict[tuple[int, str], dict] = {}
    batches: list[Batch | None] = []
    for reader, person in zip(readers, people, strict=True):
        if person is None or access.get(person.pk) is None:
            batches.append(None)
            continue
        if reader.after not in entries:
            entries[reader.after] = audit_entries_after(coalition=coalition, seq=reader.after, limit=CATCH_UP_LIMIT + 1)
        events = []
        for entry in entries[reader.after]:
            if (entry.seq, person.language) not in rendered:
                rendered[entry.seq, person.language] = _event(entry, person.language)
            events.append(rendered[entry.seq, person.language])
        batches.append(
            Batch(
                events=events, current=coalition.last_event_seq, sign_in=seen.get(reader.session_key),
                unread=person.unread_notifications,
            )
        )
    return batches


def _event(entry: AuditEntry, language: str) -> dict:
    with translation.override(language):
        text = describe_entry(entry)
    return {
        "type": "event",
        "seq": entry.seq,
        "action": entry.action,
        "text": text,
        "at": entry.created_at.isoformat(),
        "topics": entry.topics,
    }


class CoalitionFeed:
    """The catch-ups of one coalition's sockets in this process, read together.

    A catch-up asked for while no read runs starts at once, in its socket's own task, as a read of
    its own would: a socket that catches up as it opens has done so before anything else runs.
    Woken by a nudge, it first lets the other sockets the nudge woke ask too. Those asked for while
    a read runs are read in one go as soon as it ends, and so on while any wait."""

    def __init__(self, coalition_id: int):
        self.coalition_id = coalition_id
        self.waiting: list[tuple[Reader, asyncio.Future]] = []
        self.busy = False
        self.rest: asyncio.Task | None = None

    async def read(self, reader: Reader, *, woken_with_others: bool = False) -> Batch | None:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((reader, future))
        if not self.busy:
            self.busy = True
            try:
                if woken_with_others:
                    # The others the same nudge woke ask at this turn of the loop: one read for all.
                    await asyncio.sleep(0)
                await self._read_waiting()
            finally:
                if self.waiting:
                    self.rest = asyncio.create_task(self._read_rest())
                else:
                    self.busy = False
        return await future

    async def _read_rest(self) -> None:
        try:
            while self.waiting:
                await self._read_waiting()
        finally:
            self.busy, self.rest = False, None
            for _, future in self.waiting:  # only when the loop itself is being shut down
                future.cancel()
            self.waiting = []

    async def _read_waiting(self) -> None:
        taken, self.waiting = self.waiting, []
        try:
            batches = await database_sync_to_async(read_batches)(self.coalition_id, [reader for reader, _ in taken])
        except asyncio.CancelledError:
            # The socket that was reading closed: the others' turn comes with the next read.
            self.waiting = [pair for pair in taken if not pair[1].done()] + self.waiting
            raise
        except Exception as error:  # noqa: BLE001 - each socket fails with it, as it would alone
            for _, future in taken:
                if not future.done():
                    future.set_exception(error)
        else:
            for (_, future), batch in zip(taken, batches, strict=True):
                if not future.done():
                    future.set_result(batch)


_feeds: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, CoalitionFeed]]" = weakref.WeakKeyDictionary()


def coalition_feed(coalition_id: int) -> CoalitionFeed:
    """The feed of a coalition in this event loop: a server has one loop, each test its own."""
    feeds = _feeds.setdefault(asyncio.get_running_loop(), {})
    if coalition_id not in feeds:
        feeds[coalition_id] = CoalitionFeed(coalition_id)
    return feeds[coalition_id]
