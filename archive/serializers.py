"""One serializer for article rows, so every export (command, web, API) carries the same fields."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from .models import Article, Quote

EXPORT_FIELDS = [
    "id", "url", "source", "source_url", "outlet", "published", "title", "title_derived", "byline", "body", "entities", "status",
    "near_duplicates", "story", "quotes",
]


def articles_for_export(queryset) -> Iterable[Article]:
    """Articles with what a row needs, loaded in chunks so a large export never sits in memory."""
    return queryset.select_related("outlet").prefetch_related(
        "mentions__entity",
        Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
        Prefetch("copy_group__articles", queryset=Article.objects.only("pk", "source", "copy_group_id").order_by("pk")),
    ).iterator(chunk_size=500)


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
        "near_duplicates": [copy.source for copy in article.copy_group.articles.all() if copy.pk != article.pk] if article.copy_group_id else [],
        "story": article.story_id,
        "quotes": [{"text": quote.text, "speaker": quote.speaker.name if quote.speaker else None, "group": quote.group_id} for quote in article.quotes.all()],
    }


def article_reference(article: Article, *, url: str) -> dict:
    """An article as other results point to it (a near-copy, an article carrying a quote)."""
    return {
        "id": article.pk,
        "url": url,
        "outlet": article.outlet.name if article.outlet else None,
        "published": article.published.isoformat() if article.published else None,
    }


def article_rows(articles: Iterable[Article], *, base_url: str = "") -> Iterator[dict]:
    for article in articles:
        yield article_row(article, base_url=base_url)


def csv_row(row: dict) -> list[str]:
    """A row flattened for CSV: entity names and near-copies joined with '; ', quotes as JSON, booleans and
    nulls as text."""
    flat = []
    for name in row:
        value = row[name]
        if name == "entities":
            value = "; ".join(item["name"] for item in value)
        elif name == "near_duplicates":
            value = "; ".join(value)
        elif name == "quotes":
            value = json.dumps(value, ensure_ascii=False) if value else ""
        elif value is None:
            value = ""
        elif isinstance(value, bool):
            value = "true" if value else "false"
        flat.append(str(value))
    return flat
