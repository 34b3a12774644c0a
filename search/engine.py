"""The one module that opens the Whoosh index: schema, documents, searchers, writers, rebuilds.

The live index is a symlink (`<data dir>/index`) to a generation folder, so `rebuild_index` builds a fresh
generation beside it and swaps the link atomically while searches keep answering. One searcher per index
version serves every thread of a process (opening one per request, or per thread, is the classic Whoosh
slowdown: servers start new threads all the time): its files are read through memory maps with a read
position per thread, so concurrent readers never move each other's file position. All writes go through
`writer_open`, which serialises writers in this process and waits for Whoosh's lock across processes
instead of failing, so no update is dropped; segments are written as separate files (not compound), which
makes opening a searcher cheap and lets it share the files.
"""

from __future__ import annotations

import datetime as dt
import logging
import mmap
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from archive.models import Article, Mention

from .analysis import ANALYZER, ANALYZER_VERSION
from .backend import IndexUnavailable
from .fields import INDEXED
from .segments import segments_add, segments_build_parallel, segments_commit

log = logging.getLogger(__name__)

EPOCH = dt.date(1970, 1, 1)
NO_DAY = -1  # the `day` of an undated article
WRITE_TIMEOUT_S = 120.0
SYNC_BATCH = 500


def schema_build() -> Schema:
    """The index's fields: text for matching, one keyword field per facet of the facet table, and what
    sorting, dates, collapsing and reconciling need."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=ANALYZER, field_boost=2.0, phrase=True),
        body=TEXT(analyzer=ANALYZER, phrase=True),
        byline=TEXT(analyzer=ANALYZER),
        published=DATETIME(sortable=True),
        day=NUMERIC(int, bits=32, signed=True, sortable=True),
        undated=NUMERIC(int, bits=8, sortable=True),
        updated=STORED,
        copy_group=ID(sortable=True),  # "g<id>" for near-copies; absent for an article with none
        **{facet.field: KEYWORD(lowercase=True, scorable=False) for facet in INDEXED},
    )


SCHEMA = schema_build()


def article_document(article: Article) -> dict:
    """The index document of an article: ids and slugs for filters and facets, text for matching.

    Expects an article of `articles_for_index` (its outlet and `index_entities` loaded).
    """
    document = {
        "id": str(article.pk),
        "title": article.title,
        "body": article.body,
        "byline": article.byline,
        "day": (article.published - EPOCH).days if article.published else NO_DAY,
        "updated": article.updated_at.isoformat(),
        "undated": 0 if article.published else 1,
        **{facet.field: " ".join(facet.values(article)) for facet in INDEXED},
    }
    if article.published:
        document["published"] = dt.datetime.combine(article.published, dt.time.min)
    if article.copy_group_id:
        document["copy_group"] = f"g{article.copy_group_id}"
    return document


def articles_for_index(ids: Iterable[int] | None = None) -> Iterator[Article]:
    """The published ones of these articles in their order (or all, in the archive's order), with their
    outlet, as `article_document` reads them: each with `index_entities`, its mentions' (entity slug, entity
    type) read as plain rows, a batch at a time. Mention and entity model instances (18 of each an article)
    were a quarter of a rebuild worker's time. An article is read before its mentions, so a document made
    during a change carries the older update time and the next sync makes it again."""
    published = Article.objects.published()
    ids = list(dict.fromkeys(published.values_list("pk", flat=True) if ids is None else ids))
    for start in range(0, len(ids), SYNC_BATCH):
        batch = ids[start : start + SYNC_BATCH]
        articles = {
            article.pk: article
            for article in published.filter(pk__in=batch).select_related("outlet").without_raw()
        }
        entities: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
        for article_id, slug, kind in (
            Mention.objects.filter(article_id__in=list(articles))
            .order_by()
            .values_list("article_id", "entity__slug", "entity__type")
        ):
            entities[article_id].append((slug, kind))
        for pk in batch:
            if pk in articles:
                articles[pk].index_entities = entities[pk]
                yield articles[pk]


# -- where the index lives -------------------------------------------------------------------------------


def index_link() -> Path:
    return Path(settings.ARCHIVE_INDEX_DIR)


def _generation_new() -> Path:
    link = index_link()
    path = (
        link.parent
        / f"{link.name}-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    )
    path.mkdir(parents=True)
    whoosh_index.create_in(str(path), SCHEMA)
    return path


def _link_to(target: Path) -> None:
    """Point the live link at `target` atomically (rename over the old link)."""
    link = index_link()
    temporary = link.parent / f".{link.name}.swap-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target.name)
    os.replace(temporary, link)


def index_exists() -> bool:
    """Whether index files are there (readable or not: a damaged index is reported, never replaced)."""
    link = index_link()
    return link.is_dir() and any(link.glob("_MAIN_*.toc"))


class _SharedReadFile:
    """A read-only file over a memory map, with a read position of its own for every thread, so one
    searcher can serve concurrent requests (Whoosh's own files seek and read a shared position)."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._local = threading.local()

    def _position(self) -> int:
        return getattr(self._local, "position", 0)

    def read(self, size: int = -1) -> bytes:
        start = self._position()
        end = len(self._map) if size is None or size < 0 else start + size
        data = self._map[start:end]
        self._local.position = start + len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        start = self._position()
        end = self._map.find(b"\n", start) + 1 or len(self._map)
        return self.read(end - start if size is None or size < 0 else min(size, end - start))

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position(), 2: len(self._map)}[whence]
        self._local.position = base + offset
        return self._local.position

    def tell(self) -> int:
        return self._position()

    def close(self) -> None:
        """Left to the garbage collector: another thread may still be reading a replaced searcher."""


