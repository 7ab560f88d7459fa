import logging
import os
import socket

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from config.cache import RETRY_AFTER
from tests.conftest import needs_redis
from tests.factories import PASSWORD, UserFactory


def _dead_redis_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": _dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.HEALTH_CHECK_TIMEOUT = 0.3


def _login(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_with_redis_down_the_cache_counts_in_memory_and_warns_once(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.add("counter", 1) is True
        assert cache.add("counter", 5) is False
        assert cache.incr("counter") == 2
        assert cache.get_or_set("other", "x") == "x"
        cache.delete("counter")
        assert cache.get("counter") is None

    warnings = [record for record in caplog.records if record.name == "config.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_with_redis_down_a_person_signs_in(redis_down, db, client):
    person = UserFactory(email="member@example.org")

    response = _login(client, person.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_with_redis_down_guessing_a_password_is_still_limited(redis_down, db, client):
    person = UserFactory(email="target@example.org")
    for _ in range(5):
        assert _login(client, person.email, "wrong-guess-123").status_code == 200

    response = _login(client, person.email, PASSWORD)

    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_with_redis_down_healthz_still_names_the_cache(redis_down, db, client, celery_broker):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert "cache" in response.json()["failing"]
    assert response.json()["checks"]["database"] == "ok"


@needs_redis
def test_with_redis_up_values_live_in_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"{os.environ.get('CACHE_KEY_PREFIX', 'test')}-fallback-test",
        }
    }
    cache.set("shared", "yes", 30)
    try:
        assert cache.strict.get("shared") == "yes"
        assert "shared" not in [key.split(":")[-1] for key in cache.fallback._cache]
    finally:
        cache.delete("shared")


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds_then_tried_again(redis_down, monkeypatch):
    calls = []
    real = RedisCache.get

    def counting_get(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get", counting_get)
    clock = [1000.0]
    monkeypatch.setattr("config.cache.time.monotonic", lambda: clock[0])

    assert cache.get("a") is None
    assert cache.get("a") is None
    assert len(calls) == 1
    clock[0] += RETRY_AFTER + 1
    assert cache.get("a") is None
    assert len(calls) == 2
