"""Run a search: the query and filters in, one page of hits with snippets and the facets out.

Plain functions over plain data, so the page, the API and the exports share one path and can be tested
without HTTP.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import numpy as np
from django.urls import reverse
from whoosh import query as wq
from whoosh import sorting

from archive.models import Article

from .engine import searcher_open
from .facets import FacetValue, entity_facet, facet_columns, outlet_facet
from .highlight import snippet_html
from .query import filters_build, query_parse

SORTS = ("relevance", "newest", "oldest")
PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


class ParameterError(ValueError):
    """A search parameter that cannot be used; the message names it."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    outlets: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def query_items(self) -> list[tuple[str, str]]:
        items = [("q", self.q)] if self.q else []
        items += [("outlet", slug) for slug in self.outlets]
        items += [("entity", slug) for slug in self.entities]
        if self.date_from:
            items.append(("from", self.date_from.isoformat()))
        if self.date_to:
            items.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            items.append(("sort", self.sort))
        if self.page_size != PAGE_SIZE:
            items.append(("page_size", str(self.page_size)))
        return items

    def url(self, *, page: int = 1) -> str:
        items = self.query_items() + ([("page", str(page))] if page > 1 else [])
        return "?" + urlencode(items) if items else "?"

    def toggled(self, facet: str, value: str) -> SearchParams:
        """These parameters with a facet value added, or removed if it was chosen; back to page 1."""
        field = {"outlet": "outlets", "entity": "entities"}[facet]
        chosen: tuple[str, ...] = getattr(self, field)
        chosen = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        return replace(self, **{field: chosen, "page": 1})


def _date_param(data: Mapping, name: str) -> dt.date | None:
    value = (data.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"'{name}' must be a date written YYYY-MM-DD (got {value[:40]!r})") from None


def _int_param(data: Mapping, name: str, default: int, *, low: int, high: int) -> int:
    value = (data.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ParameterError(f"'{name}' must be a whole number (got {value[:40]!r})") from None
    if not low <= number <= high:
        raise ParameterError(f"'{name}' must be between {low} and {high} (got {number})")
    return number


def params_from_query(data) -> SearchParams:
    """Search parameters from a query string (a QueryDict or any mapping with getlist)."""
    sort = (data.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise ParameterError(f"'sort' must be one of {', '.join(SORTS)} (got {sort[:40]!r})")
    params = SearchParams(
        q=(data.get("q") or "").strip(),
        outlets=tuple(dict.fromkeys(v.strip().lower() for v in data.getlist("outlet") if v.strip())),
        entities=tuple(dict.fromkeys(v.strip().lower() for v in data.getlist("entity") if v.strip())),
        date_from=_date_param(data, "from"),
        date_to=_date_param(data, "to"),
        sort=sort,
        page=_int_param(data, "page", 1, low=1, high=100_000),
        page_size=_int_param(data, "page_size", PAGE_SIZE, low=1, high=MAX_PAGE_SIZE),
    )
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ParameterError("'from' is after 'to'; swap the dates")
    return params


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: str


@dataclass(frozen=True)
class SearchOutcome:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.page_size)) if self.total else 0


def _sorted_by(sort: str):
    if sort == "relevance":
        return None
    # Undated articles come last either way; the id breaks ties so pages never repeat or skip an article.
    return sorting.MultiFacet(
        [sorting.FieldFacet("undated"), sorting.FieldFacet("published", reverse=sort == "newest"), sorting.FieldFacet("id")]
    )


def _matched_terms(query: wq.Query, searcher) -> frozenset[str]:
    """The analysed text terms of the query that exist in the index, wildcards and fuzzy terms expanded.

    Asked leaf by leaf: whoosh-reloaded 2.7.5's `existing_terms` over a whole tree skips every field after
    the first one it meets.
    """
    reader = searcher.reader()
    terms = set()
    for leaf in query.leaves():
        for fieldname, text in leaf.existing_terms(reader, expand=True):
            if fieldname in {"title", "body"}:
                terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(terms)


def search_run(params: SearchParams, *, entity_limit: int = 20) -> SearchOutcome:
    """One page of results with snippets, and facet counts over the whole result set."""
    started = time.perf_counter()
    user_query = query_parse(params.q)
    filters = filters_build(outlets=params.outlets, entities=params.entities, date_from=params.date_from, date_to=params.date_to)
    with searcher_open() as searcher:
        matched = np.fromiter(searcher.docs_for_query(wq.And([user_query, filters])), dtype=np.int64)
        limit = params.page * params.page_size
        results = searcher.search(user_query, filter=filters, limit=limit, sortedby=_sorted_by(params.sort))
        page_ids = [int(hit["id"]) for hit in results[limit - params.page_size : limit]]
        terms = _matched_terms(user_query, searcher)
        columns = facet_columns(searcher)
        outlet_counts = columns.outlet_counts(matched)
        entity_counts = columns.entity_counts(matched)
    articles = Article.objects.published().select_related("outlet").in_bulk(page_ids)
    hits = [Hit(article=articles[pk], snippet=snippet_html(articles[pk].body, terms)) for pk in page_ids if pk in articles]

    def toggle(facet: str, value: str) -> str:
        return reverse("search") + params.toggled(facet, value).url()

    facets = {
        "outlet": outlet_facet(outlet_counts, selected=params.outlets, toggle=toggle),
        "entity": entity_facet(entity_counts, selected=params.entities, toggle=toggle, limit=entity_limit),
    }
    return SearchOutcome(params=params, total=len(matched), hits=hits, facets=facets, took_ms=(time.perf_counter() - started) * 1000)


def article_ids_matching(params: SearchParams) -> Iterator[int]:
    """Every matching article id in the requested order, for exports that stream the whole result set."""
    user_query = query_parse(params.q)
    filters = filters_build(outlets=params.outlets, entities=params.entities, date_from=params.date_from, date_to=params.date_to)
    with searcher_open() as searcher:
        results = searcher.search(user_query, filter=filters, limit=None, sortedby=_sorted_by(params.sort))
        ids = [int(hit["id"]) for hit in results]
    yield from ids
