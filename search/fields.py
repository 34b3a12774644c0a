"""The facet table: every filter a researcher can toggle, declared once.

Each entry says how the facet is asked for (its query-string parameter and the `SearchParams` field that
holds the chosen values), how chosen values combine (`any` of them or `all`), which index field holds an
article's values and how they are read off the article, how values are labelled, and the panel's title.
Parsing, filters, counting, labels, toggle URLs, export metadata, the index schema and the page's facet
panels all follow from it: adding a facet is one entry here (and a counter, when the index's values are
not simply counted per matching document).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.models import Article, Entity, Outlet
from archive.selectors import wire_names

NO_VALUE = "_none"  # an article without an outlet counts under it, so counts sum to the total

Labels = dict[str, tuple[str, str | None]]  # value -> (label, entity type or None)


@dataclass(frozen=True)
class Facet:
    name: str  # the query-string parameter and the key in the API's "facets"
    attribute: str  # the SearchParams field holding the chosen values
    title: str  # the search page's panel title
    label: Callable[[Iterable[str]], Labels]
    combine: str = "all"  # "any": articles with one of the chosen values; "all": with every one
    field: str | None = None  # the index field (None: counted outside the index, such as quote speakers)
    values: Callable[[Article], list[str]] | None = None  # an article's values (`articles_for_index`'s)
    choices: tuple[str, ...] | None = None  # the only values there are (others are a 400)
    limited: bool = False  # the panel shows the `entity_limit` most frequent values (and the chosen ones)
    ordered: bool = False  # values keep the order of `choices` instead of ranking by count
    panel: bool = True  # shown on the search page
    none_label: str = ""  # the label of `_none`, when articles may have no value


def _outlet_labels(values: Iterable[str]) -> Labels:
    names = dict(Outlet.objects.filter(slug__in=list(values)).values_list("slug", "name"))
    return {value: (names.get(value, value), None) for value in values}


def _entity_labels(values: Iterable[str]) -> Labels:
    return {
        slug: (name, kind)
        for slug, name, kind in Entity.objects.filter(slug__in=list(values)).values_list(
            "slug", "name", "type"
        )
    }


def _type_labels(values: Iterable[str]) -> Labels:
    labels = dict(Entity.Type.choices)
    return {value: (labels[value], None) for value in values if value in labels}


def _wire_labels(values: Iterable[str]) -> Labels:
    names = wire_names()
    return {value: (names.get(value, value), None) for value in values}


def _article_entities(article: Article) -> list[str]:
    return [slug for slug, _ in article.index_entities]


OUTLET = Facet(
    name="outlet",
    attribute="outlets",
    title="Outlets",
    label=_outlet_labels,
    combine="any",
    field="outlet",
    values=lambda article: [article.outlet.slug if article.outlet else NO_VALUE],
    none_label="No outlet",
)
WIRE = Facet(
    name="wire",
    attribute="wires",
    title="Wire agencies",
    label=_wire_labels,
    combine="any",
    field="wire",
    values=lambda article: [article.wire or NO_VALUE],
    none_label="No wire credit",
)
ENTITY_TYPE = Facet(
    name="entity_type",
    attribute="entity_types",
    title="Entity types",
    label=_type_labels,
    field="entity_type",
    values=lambda article: sorted({kind for _, kind in article.index_entities}),
    choices=tuple(Entity.Type.values),
    ordered=True,
)
ENTITY = Facet(
    name="entity",
    attribute="entities",
    title="Entities",
    label=_entity_labels,
    field="entity",
    values=_article_entities,
    limited=True,
)
SPEAKER = Facet(
    name="speaker",
    attribute="speakers",
    title="Speakers",
    label=_entity_labels,
    combine="any",
    panel=False,
    none_label="Speaker not known",
)

# In the order the search page shows the panels.
FACETS: tuple[Facet, ...] = (OUTLET, WIRE, ENTITY_TYPE, ENTITY, SPEAKER)
INDEXED: tuple[Facet, ...] = tuple(facet for facet in FACETS if facet.field)


def facet_named(name: str) -> Facet:
    return next(facet for facet in FACETS if facet.name == name)
