"""Limits on signing that never tell the sender they were applied.

A signature over a limit is still stored, marked as held, and the sender sees the same page as
everyone else: an error would tell a script when to change address, and tell anyone whether an
address had signed. Held signatures get no mail (so a flood cannot mail-bomb the addresses it
types in) and are never counted.
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
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return ip


def _over(bucket: str, limit: int) -> bool:
    return counter_hit(f"signatures:rate:{bucket}", WINDOW_SECONDS) > limit


def signing_hold(*, email: str, ip_key: str, collector_id: int | None) -> str:
    """Why this signature is held aside, or "" (Held.NO) to go ahead. Counts it towards the limit.

    A collector's device at a stall signs for many people behind one address; it has an allowance
    of its own, larger, on the collector rather than the address. The collector saw the person
    sign, so a throwaway address is not a reason to doubt it.
    """
    if collector_id is not None:
        return Held.RATE if _over(f"collector:{collector_id}", settings.SIGNATURES_PER_COLLECTOR_PER_10_MIN) else Held.NO
    if _over(f"ip:{ip_key}", settings.SIGNATURES_PER_IP_PER_10_MIN):
        return Held.RATE
    if is_disposable(email):
        return Held.DISPOSABLE
    return Held.NO
