"""Abuse limits: too many signatures from one address, throwaway mail domains. Held aside
silently: stored, never mailed, never counted, and nothing tells the sender. The limit of an
address applies as the worker sends the signer's mail: `mails_sent()` drains the outbox."""

import re

import pytest
from django.test import TestCase
from django.utils import timezone

from coalitions.errors import DomainError
from coalitions.models import OutboxMessage
from signatures import abuse, mails, services
from signatures.models import Held, Signature
from signatures.selectors import petition_counts
from tests.conftest import needs_redis
from tests.signatures.conftest import mails_sent

IP = "203.0.113.45"


def sign(petition, email, ip=IP, **overrides):
    fields = {
        "petition": petition, "name": "Asha Devi", "email": email, "region": "Kerala",
        "visibility": "initials", "opt_ins": [], "ip": ip, **overrides,
    }
    services.petition_sign(**fields)


def held(email: str) -> str:
    return Signature.objects.get(canonical_email=email).held


def mails_to(email: str) -> int:
    return sum(email in sent["to"] for sent in mails_sent())


@pytest.mark.parametrize(
    "email",
    ["someone@mailinator.com", "SOMEONE@Mailinator.COM", "a@yopmail.fr", "x@inbox.guerrillamail.com",
     "x@10minutemail.com", "x@temp-mail.org", "x@trashmail.com.", "x@sub.deep.sharklasers.com"],
)  # fmt: skip
def test_disposable_domains_and_their_subdomains_are_recognised(email):
    assert abuse.is_disposable(email)


@pytest.mark.parametrize(
    "email",
    ["asha@gmail.com", "x@mailinator.com.example.org", "x@notyopmail.com", "x@ndwm.org.in", "x@com", "no-at-sign"],
)
def test_ordinary_domains_are_not_disposable(email):
    assert not abuse.is_disposable(email)


