"""Per-client limits on every public page, API answer and export (`ARCHIVE_RATELIMIT`, e.g. "120/m";
empty: none), keyed on the real client address.

Behind a TLS proxy every request comes from the proxy's address, so one researcher could use up
everyone's allowance; with `ARCHIVE_TRUSTED_PROXIES` (addresses or networks, comma-separated) the client
is the last address in `X-Forwarded-For` that is not one of them. With none trusted (the default) the
header is ignored, since anyone can send it. The admin's login has its own throttle (django-axes), which
reads the same client address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.core import is_ratelimited

EXEMPT = ("/static/", "/admin/")
MACHINE = ("/api/", "/export.", "/quotes/export.", "/compare.", "/concordance.")


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.ARCHIVE_TRUSTED_PROXIES)))


def client_address(request: HttpRequest, *args: object) -> str:
    """The client's address: the connection's, or behind a trusted proxy the one the proxy reports."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.ARCHIVE_TRUSTED_PROXIES or not _trusted(remote):
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    return next(
        (address for address in reversed(forwarded) if not _trusted(address)),
        forwarded[0] if forwarded else remote,
    )


def _key(group: str, request: HttpRequest) -> str:
    return client_address(request)


class RateLimitMiddleware:
    """Counts every public request per client and answers 429 past `ARCHIVE_RATELIMIT` (JSON for the API
    and exports, a short page otherwise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rate = settings.ARCHIVE_RATELIMIT
        if (
            rate
            and not request.path.startswith(EXEMPT)
            and is_ratelimited(request, group="archive", key=_key, rate=rate, increment=True)
        ):
            message = "Too many requests from this address; wait a minute and try again."
            if request.path.startswith(MACHINE):
                return JsonResponse({"error": message}, status=429)
            return HttpResponse(
                f"<!doctype html><title>Too many requests</title><p>{message}</p>", status=429
            )
        return self.get_response(request)
