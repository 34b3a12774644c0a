"""Run a search: the query and filters in, one page of hits with snippets and the facets out.

Plain functions over plain data, so the page, the API and the exports share one path and can be tested
without HTTP. Which documents match, which of them the pages list (one per copy group when collapsed)
and in what order are computed once, over arrays (`search.docsets`, `search.facets`): totals, facets,
pages and exports are all views of that one listing, so they cannot disagree. The engine (`search.backend`)
only matches, and scores for relevance order within the listing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
from django.conf import settings
from django.urls import reverse
from whoosh import query as wq

from archive.models import Article
from archive.selectors import slugs_followed, wire_names

from .backend import Snapshot, backend
from .facets import (
    Buckets,
    FacetColumns,
    FacetValue,
    attention_share,
    date_facet,
    facet_values,
)
from .fields import INDEXED
from .highlight import NO_MARKS, Marks, snippet_html, title_html
from .params import (
    COUNTS,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    PageSpec,
    Pagination,
    ParameterError,
    SearchParams,
    params_parse,
)
from .query import filters_build, query_parse, time_budget
from .topk import ranked_page

__all__ = [
    "COUNTS",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "ParameterError",
    "SearchParams",
    "params_from_query",
    "search_run",
]

SEARCH = PageSpec(
    url_name="search",
    accepts=frozenset(
        {
            *(facet.name for facet in INDEXED),
            "q",
            "from",
            "to",
            "undated",
            "interval",
            "sort",
            "page",
            "page_size",
            "entity_limit",
            "chart",
            "collapse",
            "count",
        }
    ),
)


def params_from_query(data) -> SearchParams:
    """The search's parameters from a query string (the page, the API and the exports)."""
    return params_parse(data, spec=SEARCH)


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: str
    title_html: str
    copies: list[Article] = field(
        default_factory=list
    )  # the other articles of its copy group, earliest first
    wire: str = ""  # the name of the wire agency it credits

    @property
    def copy_outlets(self) -> int:
        """Outlets other than this article's that carry a copy (articles without an outlet are not one)."""
        return len({copy.outlet_id for copy in self.copies} - {self.article.outlet_id, None})


@dataclass(frozen=True)
class Followed:
    """A former entity or outlet slug in a search: merged into `slug` (None: blocked, it matches nothing)."""

    kind: str
    former: str
    slug: str | None
    name: str

    def as_json(self) -> dict:
        return {"kind": self.kind, "from": self.former, "to": self.slug, "name": self.name}


def slugs_follow(params: SearchParams, query: wq.Query) -> tuple[SearchParams, wq.Query, list[Followed]]:
    """Filters and `entity:`/`outlet:` terms that name a merged entity or outlet by its old slug search the
    one it was merged into, so saved links keep working."""
    followed: list[Followed] = []
    for facet in INDEXED:
        if facet.name not in ("entity", "outlet"):
            continue
        in_query = tuple(
            leaf.text
            for leaf in query.leaves()
            if isinstance(leaf, wq.Term) and leaf.fieldname == facet.field
        )
        for former in slugs_followed(facet.name, (*getattr(params, facet.attribute), *in_query)).values():
            target = former.entity or former.outlet
            followed.append(
                Followed(
                    kind=facet.name,
                    former=former.slug,
                    slug=target.slug if target else None,
                    name=target.name if target else former.name,
                )
            )
            if target is not None:
                chosen = getattr(params, facet.attribute)
                params = replace(
                    params,
                    **{
                        facet.attribute: tuple(
                            dict.fromkeys(target.slug if v == former.slug else v for v in chosen)
                        )
                    },
                )
                query = query.replace(facet.field, former.slug, target.slug)
    return params, query, followed


@dataclass(frozen=True)
class SearchOutcome:
    params: SearchParams
    total: int  # what the heading counts: articles, or copy groups
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    date_bucket: str
    took_ms: float
    marks: dict[str, Marks] = field(
        default_factory=dict
    )  # what matched in titles and bodies, for highlighting
    shares: list[float] = field(default_factory=list)
    highlight_ms: float = 0.0
    listed: int = 0  # how many results the pages hold: groups when collapsed, whatever `total` counts
    articles: int = 0  # matching articles
    groups: int = 0  # matching copy groups (an article without copies is a group of its own)
    undated_excluded: int = 0  # matching undated articles a date filter left out
    followed: list[Followed] = field(
        default_factory=list
    )  # former slugs the search was given, and what it used

    @property
    def pagination(self) -> Pagination:
        return Pagination(page=self.params.page, page_size=self.params.page_size, listed=self.listed)

    @property
    def pages(self) -> int:
        return self.pagination.pages


