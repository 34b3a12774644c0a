from __future__ import annotations

import logging

from django.apps import AppConfig

log = logging.getLogger(__name__)


def _on_articles_changed(sender: object, *, article_ids: frozenset[int], **kwargs: object) -> None:
    """Keep the index in step after a commit; a failure is logged, never raised into the writer's code,
    because the database (the source of truth) has already committed and `check_index` will see it."""
    from whoosh.index import IndexError as WhooshIndexError

    from .backend import IndexUnavailable, backend

    engine = backend()
    if engine.writes_in_transaction:  # written already, in the article's own transaction
        return
    try:
        engine.sync(article_ids=article_ids)
    except (IndexUnavailable, WhooshIndexError) as error:  # a known state with a known repair: no traceback
        log.warning("The search index was not updated (%s); run `manage.py rebuild_index`", error)
    except Exception:
        log.exception(
            "Could not update the search index for %d articles; run `manage.py rebuild_index`",
            len(article_ids),
        )


def _on_articles_changing(sender: object, *, article_ids: frozenset[int], **kwargs: object) -> None:
    """An engine that writes in the transaction that changed the articles (PostgreSQL's) writes now, so the
    index never lags the database (a failure rolls the change back with it)."""
    from .backend import backend

    engine = backend()
    if engine.writes_in_transaction:
        engine.sync(article_ids=article_ids)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.core import checks

        from archive.signals import articles_changed, articles_changing

        articles_changed.connect(_on_articles_changed, dispatch_uid="search_index_sync")
        articles_changing.connect(_on_articles_changing, dispatch_uid="search_documents_write")
        checks.register(_index_in_step, "search")


def _index_in_step(app_configs, **kwargs) -> list:
    """At start-up (runserver, migrate, check, the management commands): the index is compared with the
    database by count and checksum, and a missing, damaged or stale index is reported with the command
    that repairs it. Before the first migration there is nothing to compare."""
    from django.core import checks
    from django.db import DatabaseError

    from .health import index_check

    try:
        health = index_check(full=True)
    except DatabaseError:
        return []
    return [] if health.ok or health.importing else [checks.Warning(health.message, id="search.W001")]
