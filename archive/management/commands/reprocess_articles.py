from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive.ingestion.importer import articles_reprocess
from archive.models import Article
from archive.progress import ProgressReport


class Command(BaseCommand):
    help = (
        "Re-run cleaning, metadata and entity extraction from the stored raw text, keeping editors' "
        "corrections."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="article ids")
        parser.add_argument("--all", action="store_true", help="every article")

    def handle(self, *args, ids: list[int], all: bool, **options) -> None:
        if all == bool(ids):
            raise CommandError("give article ids or --all (not both)")
        articles = (
            Article.objects.order_by("pk") if all else Article.objects.filter(pk__in=ids).order_by("pk")
        )
        missing = set(ids) - set(articles.values_list("pk", flat=True))
        if missing:
            raise CommandError(f"no article with id {', '.join(map(str, sorted(missing)))}")
        progress = ProgressReport(self.stdout, label="reprocess")
        report = articles_reprocess(articles.iterator(chunk_size=500), progress=progress)
        progress.close()
        for pk, reason in report.failed:
            self.stderr.write(f"article {pk}: {reason}")
        self.stdout.write(report.summary)
        if report.failed:
            raise CommandError("some articles could not be re-read; see the lines above", returncode=1)
