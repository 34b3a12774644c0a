"""One serializer for article rows, so every export (command, web, API) carries the same fields."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch

from .models import Article, Mention, Quote
from .selectors import wire_names

EXPORT_FIELDS = [
    "id",
    "url",
    "source",
    "source_url",
    "outlet",
    "published",
    "title",
    "title_derived",
    "byline",
    "body",
    "entities",
    "status",
    "near_duplicates",
    "story",
    "quotes",
    "wire",
]


def articles_for_export(queryset) -> Iterable[Article]:
    """Articles with what a row needs. Mentions come with their entities in one join: prefetching the
    entities separately asks for every distinct entity of a chunk by id, which SQLite refuses beyond about
    a thousand ("Expression tree is too large")."""
    return (
        queryset.select_related("outlet")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("entity")),
            Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
            # near-copies a reader may see: hidden ones never show through a published copy
            Prefetch(
                "copy_group__articles",
                queryset=Article.objects.published().only("pk", "source", "copy_group_id").order_by("pk"),
            ),
        )
        .iterator(chunk_size=500)
    )


def article_row(article: Article, *, base_url: str = "", wires: dict[str, str] | None = None) -> dict:
    """An article as every export and the article API carry it; `wires` (key -> name, see
    `selectors.wire_names`) names its wire agency."""
    wires = wires if wires is not None else (wire_names() if article.wire else {})
    return {
        "id": article.pk,
        "url": base_url + article.get_absolute_url(),
        "source": article.source,
        "source_url": article.source_url or None,
        "outlet": article.outlet.name if article.outlet else None,
        "published": article.published.isoformat() if article.published else None,
        "title": article.title,
        "title_derived": article.title_derived,
        "byline": article.byline,
        "body": article.body,
        "entities": [
            {"name": mention.entity.name, "type": mention.entity.type, "count": mention.count}
            for mention in sorted(article.mentions.all(), key=lambda m: (-m.count, m.entity.name))
        ],
        "status": article.status,
        "near_duplicates": [
            copy.source for copy in article.copy_group.articles.all() if copy.pk != article.pk
        ]
        if article.copy_group_id
        else [],
        "story": article.story_id,
        "wire": wires.get(article.wire, article.wire) if article.wire else None,
        "quotes": [
            {
                "text": quote.text,
                "speaker": quote.speaker.name if quote.speaker else None,
                "group": quote.group_id,
            }
            for quote in article.quotes.all()
        ],
    }


def article_reference(article: Article, *, url: str) -> dict:
    """An article as other results point to it (a near-copy, an article carrying a quote)."""
    return {
        "id": article.pk,
        "url": url,
        "outlet": article.outlet.name if article.outlet else None,
        "published": article.published.isoformat() if article.published else None,
    }