TEXT_FIELDS = ("title", "body")


def query_marks(query: wq.Query) -> dict[str, Marks]:
    """What matched in each text field, for highlighting: the words of an expanded query (wildcards and fuzzy
    terms already replaced by the index words they stand for) and the phrases, of the field each names
    (`title:x` marks titles only); nothing under NOT."""
    terms: dict[str, set[str]] = {field: set() for field in TEXT_FIELDS}
    phrases: dict[str, list[tuple[str, ...]]] = {field: [] for field in TEXT_FIELDS}

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
        elif isinstance(node, wq.Phrase):
            if node.fieldname in phrases:
                phrases[node.fieldname].append(tuple(node.words))
        elif isinstance(node, wq.Term):
            if node.fieldname in terms:
                text = node.text
                terms[node.fieldname].add(text.decode("utf-8") if isinstance(text, bytes) else text)
        else:
            for child in node.children():
                walk(child)

    walk(query)
    return {
        field: Marks(terms=frozenset(terms[field]), phrases=tuple(dict.fromkeys(phrases[field])))
        for field in TEXT_FIELDS
    }


@dataclass(frozen=True)
class Listing:
    """What a search lists, as document numbers of one snapshot."""

    matched: np.ndarray  # every matching document
    listed: np.ndarray  # what the pages hold: the matches, or one per copy group when collapsed
    columns: FacetColumns


def listing_build(snapshot: Snapshot, params: SearchParams, query: wq.Query) -> Listing:
    filters = params.filters()
    matched = snapshot.docs(wq.And([query, filters]) if filters else query)
    columns = snapshot.columns
    return Listing(
        matched=matched,
        listed=columns.earliest_per_group(matched) if params.collapse else matched,
        columns=columns,
    )


def listing_order(
    snapshot: Snapshot, params: SearchParams, query: wq.Query, listing: Listing, *, limit: int | None
) -> np.ndarray:
    """The listed documents in the requested order, the first `limit` of them (all with None).

    Dates and ids order the date sorts (undated last either way, the id breaking ties, so pages never repeat
    or skip an article). Relevance is the engine's score within the listing (Whoosh's BM25F, computed over
    arrays by `search.docsets`; on PostgreSQL, BM25 over the classes of a word's count that its GIN indexes
    hold), ranked by `search.topk`; a listed document the query does not score follows the scored ones in
    index order, so pages always hold exactly what the total promises."""
    listed = listing.listed
    if not len(listed):
        return listed
    if params.sort != "relevance" or isinstance(query, wq.Every):
        ordered = (
            listing.columns.ordered(listed, newest=params.sort == "newest")
            if params.sort != "relevance"
            else listed
        )
        return ordered[:limit] if limit is not None else ordered
    wanted = len(listed) if limit is None else min(limit, len(listed))
    if not wanted:
        return listed[:0]
    docs, scores = snapshot.scored(query, within=listed)
    scored = ranked_page(docs, scores, start=0, stop=wanted)
    if len(scored) < wanted:
        rest = np.setdiff1d(listed, scored, assume_unique=True)
        scored = np.concatenate([scored, rest[: wanted - len(scored)]])
    return scored


def _undated_excluded(snapshot: Snapshot, params: SearchParams, query: wq.Query) -> int:
    """How many matching undated articles (or groups) the date filter left out."""
    if params.undated or not (params.date_from or params.date_to):
        return 0
    filters = filters_build(replace(params, date_from=None, date_to=None))
    candidates = snapshot.docs(wq.And([query, filters]) if filters else query)
    columns = snapshot.columns
    undated = candidates[columns.doc_day[candidates] == columns.no_day]
    return columns.group_count(undated) if params.counts_groups else len(undated)


