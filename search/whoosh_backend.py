"""The embedded engine: the Whoosh index on this host's disk (`search.engine` opens and writes it), matched
over arrays (`search.docsets`), its facet columns read once per segment (`search.facets`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .backend import IndexUnavailable
from .docsets import query_docs, query_scored, words_expanded
from .engine import index_exists, index_link, index_rebuild, index_sync, searcher_open
from .facets import facet_columns

log = logging.getLogger(__name__)


class WhooshSnapshot:
    """One searcher: the index as of its last commit."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.columns = facet_columns(searcher)

    def expanded(self, query: wq.Query) -> wq.Query:
        return words_expanded(self.searcher, query)

    def docs(self, query: wq.Query, *, within: np.ndarray | None = None) -> np.ndarray:
        return query_docs(self.searcher, query, within=within)

    def scored(self, query: wq.Query, *, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return query_scored(self.searcher, query, within=within)

    def stamps(self) -> list[tuple[int, str | None]]:
        return [(int(fields["id"]), fields.get("updated")) for fields in self.searcher.all_stored_fields()]

    def count(self) -> int:
        return self.searcher.doc_count()


class WhooshBackend:
    writes_in_transaction = False  # one writer at a time, on files: after the commit

    @contextmanager
    def snapshot(self) -> Iterator[WhooshSnapshot]:
        with searcher_open() as searcher:
            yield WhooshSnapshot(searcher)

    def exists(self) -> bool:
        return index_exists()

    def location(self) -> str:
        return str(index_link())

    def sync(self, *, article_ids: Iterable[int]) -> int:
        return index_sync(article_ids=article_ids)

    def rebuild(self, *, procs: int = 1, progress: Callable[[int, int], None] | None = None) -> int:
        return index_rebuild(procs=procs, progress=progress)

    def columns_warm(self) -> None:
        with self.snapshot():
            pass

    def warm(self) -> None:
        """Open the searcher and build its facet columns before the first request."""
        try:
            self.columns_warm()
        except IndexUnavailable as error:
            log.warning(
                "The search index could not be opened at start-up (%s); run `manage.py check_index`", error
            )


BACKEND = WhooshBackend()
