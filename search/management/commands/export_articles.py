from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from archive.serializers import (
    EXPORT_FIELDS,
    article_rows,
    articles_for_export,
    csv_row,
)
from search.query import QuerySyntaxError
from search.searching import SearchParams, article_ids_matching


class Command(BaseCommand):
    help = "Write the archive (or the articles matching --query) to stdout as JSON Lines or CSV; includes hidden articles."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--query", default="", help="only articles matching this search query")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--base-url", default="", help="prefix for the 'url' field, e.g. https://archive.example.org")

    def handle(self, *args, query: str, format: str, base_url: str, **options) -> None:
        articles = Article.objects.order_by("id")
        if query:
            try:
                ids, _ = article_ids_matching(SearchParams(q=query))
            except QuerySyntaxError as error:
                raise CommandError(f"--query: {error}") from None
            articles = articles.filter(pk__in=ids)
        rows = article_rows(articles_for_export(articles), base_url=base_url.rstrip("/"))
        if format == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(EXPORT_FIELDS)
            for row in rows:
                writer.writerow(csv_row(row))
        else:
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
