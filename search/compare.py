"""Coverage compared: up to six queries over the same filters, side by side.

Each query is run as the search it is on its own (`query_search`: its query with the comparison's
filters) through the search's own listing (`listing_build`), all in one snapshot, so every number a
comparison gives — totals, facet counts, the series — equals what that search's page and API say. Only
the time buckets are shared: they follow the span of all the queries together (or `interval`), so the
series line up on one chart. The overlap of two queries is the intersection of their listings' matches.

Share of output, `share`: a query's articles in a period over all the articles the filters keep in that
period (without filters, everything the archive holds from then): what part of the coverage it was.
`outlet_share` is the search page's share: each outlet's share of its own output, averaged over the
outlets that published in the period (`attention_share`), so one prolific outlet does not drown the rest.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace

import numpy as np
from django.conf import settings
from django.urls import reverse
from whoosh import query as wq

from .backend import Snapshot, backend
from .facets import (
    Buckets,
    FacetColumns,
    FacetValue,
    attention_share,
    bucket_label,
    bucket_next,
    facet_values,
)
from .fields import INDEXED, NO_VALUE, facet_named
from .params import CHARTS, INTERVALS, PageSpec, ParameterError, SearchParams, params_parse
from .presentation import ChartSeries, chart_build, dates_cleared_url, share_shown
from .query import QuerySyntaxError, QueryTooBroad, query_parse, time_budget
from .searching import SEARCH, Followed, columns_warm, listing_build, slugs_follow

MAX_QUERIES = 6
FORM_ROWS = 3  # query rows the form offers at least (one more than given, up to MAX_QUERIES)
SHARE_OF = "share of all articles the filters keep in the period"
COMPARE = PageSpec(
    url_name="compare",
    accepts=frozenset(
        {
            *(facet.name for facet in INDEXED),
            "from",
            "to",
            "undated",
            "interval",
            "chart",
            "count",
            "entity_limit",
        }
    ),
    queries=MAX_QUERIES,
)
OUTLET, ENTITY = facet_named("outlet"), facet_named("entity")


def compare_params(data) -> SearchParams:
    """A comparison's parameters from a query string (the page, the API and the CSV)."""
    return params_parse(data, spec=COMPARE)


def query_search(params: SearchParams, number: int) -> SearchParams:
    """The search a comparison's query is on its own: the query with the comparison's filters."""
    return replace(
        params, q=params.queries[number], queries=(), labels=(), chart="count", page=1, spec=SEARCH
    )


def query_label(params: SearchParams, number: int) -> str:
    return (
        params.labels[number]
        if number < len(params.labels) and params.labels[number]
        else params.queries[number]
    )


@dataclass(frozen=True)
class Compared:
    """One query of a comparison, counted as its own search counts it."""

    label: str
    search: SearchParams  # the separate search (with merged slugs followed)
    articles: int
    groups: int  # copy groups: near-copies counted once
    undated: int  # matching articles without a date, not in the series
    undated_groups: int
    counts: list[int]  # matching articles per period
    group_counts: list[
        int
    ]  # copy groups per period, each at its earliest matching copy (as the search's date facet)
    shares: list[float]  # `share` per period (see the module's docstring)
    outlet_shares: list[float]  # `outlet_share` per period
    outlets: list[FacetValue]  # every outlet, as the search's outlet facet
    entities: list[FacetValue]  # the `entity_limit` most frequent entities, as the search's entity facet
    periods: list[
        FacetValue
    ]  # the series as date-facet values: each links to the search narrowed to the period
    followed: list[Followed]

    @property
    def search_url(self) -> str:
        return self.search.url()


@dataclass(frozen=True)
class Comparison:
    params: SearchParams
    interval: str  # the buckets' size: `interval` as given, or the one the span calls for
    periods: list[dt.date]  # each bucket's first day
    output: list[int]  # the articles the filters keep, per period: the share's denominator
    queries: list[Compared]
    overlap: list[
        list[int]
    ]  # overlap[i][j]: articles matching queries i and j (the diagonal: each query's articles)
    took_ms: float

    @property
    def labels(self) -> list[str]:
        return [item.label for item in self.queries]

    def period_labels(self) -> list[str]:
        return [bucket_label(start, self.interval) for start in self.periods]


def _parsed(search: SearchParams, number: int) -> tuple[SearchParams, wq.Query, list[Followed]]:
    try:
        return slugs_follow(search, query_parse(search.q))
    except QuerySyntaxError as problem:
        raise QuerySyntaxError(f"Query {number + 1} ({search.q[:60]!r}): {problem}") from None


def _expanded(snapshot: Snapshot, query: wq.Query, number: int) -> wq.Query:
    try:
        return snapshot.expanded(query)
    except QueryTooBroad as problem:
        raise QueryTooBroad(f"Query {number + 1}: {problem}") from None


