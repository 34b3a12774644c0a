"""Quote search: statements (quote groups) with their wordings, the articles and outlets that carried
them, and a speaker facet, over the database, with the same parameters, errors, facet values and pages
as the search. Only published articles count: a statement, a wording or a speaker that only hidden
articles carry does not exist here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from archive.linking import most_carried
from archive.models import Article, Entity, Quote, QuoteGroup
from archive.selectors import wire_names

from .facets import FacetValue, facet_values
from .fields import NO_VALUE, SPEAKER
from .params import PageSpec, Pagination, SearchParams, params_parse

QUOTES = PageSpec(
    url_name="quote_search",
    accepts=frozenset({"q", "speaker", "outlet", "from", "to", "group", "page"}),
    sorts=("carried",),
    page_size=20,
)
MAX_WORDS = 12


def quote_params(data) -> SearchParams:
    return params_parse(data, spec=QUOTES)


@dataclass(frozen=True)
class Attribution:
    """Who the articles carrying a statement say said it (None: they do not say)."""

    speaker: Entity | None
    articles: list[Article]


@dataclass(frozen=True)
class QuoteResult:
    group: QuoteGroup
    text: str  # the wording most published articles carry
    variants: list[str]
    articles: list[Article]
    attributions: list[Attribution] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(a.outlet.name for a in self.articles if a.outlet))

    @property
    def disputed(self) -> bool:
        return len(self.attributions) > 1


@dataclass(frozen=True)
class QuoteSearch:
    params: SearchParams
    total: int
    results: list[QuoteResult]
    speakers: list[FacetValue] = field(default_factory=list)

    @property
    def pagination(self) -> Pagination:
        return Pagination(page=self.params.page, page_size=self.params.page_size, listed=self.total)


def _published_quotes(params: SearchParams) -> QuerySet[Quote]:
    """Quotes in published articles within the outlet and date filters, every word of `q` in the wording."""
    quotes = Quote.objects.filter(article__status=Article.Status.PUBLISHED)
    if params.outlets:
        quotes = quotes.filter(article__outlet__slug__in=params.outlets)
    if params.date_from:
        quotes = quotes.filter(article__published__gte=params.date_from)
    if params.date_to:
        quotes = quotes.filter(article__published__lte=params.date_to)
    for word in re.findall(r"\w+", params.q)[:MAX_WORDS]:
        quotes = quotes.filter(text__icontains=word)
    if params.group is not None:
        quotes = quotes.filter(group_id=params.group)
    return quotes


def _by_speaker(groups: QuerySet[QuoteGroup], speakers: tuple[str, ...]) -> QuerySet[QuoteGroup]:
    if not speakers:
        return groups
    chosen = Q(speaker__slug__in=[s for s in speakers if s != NO_VALUE])
    if NO_VALUE in speakers:
        chosen |= Q(speaker=None)
    return groups.filter(chosen)


def quotes_search(params: SearchParams) -> QuoteSearch:
    """The most widely carried statements first."""
    quotes = _published_quotes(params)
    matching = QuoteGroup.objects.filter(pk__in=quotes.values("group"))
    ranked = (
        _by_speaker(matching, params.speakers)
        .select_related("speaker")
        .annotate(carried=Count("quotes__article", filter=Q(quotes__in=quotes), distinct=True))
        .order_by("-carried", "-pk")
    )
    pagination = Pagination(page=params.page, page_size=params.page_size, listed=ranked.count())
    chosen = list(ranked[pagination.start : pagination.start + params.page_size])
    return QuoteSearch(
        params=params,
        total=pagination.listed,
        results=_results(chosen, quotes),
        speakers=_speaker_facet(matching, params),
    )


def _results(groups: list[QuoteGroup], quotes: QuerySet[Quote]) -> list[QuoteResult]:
    members = (
        quotes.filter(group__in=groups)
        .select_related("article__outlet", "speaker")
        .order_by(F("article__published").asc(nulls_last=True), "article_id", "start")
    )
    wordings: dict[int, Counter[str]] = {group.pk: Counter() for group in groups}
    articles: dict[int, dict[int, Article]] = {group.pk: {} for group in groups}
    speakers: dict[int, dict[int | None, tuple[Entity | None, dict[int, Article]]]] = {
        group.pk: {} for group in groups
    }
    for quote in members:
        wordings[quote.group_id][quote.text] += 1
        articles[quote.group_id].setdefault(quote.article_id, quote.article)
        entry = speakers[quote.group_id].setdefault(quote.speaker_id, (quote.speaker, {}))
        entry[1].setdefault(quote.article_id, quote.article)
    return [
        QuoteResult(
            group=group,
            text=most_carried(wordings[group.pk]),
            variants=list(wordings[group.pk]),
            articles=list(articles[group.pk].values()),
            attributions=[
                Attribution(speaker=speaker, articles=list(found.values()))
                for speaker, found in speakers[group.pk].values()
            ],
        )
        for group in groups
        if wordings[group.pk]
    ]


def _speaker_facet(groups: QuerySet[QuoteGroup], params: SearchParams) -> list[FacetValue]:
    """Statements per speaker; a statement its articles disagree on (or do not say) counts under `_none`."""
    counts = dict(
        Entity.objects.filter(quote_groups__in=groups)
        .annotate(n=Count("quote_groups", distinct=True))
        .values_list("slug", "n")
    )
    if unattributed := groups.filter(speaker=None).count():
        counts[NO_VALUE] = unattributed
    top = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:50])
    return facet_values(
        SPEAKER, top, selected=params.speakers, toggle=params.links(path=reverse(QUOTES.url_name)).toggle
    )


def quote_rows(params: SearchParams, *, base_url: str = "") -> Iterator[dict]:
    """Every matching quote in every published article, one row each, for the exports."""
    quotes = _published_quotes(params)
    groups = _by_speaker(QuoteGroup.objects.filter(pk__in=quotes.values("group")), params.speakers)
    rows = (
        quotes.filter(group__in=groups)
        .select_related("article__outlet", "speaker")
        .order_by("group_id", "article_id", "start")
    )
    wires = wire_names()
    for quote in rows.iterator(chunk_size=1000):
        article = quote.article
        yield {
            "group": quote.group_id,
            "text": quote.text,
            "speaker": quote.speaker.name if quote.speaker else None,
            "article_id": article.pk,
            "url": base_url + article.get_absolute_url(),
            "title": article.title,
            "outlet": article.outlet.name if article.outlet else None,
            "published": article.published.isoformat() if article.published else None,
            "wire": wires.get(article.wire, article.wire) if article.wire else None,
        }


QUOTE_EXPORT_FIELDS = [
    "group",
    "text",
    "speaker",
    "article_id",
    "url",
    "title",
    "outlet",
    "published",
    "wire",
]
