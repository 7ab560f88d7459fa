"""The Redis cache, kept usable while Redis is down.

The cache here holds rate-limit counters and locks (allauth's and the signatures'), the one-time
use marks of TOTP codes, and public petition pages and counts for a few seconds. With plain RedisCache every sign-in answered 500 while Redis was down. This backend
turns a connection error into a fall-back to a small in-memory cache of this process, with a
warning in the log; Redis is tried again a few seconds later, and used again by itself once it
answers.

Why not fail closed, refusing sign-ins until Redis is back? Sessions are in the database, so
people already signed in keep working either way; refusing would lock everyone else out for
the whole outage, which in the field can be the hour a press release goes out. And the limits
do not disappear: each web process keeps counting in memory, so guessing a password stays
limited to a few tries per process per minute, with the per-account limit held per process.
A handful of processes is a small multiple of the normal limit, for the minutes of an outage,
which /healthz reports as failing meanwhile. Counters in memory are forgotten when Redis
comes back; that only resets the windows, as a cache miss would.

/healthz must see the real state, so `strict` is the plain Redis cache without the fall-back.
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# After a failure Redis is left alone this long: a Redis that hangs rather than refuses would
# otherwise cost every cache call its socket timeout, several per sign-in.
RETRY_AFTER = 5.0
# One warning per process per this many seconds: an outage must not flood the log.
WARNING_INTERVAL = 60.0


def _falls_back(name: str):
    def method(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            return getattr(super(FallbackRedisCache, self), name)(*args, **kwargs)
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            self._warn(error)
            return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis for every cache call, which costs more than many a round
    trip (it fills a table of some 170 reply handlers); one per pool serves every call, as
    redis-py's clients are safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._server, self._params = server, params
        self._warned_at = None
        self._down_until = 0.0

    @cached_property
    def fallback(self) -> LocMemCache:
        return LocMemCache(f"redis-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10000}})

    @cached_property
    def strict(self) -> RedisCache:
        return RedisCache(self._server, self._params)

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if self._warned_at is None or now - self._warned_at > WARNING_INTERVAL:
            self._warned_at = now
            logger.warning("Redis cache unreachable (%s): counting in this process's memory meanwhile", error)

    # Every operation RedisCache implements itself; the others (get_or_set, decr…) call these.
    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    clear = _falls_back("clear")

    def hit(self, key: str, timeout: int) -> int:
        """See `counter_hit`: a SET NX and an INCR in one pipeline, one round trip to Redis."""
        if time.monotonic() >= self._down_until:
            full_key = self.make_and_validate_key(key)
            try:
                pipeline = self._cache.get_client(full_key, write=True).pipeline(transaction=False)
                pipeline.set(full_key, 0, ex=timeout, nx=True)
                pipeline.incr(full_key)
                return pipeline.execute()[1]
            except UNREACHABLE as error:
                self._down_until = time.monotonic() + RETRY_AFTER
                self._warn(error)
        return _hit(self.fallback, key, timeout)


def _hit(backend: BaseCache, key: str, timeout: int) -> int:
    backend.add(key, 0, timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between the two calls
        backend.add(key, 1, timeout)
        return 1


def counter_hit(key: str, timeout: int) -> int:
    """Counts one more hit in a window of `timeout` seconds that starts at the key's first hit.

    Rate limits on busy paths call this: on Redis it costs one round trip, where add() and incr()
    would cost three (incr checks that the key exists first).
    """
    backend = caches["default"]
    if isinstance(backend, FallbackRedisCache):
        return backend.hit(key, timeout)
    return _hit(backend, key, timeout)
