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
from django.http import HttpResponse

from config.headers import SAME_FOR_EVERY_VISITOR

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
    # Whole responses are kept by address, not by these keys: a change shows at once here too.
    _responses.clear()


def forget_process_copies() -> None:
    _process.clear()
    _responses.clear()


# Whole responses of the public pages, as they left the middleware below this one.
_responses: dict[tuple, tuple[float, int, bytes, list[tuple[str, str]]]] = {}


class SharedResponsesMiddleware:
    """Answers a visitor who sends no cookie with the response the same request got less than
    PROCESS_SECONDS ago in this process, when that response was one for every visitor
    (`config.headers.shared_for_anonymous`).

    A petition's page and count.json are what tens of thousands of people watching a campaign
    ask for; this spares them the rest of the middleware, the URL resolver and the view, which
    is most of what such a request costs. A visitor with a cookie (signed in, or holding a CSRF
    token or a language choice) always goes the whole way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if request.method != "GET" or meta.get("HTTP_COOKIE") or meta.get("HTTP_AUTHORIZATION"):
            return self.get_response(request)
        key = (
            request.path, meta.get("QUERY_STRING", ""), meta.get("HTTP_ACCEPT_LANGUAGE", ""),
            "gzip" in meta.get("HTTP_ACCEPT_ENCODING", ""),
        )  # fmt: skip
        now = time.monotonic()
        kept = _responses.get(key)
        if kept is not None and kept[0] > now:
            response = HttpResponse(kept[2], status=kept[1])
            for header, value in kept[3]:
                response[header] = value
            return response
        response = self.get_response(request)
        if (
            getattr(response, SAME_FOR_EVERY_VISITOR, None)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
        ):
            if len(_responses) >= PROCESS_MAX_ENTRIES:
                _responses.clear()
            _responses[key] = (now + PROCESS_SECONDS, response.status_code, response.content, list(response.items()))
        return response
