"""Behind the site's own reverse proxy, each visitor has their own address for rate limits; a
visitor who writes X-Forwarded-For themselves changes nothing."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from coalitions.adapters import AccountAdapter
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


def _ip(remote: str, forwarded_for: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_behind_a_trusted_proxy_each_visitor_has_their_own_bucket(db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    guesser, neighbour = _through_proxy("203.0.113.5"), _through_proxy("198.51.100.7")
    _fail_logins(guesser, 10)
    assert _is_limited(guesser)
    assert not _is_limited(neighbour)


def test_without_a_trusted_proxy_the_header_cannot_dodge_the_limit(db, settings):
    settings.TRUSTED_PROXIES = []
    for n in range(10):
        _fail_logins(_through_proxy(f"203.0.113.{n}"), 1)
    assert _is_limited(_through_proxy("198.51.100.7"))


def test_a_client_that_is_not_our_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert _ip("198.51.100.7", "203.0.113.5") == "198.51.100.7"
    assert _ip("198.51.100.7", f"203.0.113.5, {PROXY}") == "198.51.100.7"


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "expected"),
    [
        ([], "203.0.113.5", PROXY),
        ([PROXY], None, PROXY),
        ([PROXY], "203.0.113.5", "203.0.113.5"),
        # A visitor may send any X-Forwarded-For; only what our proxy appended counts.
        ([PROXY], "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        # Two proxies of ours, named as a network: the right-most address outside it.
        (["10.0.0.0/8"], "192.0.2.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        # Only our proxies in the chain: the nearest one's own address.
        (["10.0.0.0/8"], "10.0.0.9", PROXY),
        (["10.0.0.0/8"], "203.0.113.5:51234", "203.0.113.5"),
        (["10.0.0.0/8"], "2001:db8::7", "2001:db8::7"),
        # Garbage where our proxy's entry should be: the connection's address, never the garbage.
        (["10.0.0.0/8"], "203.0.113.5, not-an-address", PROXY),
    ],
)
def test_client_ip_reads_the_chain_from_the_right(settings, trusted, forwarded_for, expected):
    settings.TRUSTED_PROXIES = trusted
    assert _ip(PROXY, forwarded_for) == expected


def test_sign_in_limits_and_signatures_see_the_same_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    assert AccountAdapter(request).get_client_ip(request) == client_ip(request) == "203.0.113.5"


def _settings_in_a_fresh_process(code: str, **environ: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **environ}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True,
        cwd=django_settings.BASE_DIR, timeout=60,
    )


def test_one_environment_variable_lists_the_proxies():
    result = _settings_in_a_fresh_process(
        "from django.conf import settings; print(*settings.TRUSTED_PROXIES)", TRUSTED_PROXIES="10.0.0.2, 172.16.0.0/12"
    )
    assert result.stdout.split() == ["10.0.0.2/32", "172.16.0.0/12"], result.stderr


def test_a_mistyped_proxy_stops_the_start():
    result = _settings_in_a_fresh_process("", TRUSTED_PROXIES="10.0.0.300")
    assert result.returncode != 0
    assert "10.0.0.300" in result.stderr