class _SharedStorage(FileStorage):
    def open_file(self, name: str, **kwargs) -> StructFile:
        return StructFile(_SharedReadFile(self._fpath(name)), name=name, **kwargs)


class IndexOutdated(whoosh_index.IndexError):
    """An index this version of the archive cannot use as it is: it must be rebuilt."""


_create_lock = threading.Lock()


def index_open() -> whoosh_index.Index:
    """The live index, created empty on first use."""
    if not index_exists():
        with _create_lock:
            if not index_exists():
                index_link().parent.mkdir(parents=True, exist_ok=True)
                if index_link().exists() and not index_link().is_symlink():
                    shutil.rmtree(index_link())
                _link_to(_generation_new())
    for attempt in range(10):
        try:  # a writer in another process may delete the table of contents just read: read the new one
            ix = _SharedStorage(str(index_link())).open_index()
            schema = ix.schema
            break
        except FileNotFoundError:
            if attempt == 9:
                raise
            time.sleep(0.05)
    if set(schema.names()) != set(SCHEMA.names()):
        raise IndexOutdated("it was built by an older version of the archive (its fields differ)")
    if any(
        schema[name].analyzer != SCHEMA[name].analyzer
        for name in SCHEMA.names()
        if SCHEMA[name].analyzer is not None
    ):
        raise IndexOutdated(
            f"it was built with an older text analyzer (this archive's is version {ANALYZER_VERSION}: every "
            "word searchable)"
        )
    return ix


# -- reading ---------------------------------------------------------------------------------------------


_shared: dict[str, Searcher] = {}  # index location -> its current searcher, for every thread
_shared_lock = threading.Lock()


@contextmanager
def searcher_open() -> Iterator[Searcher]:
    """A searcher on the latest committed index, shared by every thread of the process."""
    try:
        searcher = _searcher_current()
    except (OSError, ValueError, EOFError, whoosh_index.IndexError) as error:
        searcher_forget()
        raise IndexUnavailable(str(error), outdated=isinstance(error, IndexOutdated)) from error
    yield searcher


