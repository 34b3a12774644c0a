"""Per-address limits on the JSON API and exports (`ARCHIVE_RATELIMIT`, e.g. "120/m"; empty: none)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django_ratelimit.decorators import ratelimit


def _rate(group: str, request: HttpRequest) -> str | None:
    return settings.ARCHIVE_RATELIMIT or None


limited = ratelimit(key="ip", rate=_rate, block=True)


def rate_limited(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "Too many requests from this address; wait a minute and try again."}, status=429)
