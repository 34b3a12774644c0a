"""The archive's own search, timed two ways: the bare engine call (`search_run`) and the search page served
through the whole Django stack (middleware, view, templates, database lookups)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.test import Client

from archive.models import Outlet
from search.searching import SearchParams, search_run

from .queries import BenchQuery


class ArchiveEngine:
    name = "archive"

    def __init__(self) -> None:
        self.outlets = dict(Outlet.objects.values_list("name", "slug"))

    def params(self, query: BenchQuery) -> SearchParams:
        outlets = (self.outlets.get(query.outlet, "-"),) if query.outlet else ()
        return SearchParams(q=query.text, outlets=outlets, date_from=query.date_from, date_to=query.date_to)

    def run(self, query: BenchQuery, *, mode: str) -> tuple[int | None, float | None]:
        outcome = search_run(self.params(query), facets=mode != "plain", snippets=mode == "facets_highlight")
        return outcome.total, outcome.highlight_ms if mode == "facets_highlight" else None


class DjangoStackEngine(ArchiveEngine):
    """The search page (`/`), which shows facets and the highlighted first page."""

    name = "django_stack"

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()

    def run(self, query: BenchQuery, *, mode: str = "facets_highlight") -> tuple[int | None, float | None]:
        response = self.client.get("/?" + urlencode(self.params(query).query_items()))
        if response.status_code != 200:
            raise RuntimeError(f"the search page answered {response.status_code} for {query.text!r}")
        return None, None  # the page's total is in its HTML; only its time is measured
