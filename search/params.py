"""One parameter kit for every search-like page: the search, quote search, stories, and what comes next.

A page declares which parameters it takes (`PageSpec`); `params_parse` reads them from a query string into
one immutable `SearchParams`, raising `ParameterError` with the parameter's name for anything it cannot
use; `SearchParams.url()` and `.toggled()` write links back. The multi-valued filters come from the facet
table (`search.fields.FACETS`), so a facet added there is parsed, linked and exported everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.urls import reverse

from .fields import FACETS
from .query import filters_build

COUNTS = ("articles", "groups")
UNDATED_CHOICES = ("", "include", "only")
CHARTS = ("count", "share")
INTERVALS = ("day", "week", "month", "year")  # the date buckets; none given: they follow the span
PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
ENTITY_LIMIT = 20
MAX_VALUES = 50  # values of one repeated parameter: more is not a search, it is an attack
MAX_QUERY_CHARS = 1000
MAX_LABEL_CHARS = 100
WIDTH = 8  # a concordance's context, in words on each side of a match
MAX_WIDTH = 50


class ParameterError(ValueError):
    """A parameter that cannot be used; the message names it and says what it takes."""


@dataclass(frozen=True)
class PageSpec:
    """What one search-like page takes: its parameters, sorts and page sizes, and where it lives."""

    url_name: str
    accepts: frozenset[str]
    sorts: tuple[str, ...] = ("relevance", "newest", "oldest")
    page_size: int = PAGE_SIZE
    max_page_size: int = MAX_PAGE_SIZE
    queries: int = 1  # how many `q` it takes; more than one: each paired with a `label`, in order


@dataclass(frozen=True)
class SearchParams:
    """Every parameter a search-like page can take, parsed. Defaults are left out of links."""

    q: str = ""
    queries: tuple[str, ...] = ()  # a comparison's queries (`q` repeated), blank ones left out
    labels: tuple[str, ...] = ()  # their names (`label`, paired in order; "" where none was given)
    outlets: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    wires: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    undated: str = ""  # "", "include" or "only": what a date view does with undated articles
    interval: str = ""  # the date buckets: one of INTERVALS, or "" to follow the span
    group: int | None = None  # one quote statement
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE
    entity_limit: int = ENTITY_LIMIT
    chart: str = "count"  # the page's timeline: raw counts or share of output (the API ignores it)
    collapse: bool = False  # one result per copy group, its earliest copy
    count: str = ""  # what totals and facets count: "articles" or "groups"; empty means groups when collapsed
    width: int = WIDTH  # a concordance's context in words on each side
    spec: PageSpec | None = field(default=None, compare=False, repr=False)

    @property
    def counts_groups(self) -> bool:
        return self.count == "groups" or (self.collapse and self.count != "articles")

    @property
    def default_page_size(self) -> int:
        return self.spec.page_size if self.spec else PAGE_SIZE

    @property
    def default_sort(self) -> str:
        return self.spec.sorts[0] if self.spec else "relevance"

    def query_items(self) -> list[tuple[str, str]]:
        """The parameters as a query string carries them, defaults left out."""
        items = [("q", self.q)] if self.q else []
        if self.queries:
            named = max(
                (n for n, label in enumerate(self.labels, 1) if label), default=0
            )  # pairs by position
            for n, query in enumerate(self.queries):
                items += [("q", query)] + ([("label", self.labels[n])] if n < named else [])
        for item in FACETS:
            items += [(item.name, value) for value in getattr(self, item.attribute)]
        return items + self.scalar_items()

    def scalar_items(self, **changes) -> list[tuple[str, str]]:
        """The single-valued parameters as a query string carries them (after `query_items`' queries and
        facets), with `changes` (SCALARS only) applied."""
        value = {name: changes[name] if name in changes else getattr(self, name) for name in SCALARS}
        scalars = [
            ("from", value["date_from"].isoformat() if value["date_from"] else ""),
            ("to", value["date_to"].isoformat() if value["date_to"] else ""),
            ("undated", value["undated"]),
            ("interval", value["interval"]),
            ("group", str(value["group"]) if value["group"] is not None else ""),
            ("sort", value["sort"] if value["sort"] != self.default_sort else ""),
            ("page_size", str(value["page_size"]) if value["page_size"] != self.default_page_size else ""),
            ("entity_limit", str(value["entity_limit"]) if value["entity_limit"] != ENTITY_LIMIT else ""),
            ("chart", value["chart"] if value["chart"] != "count" else ""),
            ("collapse", "1" if value["collapse"] else ""),
            ("count", value["count"]),
            ("width", str(value["width"]) if value["width"] != WIDTH else ""),
        ]
        return [(name, text) for name, text in scalars if text]

    def links(self, *, path: str) -> Links:
        return Links(self, path=path)

    def query_string(self, *, page: int = 1) -> str:
        """The parameters as a query string, without the '?' (for links to other views of the same search)."""
        return urlencode(self.query_items() + ([("page", str(page))] if page > 1 else []))

    def url(self, *, page: int = 1, path: str = "") -> str:
        query = self.query_string(page=page)
        return (path or reverse(self.spec.url_name if self.spec else "search")) + (
            "?" + query if query else ""
        )

    def toggled_values(self, facet: str, value: str) -> tuple[str, tuple[str, ...]]:
        """The facet's SearchParams field and its values with `value` added, or removed if it was chosen."""
        attribute = next(item.attribute for item in FACETS if item.name == facet)
        chosen: tuple[str, ...] = getattr(self, attribute)
        return attribute, tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)

    def toggled(self, facet: str, value: str) -> SearchParams:
        """These parameters with a facet value added, or removed if it was chosen; back to page 1."""
        attribute, chosen = self.toggled_values(facet, value)
        return replace(self, **{attribute: chosen, "page": 1})

    def changed(self, **changes) -> SearchParams:
        """These parameters with some replaced, back to page 1 unless a page is given."""
        return replace(self, **{"page": 1, **changes})

    def filters(self):
        """The filters as a Whoosh query beside the researcher's (None without filters)."""
        return filters_build(self)

    def filters_given(self) -> dict[str, object]:
        """The filters as export metadata records them."""
        given: dict[str, object] = {
            item.name: list(getattr(self, item.attribute))
            for item in FACETS
            if self.spec is None or item.name in self.spec.accepts
        }
        given.update(
            {
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "undated": self.undated or None,
            }
        )
        return given


