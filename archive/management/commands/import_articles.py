from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.ingestion.importer import articles_import
from archive.progress import ProgressReport


class Command(BaseCommand):
    help = "Import raw article files (.txt pages, .jsonl, .csv) from files or folders; default fixtures/."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="files or folders (recursive); default fixtures/"
        )
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--outlet", default="", help="outlet for files that do not name their own")
        parser.add_argument(
            "--manifest",
            type=Path,
            help="a manifest (CSV or JSONL: file, url, outlet, published, title) for the files",
        )

    def handle(
        self, *args, paths: list[Path], dry_run: bool, outlet: str, manifest: Path | None, **options
    ) -> None:
        paths = paths or [Path(settings.BASE_DIR) / "fixtures"]
        if manifest is not None and not manifest.is_file():
            raise CommandError(f"--manifest {manifest}: no such file")
        progress = ProgressReport(self.stdout, label="import")
        report = articles_import(paths, outlet=outlet, manifest=manifest, dry_run=dry_run, progress=progress)
        progress.close()
        for location, reason in report.problems:
            self.stderr.write(f"rejected {location}: {reason}")
        self.stdout.write(report.summary + (" (dry run: nothing written)" if dry_run else ""))
        if report.rejected:
            raise CommandError("some input was rejected; see the lines above", returncode=1)