def comparison_run(params: SearchParams) -> Comparison:
    """Every query of `params` as its own search, in one snapshot, with the series over shared buckets."""
    if not params.queries:
        raise ParameterError(
            f"'q' is missing: give one to {MAX_QUERIES} queries to compare, /compare?q=…&q=…"
        )
    started = time.perf_counter()
    parsed = [_parsed(query_search(params, number), number) for number in range(len(params.queries))]
    columns_warm()
    with time_budget(settings.ARCHIVE_QUERY_SECONDS), backend().snapshot() as snapshot:
        listings = [
            listing_build(snapshot, search, _expanded(snapshot, query, n))
            for n, (search, query, _) in enumerate(parsed)
        ]
        columns = snapshot.columns
        baseline = snapshot.docs(parsed[0][0].filters() or wq.Every())  # the filters alone: the output
    matches = [listing.matched for listing in listings]
    dated = [_dated(columns, matched) for matched in matches]
    buckets = (
        Buckets.spanning(np.concatenate(dated), size=params.interval)
        if any(len(days) for days in dated)
        else None
    )
    output = _histogram(_dated(columns, baseline), buckets)
    compared = [
        _compared(
            params,
            number,
            search,
            followed,
            columns=columns,
            matched=matched,
            buckets=buckets,
            output=output,
            baseline=baseline,
        )
        for number, ((search, _, followed), matched) in enumerate(zip(parsed, matches))
    ]
    return Comparison(
        params=params,
        interval=buckets.size if buckets else params.interval or "day",
        periods=buckets.starts if buckets else [],
        output=output,
        queries=compared,
        overlap=[[len(np.intersect1d(a, b, assume_unique=True)) for b in matches] for a in matches],
        took_ms=(time.perf_counter() - started) * 1000,
    )


def _dated(columns: FacetColumns, docs: np.ndarray) -> np.ndarray:
    days = columns.doc_day[docs]
    return days[days != columns.no_day]


def _histogram(days: np.ndarray, buckets: Buckets | None) -> list[int]:
    return [int(count) for count in np.histogram(days, bins=buckets.edges)[0]] if buckets else []


def _compared(
    params: SearchParams,
    number: int,
    search: SearchParams,
    followed: list[Followed],
    *,
    columns: FacetColumns,
    matched: np.ndarray,
    buckets: Buckets | None,
    output: list[int],
    baseline: np.ndarray,
) -> Compared:
    compare_path, search_path = reverse("compare"), reverse("search")
    earliest = columns.earliest_per_group(matched)
    days, group_days = _dated(columns, matched), _dated(columns, earliest)
    counts, group_counts = _histogram(days, buckets), _histogram(group_days, buckets)
    groups = params.counts_groups

    toggle = params.links(path=compare_path).toggle  # narrows (or widens) the comparison, for every query
    search_links = search.links(path=search_path)

    def lists(facet) -> list[FacetValue]:
        return facet_values(
            facet,
            columns.counts(facet, matched, groups=groups),
            selected=getattr(search, facet.attribute),
            toggle=toggle,
            limit=params.entity_limit,
        )

    periods = []
    for start, count in zip(buckets.starts if buckets else [], group_counts if groups else counts):
        end = bucket_next(start, buckets.size) - dt.timedelta(days=1)
        url = search_links.changed(date_from=start, date_to=end, undated="")
        periods.append(
            FacetValue(
                value=start.isoformat(), label=bucket_label(start, buckets.size), count=count, toggle_url=url
            )
        )
    return Compared(
        label=query_label(params, number),
        search=search,
        articles=len(matched),
        groups=columns.group_count(matched),
        undated=len(matched) - len(days),
        undated_groups=len(earliest) - len(group_days),
        counts=counts,
        group_counts=group_counts,
        shares=[count / total if total else 0.0 for count, total in zip(counts, output)],
        outlet_shares=attention_share(columns, buckets, matched=matched, baseline=baseline)
        if buckets
        else [],
        outlets=lists(OUTLET),
        entities=lists(ENTITY),
        periods=periods,
        followed=followed,
    )


# -- what the page, the API and the CSV make of it ------------------------------------------------------

CSV_FIELDS = [
    "query_number",
    "label",
    "query",
    "period",
    "period_label",
    "articles",
    "groups",
    "output",
    "share",
    "outlet_share",
]


def comparison_rows(comparison: Comparison) -> list[dict]:
    """The series as rows, one per query and period (then the query's undated articles, when it has any):
    a query's rows sum to its totals."""
    rows = []
    labels = comparison.period_labels()
    for number, item in enumerate(comparison.queries, 1):
        head = {"query_number": number, "label": item.label, "query": item.search.q}
        for period, start in enumerate(comparison.periods):
            rows.append(
                {
                    **head,
                    "period": start.isoformat(),
                    "period_label": labels[period],
                    "articles": item.counts[period],
                    "groups": item.group_counts[period],
                    "output": comparison.output[period],
                    "share": round(item.shares[period], 6),
                    "outlet_share": round(item.outlet_shares[period], 6),
                }
            )
        if item.undated:
            rows.append(
                {
                    **head,
                    "period": "_undated",
                    "period_label": "Undated",
                    "articles": item.undated,
                    "groups": item.undated_groups,
                }
            )
    return rows