def search_run(
    params: SearchParams, *, with_share: bool = False, facets: bool = True, snippets: bool = True
) -> SearchOutcome:
    """One page of results and the exact total; with `facets` the facet counts over the whole result set,
    with `snippets` highlighted snippets, with `with_share` each date bucket's share of the outlets' own
    output (see `attention_share`). The benchmark times each combination."""
    started = time.perf_counter()
    params, query, followed = slugs_follow(params, query_parse(params.q))
    columns_warm()
    with time_budget(settings.ARCHIVE_QUERY_SECONDS):
        outcome = _search(
            params,
            query,
            started=started,
            groups=params.counts_groups,
            with_share=with_share,
            facets=facets,
            snippets=snippets,
        )
    return replace(outcome, followed=followed) if followed else outcome


def _search(
    params: SearchParams,
    query: wq.Query,
    *,
    started: float,
    groups: bool,
    with_share: bool,
    facets: bool,
    snippets: bool,
) -> SearchOutcome:
    facet_lists: dict[str, list[FacetValue]] = {}
    buckets, shares, undated_excluded = None, [], 0
    with backend().snapshot() as snapshot:
        query = snapshot.expanded(query)
        listing = listing_build(snapshot, params, query)
        columns, matched = listing.columns, listing.matched
        pagination = Pagination(page=params.page, page_size=params.page_size, listed=len(listing.listed))
        page_docs = listing_order(
            snapshot, params, query, listing, limit=pagination.start + params.page_size
        )[pagination.start :]
        page_ids = [int(pk) for pk in columns.doc_id[page_docs]]
        marks = query_marks(query)
        group_total = columns.group_count(matched)
        total = group_total if groups else len(matched)
        if facets:
            facet_lists, buckets, days = _facets(params, columns, matched, groups=groups)
            undated_excluded = _undated_excluded(snapshot, params, query)
            if (
                with_share and buckets is not None
            ):  # same snapshot: document numbers must mean the same documents
                baseline = snapshot.docs(params.filters() or wq.Every())
                shares = attention_share(columns, buckets, matched=matched, baseline=baseline)
    articles = Article.objects.published().select_related("outlet").without_raw().in_bulk(page_ids)
    page = [articles[pk] for pk in page_ids if pk in articles]
    copies = Article.objects.published().copies_of(page)
    wires = wire_names() if any(article.wire for article in page) else {}
    highlighting = time.perf_counter()
    hits = [
        Hit(
            article=article,
            snippet=snippet_html(article.body, marks["body"]) if snippets else "",
            title_html=title_html(article.title, marks["title"] if snippets else NO_MARKS),
            copies=copies.get(article.pk, []),
            wire=wires.get(article.wire, article.wire),
        )
        for article in page
    ]
    highlight_ms = (time.perf_counter() - highlighting) * 1000
    return SearchOutcome(
        params=params,
        total=total,
        listed=len(listing.listed),
        articles=len(matched),
        groups=group_total,
        hits=hits,
        facets=facet_lists,
        date_bucket=buckets.size if buckets else "day",
        took_ms=(time.perf_counter() - started) * 1000,
        marks=marks,
        shares=shares,
        highlight_ms=highlight_ms,
        undated_excluded=undated_excluded,
    )


def _facets(
    params: SearchParams, columns: FacetColumns, matched: np.ndarray, *, groups: bool
) -> tuple[dict[str, list[FacetValue]], Buckets | None, np.ndarray]:
    """Every facet of the table over the whole result set, each value with the link that toggles it, and
    the date histogram (a copy group counts at its earliest matching copy)."""
    links = params.links(path=reverse("search"))
    toggle, toggle_range = links.toggle, links.changed

    facet_lists = {
        facet.name: facet_values(
            facet,
            columns.counts(facet, matched, groups=groups),
            selected=getattr(params, facet.attribute),
            toggle=toggle,
            limit=params.entity_limit,
        )
        for facet in INDEXED
    }
    days = columns.doc_day[columns.earliest_per_group(matched) if groups else matched]
    dated = days[days != columns.no_day]
    buckets = Buckets.spanning(dated, size=params.interval) if len(dated) else None
    facet_lists["date"] = date_facet(
        dated, buckets, undated=len(days) - len(dated), params=params, toggle_range=toggle_range
    )
    return facet_lists, buckets, dated


