from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alerts.sending import alerts_send


class Command(BaseCommand):
    help = (
        "Email each researcher with alerts the new matches of their saved searches since the last "
        "alert (meant for cron; running it again sends nothing twice)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="the archive's address for links in the emails (default: ARCHIVE_BASE_URL)",
        )

    def handle(self, *args, base_url: str, **options) -> None:
        report = alerts_send(base_url=(base_url or settings.ARCHIVE_BASE_URL).rstrip("/"))
        for failure in report.failed:
            self.stderr.write(failure)
        self.stdout.write(report.summary)
        if report.failed:
            raise CommandError(
                "some alerts could not be sent (see above); the next run tries them again", returncode=1
            )
