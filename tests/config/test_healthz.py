import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from coalitions.models import OutboxMessage

CHECKS = ["database", "cache", "channel_layer", "celery_worker", "outbox"]


def _dead_redis_url() -> str:
    """A Redis URL on a port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def quick_checks(settings):
    # Failing checks wait this long; nothing here needs more.
    settings.HEALTH_CHECK_TIMEOUT = 0.3


@pytest.mark.worker
def test_all_ok_with_a_running_worker(client, db, celery_worker, settings):
    settings.HEALTH_CHECK_TIMEOUT = 5.0  # an upper bound only: the first answer ends the wait

    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {"status": "ok", "failing": [], "checks": dict.fromkeys(CHECKS, "ok")}


def test_503_names_the_worker_when_none_runs(client, db, celery_broker, quick_checks):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["failing"] == ["celery_worker"]
    assert body["checks"]["celery_worker"].startswith("failing")
    assert all(body["checks"][name] == "ok" for name in ("database", "cache", "channel_layer"))


def test_503_names_the_cache_when_it_is_unreachable(client, db, celery_broker, quick_checks, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _dead_redis_url()}
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert "cache" in body["failing"]
    assert body["checks"]["cache"].startswith("failing")
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["channel_layer"] == "ok"


def test_503_names_the_channel_layer_when_it_is_unreachable(client, db, celery_broker, quick_checks, settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [_dead_redis_url()]}}
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert "channel_layer" in body["failing"]
    assert body["checks"]["channel_layer"].startswith("failing")
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"


def test_503_names_the_outbox_while_a_mail_has_waited_too_long(client, db, celery_broker, quick_checks, settings):
    settings.OUTBOX_HEALTH_MAX_WAIT_MINUTES = 15
    payload = {"subject": "s", "body": "b", "from_email": "f@example.org", "to": ["x@example.org"]}
    OutboxMessage.objects.create(kind="mail", payload=payload, created_at=timezone.now() - timedelta(minutes=5))
    OutboxMessage.objects.create(
        kind="mail", payload=payload, created_at=timezone.now() - timedelta(hours=2), delivered_at=timezone.now()
    )
    assert "outbox" not in client.get("/healthz").json()["failing"]

    OutboxMessage.objects.create(kind="mail", payload=payload, created_at=timezone.now() - timedelta(minutes=16))
    body = client.get("/healthz").json()

    assert "outbox" in body["failing"]
    assert body["checks"]["outbox"].startswith("failing")
    assert body["checks"]["database"] == "ok"
