from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from search.backend import IndexUnavailable
from search.exports import export_lines, rows_for
from search.query import QuerySyntaxError
from search.searching import SearchParams, export_ids


class Command(BaseCommand):
    help = (
        "Write the archive (or the articles matching --query) to stdout as JSON Lines or CSV; includes "
        "hidden articles."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--query", default="", help="only the published articles matching this search query"
        )
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument(
            "--base-url", default="", help="prefix for the 'url' field, e.g. https://archive.example.org"
        )

    def handle(self, *args, query: str, format: str, base_url: str, **options) -> None:
        if query:
            try:
                _, ids, _ = export_ids(SearchParams(q=query))
            except (QuerySyntaxError, IndexUnavailable) as error:
                raise CommandError(f"--query: {error}") from None
            rows = rows_for(sorted(ids), base_url=base_url.rstrip("/"))
        else:
            ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
            rows = rows_for(ids, base_url=base_url.rstrip("/"), published_only=False)
        for line in export_lines(rows, format=format):
            self.stdout.write(line, ending="")
