"""CHANNEL_LAYER chooses which of channels_redis's layers carries the nudges to the sockets."""

import runpy

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BASE_SETTINGS = settings.BASE_DIR / "config" / "settings" / "base.py"
REDIS_URL = "redis://127.0.0.1:6379/3"


def settings_from(monkeypatch, **environ) -> dict:
    """config/settings/base.py as a process started with `environ` reads it."""
    for name in ("REDIS_URL", "CHANNEL_LAYER", "CHANNEL_LAYER_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


@pytest.mark.parametrize(
    "chosen, backend",
    [("core", "channels_redis.core.RedisChannelLayer"), ("pubsub", "channels_redis.pubsub.RedisPubSubChannelLayer")],
)
def test_the_channel_layer_setting_picks_the_redis_layer(monkeypatch, chosen, backend):
    layers = settings_from(monkeypatch, REDIS_URL=REDIS_URL, CHANNEL_LAYER=chosen, CHANNEL_LAYER_PREFIX="site-a")[
        "CHANNEL_LAYERS"
    ]

    assert layers["default"]["BACKEND"] == backend
    [host] = layers["default"]["CONFIG"]["hosts"]
    assert host["address"] == REDIS_URL
    assert layers["default"]["CONFIG"]["prefix"] == "site-a"


def test_without_the_setting_the_layer_is_pub_sub(monkeypatch):
    layers = settings_from(monkeypatch, REDIS_URL=REDIS_URL)["CHANNEL_LAYERS"]

    assert layers["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"


def test_only_the_core_layer_reads_longer_than_redis_py_by_default(monkeypatch):
    # The core layer's blocking pop waits 5 s, as long as redis-py's default read timeout; the
    # pub/sub layer's reader polls with a timeout of its own, and keeps redis-py's default.
    core = settings_from(monkeypatch, REDIS_URL=REDIS_URL, CHANNEL_LAYER="core")["CHANNEL_LAYERS"]
    pubsub = settings_from(monkeypatch, REDIS_URL=REDIS_URL, CHANNEL_LAYER="pubsub")["CHANNEL_LAYERS"]

    assert core["default"]["CONFIG"]["hosts"][0]["socket_timeout"] > 5
    assert "socket_timeout" not in pubsub["default"]["CONFIG"]["hosts"][0]


@pytest.mark.parametrize("redis_url", [REDIS_URL, ""])
def test_a_misspelt_layer_stops_the_start_with_or_without_redis(monkeypatch, redis_url):
    with pytest.raises(ImproperlyConfigured, match="CHANNEL_LAYER"):
        settings_from(monkeypatch, REDIS_URL=redis_url, CHANNEL_LAYER="pub-sub")


def test_without_redis_the_layer_is_in_memory_whatever_the_setting(monkeypatch):
    layers = settings_from(monkeypatch, CHANNEL_LAYER="core")["CHANNEL_LAYERS"]

    assert layers["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
