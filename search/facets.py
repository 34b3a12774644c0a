"""Facet counts over the whole result set, as plain data (value, label, count, selected, toggle URL).

Counting walks arrays built once per segment — document -> day, and the (document, value) pairs of every
indexed facet field of the facet table (`search.fields`) — with NumPy, instead of asking Whoosh for each
document's values. One function turns any facet's counts into values, so every facet of the table is
counted, labelled, ranked and linked the same way.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from .docsets import term_docs
from .engine import EPOCH, NO_DAY
from .fields import INDEXED, NO_VALUE, Facet
from .params import ParameterError

Toggle = Callable[[str, str], str]
UNDATED = "_undated"  # the date facet's bucket of articles without a date
MAX_PERIODS = 20_000  # date buckets one count makes at most: 55 years of days
SMALL_SHARE = 8  # a result set of under 1/8 of the index counts its own documents' values, not every pair


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    toggle_url: str = ""
    type: str | None = None

    def as_json(self) -> dict:
        data = {
            "value": self.value,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
            "toggle_url": self.toggle_url,
        }
        if self.type is not None:
            data["type"] = self.type
        return data


@dataclass(frozen=True)
class _Values:
    """A field's values in one segment: the value names, and (document, value code) pairs."""

    names: list[str]
    doc: np.ndarray  # in document order
    code: np.ndarray

    @classmethod
    def read(cls, searcher: Searcher, field: str) -> _Values:
        names, docs, codes = [], [], []
        for code, term in enumerate(searcher.reader().field_terms(field)):
            names.append(term)
            ids = term_docs(searcher, field, term).astype(np.int32)
            docs.append(ids)
            codes.append(np.full(len(ids), code, dtype=np.int32))
        if not docs:
            empty = np.zeros(0, dtype=np.int32)
            return cls(names, empty, empty)
        doc, code = np.concatenate(docs), np.concatenate(codes)
        order = np.argsort(doc, kind="stable")  # once per segment: combined segments stay in document order
        return cls(names, doc[order], code[order])


@dataclass(frozen=True)
class _SegmentColumns:
    """One segment's facet values. A segment never changes once written (deleted documents never match, so
    deletions do not matter here), so these are read once per segment and kept while it is in the index:
    after a commit only the new, small segments are read."""

    size: int
    days: np.ndarray
    ids: np.ndarray  # document -> article id
    values: dict[str, _Values]  # index field -> its values: every facet field, and the copy groups

    @classmethod
    def read(cls, searcher: Searcher) -> _SegmentColumns:
        reader = searcher.reader()
        size = reader.doc_count_all()
        days = reader.column_reader("day") if size else []
        ids = reader.column_reader("id") if size else []
        fields = [facet.field for facet in INDEXED] + ["copy_group"]
        return cls(
            size=size,
            days=np.fromiter((days[doc] for doc in range(size)), dtype=np.int32, count=size),
            ids=np.fromiter((int(ids[doc] or 0) for doc in range(size)), dtype=np.int64, count=size),
            values={field: _Values.read(searcher, field) for field in fields},
        )


def _combined(parts: list[tuple[_Values, int]]) -> _Values:
    """Segments' values as one: value codes mapped to the union of names, documents shifted by offsets
    (segments come in offset order, so the documents stay in order)."""
    names: dict[str, int] = {}
    docs, codes = [], []
    for values, offset in parts:
        mapping = np.array([names.setdefault(name, len(names)) for name in values.names], dtype=np.int32)
        docs.append(values.doc + offset)
        codes.append(mapping[values.code] if len(values.code) else values.code)
    empty = np.zeros(0, dtype=np.int32)
    return _Values(
        list(names), np.concatenate(docs) if docs else empty, np.concatenate(codes) if codes else empty
    )


