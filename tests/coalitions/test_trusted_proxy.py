"""Behind the site's own reverse proxy, each visitor has their own address for rate limits."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from coalitions.http import client_ip

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _through_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def _fail_logins(client: Client, times: int) -> None:
    for n in range(times):
        client.post(reverse("account_login"), {"login": f"nobody{n}@example.org", "password": "wrong-guess-123"})


def _is_limited(client: Client) -> bool:
    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": "wrong-guess-123"})
    return response.status_code == 429 or b"Too many" in response.content


def test_behind_one_proxy_each_visitor_has_their_own_bucket(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    guesser, neighbour = _through_proxy("203.0.113.5"), _through_proxy("198.51.100.7")
    _fail_logins(guesser, 10)
    assert _is_limited(guesser)
    assert not _is_limited(neighbour)


def test_without_a_trusted_proxy_the_header_cannot_dodge_the_limit(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        _fail_logins(_through_proxy(f"203.0.113.{n}"), 1)
    assert _is_limited(_through_proxy("198.51.100.7"))


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        # A visitor may send any X-Forwarded-For; only what our proxy appended counts.
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
    ],
)
def test_client_ip_reads_the_same_setting(settings, count, forwarded_for, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_one_environment_variable_sets_it_for_allauth_and_for_client_ip():
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "TRUSTED_PROXY_COUNT": "1"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True,
        cwd=django_settings.BASE_DIR, timeout=60,
    )
    assert result.stdout.split() == ["1", "1"], result.stderr
