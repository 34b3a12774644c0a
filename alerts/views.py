"""Thin views: researchers' accounts (Django's auth views are in urls.py), saved searches, and their API.

Pages that need a login send the visitor to `LOGIN_URL`; the API answers 401 with `{"error"}`. A saved
search someone may not read is a 404 everywhere, as if it did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from config.middleware import login_first

from .accounts import account_activate, account_invite, account_signup, signup_open
from .forms import InviteForm, SavedChangeForm, SavedSearchForm, SignUpForm
from .models import AlertDelivery
from .saving import (
    SavedSearchError,
    is_editor,
    saved_search_change,
    saved_search_create,
    saved_search_get,
    saved_search_look,
    saved_searches_visible,
    saved_status,
)

PER_PAGE = 50


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _message(request: HttpRequest, title: str, text: str, *, status: int = 200) -> HttpResponse:
    return render(request, "accounts/message.html", {"title": title, "text": text}, status=status)


# -- accounts --------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login view with the site's form page, which says how to get an account."""

    template_name = "accounts/form.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Log in", "submit": "Log in", "login_page": True}

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "signup_open": signup_open()}


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """What belongs to the researcher: saved searches, alerts, sets; editors also reach everyone's."""
    own = saved_searches_visible(request.user).filter(owner=request.user)
    context = {
        "statuses": [saved_status(saved) for saved in own],
        "deliveries": AlertDelivery.objects.filter(user=request.user)[:10],
        "editor": is_editor(request.user),
        "signup_open": signup_open(),
    }
    return render(request, "accounts/account.html", context)


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if not signup_open():
        return _message(
            request,
            "Accounts are by invitation",
            "An editor of this archive creates researchers' accounts: ask one to invite you.",
            status=403,
        )
    if request.user.is_authenticated:
        return redirect("account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account_signup(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            base_url=_base_url(request),
        )
        return _message(
            request,
            "Check your email",
            f"We sent a link to {data['email']}; open it to start using your account.",
        )
    context = {
        "form": form,
        "title": "Sign up",
        "submit": "Sign up",
        "intro": "An account keeps your saved searches, alerts and result sets.",
    }
    return render(request, "accounts/form.html", context, status=400 if form.errors else 200)


@login_not_required
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = account_activate(uidb64=uidb64, token=token)
    if user is None:
        return _message(
            request,
            "This link does not work",
            "It is wrong, has expired, or was used already; log in, or sign up again.",
            status=400,
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Your account is ready.")
    return redirect("account")


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """Editors invite a researcher: an account and an email with a link to choose its password."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors invite researchers.")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account_invite(
            username=data["username"],
            email=data["email"],
            invited_by=request.user,
            base_url=_base_url(request),
        )
        messages.success(request, f"Invitation sent to {data['email']}.")
        return redirect("invite")
    context = {
        "form": form,
        "title": "Invite a researcher",
        "submit": "Send the invitation",
        "intro": "They get an email with a link to choose a password; the account works once they have.",
    }
    return render(request, "accounts/form.html", context, status=400 if form.errors else 200)


# -- saved searches --------------------------------------------------------------------------------------


def _saved_page(
    request: HttpRequest, *, form: SavedSearchForm | None = None, status: int = 200
) -> HttpResponse:
    visible = saved_searches_visible(request.user)
    page = Paginator(visible, PER_PAGE).get_page(request.GET.get("page"))
    editor = is_editor(request.user)
    deliveries = (
        AlertDelivery.objects.select_related("user")
        if editor
        else AlertDelivery.objects.filter(user=request.user)
    )
    context = {
        "statuses": [saved_status(saved) for saved in page],
        "page": page,
        "editor": editor,
        "form": form,
        "deliveries": deliveries[:20],
    }
    return render(request, "alerts/saved_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def saved_list(request: HttpRequest) -> HttpResponse:
    """The researcher's saved searches (an editor's: everyone's); POST saves one."""
    if request.method == "GET":
        return _saved_page(request)
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            saved = saved_search_create(owner=request.user, **form.cleaned_data)
        except SavedSearchError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("saved")
    return _saved_page(request, form=form, status=400)


@login_required
def saved_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a saved search as a search; its owner has then seen its matches."""
    return redirect(saved_search_look(saved_search_get(request.user, pk), user=request.user))


@login_required
@require_POST
def saved_change(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_search_get(request.user, pk, change=True)
    form = SavedChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise SavedSearchError(
                "; ".join(f"'{name}': {' '.join(errors)}" for name, errors in form.errors.items())
            )
        alerts = {"on": True, "off": False}.get(form.cleaned_data["alerts"])
        saved_search_change(saved, name=form.cleaned_data["name"] or None, alerts=alerts)
    except SavedSearchError as problem:
        messages.error(request, str(problem))
        return _saved_page(request, status=400)
    messages.success(request, f"Changed “{saved.name}”.")
    return redirect("saved")


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_search_get(request.user, pk, change=True)
    saved.delete()
    messages.success(request, f"Deleted “{saved.name}”.")
    return redirect("saved")


# -- the API -----------------------------------------------------------------------------------------------


def api_view(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """401 for a visitor who is not logged in, and every refusal as `{"error"}` with its status."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if not request.user.is_authenticated:
            return login_first("Saved searches belong to an account")
        try:
            return view(request, *args, **kwargs)
        except Http404 as problem:
            return JsonResponse({"error": str(problem)}, status=404)
        except PermissionDenied as problem:
            return JsonResponse({"error": str(problem) or "Not yours to change."}, status=403)
        except SavedSearchError as problem:
            return JsonResponse({"error": str(problem)}, status=400)

    return wrapped


def _body(request: HttpRequest) -> QueryDict | dict:
    """A POST's fields, sent as a form or as a JSON object."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise SavedSearchError(
            'The body is not JSON; send an object, {"name": …, "query": "q=putin"}'
        ) from None
    if not isinstance(data, dict):
        raise SavedSearchError("The body must be a JSON object")
    return data


def _flag(value) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes", "on"}


@api_view
@require_http_methods(["GET", "POST"])
def api_saved(request: HttpRequest) -> JsonResponse:
    """GET: the saved searches you may read, with their counts; POST (name, query, alerts): save one."""
    absolute = request.build_absolute_uri
    if request.method == "POST":
        data = _body(request)
        saved = saved_search_create(
            owner=request.user,
            name=str(data.get("name") or ""),
            query=str(data.get("query") or ""),
            alerts=_flag(data.get("alerts")),
        )
        return JsonResponse(saved_status(saved).as_json(absolute=absolute), status=201)
    return JsonResponse(
        {
            "results": [
                saved_status(saved).as_json(absolute=absolute)
                for saved in saved_searches_visible(request.user)
            ]
        }
    )


@api_view
@require_http_methods(["GET", "POST", "DELETE"])
def api_saved_item(request: HttpRequest, pk: int) -> JsonResponse:
    """GET: one saved search; POST (name, alerts): change it; DELETE: delete it. Only its owner changes it."""
    saved = saved_search_get(request.user, pk, change=request.method != "GET")
    if request.method == "DELETE":
        saved.delete()
        return JsonResponse({"deleted": pk})
    if request.method == "POST":
        data = _body(request)
        saved_search_change(
            saved,
            name=str(data["name"]) if data.get("name") else None,
            alerts=_flag(data["alerts"]) if "alerts" in data else None,
        )
    return JsonResponse(saved_status(saved).as_json(absolute=request.build_absolute_uri))
