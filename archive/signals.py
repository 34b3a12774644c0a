"""How the archive tells the rest of the project that articles changed.

`archive` never imports `search`: it sends `articles_changing` with the ids of changed articles inside the
transaction that changed them and `articles_changed` once it has committed, and whoever keeps derived data
(the search index) listens to the one it needs.
Receivers reconcile each id against the database, so announcing an unchanged id is harmless.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Article

articles_changed = Signal()  # keyword argument: article_ids (frozenset[int])
# Sent at once, inside the transaction that changed the articles (so announce once the change is made): what
# must change with them (the PostgreSQL search engine's documents) is written in that transaction.
articles_changing = Signal()  # keyword argument: article_ids (frozenset[int])

_pending: ContextVar[set[int] | None] = ContextVar("archive_pending_announcements", default=None)


def _send(article_ids: frozenset[int]) -> None:
    articles_changed.send(sender=Article, article_ids=article_ids)


_local = threading.local()  # per thread (Django's connections are): alias -> ids waiting for the commit


def _outboxes() -> dict[str, set[int]]:
    if not hasattr(_local, "outboxes"):
        _local.outboxes = {}
    return _local.outboxes


def announce_articles_changed(*, article_ids: Iterable[int]) -> None:
    """Announce `article_ids` after the current transaction commits (at once outside a transaction).

    All announcements of one transaction go out as one signal: deleting a thousand articles is one index
    update, not a thousand. Each call registers a flush with Django's `on_commit`; the first to run sends
    everything collected and the others find nothing left (a flush registered inside a savepoint that
    rolls back is dropped by Django, so registering once per call is what keeps none from being lost).
    Ids from a rolled-back savepoint may ride along; receivers reconcile each id with the database, so an
    extra id costs a lookup and nothing else.
    """
    ids = frozenset(int(pk) for pk in article_ids)
    if not ids:
        return
    articles_changing.send(sender=Article, article_ids=ids)
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _send(ids)
        return
    _outboxes().setdefault(connection.alias, set()).update(ids)
    transaction.on_commit(lambda: _flush(connection.alias))


def _flush(alias: str) -> None:
    ids = frozenset(_outboxes().pop(alias, ()))
    if ids:
        _send(ids)


class Batch:
    """Announcements collected during bulk work; `flush()` sends them (call it between transactions)."""

    def __init__(self, *, every: int) -> None:
        self.ids: set[int] = set()
        self.every = every

    def flush(self, *, force: bool = False) -> None:
        if self.ids and (force or len(self.ids) >= self.every):
            ids = frozenset(self.ids)
            self.ids.clear()
            token = _pending.set(None)
            try:
                announce_articles_changed(article_ids=ids)
            finally:
                _pending.reset(token)


@contextmanager
def announcements_batched(*, every: int = 500) -> Iterator[Batch]:
    """Collect announcements made inside the block and send them in groups, for bulk work such as imports.

    Each article is still committed in its own transaction; only the (costly) index update is grouped.
    The caller flushes between transactions, so searches see an import's articles `every` at a time.
    """
    batch = Batch(every=every)
    token = _pending.set(batch.ids)
    try:
        yield batch
    finally:
        _pending.reset(token)
        batch.flush(force=True)


@receiver(post_save, sender=Article, dispatch_uid="archive_article_saved")
def _article_saved(sender: type[Article], instance: Article, **kwargs: object) -> None:
    announce_articles_changed(article_ids=[instance.pk])


@receiver(post_delete, sender=Article, dispatch_uid="archive_article_deleted")
def _article_deleted(sender: type[Article], instance: Article, **kwargs: object) -> None:
    announce_articles_changed(article_ids=[instance.pk])
