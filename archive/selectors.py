"""Reads for the archive's own pages (articles, stories), each query written once.

The entity, outlet and quote pages are views of a search (`search.views`), so their counts agree with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from .ingestion.wires import agencies_with
from .linking import most_carried
from .models import Article, Entity, FormerSlug, Mention, Outlet, Quote, QuoteGroup, Story, WireAgency


def entities_shared(article_ids: list[int], *, at_least: int = 1, limit: int = 25) -> QuerySet:
    """The entities mentioned in the most of these articles (in at least `at_least` of them)."""
    return (
        Mention.objects.filter(article_id__in=article_ids)
        .values("entity__name", "entity__slug", "entity__type")
        .annotate(n=Count("article_id"))
        .filter(n__gte=at_least)
        .order_by("-n", "entity__name")[:limit]
    )


def article_page(pk: int) -> dict | None:
    """A published article with what its page shows; None when there is no such published article."""
    article = Article.objects.published().select_related("outlet", "story").filter(pk=pk).first()
    if article is None:
        return None
    return {
        "article": article,
        "mentions": list(
            article.mentions.select_related("entity").order_by("entity__type", "-count", "entity__name")
        ),
        "quotes": list(article.quotes.select_related("speaker")),
        "copies": Article.objects.published().copies_of([article]).get(article.pk, []),
        "story_title": story_title(article.story) if article.story else "",
    }


def story_title(story: Story) -> str:
    """An editor's title, else the title of the story's earliest published article (never a hidden one's)."""
    return (
        story.title
        or story.articles.published().earliest_first().values_list("title", flat=True).first()
        or ""
    )


@dataclass(frozen=True)
class StoryRow:
    """A story member as the timeline shows it: only what the evidence says about its order."""

    article: Article
    order: str  # "first", "same day" (tied for first), "later", "undated" (order unknown)
    lag_days: int | None  # days after the first dated article; None where the order is unknown
    copy_label: str  # "", "AFP wire copy", "earliest dated copy", "near-copy"


def story_rows(articles: list[Article], *, wires: dict[str, str]) -> list[StoryRow]:
    """Articles by date (only dates are known, so one date is a tie); within a date by outlet and title,
    never by database id. Copies that credit a wire are that wire's copies; otherwise the one copy dated
    before the others is the earliest dated copy — never "the original", which no date can show."""
    dated = sorted(
        (a for a in articles if a.published),
        key=lambda a: (a.published, a.outlet.name if a.outlet else "", a.title),
    )
    first = dated[0].published if dated else None
    tied = sum(1 for a in dated if a.published == first)
    groups: dict[int, list[Article]] = {}
    for article in articles:
        if article.copy_group_id:
            groups.setdefault(article.copy_group_id, []).append(article)
    rows = []
    for article in dated + [a for a in articles if not a.published]:
        if article.published is None:
            order = "undated"
        elif article.published == first:
            order = "first" if tied == 1 else "same day"
        else:
            order = "later"
        rows.append(
            StoryRow(
                article=article,
                order=order,
                lag_days=(article.published - first).days if article.published and first else None,
                copy_label=_copy_label(article, groups.get(article.copy_group_id, []), wires=wires),
            )
        )
    return rows


def _copy_label(article: Article, group: list[Article], *, wires: dict[str, str]) -> str:
    if len(group) < 2:
        return ""
    if article.wire:
        return f"{wires.get(article.wire, article.wire)} wire copy"
    dates = sorted(a.published for a in group if a.published)
    if article.published and dates and article.published == dates[0] and dates.count(dates[0]) == 1:
        return "earliest dated copy"
    return "near-copy"


def story_page(story: Story) -> dict:
    """A story's published articles on a timeline, which are copies of which (and of which wire), and the
    entities and quotes its articles share."""
    articles = list(story.articles.published().select_related("outlet"))
    rows = story_rows(articles, wires=wire_names())
    ids = [a.pk for a in articles]
    quotes = (
        QuoteGroup.objects.filter(quotes__article_id__in=ids)
        .select_related("speaker")
        .annotate(n=Count("quotes__article", distinct=True))
        .filter(n__gte=2)
        .order_by("-n", "pk")
    )
    wordings: dict[int, Counter[str]] = {}
    for group_id, text in Quote.objects.filter(article_id__in=ids).values_list("group_id", "text"):
        wordings.setdefault(group_id, Counter())[text] += 1
    first = next((row.article.published for row in rows if row.article.published), None)
    return {
        "story": story,
        "title": story_title(story),
        "rows": rows,
        "first": first,
        "outlets": len({a.outlet_id for a in articles} - {None}),
        "entities": entities_shared(ids, at_least=2),
        "quotes": [(group, most_carried(wordings[group.pk])) for group in quotes],
    }


def slugs_followed(kind: str, slugs: tuple[str, ...]) -> dict[str, FormerSlug]:
    """Of these entity (or outlet) slugs, the former ones: merged into another, or blocked."""
    if not slugs:  # most searches: no lookup
        return {}
    model = Entity if kind == FormerSlug.Kind.ENTITY else Outlet
    current = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    former = FormerSlug.objects.filter(
        kind=kind, slug__in=[slug for slug in slugs if slug not in current]
    ).select_related("entity", "outlet")
    return {item.slug: item for item in former}


def wire_names() -> dict[str, str]:
    """Wire agency keys and the names researchers read: the built-in agencies and the editors'."""
    extra = [(agency.name, agency.written[1:]) for agency in WireAgency.objects.all()]
    return {agency.key: agency.name for agency in agencies_with(extra)}
