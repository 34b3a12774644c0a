from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url

from archive.ratelimits import MACHINE


class ContentSecurityPolicyMiddleware:
    """Sends ARCHIVE_CSP as the Content-Security-Policy header (production settings set it): scripts only
    from the site's own static files, never inline."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "ARCHIVE_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RequireLoginMiddleware(LoginRequiredMiddleware):
    """Django's own login-required middleware, on only when ARCHIVE_REQUIRE_LOGIN is set (private archives):
    every view asks for a login except those Django marks as not needing one (the login pages)."""

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.ARCHIVE_REQUIRE_LOGIN:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponse:
        """Pages redirect to the login page; the API and exports answer 401 with `{"error"}`."""
        if request.path.startswith(MACHINE):
            return login_first("This archive is private")
        return super().handle_no_permission(request, view_func)


def login_first(reason: str) -> JsonResponse:
    """The one answer of the API and exports to a visitor who is not logged in: 401 with `{"error"}` saying
    why and where to log in (the private archive's middleware and the saved searches' API both use it)."""
    return JsonResponse({"error": f"{reason}: log in first ({resolve_url(settings.LOGIN_URL)})."}, status=401)
