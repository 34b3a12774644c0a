"""Quote search: statements (quote groups) with their wordings, the articles and outlets that carried
them, and a speaker facet — plain data shared by the page and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from .models import Article, Entity, Quote, QuoteGroup

PAGE_SIZE = 20


@dataclass(frozen=True)
class SpeakerValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class QuoteResult:
    group: QuoteGroup
    variants: list[str]
    articles: list[Article]

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(a.outlet.name for a in self.articles if a.outlet))


@dataclass(frozen=True)
class QuoteSearch:
    q: str
    speaker: str
    group: int | None
    total: int
    page: int
    results: list[QuoteResult]
    speakers: list[SpeakerValue] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def quote_groups_matching(*, q: str = "", speaker: str = "", group: int | None = None) -> QuerySet[QuoteGroup]:
    """Groups with a published article, every word of `q` in one of their wordings, by `speaker` (a slug;
    "_none" for unattributed quotes)."""
    groups = QuoteGroup.objects.filter(quotes__article__status=Article.Status.PUBLISHED)
    for word in re.findall(r"\w+", q)[:12]:
        groups = groups.filter(Q(text__icontains=word) | Q(quotes__text__icontains=word))
    if speaker == "_none":
        groups = groups.filter(speaker=None)
    elif speaker:
        groups = groups.filter(speaker__slug=speaker)
    if group is not None:
        groups = groups.filter(pk=group)
    return groups.distinct()


def quotes_search(*, q: str = "", speaker: str = "", group: int | None = None, page: int = 1) -> QuoteSearch:
    """The most widely carried statements first."""
    matching = quote_groups_matching(q=q, speaker=speaker, group=group)
    ranked = (
        QuoteGroup.objects.filter(pk__in=matching.values("pk")).select_related("speaker")
        .annotate(carried=Count("quotes__article", filter=Q(quotes__article__status=Article.Status.PUBLISHED), distinct=True))
        .order_by("-carried", "-pk")
    )
    total = ranked.count()
    chosen = list(ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    quotes = Quote.objects.filter(group__in=chosen, article__status=Article.Status.PUBLISHED).select_related("article__outlet").order_by(F("article__published").asc(nulls_last=True), "article_id")
    variants: dict[int, list[str]] = {g.pk: [] for g in chosen}
    articles: dict[int, list[Article]] = {g.pk: [] for g in chosen}
    for quote in quotes:
        if quote.text not in variants[quote.group_id]:
            variants[quote.group_id].append(quote.text)
        if quote.article not in articles[quote.group_id]:
            articles[quote.group_id].append(quote.article)
    results = [QuoteResult(group=g, variants=variants[g.pk], articles=articles[g.pk]) for g in chosen]
    return QuoteSearch(q=q, speaker=speaker, group=group, total=total, page=page, results=results, speakers=speaker_facet(matching, selected=speaker))


def speaker_facet(groups: QuerySet[QuoteGroup], *, selected: str = "") -> list[SpeakerValue]:
    counts = (
        Entity.objects.filter(quote_groups__in=groups.values("pk")).annotate(n=Count("quote_groups", distinct=True)).order_by("-n", "name")[:50]
    )
    values = [SpeakerValue(value=e.slug, label=e.name, count=e.n, selected=e.slug == selected) for e in counts]
    unattributed = groups.filter(speaker=None).count()
    if unattributed:
        values.append(SpeakerValue(value="_none", label="Speaker not known", count=unattributed, selected=selected == "_none"))
    return values
