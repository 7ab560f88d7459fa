from allauth.account.adapter import get_adapter
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback: str) -> str:
    """The `next` address the request carries, if it stays on this site; else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def client_ip(request) -> str:
    """The visitor's address, as the sign-in's rate limits see it.

    Behind TRUSTED_PROXY_COUNT reverse proxies of our own, the address the nearest of them put
    into X-Forwarded-For; with none, the connection's address, and the header (which anyone can
    send) is ignored.
    """
    return get_adapter(request).get_client_ip(request)
