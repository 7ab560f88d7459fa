import ipaddress
from functools import lru_cache

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def safe_url(request, target: str | None, fallback: str) -> str:
    """`target` if it stays on this site; else `fallback`."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def safe_next_url(request, fallback: str) -> str:
    """The `next` address the request carries, if it stays on this site; else `fallback`."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next"), fallback)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client of a dual-stack proxy may come as ::ffff:203.0.113.5.
    return getattr(address, "ipv4_mapped", None) or address


def is_trusted_proxy(value: str) -> bool:
    address = _address(value)
    return address is not None and any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The visitor's address, for rate limits and the keyed hash a signature keeps.

    X-Forwarded-For is anyone's to write, so it is read only when the connection comes from one
    of our own proxies (TRUSTED_PROXIES). Each proxy appends the address it was connected from,
    so reading from the right, the first address that is not one of our proxies is the
    visitor's; whatever stands left of it the visitor may have sent themselves.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            address = _address(hop)
            # Our proxy wrote this entry, so it is an address; if not, the proxy is misconfigured
            # and the connection's own address is the safe answer.
            return str(address) if address is not None else remote
    return remote
