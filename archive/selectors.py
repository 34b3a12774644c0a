"""Reads for the archive's own pages (articles, stories), each query written once.

The entity, outlet and quote pages are views of a search (`search.views`), so their counts agree with it.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, QuerySet

from .linking import most_carried
from .models import Article, Entity, FormerSlug, Mention, Outlet, Quote, QuoteGroup, Story


def entities_shared(article_ids: list[int], *, at_least: int = 1, limit: int = 25) -> QuerySet:
    """The entities mentioned in the most of these articles (in at least `at_least` of them)."""
    return (
        Mention.objects.filter(article_id__in=article_ids).values("entity__name", "entity__slug", "entity__type")
        .annotate(n=Count("article_id")).filter(n__gte=at_least).order_by("-n", "entity__name")[:limit]
    )


def article_page(pk: int) -> dict | None:
    """A published article with what its page shows; None when there is no such published article."""
    article = Article.objects.published().select_related("outlet", "story").filter(pk=pk).first()
    if article is None:
        return None
    return {
        "article": article,
        "mentions": list(article.mentions.select_related("entity").order_by("entity__type", "-count", "entity__name")),
        "quotes": list(article.quotes.select_related("speaker")),
        "copies": Article.objects.published().copies_of([article]).get(article.pk, []),
        "story_title": story_title(article.story) if article.story else "",
    }


def story_title(story: Story) -> str:
    """An editor's title, else the title of the story's earliest published article (never a hidden one's)."""
    return story.title or story.articles.published().earliest_first().values_list("title", flat=True).first() or ""


def story_page(story: Story) -> dict:
    """A story's published articles on a timeline (who published first, everyone else's lag), which are
    copies of which, and the entities and quotes its articles share."""
    articles = list(story.articles.published().select_related("outlet", "copy_group").earliest_first())
    first = next((a.published for a in articles if a.published), None)
    copies = Counter(a.copy_group_id for a in articles if a.copy_group_id)
    rows = [
        {
            "article": article,
            "lag_days": (article.published - first).days if article.published and first else None,
            "is_copy": bool(article.copy_group_id) and copies[article.copy_group_id] > 1,
            "is_earliest_copy": bool(article.copy_group_id) and article.copy_group.earliest_id == article.pk,
        }
        for article in articles
    ]
    ids = [a.pk for a in articles]
    quotes = (
        QuoteGroup.objects.filter(quotes__article_id__in=ids).select_related("speaker")
        .annotate(n=Count("quotes__article", distinct=True)).filter(n__gte=2).order_by("-n", "pk")
    )
    wordings: dict[int, Counter[str]] = {}
    for group_id, text in Quote.objects.filter(article_id__in=ids).values_list("group_id", "text"):
        wordings.setdefault(group_id, Counter())[text] += 1
    return {
        "story": story, "title": story_title(story), "rows": rows, "first": first,
        "outlets": len({a.outlet_id for a in articles} - {None}), "entities": entities_shared(ids, at_least=2),
        "quotes": [(group, most_carried(wordings[group.pk])) for group in quotes],
    }


def slugs_followed(kind: str, slugs: tuple[str, ...]) -> dict[str, FormerSlug]:
    """Of these entity (or outlet) slugs, the former ones: merged into another, or blocked."""
    model = Entity if kind == FormerSlug.Kind.ENTITY else Outlet
    current = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    former = FormerSlug.objects.filter(kind=kind, slug__in=[slug for slug in slugs if slug not in current]).select_related("entity", "outlet")
    return {item.slug: item for item in former}
