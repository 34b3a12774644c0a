from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


class LoginRequiredMiddleware:
    """With ARCHIVE_REQUIRE_LOGIN, every page outside the admin (which has its own login) and static
    files asks for a login first: for private archives."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.ARCHIVE_REQUIRE_LOGIN and not request.user.is_authenticated and not request.path.startswith(("/admin/", "/static/")):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
