"""Two layers of short-lived cache for what the public pages read on every request.

The shared cache (Redis) makes one render or query serve every web process for a few seconds;
in front of it, each process keeps what it read for a second more, which spares most requests
even the round trip to Redis. At thousands of requests a second that round trip is a good part
of what a request costs. What is kept here is read-only: requests of one process share it.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

PROCESS_SECONDS = 1.0
# Keys come from addresses anyone can type: the process's share stays small whatever they try.
PROCESS_MAX_ENTRIES = 1000
_process: dict[str, tuple[float, object]] = {}


def short_lived(key: str, *, seconds: int, compute: Callable[[], T]) -> T:
    """The value under `key`, computed at most once per `seconds` for all processes (plus up to
    PROCESS_SECONDS in each). `compute` must not return None."""
    now = time.monotonic()
    kept = _process.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    if len(_process) >= PROCESS_MAX_ENTRIES:
        _process.clear()
    _process[key] = (now + PROCESS_SECONDS, value)
    return value


def forget(*keys: str) -> None:
    """Drops the keys at once: everywhere from the shared cache, and from this process's share
    (the other processes' copies last PROCESS_SECONDS at most)."""
    cache.delete_many(list(keys))
    for key in keys:
        _process.pop(key, None)


def forget_process_copies() -> None:
    _process.clear()
