"""Run a search: the query and filters in, one page of hits with snippets and the facets out.

Plain functions over plain data, so the page, the API and the exports share one path and can be tested
without HTTP.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import numpy as np
from django.urls import reverse
from whoosh import query as wq
from whoosh import sorting

from archive.models import Article, Entity

from .docsets import query_docs
from .engine import searcher_open
from .facets import (
    Buckets,
    FacetValue,
    attention_share,
    date_facet,
    entity_facet,
    entity_type_facet,
    facet_columns,
    outlet_facet,
)
from .highlight import snippet_html, title_html
from .query import filters_build, query_parse
from .topk import relevance_page

SORTS = ("relevance", "newest", "oldest")
COUNTS = ("articles", "groups")
PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
ENTITY_LIMIT = 20
MULTI_VALUED = {"outlet": "outlets", "entity": "entities", "entity_type": "entity_types"}


class ParameterError(ValueError):
    """A search parameter that cannot be used; the message names it."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    outlets: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE
    entity_limit: int = ENTITY_LIMIT
    chart: str = "count"  # the page's timeline: raw counts or share of output (the API ignores it)
    collapse: bool = False  # one result per copy group, its earliest copy
    count: str = ""  # what totals and facets count: "articles" or "groups"; empty means groups when collapsed

    @property
    def counts_groups(self) -> bool:
        return self.count == "groups" or (self.collapse and self.count != "articles")

    def query_items(self) -> list[tuple[str, str]]:
        """The parameters as a query string would carry them, defaults left out."""
        items = [("q", self.q)] if self.q else []
        for name, attribute in MULTI_VALUED.items():
            items += [(name, value) for value in getattr(self, attribute)]
        if self.date_from:
            items.append(("from", self.date_from.isoformat()))
        if self.date_to:
            items.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            items.append(("sort", self.sort))
        if self.page_size != PAGE_SIZE:
            items.append(("page_size", str(self.page_size)))
        if self.entity_limit != ENTITY_LIMIT:
            items.append(("entity_limit", str(self.entity_limit)))
        if self.chart != "count":
            items.append(("chart", self.chart))
        if self.collapse:
            items.append(("collapse", "1"))
        if self.count:
            items.append(("count", self.count))
        return items

    def url(self, *, page: int = 1, path: str = "") -> str:
        items = self.query_items() + ([("page", str(page))] if page > 1 else [])
        return (path or reverse("search")) + ("?" + urlencode(items) if items else "")

    def toggled(self, facet: str, value: str) -> SearchParams:
        """These parameters with a facet value added, or removed if it was chosen; back to page 1."""
        attribute = MULTI_VALUED[facet]
        chosen: tuple[str, ...] = getattr(self, attribute)
        chosen = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        return replace(self, **{attribute: chosen, "page": 1})

    def filters(self) -> wq.Query | None:
        return filters_build(
            outlets=self.outlets, entities=self.entities, entity_types=self.entity_types, date_from=self.date_from, date_to=self.date_to
        )


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


def _list_param(data, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip().lower() for v in data.getlist(name) if v.strip()))


