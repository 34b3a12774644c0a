"""Facet counts over the whole result set, as plain data (value, label, count, selected, toggle URL).

Counting walks arrays built once per searcher — document number -> outlet code, document number -> day,
and the (document, value) pairs of the multi-valued fields — with NumPy, instead of asking Whoosh for
each document's values.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from archive.models import Entity, Outlet

from .docsets import term_docs
from .engine import EPOCH, NO_DAY, NO_OUTLET

Toggle = Callable[[str, str], str]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    toggle_url: str = ""
    type: str | None = None

    def as_json(self) -> dict:
        data = {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected, "toggle_url": self.toggle_url}
        if self.type is not None:
            data["type"] = self.type
        return data


@dataclass(frozen=True)
class _Values:
    """A field's values in one segment: the value names, and (document, value code) pairs."""

    names: list[str]
    doc: np.ndarray
    code: np.ndarray

    @classmethod
    def read(cls, searcher: Searcher, field: str) -> _Values:
        names, docs, codes = [], [], []
        for code, term in enumerate(searcher.reader().field_terms(field)):
            names.append(term)
            ids = term_docs(searcher, field, term).astype(np.int32)
            docs.append(ids)
            codes.append(np.full(len(ids), code, dtype=np.int32))
        empty = np.zeros(0, dtype=np.int32)
        return cls(names, np.concatenate(docs) if docs else empty, np.concatenate(codes) if codes else empty)


@dataclass(frozen=True)
class _SegmentColumns:
    """One segment's facet values. A segment never changes once written (deleted documents never match, so
    deletions do not matter here), so these are read once per segment and kept while it is in the index:
    after a commit only the new, small segments are read."""

    size: int
    days: np.ndarray
    outlet: _Values
    entity: _Values
    entity_type: _Values
    copy_group: _Values

    @classmethod
    def read(cls, searcher: Searcher) -> _SegmentColumns:
        size = searcher.reader().doc_count_all()
        days = searcher.reader().column_reader("day") if size else []
        return cls(
            size=size, days=np.fromiter((days[doc] for doc in range(size)), dtype=np.int32, count=size),
            outlet=_Values.read(searcher, "outlet"), entity=_Values.read(searcher, "entity"),
            entity_type=_Values.read(searcher, "entity_type"), copy_group=_Values.read(searcher, "copy_group"),
        )


def _combined(parts: list[tuple[_Values, int]]) -> _Values:
    """Segments' values as one: value codes mapped to the union of names, documents shifted by offsets."""
    names: dict[str, int] = {}
    docs, codes = [], []
    for values, offset in parts:
        mapping = np.array([names.setdefault(name, len(names)) for name in values.names], dtype=np.int32)
        docs.append(values.doc + offset)
        codes.append(mapping[values.code] if len(values.code) else values.code)
    empty = np.zeros(0, dtype=np.int32)
    return _Values(list(names), np.concatenate(docs) if docs else empty, np.concatenate(codes) if codes else empty)


class _Pairs:
    """The (document, value code) pairs of a multi-valued field across the index."""

    def __init__(self, values: _Values) -> None:
        self.values, self.doc, self.code = values.names, values.doc, values.code

    def counts(self, mask: np.ndarray, *, group_key: np.ndarray | None = None) -> dict[str, int]:
        """Matching documents per value, or with `group_key` (document -> copy group) groups per value."""
        chosen = mask[self.doc]
        codes = self.code[chosen]
        if group_key is not None:
            codes = _distinct_pairs(codes, group_key[self.doc[chosen]])
        counts = np.bincount(codes, minlength=len(self.values))
        return {self.values[code]: int(counts[code]) for code in np.nonzero(counts)[0]}


