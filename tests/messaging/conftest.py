"""Sockets opened against the project's real ASGI application, each test on a channel layer of its own."""

import copy
import importlib.util
import uuid
from contextlib import contextmanager

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client
from django.utils.translation import trans_real
from redis.asyncio import Redis

import coalitions.audit
import config.asgi

TIMEOUT = 5
ORIGIN = (b"origin", django_settings.SITE_URL.encode())


def uses_redis() -> bool:
    return django_settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis.")


@pytest.fixture
def layer_prefix() -> str:
    """Unique per test, so that parallel runs against one Redis never hear each other."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def _no_heartbeat_unless_asked(settings):
    # Sockets beat on the process's clock, so a beat may come at any moment of a test: only the
    # tests of the heartbeat (which set their own) hear one.
    settings.LIVE_HEARTBEAT_SECONDS = 3600


@pytest.fixture(autouse=True)
async def channel_layer(settings, layer_prefix):
    """The configured layer (Redis when REDIS_URL is set, as in production), fresh for each test."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if uses_redis():
        layers["default"]["CONFIG"]["prefix"] = layer_prefix
    settings.CHANNEL_LAYERS = layers
    layer = get_channel_layer()
    yield layer
    if uses_redis():
        # Not layer.flush(): it first waits for the reads of lingering consumers to finish.
        # The layer closes its connections itself when the test's event loop closes. What it and
        # the presence marks left under the prefix goes (the pub/sub layer leaves nothing).
        redis = Redis.from_url(django_settings.REDIS_URL)
        try:
            keys = [key async for key in redis.scan_iter(match=f"{layer_prefix}*")]
            if keys:
                await redis.delete(*keys)
        finally:
            await redis.aclose()
    else:
        await layer.flush()


def asgi_application_from_current_settings():
    """A fresh copy of config/asgi.py, for settings that its module reads once at import."""
    spec = importlib.util.spec_from_file_location("config_asgi_fresh", config.asgi.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.application


@sync_to_async
def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


class Sockets:
    """Opens sockets to a coalition and closes whatever is still open when the test ends."""

    def __init__(self):
        self.opened: list[WebsocketCommunicator] = []

    async def communicator(
        self, user=None, *, slug="domestic-workers", after=None, origin=ORIGIN, application=None, path=None
    ):
        path = path or f"/ws/coalitions/{slug}/" + ("" if after is None else f"?after={after}")
        headers = [origin] if origin else []
        if user is not None:
            headers.append((b"cookie", await session_cookie(user)))
        communicator = WebsocketCommunicator(application or config.asgi.application, path, headers=headers)
        self.opened.append(communicator)
        return communicator

    async def refused(self, user=None, **kwargs) -> bool:
        connected, _ = await (await self.communicator(user, **kwargs)).connect(timeout=TIMEOUT)
        return not connected

    async def open(self, user, **kwargs) -> WebsocketCommunicator:
        communicator = await self.communicator(user, **kwargs)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        assert connected, f"handshake refused ({code})"
        return communicator

    async def close_all(self):
        for communicator in self.opened:
            if communicator.future.cancelled():
                continue  # a receive timed out; the test has failed already
            # Re-raises anything the consumer raised. With channels_redis 4.3 on redis-py 8, the
            # last consumer of a layer can miss the cancellation of its blocking read and linger
            # (a server kills it after application_close_timeout); a test need not wait for that.
            await communicator.disconnect(timeout=1)


@pytest.fixture
async def sockets(channel_layer):
    opened = Sockets()
    yield opened
    await opened.close_all()


class Nudges:
    """Stands in for a channel layer that loses messages."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.real = coalitions.audit._nudge
        self.dropped: list[int] = []

    def _drop(self, coalition_id: int, seq: int) -> None:
        self.dropped.append(seq)

    def drop_all(self):
        self.monkeypatch.setattr(coalitions.audit, "_nudge", self._drop)

    def drop_when(self, predicate):
        def nudge(coalition_id: int, seq: int) -> None:
            if predicate(seq):
                self._drop(coalition_id, seq)
            else:
                self.real(coalition_id, seq)

        self.monkeypatch.setattr(coalitions.audit, "_nudge", nudge)

    def deliver(self):
        self.monkeypatch.setattr(coalitions.audit, "_nudge", self.real)

    @contextmanager
    def lost(self):
        self.drop_all()
        try:
            yield self
        finally:
            self.deliver()


@pytest.fixture
def nudges(monkeypatch) -> Nudges:
    return Nudges(monkeypatch)


FRENCH = {
    "%(actor)s changed the role of %(organisation)s from %(old)s to %(new)s.": (
        "%(actor)s a changé le rôle de %(organisation)s : %(old)s → %(new)s."
    ),
    "Member": "Membre",
    "Observer": "Observateur",
}


@pytest.fixture
def french(monkeypatch) -> dict:
    """French renderings of the messages a test needs, whatever state the translators' catalogue is in.

    The sockets' job is to render in each reader's language; whether a given message has been
    translated yet is the catalogue's business.
    """
    monkeypatch.setattr(trans_real, "_translations", {})
    catalogue = trans_real.translation("fr")._catalog
    for msgid, msgstr in FRENCH.items():
        catalogue[msgid] = msgstr
    return FRENCH