def params_from_query(data) -> SearchParams:
    """Search parameters from a query string (a QueryDict or any mapping with getlist)."""
    sort = (data.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise ParameterError(f"'sort' must be one of {', '.join(SORTS)} (got {sort[:40]!r})")
    entity_types = _list_param(data, "entity_type")
    unknown = set(entity_types) - set(Entity.Type.values)
    if unknown:
        raise ParameterError(f"'entity_type' must be one of {', '.join(Entity.Type.values)} (got {sorted(unknown)[0][:40]!r})")
    params = SearchParams(
        q=(data.get("q") or "").strip(),
        outlets=_list_param(data, "outlet"),
        entities=_list_param(data, "entity"),
        entity_types=entity_types,
        date_from=_date_param(data, "from"),
        date_to=_date_param(data, "to"),
        sort=sort,
        page=_int_param(data, "page", 1, low=1, high=100_000),
        page_size=_int_param(data, "page_size", PAGE_SIZE, low=1, high=MAX_PAGE_SIZE),
        entity_limit=_int_param(data, "entity_limit", ENTITY_LIMIT, low=1, high=1000),
        chart="share" if data.get("chart") == "share" else "count",
        collapse=(data.get("collapse") or "").strip().lower() in {"1", "true", "yes", "on"},
        count=(data.get("count") or "").strip().lower(),
    )
    if params.count not in ("", *COUNTS):
        raise ParameterError(f"'count' must be one of {', '.join(COUNTS)} (got {params.count[:40]!r})")
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ParameterError("'from' is after 'to'; swap the dates")
    return params


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: str
    title_html: str
    copies: list[Article] = field(default_factory=list)  # the other articles of its copy group, earliest first

    @property
    def copy_outlets(self) -> int:
        return len({copy.outlet_id for copy in self.copies} - {self.article.outlet_id})


@dataclass(frozen=True)
class SearchOutcome:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    date_bucket: str
    took_ms: float
    terms: frozenset[str] = field(default_factory=frozenset)
    shares: list[float] = field(default_factory=list)
    highlight_ms: float = 0.0
    listed: int | None = None  # how many results the pages hold: groups when collapsed, whatever `total` counts

    @property
    def pages(self) -> int:
        return math.ceil((self.total if self.listed is None else self.listed) / self.params.page_size)


def sorted_by(sort: str):
    if sort == "relevance":
        return None
    # Undated articles come last either way; the id breaks ties so pages never repeat or skip an article.
    return sorting.MultiFacet(
        [sorting.FieldFacet("undated"), sorting.FieldFacet("published", reverse=sort == "newest"), sorting.FieldFacet("id")]
    )


def collapsing(collapse: bool) -> dict:
    """Whoosh's collapse options: one document per copy group, the earliest one (articles without a
    group have no key and are never collapsed)."""
    if not collapse:
        return {}
    return {"collapse": sorting.FieldFacet("copy_group"), "collapse_limit": 1, "collapse_order": sorted_by("oldest")}


def matched_terms(query: wq.Query, searcher) -> frozenset[str]:
    """The analysed text terms of the query that exist in the index, wildcards and fuzzy terms expanded.

    Asked leaf by leaf: whoosh-reloaded 2.7.5's `existing_terms` over a whole tree skips every field after
    the first one it meets.
    """
    reader = searcher.reader()
    terms = set()
    for leaf in query.leaves():
        if isinstance(leaf, wq.Not):
            continue
        for fieldname, text in leaf.existing_terms(reader, expand=True):
            if fieldname in {"title", "body"}:
                terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(terms)


def search_run(params: SearchParams, *, with_share: bool = False, facets: bool = True, snippets: bool = True) -> SearchOutcome:
    """One page of results and the exact total; with `facets` the facet counts over the whole result set,
    with `snippets` highlighted snippets, with `with_share` each date bucket's share of the outlets' own
    output (see `attention_share`). The benchmark times each combination."""
    started = time.perf_counter()
    user_query = query_parse(params.q)
    filters = params.filters()
    counted: dict[str, dict[str, int]] = {}
    days, buckets, shares = np.zeros(0, dtype=np.int32), None, []
    groups = params.counts_groups
    with searcher_open() as searcher:
        limit = params.page * params.page_size
        if params.sort == "relevance" and not params.collapse:  # ranked from arrays as Whoosh ranks (search.topk)
            matched, page_ids = relevance_page(searcher, user_query, filters=filters, start=limit - params.page_size, stop=limit)
        else:
            matched = query_docs(searcher, wq.And([user_query, filters]) if filters else user_query)
            results = searcher.search(user_query, filter=filters, limit=limit, sortedby=sorted_by(params.sort), **collapsing(params.collapse))
            page_ids = [int(hit["id"]) for hit in results[limit - params.page_size : limit]]
        terms = matched_terms(user_query, searcher)
        total = listed = len(matched)
        if facets or groups or params.collapse:
            columns = facet_columns(searcher)
            if groups or params.collapse:
                group_total = columns.group_count(matched)
                total = group_total if groups else total
                listed = group_total if params.collapse else listed
        if facets:
            mask = columns.mask(matched)
            group_key = columns.group_key if groups else None
            counted = {
                "outlet": columns.outlet_counts(matched, groups=groups),
                "entity": columns.entity.counts(mask, group_key=group_key),
                "entity_type": columns.entity_type.counts(mask, group_key=group_key),
            }
            days = columns.days(columns.earliest_per_group(matched) if groups else matched)
            buckets = Buckets.spanning(days) if len(days) else None
            if with_share and buckets is not None:  # same searcher: document numbers must mean the same documents
                baseline = query_docs(searcher, filters or wq.Every())
                shares = attention_share(columns, buckets, matched=matched, baseline=baseline)
    articles = Article.objects.published().select_related("outlet").in_bulk(page_ids)
    page = [articles[pk] for pk in page_ids if pk in articles]
    copies = Article.objects.published().copies_of(page)
    highlighting = time.perf_counter()
    hits = [
        Hit(article=article, snippet=snippet_html(article.body, terms) if snippets else "", title_html=title_html(article.title, terms if snippets else frozenset()),
            copies=copies.get(article.pk, []))
        for article in page
    ]
    highlight_ms = (time.perf_counter() - highlighting) * 1000
    return SearchOutcome(
        params=params, total=total, listed=listed, hits=hits, facets=facets_build(params, counted, days, buckets) if facets else {},
        date_bucket=buckets.size if buckets else "day", took_ms=(time.perf_counter() - started) * 1000, terms=terms, shares=shares,
        highlight_ms=highlight_ms,
    )


def facets_build(params: SearchParams, counted: dict[str, dict[str, int]], days: np.ndarray, buckets: Buckets | None) -> dict[str, list[FacetValue]]:
    """The facets as plain data, each value with the link that toggles it."""
    path = reverse("search")  # once: facets make hundreds of toggle links

    def toggle(facet: str, value: str) -> str:
        return params.toggled(facet, value).url(path=path)

    def toggle_range(start: dt.date | None, end: dt.date | None) -> str:
        return replace(params, date_from=start, date_to=end, page=1).url(path=path)

    return {
        "outlet": outlet_facet(counted["outlet"], selected=params.outlets, toggle=toggle),
        "entity": entity_facet(counted["entity"], selected=params.entities, toggle=toggle, limit=params.entity_limit),
        "entity_type": entity_type_facet(counted["entity_type"], selected=params.entity_types, toggle=toggle),
        "date": date_facet(days, buckets, date_from=params.date_from, date_to=params.date_to, toggle_range=toggle_range),
    }


def article_ids_matching(params: SearchParams) -> tuple[list[int], frozenset[str]]:
    """Every matching article id in the requested order, and the matched terms, for exports."""
    user_query = query_parse(params.q)
    with searcher_open() as searcher:
        results = searcher.search(user_query, filter=params.filters(), limit=None, sortedby=sorted_by(params.sort), **collapsing(params.collapse))
        return [int(hit["id"]) for hit in results], matched_terms(user_query, searcher)
