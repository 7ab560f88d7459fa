"""Who is looking at a campaign now: each socket marks its person present every heartbeat, and a
mark lapses after LIVE_PRESENCE_TTL_SECONDS, so a laptop closed without a goodbye disappears
within a minute.

Redis holds the marks when REDIS_URL is set (one sorted set per campaign, scored by expiry, so
that every web process sees the same people); the embedded default runs in one process and
keeps them in its memory.
"""

import json
import threading
import time
from functools import cache

from django.conf import settings


class MemoryPresence:
    def __init__(self):
        self.lock = threading.Lock()
        self.marks: dict[int, dict[int, tuple[float, dict]]] = {}

    def mark(self, campaign_id: int, user_id: int, label: dict, ttl: float) -> None:
        with self.lock:
            self.marks.setdefault(campaign_id, {})[user_id] = (time.monotonic() + ttl, label)

    def leave(self, campaign_id: int, user_id: int) -> None:
        with self.lock:
            self.marks.get(campaign_id, {}).pop(user_id, None)

    def here(self, campaign_id: int) -> list[dict]:
        now = time.monotonic()
        with self.lock:
            marks = self.marks.get(campaign_id, {})
            for user_id in [user_id for user_id, (expires, _label) in marks.items() if expires <= now]:
                del marks[user_id]
            return [label for _expires, label in marks.values()]


class RedisPresence:
    def __init__(self, url: str, prefix: str):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    def _keys(self, campaign_id: int) -> tuple[str, str]:
        base = f"{self.prefix}:presence:{campaign_id}"
        return base, base + ":labels"

    def mark(self, campaign_id: int, user_id: int, label: dict, ttl: float) -> None:
        marks, labels = self._keys(campaign_id)
        pipe = self.redis.pipeline()
        pipe.zadd(marks, {user_id: time.time() + ttl})
        pipe.hset(labels, user_id, json.dumps(label))
        # The keys of a campaign nobody looks at any more go by themselves.
        pipe.expire(marks, int(ttl) * 2 + 1)
        pipe.expire(labels, int(ttl) * 2 + 1)
        pipe.execute()

    def leave(self, campaign_id: int, user_id: int) -> None:
        marks, labels = self._keys(campaign_id)
        self.redis.pipeline().zrem(marks, user_id).hdel(labels, user_id).execute()

    def here(self, campaign_id: int) -> list[dict]:
        marks, labels = self._keys(campaign_id)
        self.redis.zremrangebyscore(marks, "-inf", time.time())
        user_ids = self.redis.zrange(marks, 0, -1)
        if not user_ids:
            return []
        return [json.loads(label) for label in self.redis.hmget(labels, user_ids) if label]


@cache
def presence_store():
    if settings.REDIS_URL:
        return RedisPresence(settings.REDIS_URL, settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"])
    return MemoryPresence()