def columns_warm() -> None:
    """Build the current snapshot's facet columns before a time budget starts: the first searcher of a process
    reads every segment's columns (9.5 s for the realistic archive's 2,700 articles on this machine), the
    server's cold start rather than the query's work, which must not make the first query time out."""
    backend().columns_warm()


@contextmanager
def listing_open(params: SearchParams) -> Iterator[tuple[Snapshot, SearchParams, wq.Query, Listing]]:
    """A search's listing with the snapshot its document numbers belong to (and the parameters and query
    with merged slugs followed and its wildcards expanded), within the search's time budget."""
    params, query, _ = slugs_follow(params, query_parse(params.q))
    columns_warm()
    with time_budget(settings.ARCHIVE_QUERY_SECONDS), backend().snapshot() as snapshot:
        query = snapshot.expanded(query)
        yield snapshot, params, query, listing_build(snapshot, params, query)


def export_ids(params: SearchParams, *, every_copy: bool = False) -> tuple[SearchOutcome, list[int], Marks]:
    """What an export of this search holds: the counts (as the page shows them), every listed result's id in
    the page's order (one per copy group when collapsed; with `every_copy`, every matching article, as a
    frozen result set keeps them), and what the body's snippets mark."""
    outcome = search_run(replace(params, page=1), facets=False, snippets=False)
    with listing_open(params) as (snapshot, params, query, listing):
        if every_copy:
            listing = replace(listing, listed=listing.matched)
        docs = listing_order(snapshot, params, query, listing, limit=None)
        return outcome, [int(pk) for pk in listing.columns.doc_id[docs]], outcome.marks.get("body", NO_MARKS)


@dataclass(frozen=True)
class Matches:
    """The articles a search matches now, against a watermark: what saved searches and alerts count."""

    total: int  # matching articles
    new: list[int]  # the ids of those above the watermark (imported after it), ascending
    newest: int  # the highest article id the index holds: the watermark of this look


def matches_since(params: SearchParams, *, since: int) -> Matches:
    """Every article the search matches (all copies, whether or not it collapses them) and which of them
    have ids above `since`. Ids only grow, so an article imported after a look has a higher id than any
    the index held then; the watermark is read from the same index as the matches, so an article already
    committed but not yet indexed is never passed over."""
    with listing_open(params) as (_, _, _, listing):
        ids = listing.columns.doc_id[listing.matched]
        newest = int(listing.columns.doc_id.max()) if listing.columns.size else 0
    return Matches(total=len(ids), new=sorted(int(pk) for pk in ids[ids > since]), newest=max(newest, since))


def export_meta(params: SearchParams, *, outcome: SearchOutcome, rows: int) -> dict:
    """The `_meta` of an export: every parameter that shapes it and the counts it holds."""
    return {
        "query": params.q,
        "filters": params.filters_given(),
        "sort": params.sort,
        "collapse": params.collapse,
        "count": "groups" if params.counts_groups else "articles",
        "total": outcome.total,
        "articles": outcome.articles,
        "groups": outcome.groups,
        "rows": rows,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


@dataclass(frozen=True)
class Emptied:
    """A filter that emptied a result: what it is, and the search without it."""

    label: str
    url: str
    count: int


def emptied_by(params: SearchParams) -> list[Emptied]:
    """For a search with no results, each filter without which there would be some (and how many)."""
    candidates: list[tuple[str, SearchParams]] = []
    for facet in INDEXED:
        if chosen := getattr(params, facet.attribute):
            labels = facet.label(chosen)
            named = ", ".join(labels.get(value, (value, None))[0] for value in chosen)
            candidates.append((f"{facet.title}: {named}", params.changed(**{facet.attribute: ()})))
    if params.date_from or params.date_to or params.undated:
        span = (
            f"{params.date_from or '…'} to {params.date_to or '…'}"
            if params.date_from or params.date_to
            else ""
        )
        label = "Undated articles only" if params.undated == "only" else f"Dates: {span}"
        candidates.append((label, params.changed(date_from=None, date_to=None, undated="")))
    found = []
    for label, without in candidates:
        count = search_run(without, facets=False, snippets=False).total
        if count:
            found.append(Emptied(label=label, url=without.url(), count=count))
    return found
