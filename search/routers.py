"""Searches read a replica: with `DATABASE_REPLICA_URL` set, the PostgreSQL engine's documents are read from
the `replica` database (a streaming replica of the primary), so searches spread over machines and keep
answering while the primary takes writes; every write, and everything else, stays on the primary."""

from __future__ import annotations

from django.conf import settings


class SearchReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if model._meta.app_label == "search" and "replica" in settings.DATABASES:
            return "replica"
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return "default" if model._meta.app_label == "search" else None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        """A replica follows the primary's schema; it is never migrated itself."""
        return False if db == "replica" else None