def comparison_json(comparison: Comparison, *, absolute) -> dict:
    """The API's answer; `absolute` makes a path a full URL."""
    labels = comparison.period_labels()
    return {
        "interval": comparison.interval,
        "count": "groups" if comparison.params.counts_groups else "articles",
        "share_of": SHARE_OF,
        "filters": comparison.params.filters_given(),
        "periods": [
            {"value": start.isoformat(), "label": labels[n], "output": comparison.output[n]}
            for n, start in enumerate(comparison.periods)
        ],
        "queries": [
            {
                "q": item.search.q,
                "label": item.label,
                "articles": item.articles,
                "groups": item.groups,
                "undated": item.undated,
                "undated_groups": item.undated_groups,
                "search_url": absolute(item.search_url),
                "api_url": absolute(item.search.url(path=reverse("api_search"))),
                "series": {
                    "articles": item.counts,
                    "groups": item.group_counts,
                    "share": item.shares,
                    "outlet_share": item.outlet_shares,
                },
                "outlets": [value.as_json() for value in item.outlets],
                "entities": [value.as_json() for value in item.entities],
                "followed": [value.as_json() for value in item.followed],
            }
            for item in comparison.queries
        ],
        "overlap": comparison.overlap,
        "took_ms": round(comparison.took_ms, 2),
    }


@dataclass(frozen=True)
class TableRow:
    label: str
    output: int
    cells: list[
        tuple[int, str]
    ]  # per query: its count (articles, or groups) and its share, as the chart says it


def comparison_table(comparison: Comparison) -> list[TableRow]:
    """The chart's numbers as a table, a row per period: the output, then each query's count and share."""
    groups = comparison.params.counts_groups
    return [
        TableRow(
            label=label,
            output=comparison.output[n],
            cells=[
                ((item.group_counts if groups else item.counts)[n], share_shown(item.shares[n]))
                for item in comparison.queries
            ],
        )
        for n, label in enumerate(comparison.period_labels())
    ]


@dataclass(frozen=True)
class FormRow:
    number: int
    q: str
    label: str


def form_rows(queries: list[str], labels: list[str]) -> list[FormRow]:
    """The form's query rows: the queries given (with their labels), then empty rows, at least
    `FORM_ROWS` and at most `MAX_QUERIES` in all."""
    given = [(q, labels[n] if n < len(labels) else "") for n, q in enumerate(queries[:MAX_QUERIES])]
    shown = min(MAX_QUERIES, max(FORM_ROWS, len(given) + 1))
    return [
        FormRow(
            number=n + 1, q=given[n][0] if n < len(given) else "", label=given[n][1] if n < len(given) else ""
        )
        for n in range(shown)
    ]


def comparison_from(search: SearchParams) -> SearchParams:
    """A comparison that starts from a search: its query and filters, ready for more queries."""
    return replace(
        search,
        q="",
        queries=(search.q,) if search.q else (),
        labels=("",) if search.q else (),
        sort="relevance",
        page=1,
        page_size=COMPARE.page_size,
        collapse=False,
        spec=COMPARE,
    )


def filter_chips(params: SearchParams) -> list[FacetValue]:
    """The comparison's chosen facet values, each a chip that removes it."""
    chips = []
    for facet in INDEXED:
        if chosen := getattr(params, facet.attribute):
            labels = {
                **facet.label([value for value in chosen if value != NO_VALUE]),
                NO_VALUE: (facet.none_label, None),
            }
            chips += [
                FacetValue(
                    value=value,
                    label=labels.get(value, (value, None))[0],
                    count=0,
                    selected=True,
                    toggle_url=params.toggled(facet.name, value).url(),
                )
                for value in chosen
            ]
    return chips


def comparison_page(comparison: Comparison) -> dict:
    """What the page shows of a comparison besides its numbers: the chart and its table, the links that
    change it, the filters as chips, the overlap as rows."""
    params = comparison.params
    shares = params.chart == "share"
    series = [
        ChartSeries(item.periods, shares=item.shares if shares else None, name=item.label)
        for item in comparison.queries
    ]
    return {
        "chart": chart_build(*series, bucket=comparison.interval, share_of=SHARE_OF),
        "table": comparison_table(comparison),
        "chart_urls": {mode: params.changed(chart=mode).url() for mode in CHARTS},
        "interval_urls": {choice: params.changed(interval=choice).url() for choice in INTERVALS},
        "chips": filter_chips(params),
        "dates_cleared_url": dates_cleared_url(params),
        "export_query": params.query_string(),
        "overlap": [
            (item, list(zip(comparison.queries, row)))
            for item, row in zip(comparison.queries, comparison.overlap)
        ],
    }


def compare_form(data, params: SearchParams | None) -> dict:
    """The form as the request filled it (also when it could not be read), and the other parameters of the
    comparison as hidden fields, so a new query keeps its filters."""
    given = {"q", "label", "from", "to", "interval"}
    return {
        "rows": form_rows(data.getlist("q"), data.getlist("label")),
        "intervals": INTERVALS,
        "most": MAX_QUERIES,
        "interval": data.get("interval", ""),
        "date_from": data.get("from", ""),
        "date_to": data.get("to", ""),
        "hidden": [(name, value) for name, value in params.query_items() if name not in given]
        if params
        else [],
    }