SCALARS = (  # the SearchParams fields `scalar_items` writes, in its order
    "date_from",
    "date_to",
    "undated",
    "interval",
    "group",
    "sort",
    "page_size",
    "entity_limit",
    "chart",
    "collapse",
    "count",
    "width",
)


class Links:
    """Links to a search with one facet value toggled (`toggle`) or some single-valued parameters changed
    (`changed`), back to page 1: the same URLs as `params.toggled(...).url(path=path)` and
    `params.changed(...).url(path=path)`, with the rest of the query string encoded once. Facet panels and
    the date chart make a hundred or more of them per page."""

    def __init__(self, params: SearchParams, *, path: str) -> None:
        self.params, self.path = params, path
        self.facets = [(item.name, item.attribute) for item in FACETS]
        everything, scalars = params.query_items(), params.scalar_items()
        facet_items = sum(len(getattr(params, attribute)) for _, attribute in self.facets)
        self.head = urlencode(everything[: len(everything) - len(scalars) - facet_items])  # the queries
        self.tail = urlencode(scalars)
        self.encoded = {
            name: urlencode([(name, value) for value in getattr(params, attribute)])
            for name, attribute in self.facets
        }

    def _url(self, parts: list[str]) -> str:
        query = "&".join(part for part in parts if part)
        return self.path + ("?" + query if query else "")

    def toggle(self, facet: str, value: str) -> str:
        _, chosen = self.params.toggled_values(facet, value)
        toggled = urlencode([(facet, v) for v in chosen])
        middle = [toggled if name == facet else self.encoded[name] for name, _ in self.facets]
        return self._url([self.head, *middle, self.tail])

    def changed(self, **changes) -> str:
        if not set(changes) <= set(SCALARS):
            return self.params.changed(**changes).url(path=self.path)
        scalars = urlencode(self.params.scalar_items(**changes))
        return self._url([self.head, *self.encoded.values(), scalars])


@dataclass(frozen=True)
class Pagination:
    """Pages of `listed` results; an empty result is one empty page, on every page and API."""

    page: int
    page_size: int
    listed: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.listed / self.page_size))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.page_size


# -- parsing ------------------------------------------------------------------------------------------------


def _clean(name: str, value: str | None) -> str:
    """A value without surrounding space. No word, name or slug holds a NUL character, and PostgreSQL refuses
    one in any text it is asked to compare."""
    if value and "\x00" in value:
        raise ParameterError(f"'{name}' contains a NUL character (\\x00); remove it")
    return (value or "").strip()


def _text(data: Mapping, name: str) -> str:
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    if len(values) > 1:
        raise ParameterError(f"'{name}' was given {len(values)} times; give it once")
    return _clean(name, values[0]) if values else ""


def _date(data: Mapping, name: str) -> dt.date | None:
    value = _text(data, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"'{name}' must be a date written YYYY-MM-DD (got {value[:40]!r})") from None


