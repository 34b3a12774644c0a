"""How the archive tells the rest of the project that articles changed.

`archive` never imports `search`: it sends `articles_changed` with the ids of changed articles once the
transaction that changed them has committed, and whoever keeps derived data (the search index) listens.
Receivers reconcile each id against the database, so announcing an unchanged id is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Article

articles_changed = Signal()  # keyword argument: article_ids (frozenset[int])

_pending: ContextVar[set[int] | None] = ContextVar("archive_pending_announcements", default=None)


def _send(article_ids: frozenset[int]) -> None:
    articles_changed.send(sender=Article, article_ids=article_ids)


def announce_articles_changed(*, article_ids: Iterable[int]) -> None:
    """Announce `article_ids` after the current transaction commits (at once outside a transaction).

    All announcements of one transaction go out as one signal: deleting a thousand articles is one index
    update, not a thousand. Ids from a rolled-back savepoint may ride along; receivers reconcile each id
    with the database, so an extra id costs a lookup and nothing else.
    """
    ids = frozenset(int(pk) for pk in article_ids)
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _send(ids)
        return
    outbox: set[int] = connection.__dict__.setdefault("archive_outbox", set())
    outbox.update(ids)
    if not any(func is _flush for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_flush)


def _flush() -> None:
    connection = transaction.get_connection()
    ids = frozenset(connection.__dict__.pop("archive_outbox", ()))
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