def _searcher_current() -> Searcher:
    location = os.path.realpath(index_link()) if index_link().exists() else ""
    searcher = _shared.get(location)
    if searcher is not None and location and searcher.up_to_date():
        return searcher
    with _shared_lock:  # one thread opens the new version; the others wait for it rather than open their own
        searcher = _shared.get(location)
        if searcher is None or not location or not searcher.up_to_date():
            # A new searcher rather than `searcher.refresh()`: in whoosh-reloaded 2.7.5 refresh reuses segment
            # readers with their old deletion sets (an updated document shows twice). The old one is not
            # closed: requests still reading it finish, then it is collected.
            searcher = index_open().searcher()
            _shared.clear()
            _shared[os.path.realpath(index_link())] = searcher
        return searcher


def searcher_forget() -> None:
    """Drop the cached searcher (tests point each test at its own index)."""
    with _shared_lock:
        _shared.clear()


# -- writing ---------------------------------------------------------------------------------------------

_write_lock = threading.Lock()


@contextmanager
def writer_open(ix: whoosh_index.Index | None = None, **options) -> Iterator[IndexWriter]:
    """The single way to write: one writer at a time; others wait rather than fail."""
    with _write_lock:
        writer = (ix or index_open()).writer(timeout=WRITE_TIMEOUT_S, delay=0.05, compound=False, **options)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


def index_sync(*, article_ids: Iterable[int]) -> int:
    """Bring the index in step with the database for these articles; returns how many documents changed.

    Published articles are added or replaced when their update time differs from the indexed one; hidden or
    deleted ones are removed. Announcing an article that is already in step costs a lookup, not a write.
    The added documents are written as a segment by `search.segments`; Whoosh's writer deletes the old
    versions and, as after any commit, merges small segments.
    """
    ids = sorted({int(pk) for pk in article_ids})
    if not ids:
        return 0
    changed = 0
    for start in range(0, len(ids), SYNC_BATCH):
        batch = ids[start : start + SYNC_BATCH]
        with searcher_open() as searcher:
            indexed = {pk: (searcher.document(id=str(pk)) or {}).get("updated") for pk in batch}
        articles = {article.pk: article for article in articles_for_index(batch)}
        stale = [a for pk, a in articles.items() if indexed.get(pk) != a.updated_at.isoformat()]
        gone = [pk for pk in batch if pk not in articles and indexed.get(pk) is not None]
        if not stale and not gone:
            continue
        with writer_open() as writer:
            for pk in [article.pk for article in stale if indexed.get(article.pk) is not None] + gone:
                writer.delete_by_term("id", str(pk))  # what update_document does first
            segments_add(writer, [article_document(article) for article in stale])
        changed += len(stale) + len(gone)
    return changed


def index_rebuild(*, procs: int = 1, progress: Callable[[int, int], None] | None = None) -> int:
    """Build a fresh index from the database beside the live one and swap it in; returns the count.

    The segments are written by `search.segments` (`procs` processes, fed from this one) and listed in the
    new generation's first TOC by Whoosh's own writer.
    """
    index_link().parent.mkdir(parents=True, exist_ok=True)
    target = _generation_new()
    ix = whoosh_index.open_dir(str(target))
    total = Article.objects.published().count()
    with writer_open(ix) as writer:
        documents = _documents_counted(total, progress)
        segments = segments_build_parallel(ix.storage, SCHEMA, ix.indexname, documents, procs=procs)
        segments_commit(writer, segments)
    count = sum(segment.doc_count_all() for segment in segments)
    previous = os.path.realpath(index_link()) if index_link().is_symlink() else None
    if index_link().exists() and not index_link().is_symlink():
        shutil.rmtree(index_link())
    _link_to(target)
    _generations_prune(keep={target, Path(previous)} if previous else {target})
    return count


def _documents_counted(total: int, progress: Callable[[int, int], None] | None) -> Iterator[dict]:
    """Every published article's index document, reported to `progress` as it is read."""
    for count, article in enumerate(articles_for_index(), start=1):
        yield article_document(article)
        if progress:
            progress(count, total)


def _generations_prune(*, keep: set[Path]) -> None:
    """Remove old generations, keeping the previous one for searchers still reading it."""
    link = index_link()
    for path in link.parent.glob(f"{link.name}-*"):
        if path.resolve() not in {p.resolve() for p in keep}:
            shutil.rmtree(path, ignore_errors=True)
