"""/healthz: one line per part of the stack, 503 naming whichever part fails."""

import logging
import uuid
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from coalitions.outbox import outbox_stuck

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # The cache itself carries on in memory while Redis is down (config/cache.py); ask Redis.
    strict = getattr(cache, "strict", cache)
    key = f"healthz:{uuid.uuid4().hex}"
    strict.set(key, "ok", 10)
    if strict.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    strict.delete(key)


async def _round_trip(layer) -> None:
    import asyncio

    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=settings.HEALTH_CHECK_TIMEOUT)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned another message")


def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    async_to_sync(_round_trip)(layer)


def check_celery_worker() -> None:
    # limit=1: the first answer is enough, rather than waiting the whole timeout for more workers.
    replies = celery_app.control.ping(timeout=settings.HEALTH_CHECK_TIMEOUT, limit=1)
    if not replies:
        raise RuntimeError("no worker answered")


def check_outbox() -> None:
    stuck = outbox_stuck(older_than=timedelta(minutes=settings.OUTBOX_HEALTH_MAX_WAIT_MINUTES))
    if stuck:
        raise RuntimeError(f"{stuck} messages waiting")


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "celery_worker": check_celery_worker,
    "outbox": check_outbox,
}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = f"failing: {type(error).__name__}"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    return JsonResponse(
        {"status": "failing" if failing else "ok", "failing": failing, "checks": results},
        status=503 if failing else 200,
    )
