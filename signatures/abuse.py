"""Limits on signing that never tell the sender they were applied.

A signature over a limit is still stored, marked as held, and the sender sees the same page as
everyone else: an error would tell a script when to change address, and tell anyone whether an
address had signed. Held signatures get no mail (so a flood cannot mail-bomb the addresses it
types in) and are never counted.

The answer does not depend on the limit, so the limit of a visitor's address is applied where
it matters, when the worker is about to send the signer's mail (signatures/mails.py): the
busiest request of the site then makes one round trip, to the database, and none to Redis.
The worker sends mails within a second or two of signing; after an outage of the worker, the
mails waiting are counted as they go, so a backlog from one address is judged as if it had come
at once, on the strict side. A collector's allowance is counted as they sign: their signatures
count at once.
"""

import ipaddress
from functools import cache
from pathlib import Path

from django.conf import settings

from config.cache import counter_hit

from .models import Held

WINDOW_SECONDS = 10 * 60
DISPOSABLE_DOMAINS_FILE = Path(__file__).with_name("disposable_domains.txt")
# One person on IPv6 usually has a whole /64 to pick addresses from.
IPV6_PREFIX = 64


@cache
def _disposable_domains() -> frozenset[str]:
    lines = DISPOSABLE_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_disposable(email: str) -> bool:
    """Whether the address's domain, or a domain it belongs to, hands out throwaway inboxes."""
    labels = email.rpartition("@")[2].strip().lower().rstrip(".").split(".")
    domains = _disposable_domains()
    return any(".".join(labels[start:]) in domains for start in range(len(labels) - 1))


def ip_bucket(ip: str) -> str:
    """The address as limits count it: an IPv6 address by its /64."""
    if ":" not in ip:  # IPv4, as client_ip writes it: the bucket is the address
        return ip
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return ip


def over_limit(bucket: str, limit: int) -> bool:
    """Counts one more signature of `bucket` (a keyed hash, never a raw address) in its window."""
    return counter_hit(f"signatures:rate:{bucket}", WINDOW_SECONDS) > limit


def signing_hold(*, email: str, collector_id: int | None) -> str:
    """Why this signature is held aside at once, or "" (Held.NO) to go ahead. A collector's
    signature counts towards their allowance.

    A collector's device at a stall signs for many people behind one address; it has an allowance
    of its own, larger, on the collector rather than the address. The collector saw the person
    sign, so a throwaway address is not a reason to doubt it.
    """
    if collector_id is not None:
        return Held.RATE if over_limit(f"collector:{collector_id}", settings.SIGNATURES_PER_COLLECTOR_PER_10_MIN) else Held.NO
    return Held.DISPOSABLE if is_disposable(email) else Held.NO