def _int(data: Mapping, name: str, default: int, *, low: int, high: int) -> int:
    value = _text(data, name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ParameterError(f"'{name}' must be a whole number (got {value[:40]!r})") from None
    if not low <= number <= high:
        raise ParameterError(f"'{name}' must be between {low} and {high} (got {number})")
    return number


def _choice(data: Mapping, name: str, choices: tuple[str, ...], default: str) -> str:
    value = _text(data, name).lower() or default
    if value not in choices:
        raise ParameterError(
            f"'{name}' must be one of {', '.join(c for c in choices if c)} (got {value[:40]!r})"
        )
    return value


def _values(data: Mapping, name: str, choices: tuple[str, ...] | None) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(value.lower() for value in _list(data, name) if value))
    if choices is not None and (unknown := [v for v in values if v not in choices]):
        raise ParameterError(f"'{name}' must be one of {', '.join(choices)} (got {unknown[0][:40]!r})")
    return values


def _queries(data: Mapping, *, most: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A comparison's queries and their labels, paired in order; a blank query (an empty form row) is left
    out with its label."""
    queries, labels = _list(data, "q"), _list(data, "label")
    if len(labels) > len(queries):
        raise ParameterError(
            f"'label' was given {len(labels)} times for {len(queries)} 'q'; give one label per query, in the "
            "same order"
        )
    pairs = [(q, labels[n] if n < len(labels) else "") for n, q in enumerate(queries) if q]
    if len(pairs) > most:
        raise ParameterError(f"'q' was given {len(pairs)} queries; at most {most} are compared")
    for n, (q, label) in enumerate(pairs, 1):
        if len(q) > MAX_QUERY_CHARS:
            raise ParameterError(
                f"'q' number {n} is {len(q):,} characters long; at most {MAX_QUERY_CHARS:,} are taken"
            )
        if len(label) > MAX_LABEL_CHARS:
            raise ParameterError(
                f"'label' number {n} has {len(label):,} characters; at most {MAX_LABEL_CHARS} are"
            )
    return tuple(q for q, _ in pairs), tuple(label for _, label in pairs)


def _list(data: Mapping, name: str) -> list[str]:
    """Every value of a repeatable parameter (a QueryDict's list, or a plain mapping's value or list)."""
    if hasattr(data, "getlist"):
        raw = data.getlist(name)
    else:
        value = data.get(name)
        raw = list(value) if isinstance(value, list | tuple) else [value] if value is not None else []
    if len(raw) > MAX_VALUES:
        raise ParameterError(f"'{name}' was given {len(raw)} times; at most {MAX_VALUES} values are taken")
    return [_clean(name, value) for value in raw]


def params_parse(data: Mapping, *, spec: PageSpec) -> SearchParams:
    """The parameters `spec`'s page takes, from a query string (a QueryDict or a plain mapping)."""
    takes = spec.accepts.__contains__
    queries, labels = _queries(data, most=spec.queries) if spec.queries > 1 else ((), ())
    q = _text(data, "q") if takes("q") and spec.queries == 1 else ""
    if len(q) > MAX_QUERY_CHARS:
        raise ParameterError(f"'q' is {len(q):,} characters long; at most {MAX_QUERY_CHARS:,} are taken")
    group = _int(data, "group", 0, low=1, high=2**62) if takes("group") and _text(data, "group") else None
    params = SearchParams(
        q=q,
        queries=queries,
        labels=labels,
        **{item.attribute: _values(data, item.name, item.choices) for item in FACETS if takes(item.name)},
        date_from=_date(data, "from") if takes("from") else None,
        date_to=_date(data, "to") if takes("to") else None,
        undated=_choice(data, "undated", UNDATED_CHOICES, "") if takes("undated") else "",
        interval=_choice(data, "interval", ("", *INTERVALS), "") if takes("interval") else "",
        group=group,
        sort=_choice(data, "sort", spec.sorts, spec.sorts[0]),
        page=_int(data, "page", 1, low=1, high=100_000),
        page_size=_int(data, "page_size", spec.page_size, low=1, high=spec.max_page_size)
        if takes("page_size")
        else spec.page_size,
        entity_limit=_int(data, "entity_limit", ENTITY_LIMIT, low=1, high=1000)
        if takes("entity_limit")
        else ENTITY_LIMIT,
        chart=_choice(data, "chart", CHARTS, "count") if takes("chart") else "count",
        collapse=_text(data, "collapse").lower() in {"1", "true", "yes", "on"}
        if takes("collapse")
        else False,
        count=_choice(data, "count", ("", *COUNTS), "") if takes("count") else "",
        width=_int(data, "width", WIDTH, low=1, high=MAX_WIDTH) if takes("width") else WIDTH,
        spec=spec,
    )
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ParameterError("'from' is after 'to'; swap the dates")
    return params
