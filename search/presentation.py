"""What search-like pages show, as plain data for the template partials: chart bars, page links, facet
panels. One implementation each, used by the search, entity, outlet and quote pages."""

from __future__ import annotations

from dataclasses import dataclass

from .facets import UNDATED, FacetValue
from .fields import FACETS
from .params import Pagination, SearchParams

FACET_SHOWN = 8


@dataclass(frozen=True)
class Bar:
    value: FacetValue
    height: float  # percent of the chart's height
    shown: str  # what the bar says: a count, or a share

    @property
    def top(self) -> float:
        return round(100 - self.height, 1)


@dataclass(frozen=True)
class Chart:
    """A server-drawn bar chart of a date facet; undated articles are counted beside it, not in it."""

    bars: list[Bar]
    bucket: str
    undated: int
    undated_url: str = ""  # the search of the undated articles alone
    share: bool = False

    @property
    def width(self) -> int:
        return max(10 * len(self.bars), 240)  # a few bars stay bar-shaped


def chart_build(values: list[FacetValue], *, bucket: str, shares: list[float] | None = None) -> Chart:
    """Bars of raw counts, or of each bucket's share of the outlets' own output."""
    dated = [value for value in values if value.value != UNDATED]
    undated = next((value for value in values if value.value == UNDATED), None)
    heights = shares or [value.count for value in dated]
    peak = max(heights, default=0) or 1
    bars = [
        Bar(value=value, height=max(round(100 * height / peak, 1), 1.0 if height else 0.0), shown=f"{height:.1%}" if shares else str(value.count))
        for value, height in zip(dated, heights)
    ]
    return Chart(bars=bars, bucket=bucket, undated=undated.count if undated else 0, undated_url=undated.toggle_url if undated else "", share=bool(shares))


@dataclass(frozen=True)
class PageLinks:
    page: int
    pages: int
    previous: str
    next: str


def page_links(params: SearchParams, pagination: Pagination, *, path: str = "") -> PageLinks:
    """Links to the pages before and after; `path` for a page whose address takes an argument (a set's)."""
    return PageLinks(
        page=pagination.page, pages=pagination.pages,
        previous=params.url(page=pagination.page - 1, path=path) if pagination.page > 1 else "",
        next=params.url(page=pagination.page + 1, path=path) if pagination.page < pagination.pages else "",
    )


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    shown: list[FacetValue]
    more: list[FacetValue]


def facet_panels(facets: dict[str, list[FacetValue]], *, names: tuple[str, ...] | None = None) -> list[Panel]:
    """The facet table's panels in its order, long lists folded after the first few."""
    return [
        Panel(name=facet.name, title=facet.title, shown=facets[facet.name][:FACET_SHOWN], more=facets[facet.name][FACET_SHOWN:])
        for facet in FACETS
        if facet.name in facets and (names is None or facet.name in names)
    ]


def chips(facets: dict[str, list[FacetValue]]) -> list[FacetValue]:
    """The chosen facet values, each a removable chip (dates have a chip of their own)."""
    return [value for name, values in facets.items() if name != "date" for value in values if value.selected]
