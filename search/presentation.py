"""What search-like pages show, as plain data for the template partials: chart bars, page links, facet
panels. One implementation each, used by the search, entity, outlet and quote pages."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .facets import UNDATED, FacetValue
from .fields import FACETS
from .params import Pagination, SearchParams

FACET_SHOWN = 8
SERIES_MOST = 6  # series one chart tells apart: the colours `.series-N` of archive.css (Okabe and Ito's)
MAX_DRAWN = 1000  # periods a chart draws; beyond that bars are slivers: the page asks for a longer interval
BAR = 10  # the width a bar takes (9 and a gap); the bars of several series leave 5 more after each period
OUTLET_SHARE = "share of each outlet's own output"


@dataclass(frozen=True)
class Bar:
    value: FacetValue
    height: float  # percent of the chart's height
    shown: str  # what the bar says: a count, or a share
    x: float = 0.5
    series: int = 0  # which series it belongs to (its colour)
    name: str = ""  # the series' name, said with the bar when there are several

    @property
    def top(self) -> float:
        return round(100 - self.height, 1)


@dataclass(frozen=True)
class ChartSeries:
    """One series: a date facet's values (its `_undated` value is counted beside the chart, not in it) and,
    to draw shares instead of counts, each bucket's share."""

    values: list[FacetValue]
    shares: list[float] | None = None
    name: str = ""


@dataclass(frozen=True)
class Chart:
    """A server-drawn bar chart of one or more date facets over the same buckets, a bar per bucket and
    series, all on one scale; undated articles are counted beside it, not in it."""

    bars: list[Bar]
    bucket: str
    undated: int
    periods: int
    first: str = ""  # the first and last bucket's labels, under the chart
    last: str = ""
    peak: str = ""  # what the top of the chart stands for
    undated_url: str = ""  # the search of the undated articles alone
    share: bool = False
    share_of: str = OUTLET_SHARE
    names: tuple[str, ...] = ()  # the series' names in colour order, for the legend, when there are several

    @property
    def slot(self) -> int:
        return BAR if len(self.names) < 2 else BAR * len(self.names) + 5

    @property
    def width(self) -> int:
        return max(self.slot * self.periods, 240)  # a few bars stay bar-shaped

    @property
    def too_many(self) -> bool:
        return self.periods > MAX_DRAWN

    @property
    def most_drawn(self) -> int:
        return MAX_DRAWN


def share_shown(share: float) -> str:
    """A share as the chart and its table say it: a percentage with a decimal (two under one percent)."""
    return f"{share:.1%}" if share >= 0.01 or not share else f"{share:.2%}"


def chart_build(*series: ChartSeries, bucket: str, share_of: str = OUTLET_SHARE) -> Chart:
    """Bars of raw counts, or of shares when every series has them, all on one scale, each series in its
    colour; the series have the same buckets (their values in the same order)."""
    if len(series) > SERIES_MOST:
        raise ValueError(f"a chart tells {SERIES_MOST} series apart, not {len(series)}")
    share = all(item.shares is not None for item in series)
    dated = [[value for value in item.values if value.value != UNDATED] for item in series]
    heights = [
        item.shares if share else [value.count for value in values] for item, values in zip(series, dated)
    ]
    peak = max((height for column in heights for height in column), default=0)
    periods = len(dated[0])
    names = tuple(item.name for item in series) if len(series) > 1 else ()
    chart = Chart(
        bars=[], bucket=bucket, undated=0, periods=periods, share=share, share_of=share_of, names=names
    )
    bars = []
    for number, (values, column) in enumerate(zip(dated, heights)):
        for period, (value, height) in enumerate(zip(values, column)):
            drawn = max(
                round(100 * height / (peak or 1), 1), 1.0 if height else 0.0
            )  # a bar that is there shows
            shown = share_shown(height) if share else str(value.count)
            x = period * chart.slot + number * BAR + 0.5
            name = names[number] if names else ""
            bars.append(Bar(value=value, height=drawn, shown=shown, x=x, series=number, name=name))
    undated = (
        next((value for value in series[0].values if value.value == UNDATED), None)
        if len(series) == 1
        else None
    )
    return replace(
        chart,
        bars=[] if chart.too_many else sorted(bars, key=lambda bar: bar.x),
        peak=share_shown(peak) if share else f"{peak:,}",
        first=dated[0][0].label if periods else "",
        last=dated[0][-1].label if periods else "",
        undated=undated.count if undated else 0,
        undated_url=undated.toggle_url if undated else "",
    )


@dataclass(frozen=True)
class PageLinks:
    page: int
    pages: int
    previous: str
    next: str


def page_links(params: SearchParams, pagination: Pagination, *, path: str = "") -> PageLinks:
    """Links to the pages before and after; `path` for a page whose address takes an argument (a set's)."""
    return PageLinks(
        page=pagination.page,
        pages=pagination.pages,
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
        Panel(
            name=facet.name,
            title=facet.title,
            shown=facets[facet.name][:FACET_SHOWN],
            more=facets[facet.name][FACET_SHOWN:],
        )
        for facet in FACETS
        if facet.name in facets and (names is None or facet.name in names)
    ]


def chips(facets: dict[str, list[FacetValue]]) -> list[FacetValue]:
    """The chosen facet values, each a removable chip (dates have a chip of their own)."""
    return [value for name, values in facets.items() if name != "date" for value in values if value.selected]


def dates_cleared_url(params: SearchParams) -> str:
    """The same search without its date filters ("" when it has none): the date chip's link."""
    if not (params.date_from or params.date_to or params.undated):
        return ""
    return params.changed(date_from=None, date_to=None, undated="").url()
