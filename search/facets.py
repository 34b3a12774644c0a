"""Facet counts over the whole result set, as plain data (value, label, count, selected, toggle URL).

Counting walks arrays built once per searcher (doc number -> outlet code, and the (doc, entity) pairs of
the entity postings) with NumPy, instead of asking Whoosh for each document's values.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from archive.models import Entity, Outlet

from .engine import NO_OUTLET


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


class FacetColumns:
    """Per-searcher arrays of each document's facet values."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        size = reader.doc_count_all()
        self.outlets: list[str] = []
        self.doc_outlet = np.full(size, -1, dtype=np.int32)
        for code, term in enumerate(reader.field_terms("outlet")):
            self.outlets.append(term)
            self.doc_outlet[list(reader.postings("outlet", term).all_ids())] = code
        self.entities: list[str] = []
        docs: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for code, term in enumerate(reader.field_terms("entity")):
            self.entities.append(term)
            ids = np.fromiter(reader.postings("entity", term).all_ids(), dtype=np.int32)
            docs.append(ids)
            codes.append(np.full(len(ids), code, dtype=np.int32))
        self.pair_doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
        self.pair_entity = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        self.size = size

    def outlet_counts(self, matched: np.ndarray) -> dict[str, int]:
        counts = np.bincount(self.doc_outlet[matched] + 1, minlength=len(self.outlets) + 1)
        return {self.outlets[code - 1]: int(n) for code, n in enumerate(counts) if code and n}

    def entity_counts(self, matched: np.ndarray) -> dict[str, int]:
        mask = np.zeros(self.size, dtype=bool)
        mask[matched] = True
        counts = np.bincount(self.pair_entity[mask[self.pair_doc]], minlength=len(self.entities))
        return {self.entities[code]: int(counts[code]) for code in np.nonzero(counts)[0]}


_columns: weakref.WeakKeyDictionary[Searcher, FacetColumns] = weakref.WeakKeyDictionary()


def facet_columns(searcher: Searcher) -> FacetColumns:
    columns = _columns.get(searcher)
    if columns is None:
        columns = _columns[searcher] = FacetColumns(searcher)
    return columns


def outlet_facet(counts: dict[str, int], *, selected: tuple[str, ...], toggle) -> list[FacetValue]:
    """Every outlet with a count; articles without one count under `_none` so the counts sum to the total."""
    names = dict(Outlet.objects.filter(slug__in=counts).values_list("slug", "name"))
    values = [
        FacetValue(
            value=slug,
            label="No outlet" if slug == NO_OUTLET else names.get(slug, slug),
            count=count,
            selected=slug in selected,
            toggle_url=toggle("outlet", slug),
        )
        for slug, count in counts.items()
    ]
    return sorted(values, key=lambda item: (-item.count, item.label.lower()))


def entity_facet(counts: dict[str, int], *, selected: tuple[str, ...], toggle, limit: int = 20) -> list[FacetValue]:
    """The `limit` most mentioned entities in the results, with their type; selected ones always shown."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    chosen = dict(ranked[:limit])
    chosen.update({slug: counts.get(slug, 0) for slug in selected})
    entities = {entity.slug: entity for entity in Entity.objects.filter(slug__in=chosen)}
    values = [
        FacetValue(
            value=slug,
            label=entities[slug].name,
            type=entities[slug].type,
            count=count,
            selected=slug in selected,
            toggle_url=toggle("entity", slug),
        )
        for slug, count in chosen.items()
        if slug in entities
    ]
    return sorted(values, key=lambda item: (-item.count, item.label.lower()))
