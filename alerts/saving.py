"""Saved searches: who may read and change them, saving one, and how many of its matches are new.

Only the owner changes a saved search; editors (staff) read everyone's; nobody else learns that it exists
(a 404, the same as for an id that was never used).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from search.backend import IndexUnavailable
from search.params import ParameterError, SearchParams
from search.query import QuerySyntaxError, QueryTimeout
from search.searching import Matches, matches_since, params_from_query

from .models import SavedSearch

NAME_CHARS = 200
SEARCH_PROBLEMS = (ParameterError, QuerySyntaxError)  # the search itself is wrong: its owner must change it
RUN_PROBLEMS = (IndexUnavailable, QueryTimeout)  # the search cannot be run now: try again later


class SavedSearchError(ValueError):
    """A saved search that cannot be kept as asked; the message names the field."""


def is_editor(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def saved_searches_visible(user) -> QuerySet[SavedSearch]:
    """The saved searches `user` may read: their own, or everyone's for an editor."""
    searches = SavedSearch.objects.select_related("owner")
    return searches if is_editor(user) else searches.filter(owner=user)


def saved_search_get(user, pk: int, *, change: bool = False) -> SavedSearch:
    """The saved search `pk` if `user` may read it (Http404 otherwise) and, with `change`, change it
    (PermissionDenied for an editor reading someone else's)."""
    saved = saved_searches_visible(user).filter(pk=pk).first()
    if saved is None:
        raise Http404("No saved search of yours has this id.")
    if change and saved.owner_id != user.pk:
        raise PermissionDenied("Only its owner changes a saved search.")
    return saved


def saved_params(query: str) -> SearchParams:
    """A saved query string as the search's parameters (a ParameterError naming the parameter when the search
    no longer takes it)."""
    return params_from_query(QueryDict(query.removeprefix("?")))


def search_url(saved: SavedSearch) -> str:
    return reverse("search") + ("?" + saved.query if saved.query else "")


def _name(name: str, *, owner, exclude: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise SavedSearchError("'name' is missing: give the saved search a name")
    if len(name) > NAME_CHARS:
        raise SavedSearchError(f"'name' is {len(name)} characters long; at most {NAME_CHARS} are taken")
    if SavedSearch.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude).exists():
        raise SavedSearchError(
            f"'name': you already have a saved search called {name!r}; choose another name"
        )
    return name


def _watermark(params: SearchParams) -> Matches:
    try:
        return matches_since(params, since=0)
    except SEARCH_PROBLEMS as problem:
        raise SavedSearchError(f"'query': {problem}") from None


def saved_search_create(*, owner, name: str, query: str, alerts: bool = False) -> SavedSearch:
    """Save a search (its query string, e.g. `q=putin&outlet=snn`) under a name. Nothing is new yet: its
    matches now are what the owner has seen, and what an alert has told them."""
    try:
        params = saved_params(query)
    except ParameterError as problem:
        raise SavedSearchError(f"'query': {problem}") from None
    name = _name(name, owner=owner)
    newest = _watermark(params).newest
    return SavedSearch.objects.create(
        owner=owner,
        name=name,
        query=params.query_string(),
        alerts=alerts,
        seen_at=timezone.now(),
        seen_through=newest,
        alerted_through=newest,
    )


def saved_search_change(
    saved: SavedSearch, *, name: str | None = None, alerts: bool | None = None
) -> SavedSearch:
    """Rename it, or switch its alerts; alerts switched on start from now (no flood of old matches)."""
    if name is not None:
        saved.name = _name(name, owner=saved.owner, exclude=saved.pk)
    if alerts is not None and alerts != saved.alerts:
        saved.alerts = alerts
        if alerts:
            saved.alerted_through = max(saved.alerted_through, _watermark(saved_params(saved.query)).newest)
    saved.save()
    return saved


def saved_search_look(saved: SavedSearch, *, user) -> str:
    """The search to open; its owner opening it has now seen every match (an editor's look changes
    nothing)."""
    if saved.owner_id == user.pk:
        try:
            newest = matches_since(saved_params(saved.query), since=saved.seen_through).newest
        except SEARCH_PROBLEMS + RUN_PROBLEMS:
            newest = saved.seen_through  # the search page says what is wrong
        SavedSearch.objects.filter(pk=saved.pk).update(seen_at=timezone.now(), seen_through=newest)
    return search_url(saved)


@dataclass(frozen=True)
class SavedStatus:
    """A saved search as its owner sees it now."""

    saved: SavedSearch
    total: int = 0  # articles matching now
    new: int = 0  # of them, imported since the owner last looked
    problem: str = ""  # why it cannot be counted

    @property
    def url(self) -> str:
        return search_url(self.saved)

    def as_json(self, *, absolute) -> dict:
        saved = self.saved
        return {
            "id": saved.pk,
            "name": saved.name,
            "owner": saved.owner.get_username(),
            "query": saved.query,
            "search_url": absolute(self.url),
            "api_url": absolute(reverse("api_search") + ("?" + saved.query if saved.query else "")),
            "matches": self.total,
            "new": self.new,
            "problem": self.problem or None,
            "alerts": saved.alerts,
            "created_at": saved.created_at.isoformat(),
            "seen_at": saved.seen_at.isoformat() if saved.seen_at else None,
            "alerted_at": saved.alerted_at.isoformat() if saved.alerted_at else None,
        }


def saved_status(saved: SavedSearch) -> SavedStatus:
    """How many articles match now and how many of them are new since the owner last looked."""
    try:
        matches = matches_since(saved_params(saved.query), since=saved.seen_through)
    except SEARCH_PROBLEMS as problem:
        return SavedStatus(saved=saved, problem=f"This search can no longer be run: {problem}")
    except RUN_PROBLEMS as problem:
        return SavedStatus(saved=saved, problem=f"Not counted now: {problem}")
    return SavedStatus(saved=saved, total=matches.total, new=len(matches.new))