def _distinct_pairs(codes: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The codes of the distinct (code, key) pairs: a value counts each copy group once."""
    pairs = np.unique(codes.astype(np.int64) << 32 | keys.astype(np.int64))
    return (pairs >> 32).astype(np.int32)


class FacetColumns:
    """Arrays of each document's facet values across the index, composed from per-segment columns."""

    def __init__(self, segments: list[tuple[_SegmentColumns, int]]) -> None:
        self.size = sum(columns.size for columns, _ in segments)
        outlet = _combined([(columns.outlet, offset) for columns, offset in segments])
        self.outlets: list[str] = outlet.names
        self.doc_outlet = np.full(self.size, -1, dtype=np.int32)
        self.doc_outlet[outlet.doc] = outlet.code
        self.doc_day = np.concatenate([columns.days for columns, _ in segments]) if segments else np.zeros(0, dtype=np.int32)
        self.entity = _Pairs(_combined([(columns.entity, offset) for columns, offset in segments]))
        self.entity_type = _Pairs(_combined([(columns.entity_type, offset) for columns, offset in segments]))
        # Document -> copy group: the group's code for near-copies, a number of its own for any other.
        groups = _combined([(columns.copy_group, offset) for columns, offset in segments])
        self.group_key = np.arange(self.size, dtype=np.int32) + len(groups.names)
        self.group_key[groups.doc] = groups.code

    def mask(self, matched: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[matched] = True
        return mask

    def outlet_counts(self, matched: np.ndarray, *, groups: bool = False) -> dict[str, int]:
        codes = self.doc_outlet[matched] + 1
        if groups:
            codes = _distinct_pairs(codes, self.group_key[matched])
        counts = np.bincount(codes, minlength=len(self.outlets) + 1)
        return {self.outlets[code - 1]: int(n) for code, n in enumerate(counts) if code and n}

    def group_count(self, matched: np.ndarray) -> int:
        return len(np.unique(self.group_key[matched]))

    def earliest_per_group(self, matched: np.ndarray) -> np.ndarray:
        """One document per copy group, its earliest (undated last): how a group counts in the timeline."""
        days = self.doc_day[matched].astype(np.int64)
        days[days == NO_DAY] = np.iinfo(np.int32).max
        order = np.lexsort((matched, days, self.group_key[matched]))
        keys = self.group_key[matched][order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        return np.sort(matched[order][first])

    def days(self, matched: np.ndarray) -> np.ndarray:
        days = self.doc_day[matched]
        return days[days != NO_DAY]


_segment_columns: dict[str, _SegmentColumns] = {}  # segment id -> its columns, for the segments in use
_columns: weakref.WeakKeyDictionary[Searcher, FacetColumns] = weakref.WeakKeyDictionary()
_columns_lock = threading.Lock()


def _segment_id(searcher: Searcher) -> str | None:
    segment = getattr(searcher.reader(), "segment", lambda: None)()
    return segment.segment_id() if segment is not None else None


def facet_columns(searcher: Searcher) -> FacetColumns:
    """The searcher's facet columns, built once per searcher (under a lock, so concurrent first requests
    wait for one build instead of each making its own) from columns kept per segment."""
    columns = _columns.get(searcher)
    if columns is not None:
        return columns
    with _columns_lock:
        columns = _columns.get(searcher)
        if columns is None:
            parts, used = [], set()
            for sub, offset in searcher.subsearchers or [(searcher, 0)]:
                key = _segment_id(sub)
                segment = _segment_columns.get(key) if key else None
                if segment is None:
                    segment = _SegmentColumns.read(sub)
                    if key:
                        _segment_columns[key] = segment
                used.add(key)
                parts.append((segment, offset))
            for key in set(_segment_columns) - used:  # segments merged away or from another index
                del _segment_columns[key]
            columns = _columns[searcher] = FacetColumns(parts)
    return columns


def _ranked(values: list[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda item: (-item.count, item.label.lower()))


def outlet_facet(counts: dict[str, int], *, selected: tuple[str, ...], toggle: Toggle) -> list[FacetValue]:
    """Every outlet with a count; articles without one count under `_none` so the counts sum to the total."""
    names = dict(Outlet.objects.filter(slug__in=counts).values_list("slug", "name"))
    return _ranked([
        FacetValue(value=slug, label="No outlet" if slug == NO_OUTLET else names.get(slug, slug), count=count,
                   selected=slug in selected, toggle_url=toggle("outlet", slug))
        for slug, count in counts.items()
    ])


def entity_facet(counts: dict[str, int], *, selected: tuple[str, ...], toggle: Toggle, limit: int = 20) -> list[FacetValue]:
    """The `limit` most mentioned entities in the results, with their type; chosen ones always shown."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    chosen = dict(ranked[:limit])
    chosen.update({slug: counts.get(slug, 0) for slug in selected})
    entities = {entity.slug: entity for entity in Entity.objects.filter(slug__in=chosen)}
    return _ranked([
        FacetValue(value=slug, label=entities[slug].name, type=entities[slug].type, count=count,
                   selected=slug in selected, toggle_url=toggle("entity", slug))
        for slug, count in chosen.items()
        if slug in entities
    ])


def entity_type_facet(counts: dict[str, int], *, selected: tuple[str, ...], toggle: Toggle) -> list[FacetValue]:
    """Articles that mention at least one entity of each type."""
    labels = dict(Entity.Type.choices)
    return [
        FacetValue(value=value, label=labels[value], count=counts.get(value, 0), selected=value in selected, toggle_url=toggle("entity_type", value))
        for value in labels
        if counts.get(value) or value in selected
    ]


# -- the date histogram --------------------------------------------------------------------------------

BUCKETS = ("day", "week", "month", "year")


def bucket_for_span(first: dt.date, last: dt.date) -> str:
    """Days for two months or less, weeks up to a year and a half, months up to fifteen years, then years."""
    span = (last - first).days
    if span <= 62:
        return "day"
    if span <= 550:
        return "week"
    if span <= 15 * 366:
        return "month"
    return "year"


def bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "year":
        return day.replace(month=1, day=1)
    return day


def bucket_next(start: dt.date, bucket: str) -> dt.date:
    if bucket == "day":
        return start + dt.timedelta(days=1)
    if bucket == "week":
        return start + dt.timedelta(days=7)
    if bucket == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def bucket_label(start: dt.date, bucket: str) -> str:
    if bucket == "week":
        return f"Week of {start.day} {start:%b %Y}"
    if bucket == "month":
        return f"{start:%b %Y}"
    if bucket == "year":
        return f"{start.year}"
    return f"{start.day} {start:%b %Y}"


@dataclass(frozen=True)
class Buckets:
    """The time buckets a result set spans: their size and start dates, and the day numbers of their edges."""

    size: str
    starts: list[dt.date]
    edges: np.ndarray

    @classmethod
    def spanning(cls, days: np.ndarray) -> Buckets:
        first, last = EPOCH + dt.timedelta(days=int(days.min())), EPOCH + dt.timedelta(days=int(days.max()))
        size = bucket_for_span(first, last)
        starts: list[dt.date] = []
        start = bucket_start(first, size)
        while start <= last:
            starts.append(start)
            start = bucket_next(start, size)
        edges = np.array([(start - EPOCH).days for start in starts] + [(bucket_next(starts[-1], size) - EPOCH).days])
        return cls(size=size, starts=starts, edges=edges)

    def index(self, days: np.ndarray) -> np.ndarray:
        """The bucket of each day; -1 or len(starts) for days outside."""
        return np.searchsorted(self.edges, days, side="right") - 1


def attention_share(columns: FacetColumns, buckets: Buckets, *, matched: np.ndarray, baseline: np.ndarray) -> list[float]:
    """Per bucket, the share of each outlet's own output that matches, averaged over the outlets that
    published in that bucket: an outlet that publishes ten times as much does not weigh ten times more."""
    width = len(columns.outlets) + 1

    def table(docs: np.ndarray) -> np.ndarray:
        days = columns.doc_day[docs]
        where = buckets.index(days)
        keep = (days != NO_DAY) & (where >= 0) & (where < len(buckets.starts))
        cells = where[keep] * width + columns.doc_outlet[docs][keep] + 1
        return np.bincount(cells, minlength=len(buckets.starts) * width).reshape(len(buckets.starts), width)

    hits, output = table(matched), table(baseline)
    shares = []
    for row_hits, row_output in zip(hits, output):
        present = row_output > 0
        shares.append(float(np.mean(row_hits[present] / row_output[present])) if present.any() else 0.0)
    return shares


def date_facet(days: np.ndarray, buckets: Buckets | None, *, date_from: dt.date | None, date_to: dt.date | None, toggle_range: Callable[[dt.date | None, dt.date | None], str]) -> list[FacetValue]:
    """Matching articles per bucket (`Buckets.spanning(days)`), in time order, empty buckets kept; each value
    narrows the dates to its bucket (or, when it is the chosen range, widens them again)."""
    if buckets is None:
        return []
    bucket, starts = buckets.size, buckets.starts
    counts, _ = np.histogram(days, bins=buckets.edges)
    values = []
    for start, count in zip(starts, counts):
        end = bucket_next(start, bucket) - dt.timedelta(days=1)
        selected = date_from == start and date_to == end
        values.append(FacetValue(
            value=start.isoformat(), label=bucket_label(start, bucket), count=int(count), selected=selected,
            toggle_url=toggle_range(None, None) if selected else toggle_range(start, end),
        ))
    return values