class _Pairs:
    """The (document, value code) pairs of a multi-valued field across the index, and where each
    document's pairs start once they are in document order (so a small result set reads its own pairs
    only, instead of testing every pair of the index)."""

    def __init__(self, values: _Values, *, size: int) -> None:
        self.values, self.doc, self.code = values.names, values.doc, values.code
        self.starts = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.doc, minlength=size), out=self.starts[1:])

    def extended(self, parts: list[tuple[_Values, int]], *, size: int) -> _Pairs:
        """These pairs followed by those of segments after the last one (their documents come after all of
        these, so the pairs stay in document order and the starts so far stand)."""
        added = _combined([(_Values(self.values, self.doc[:0], self.code[:0]), 0), *parts])
        pairs = _Pairs.__new__(_Pairs)
        pairs.values = added.names
        pairs.doc = np.concatenate([self.doc, added.doc])
        pairs.code = np.concatenate([self.code, added.code])
        before = len(self.starts) - 1
        counts = np.bincount(added.doc - before, minlength=size - before) if len(added.doc) else None
        tail = np.cumsum(counts) if counts is not None else np.zeros(size - before, dtype=np.int64)
        pairs.starts = np.concatenate([self.starts, self.starts[-1] + tail])
        return pairs

    def counts(self, matched: np.ndarray, *, group_key: np.ndarray | None = None) -> dict[str, int]:
        """Matching documents (sorted document numbers) per value, or with `group_key` (document -> copy
        group) groups per value."""
        size = len(self.starts) - 1
        if len(matched) * SMALL_SHARE < size:
            firsts = self.starts[matched]
            lengths = self.starts[matched + 1] - firsts
            chosen = np.repeat(firsts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        else:
            mask = np.zeros(size, dtype=bool)
            mask[matched] = True
            chosen = np.flatnonzero(mask[self.doc])
        codes = self.code[chosen]
        if group_key is not None:
            codes = _distinct_pairs(codes, group_key[self.doc[chosen]])
        counts = np.bincount(codes, minlength=len(self.values))
        return {self.values[code]: int(counts[code]) for code in np.nonzero(counts)[0]}


def _distinct_pairs(codes: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The codes of the distinct (code, key) pairs: a value counts each copy group once."""
    pairs = np.unique(codes.astype(np.int64) << 32 | keys.astype(np.int64))
    return (pairs >> 32).astype(np.int32)


ALONE = 2**31  # the copy-group key of a document without copies is ALONE + its number: no group's code


class FacetColumns:
    """Arrays of each document's facet values across the index, composed from per-segment columns."""

    def __init__(self, segments: list[tuple[_SegmentColumns, int]]) -> None:
        self.size = sum(columns.size for columns, _ in segments)
        self.no_day = NO_DAY
        self.doc_day = (
            np.concatenate([columns.days for columns, _ in segments])
            if segments
            else np.zeros(0, dtype=np.int32)
        )
        self.doc_id = (
            np.concatenate([columns.ids for columns, _ in segments])
            if segments
            else np.zeros(0, dtype=np.int64)
        )
        self.pairs = {
            facet.field: _Pairs(
                _combined([(columns.values[facet.field], offset) for columns, offset in segments]),
                size=self.size,
            )
            for facet in INDEXED
        }
        self._groups = _Pairs(
            _combined([(columns.values["copy_group"], offset) for columns, offset in segments]),
            size=self.size,
        )
        self._derive()

    def _derive(self) -> None:
        outlet = self.pairs["outlet"]  # one per article: as an array, for the share of each outlet's output
        self.outlets: list[str] = outlet.values
        self.doc_outlet = np.full(self.size, -1, dtype=np.int32)
        self.doc_outlet[outlet.doc] = outlet.code
        # Document -> copy group: the group's code for near-copies, a number of its own for any other.
        self.group_key = np.arange(self.size, dtype=np.int64) + ALONE
        self.group_key[self._groups.doc] = self._groups.code

    def extended(self, segments: list[tuple[_SegmentColumns, int]]) -> FacetColumns:
        """These columns followed by those of segments added after the last one (a commit appends its
        segment): only the new documents' arrays are made, not the whole index's again."""
        columns = FacetColumns.__new__(FacetColumns)
        columns.size = self.size + sum(segment.size for segment, _ in segments)
        columns.no_day = NO_DAY
        columns.doc_day = np.concatenate([self.doc_day, *(segment.days for segment, _ in segments)])
        columns.doc_id = np.concatenate([self.doc_id, *(segment.ids for segment, _ in segments)])
        columns.pairs = {
            field: pairs.extended([(s.values[field], offset) for s, offset in segments], size=columns.size)
            for field, pairs in self.pairs.items()
        }
        columns._groups = self._groups.extended(
            [(s.values["copy_group"], offset) for s, offset in segments], size=columns.size
        )
        columns._derive()
        return columns

    def counts(self, facet: Facet, matched: np.ndarray, *, groups: bool = False) -> dict[str, int]:
        """Matching documents (sorted document numbers) or copy groups per value of an indexed facet."""
        return self.pairs[facet.field].counts(matched, group_key=self.group_key if groups else None)

    def group_count(self, matched: np.ndarray) -> int:
        return len(np.unique(self.group_key[matched]))

    def _time_keys(
        self, docs: np.ndarray, *, newest: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sort keys, least significant first: the article id (ties), the day (undated last), undated."""
        days = self.doc_day[docs].astype(np.int64)
        undated = days == NO_DAY
        return self.doc_id[docs], -days if newest else days, undated

    def earliest_per_group(self, matched: np.ndarray) -> np.ndarray:
        """One document per copy group, its earliest (undated last, the lowest article id among ties): how a
        group counts in the timeline and which copy stands for it in collapsed results."""
        order = np.lexsort((*self._time_keys(matched), self.group_key[matched]))
        keys = self.group_key[matched][order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        return np.sort(matched[order][first])

    def ordered(self, docs: np.ndarray, *, newest: bool) -> np.ndarray:
        """`docs` by date, newest or oldest first; undated last either way; ties by article id."""
        return docs[np.lexsort(self._time_keys(docs, newest=newest))]


_segment_columns: dict[str, _SegmentColumns] = {}  # segment id -> its columns, for the segments in use
_columns: weakref.WeakKeyDictionary[Searcher, FacetColumns] = weakref.WeakKeyDictionary()
_columns_lock = threading.Lock()
_latest: dict[str, tuple[tuple[str, ...], FacetColumns]] = {}  # the last columns made: their segments


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
            parts, keys = [], []
            for sub, offset in searcher.subsearchers or [(searcher, 0)]:
                key = _segment_id(sub)
                segment = _segment_columns.get(key) if key else None
                if segment is None:
                    segment = _SegmentColumns.read(sub)
                    if key:
                        _segment_columns[key] = segment
                keys.append(key)
                parts.append((segment, offset))
            for key in set(_segment_columns) - set(keys):  # segments merged away or from another index
                del _segment_columns[key]
            columns = _columns[searcher] = _composed(parts, tuple(keys))
    return columns


def _composed(parts: list[tuple[_SegmentColumns, int]], keys: tuple) -> FacetColumns:
    """The columns of these segments: the last columns made extended when they held the first of them
    (after a commit, every segment but the new ones), else made afresh."""
    previous = _latest.get("columns")
    if None not in keys and previous is not None and keys == previous[0]:
        return previous[1]  # only deletions since: a deleted document never matches, its values never count
    if None not in keys and previous is not None and keys[: len(previous[0])] == previous[0]:
        columns = previous[1].extended(parts[len(previous[0]) :])
    else:
        columns = FacetColumns(parts)
    if None not in keys:
        _latest["columns"] = (keys, columns)
    return columns


def facet_values(
    facet: Facet, counts: dict[str, int], *, selected: tuple[str, ...], toggle: Toggle, limit: int = 20
) -> list[FacetValue]:
    """A facet's values: counted ones (the `limit` most frequent, for a limited facet) and the chosen ones
    always, labelled, ranked by count (or in the order of its choices), each with its toggle link."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = dict(ranked[:limit] if facet.limited else ranked)
    shown.update({value: counts.get(value, 0) for value in selected})
    labels = facet.label([value for value in shown if value != NO_VALUE])
    if NO_VALUE in shown:
        labels[NO_VALUE] = (facet.none_label, None)
    values = [
        FacetValue(
            value=value,
            label=labels[value][0],
            type=labels[value][1],
            count=count,
            selected=value in selected,
            toggle_url=toggle(facet.name, value),
        )
        for value, count in shown.items()
        if value in labels
    ]
    if facet.ordered:
        order = {value: position for position, value in enumerate(facet.choices or ())}
        return sorted(values, key=lambda item: order.get(item.value, len(order)))
    return sorted(values, key=lambda item: (-item.count, item.label.lower()))


# -- the date histogram --------------------------------------------------------------------------------


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


def periods_between(first: dt.date, last: dt.date, size: str) -> int:
    """How many buckets of `size` the days from `first` to `last` fall into."""
    if size == "day":
        return (last - first).days + 1
    if size == "week":
        return (bucket_start(last, "week") - bucket_start(first, "week")).days // 7 + 1
    if size == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


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
    def spanning(cls, days: np.ndarray, *, size: str = "") -> Buckets:
        """Buckets from the first of `days` to the last, of `size` (an `interval`), or of the size their
        span calls for."""
        first, last = EPOCH + dt.timedelta(days=int(days.min())), EPOCH + dt.timedelta(days=int(days.max()))
        size = size or bucket_for_span(first, last)
        if (periods := periods_between(first, last, size)) > MAX_PERIODS:
            raise ParameterError(
                f"'interval' {size} makes {periods:,} periods from {first} to {last}; at most "
                f"{MAX_PERIODS:,} are counted: choose a longer interval, or narrow the dates with 'from' and "
                "'to'"
            )
        starts: list[dt.date] = []
        start = bucket_start(first, size)
        while start <= last:
            starts.append(start)
            start = bucket_next(start, size)
        edges = np.array(
            [(start - EPOCH).days for start in starts] + [(bucket_next(starts[-1], size) - EPOCH).days]
        )
        return cls(size=size, starts=starts, edges=edges)

    def index(self, days: np.ndarray) -> np.ndarray:
        """The bucket of each day; -1 or len(starts) for days outside."""
        return np.searchsorted(self.edges, days, side="right") - 1


def attention_share(
    columns: FacetColumns, buckets: Buckets, *, matched: np.ndarray, baseline: np.ndarray
) -> list[float]:
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


def date_facet(
    days: np.ndarray, buckets: Buckets | None, *, undated: int, params, toggle_range: Callable[..., str]
) -> list[FacetValue]:
    """Matching articles per bucket (`Buckets.spanning(days)` of the dated ones), in time order, empty
    buckets kept, then `_undated` for the articles without a date, so the counts sum to the total. Each
    bucket narrows the dates to itself (or, when it is the chosen range, widens them again); `_undated`
    chooses the undated articles only (or lets go of them)."""
    values = []
    if buckets is not None:
        counts, _ = np.histogram(days, bins=buckets.edges)
        for start, count in zip(buckets.starts, counts):
            end = bucket_next(start, buckets.size) - dt.timedelta(days=1)
            selected = params.date_from == start and params.date_to == end
            values.append(
                FacetValue(
                    value=start.isoformat(),
                    label=bucket_label(start, buckets.size),
                    count=int(count),
                    selected=selected,
                    toggle_url=toggle_range(date_from=None, date_to=None)
                    if selected
                    else toggle_range(date_from=start, date_to=end, undated=""),
                )
            )
    only = params.undated == "only"
    if undated or only:
        values.append(
            FacetValue(
                value=UNDATED,
                label="Undated",
                count=undated,
                selected=only,
                toggle_url=toggle_range(undated="")
                if only
                else toggle_range(date_from=None, date_to=None, undated="only"),
            )
        )
    return values