def test_the_blocklist_holds_a_few_hundred_domains():
    domains = abuse._disposable_domains()
    assert len(domains) >= 300
    assert {"mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "temp-mail.org"} <= domains
    assert not {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "proton.me"} & domains


def test_a_disposable_address_is_held_with_no_mail_and_no_count(petition):
    sign(petition, "someone@mailinator.com")
    signature = Signature.objects.get()
    assert signature.held == Held.DISPOSABLE
    assert not OutboxMessage.objects.exists()
    Signature.objects.update(confirmed_at=signature.created_at)
    services.tallies_add_confirmed()
    assert petition_counts(petition).total == 0


def test_over_the_limit_one_address_is_held_silently(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 3
    for n in range(5):
        sign(petition, f"person{n}@example.org")
    assert len(mails_sent()) == 3
    assert [held(f"person{n}@example.org") for n in range(5)] == ["", "", "", "rate", "rate"]
    assert mails_to("person3@example.org") == mails_to("person4@example.org") == 0
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()


def test_the_default_allows_twenty_from_one_address_in_ten_minutes(petition):
    for n in range(21):
        sign(petition, f"person{n}@example.org")
    mails_sent()
    assert Signature.objects.filter(held="").count() == 20
    assert held("person20@example.org") == Held.RATE


def test_each_address_has_its_own_allowance(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    sign(petition, "one@example.org", ip="203.0.113.1")
    sign(petition, "two@example.org", ip="203.0.113.2")
    assert len(mails_sent()) == 2
    assert held("one@example.org") == held("two@example.org") == ""


def test_one_ipv6_network_shares_one_allowance(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    sign(petition, "one@example.org", ip="2001:db8:1:2::1")
    sign(petition, "two@example.org", ip="2001:db8:1:2:ffff::9")
    mails_sent()
    assert held("two@example.org") == Held.RATE


def test_the_window_ends_and_the_allowance_comes_back(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    sign(petition, "one@example.org")
    sign(petition, "two@example.org")
    mails_sent()
    assert held("two@example.org") == Held.RATE
    from django.core.cache import cache

    cache.clear()  # what ten minutes do to the counter
    sign(petition, "three@example.org")
    mails_sent()
    assert held("three@example.org") == ""


def test_a_held_address_signing_again_within_the_limit_is_released_and_mailed(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    sign(petition, "flooder@example.org", ip="198.51.100.9")
    sign(petition, "victim@example.org", name="Typed By Flooder", ip="198.51.100.9")
    assert mails_to("victim@example.org") == 0 and held("victim@example.org") == Held.RATE

    sign(petition, "victim@example.org", name="Meena Kumari", ip="203.0.113.77")
    [mail] = [sent for sent in mails_sent() if "victim@example.org" in sent["to"]]
    signature = Signature.objects.get(canonical_email="victim@example.org")
    assert (signature.held, signature.name) == ("", "Meena Kumari")
    assert "confirm your signature" in mail["subject"]
    token = re.search(r"/confirm/([\w-]+)/", mail["body"]).group(1)
    services.signature_confirm(token=token)
    services.tallies_add_confirmed()
    assert petition_counts(petition).total == 1


def test_a_held_repeat_changes_nothing_and_mails_nobody(petition, settings):
    sign(petition, "asha@example.org")
    [first] = mails_sent()
    before = Signature.objects.values().get()
    settings.SIGNATURES_PER_IP_PER_10_MIN = 0
    sign(petition, "asha@example.org", name="Someone Else")
    assert mails_sent() == [first]
    assert Signature.objects.values().get() == before
    # The links Asha got still work: a repeat's new ones replace them only once they are sent.
    services.signature_confirm(token=re.search(r"/confirm/([\w-]+)/", first["body"]).group(1))


def test_a_signer_whose_first_mail_was_held_confirms_from_a_later_one(petition, settings):
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    sign(petition, "flooder@example.org", ip="198.51.100.9")
    sign(petition, "meena@example.org", ip="198.51.100.9")
    # Meena signs again from her own address before the worker came to her first mail.
    sign(petition, "meena@example.org", ip="203.0.113.77")
    [mail] = [sent for sent in mails_sent() if "meena@example.org" in sent["to"]]
    assert "already signed" in mail["subject"] and held("meena@example.org") == Held.RATE
    services.signature_confirm(token=re.search(r"/confirm/([\w-]+)/", mail["body"]).group(1))
    services.tallies_add_confirmed()
    assert held("meena@example.org") == "" and petition_counts(petition).total == 1


def test_the_counter_never_holds_a_raw_address(petition, monkeypatch):
    keys = []
    monkeypatch.setattr(abuse, "counter_hit", lambda key, timeout: keys.append(key) or 1)
    sign(petition, "asha@example.org")
    assert mails_sent()
    assert keys and not any(IP in key for key in keys)
    assert keys == [f"signatures:rate:ip:{services.ip_hash(IP)}"]


def test_signing_itself_asks_no_limit_of_a_visitors_address(petition, monkeypatch):
    keys = []
    monkeypatch.setattr(abuse, "counter_hit", lambda key, timeout: keys.append(key) or 1)
    sign(petition, "asha@example.org")
    assert keys == [] and OutboxMessage.objects.get().kind == mails.SIGNER_MAIL


@needs_redis
@pytest.mark.redis
def test_on_redis_the_counter_costs_one_round_trip_and_expires(settings):
    from django.core.cache import caches

    from config.cache import counter_hit

    backend = caches["default"]
    calls = []
    real = backend._cache.get_client

    def counting_client(*args, **kwargs):
        client = real(*args, **kwargs)
        calls.append(client)
        return client

    backend._cache.get_client = counting_client
    try:
        assert [counter_hit("signatures:test-counter", 60) for _ in range(3)] == [1, 2, 3]
    finally:
        backend._cache.get_client = real
    assert len(calls) == 3
    client = real(write=True)
    ttl = client.ttl(backend.make_and_validate_key("signatures:test-counter"))
    assert 0 < ttl <= 60


def test_with_redis_down_the_counter_still_counts(settings):
    import socket

    from config.cache import counter_hit

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert [counter_hit("signatures:test-counter", 60) for _ in range(3)] == [1, 2, 3]


# Through the page, with and without our proxy ------------------------------------------------------------


def _post(client, email, **headers):
    form = {"name": "Asha Devi", "email": email, "region": "Kerala", "visibility": "counted"}
    assert client.post("/p/ratify-c189/sign/", form, **headers).status_code == 303


def test_a_spoofed_forwarded_for_from_a_client_that_is_not_our_proxy_changes_nothing(client, petition, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.SIGNATURES_PER_IP_PER_10_MIN = 2
    _post(client, "plain@example.org", REMOTE_ADDR=IP)
    _post(client, "spoofed1@example.org", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="192.0.2.1")
    _post(client, "spoofed2@example.org", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="192.0.2.2, 10.0.0.2")
    mails_sent()
    hashes = set(Signature.objects.values_list("ip_hash", flat=True))
    assert hashes == {services.ip_hash(IP)}
    # One bucket for all three: the third is over the allowance of two.
    assert [held(e) for e in ["plain@example.org", "spoofed1@example.org", "spoofed2@example.org"]] == ["", "", "rate"]


def test_behind_our_proxy_each_visitor_has_their_own_hash_and_bucket(client, petition, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.SIGNATURES_PER_IP_PER_10_MIN = 1
    _post(client, "one@example.org", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1")
    _post(client, "two@example.org", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="spoofed, 192.0.2.2")
    assert len(mails_sent()) == 2
    signatures = dict(Signature.objects.values_list("canonical_email", "ip_hash"))
    assert signatures == {"one@example.org": services.ip_hash("192.0.2.1"), "two@example.org": services.ip_hash("192.0.2.2")}
    assert held("two@example.org") == ""


def test_the_redis_cache_reuses_one_client_per_pool(settings):
    from config.cache import ReusedClientRedisCacheClient

    client = ReusedClientRedisCacheClient(["redis://127.0.0.1:1/0"])
    assert client.get_client("a") is client.get_client("b", write=True)


def test_repeat_mails_delivered_out_of_order_leave_the_newest_links_working(petition):
    sign(petition, "asha@example.org")
    sign(petition, "asha@example.org", ip="203.0.113.1")
    sign(petition, "asha@example.org", ip="203.0.113.2")
    first, older, newer = OutboxMessage.objects.order_by("pk")
    # Two workers, the later repeat's mail going out first.
    for message in (first, newer, older):
        with TestCase.captureOnCommitCallbacks(execute=True):
            mails.signer_mail_deliver(message.payload)
    OutboxMessage.objects.update(delivered_at=timezone.now())
    tokens = [re.search(r"/confirm/([\w-]+)/", sent["body"]).group(1) for sent in mails_sent()]
    assert len(tokens) == 3
    with pytest.raises(DomainError):
        services.signature_confirm(token=tokens[2])  # the older repeat's, sent last
    services.signature_confirm(token=tokens[1])
