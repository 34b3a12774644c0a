"""The search-backend seam: what every search-like page, export, command and check asks of an engine.

`ARCHIVE_SEARCH_BACKEND` picks the engine: `whoosh` (the embedded index on this host's disk,
`search.whoosh_backend` over `search.engine`) or `postgres` (documents kept in the archive's PostgreSQL
database, `search.postgres`, which any number of application hosts share). Both answer the same questions
in the same terms — a snapshot whose document numbers index one set of facet columns — so matching,
facets, collapse, ordering, highlighting and exports above this seam are one code path for both. Another
engine (OpenSearch, for the very largest archives) would be a third module with a `BACKEND` of this shape.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

if TYPE_CHECKING:
    import numpy as np
    from whoosh import query as wq

    from .facets import FacetColumns

MODULES = {"whoosh": "search.whoosh_backend", "postgres": "search.postgres"}


class Snapshot(Protocol):
    """One consistent view of the indexed documents: every answer's document numbers index `columns`."""

    columns: FacetColumns

    def expanded(self, query: wq.Query) -> wq.Query:
        """The query with prefixes, wildcards, fuzzy terms and word ranges replaced by the index words they
        stand for (`QueryTooBroad` past the cap)."""

    def docs(self, query: wq.Query, *, within: np.ndarray | None = None) -> np.ndarray:
        """The sorted document numbers matching an expanded query (among `within`, sorted, when given)."""

    def scored(self, query: wq.Query, *, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sorted document numbers among `within` matching an expanded query, and their scores."""

    def stamps(self) -> list[tuple[int, str | None]]:
        """Every indexed article's id and the update time its document was made from."""

    def count(self) -> int:
        """How many documents the snapshot holds."""


class Backend(Protocol):
    # True: `sync` runs in the transaction that changed the articles (`articles_changing`), so the index
    # never lags the database; False: after it commits (`articles_changed`).
    writes_in_transaction: bool

    def snapshot(self) -> AbstractContextManager[Snapshot]: ...

    def exists(self) -> bool:
        """Whether the engine's storage is there (a new archive has none until its first write)."""

    def location(self) -> str:
        """Where the documents live, for messages and per-index caches."""

    def sync(self, *, article_ids: Iterable[int]) -> int:
        """Bring these articles' documents in step with the database; how many changed."""

    def rebuild(self, *, procs: int = 1, progress: Callable[[int, int], None] | None = None) -> int:
        """Every published article's document made afresh; how many there are."""

    def columns_warm(self) -> None:
        """Build the facet columns of the current documents, if this process has not yet."""

    def warm(self) -> None:
        """Open what searches need before the first request."""


class IndexUnavailable(RuntimeError):
    """The index cannot be opened or read (damaged files, built by an older version, its tables missing);
    `check_index` says how to repair it."""

    def __init__(self, message: str, *, outdated: bool = False) -> None:
        super().__init__(message)
        self.outdated = outdated


def backend() -> Backend:
    """The configured engine (read per call: tests switch it with `override_settings`)."""
    return importlib.import_module(MODULES[settings.ARCHIVE_SEARCH_BACKEND]).BACKEND


def index_sync(*, article_ids: Iterable[int]) -> int:
    return backend().sync(article_ids=article_ids)


def index_rebuild(*, procs: int = 1, progress: Callable[[int, int], None] | None = None) -> int:
    return backend().rebuild(procs=procs, progress=progress)


def index_document_count() -> int:
    with backend().snapshot() as snapshot:
        return snapshot.count()
