"""One serializer for article rows, so every export (command, web, API) carries the same fields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .models import Article

EXPORT_FIELDS = ["id", "url", "source", "source_url", "outlet", "published", "title", "title_derived", "byline", "body", "entities", "status"]


def articles_for_export(queryset) -> Iterable[Article]:
    """Articles with what a row needs, loaded in chunks so a large export never sits in memory."""
    return queryset.select_related("outlet").prefetch_related("mentions__entity").iterator(chunk_size=500)


def article_row(article: Article, *, base_url: str = "") -> dict:
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
    }


def article_rows(articles: Iterable[Article], *, base_url: str = "") -> Iterator[dict]:
    for article in articles:
        yield article_row(article, base_url=base_url)


def csv_row(row: dict) -> list[str]:
    """A row flattened for CSV: entity names joined with '; ', booleans and nulls as text."""
    flat = []
    for name in row:
        value = row[name]
        if name == "entities":
            value = "; ".join(item["name"] for item in value)
        elif value is None:
            value = ""
        elif isinstance(value, bool):
            value = "true" if value else "false"
        flat.append(str(value))
    return flat
