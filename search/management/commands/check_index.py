from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from search.health import index_check


class Command(BaseCommand):
    help = "Compare the search index with the database (count, and a checksum of ids and update times)."

    def handle(self, *args, **options) -> None:
        health = index_check(full=True)
        if not health.ok:
            raise CommandError(health.message, returncode=1)
        self.stdout.write(health.message)
