"""The client's address, the one answer used by the audit trail, the rate limits and the sign-in lockout.

It lives at the bottom of the house (in `audit`, which records it) so that every app can import it.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent `request`, behind `settings.PROXY_COUNT` reverse proxies.

    Each proxy appends the address it received the request from to `X-Forwarded-For`, so the client
    is the PROXY_COUNT-th entry from the right; anything further left was written by the client
    itself and proves nothing. With no proxy configured the header is ignored entirely (anyone can
    send it). If the header is shorter than the proxy chain, the request did not come through the
    proxies, and the direct peer (`REMOTE_ADDR`) is the client.
    """
    remote = _valid(request.META.get("REMOTE_ADDR"))
    hops: int = settings.PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return _valid(forwarded[-hops]) or remote
