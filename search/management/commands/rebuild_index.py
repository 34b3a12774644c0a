from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from archive.progress import ProgressReport
from search.backend import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the database beside the live one, then swap it in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--procs", type=int, default=1, help="indexing processes (2 uses both cores)")

    def handle(self, *args, procs: int, **options) -> None:
        started = time.perf_counter()
        progress = ProgressReport(self.stdout, label="index")
        count = index_rebuild(procs=procs, progress=progress)
        progress.close()
        self.stdout.write(f"indexed {count} articles in {time.perf_counter() - started:.1f} s")
