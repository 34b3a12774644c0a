"""The one module that opens the Whoosh index: schema, documents, searchers, writers, rebuilds.

The live index is a symlink (`<data dir>/index`) to a generation folder, so `rebuild_index` builds a fresh
generation beside it and swaps the link atomically while searches keep answering. Searchers are kept per
thread and refreshed after commits (opening one per request is the classic Whoosh slowdown). All writes go
through `writer_open`, which serialises writers in this process and waits for Whoosh's lock across
processes instead of failing, so no update is dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from archive.models import Article, Mention

from .analysis import ANALYZER
from .segments import segments_add, segments_build_parallel, segments_commit

log = logging.getLogger(__name__)

NO_OUTLET = "_none"
EPOCH = dt.date(1970, 1, 1)
NO_DAY = -1  # the `day` of an undated article
WRITE_TIMEOUT_S = 120.0
SYNC_BATCH = 500


def schema_build() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=ANALYZER, field_boost=2.0, phrase=True),
        body=TEXT(analyzer=ANALYZER, phrase=True),
        byline=TEXT(analyzer=ANALYZER),
        outlet=KEYWORD(lowercase=True, sortable=True),
        entity=KEYWORD(lowercase=True, scorable=False),
        entity_type=KEYWORD(lowercase=True, scorable=False),
        published=DATETIME(sortable=True),
        day=NUMERIC(int, bits=32, signed=True, sortable=True),
        undated=NUMERIC(int, bits=8, sortable=True),
        status=ID,
        updated=STORED,
        copy_group=ID(sortable=True),  # "g<id>" for near-copies; absent for an article with none
    )


SCHEMA = schema_build()


def article_document(article: Article) -> dict:
    """The index document of an article: ids and slugs for filters and facets, text for matching.

    Expects `article.outlet` and `article.mentions` (with entities) to be loaded.
    """
    mentions = [mention.entity for mention in article.mentions.all()]
    return document_build(
        pk=article.pk, title=article.title, body=article.body, byline=article.byline,
        outlet=article.outlet.slug if article.outlet else None, entities=[(entity.slug, entity.type) for entity in mentions],
        published=article.published, status=article.status, updated_at=article.updated_at, copy_group_id=article.copy_group_id,
    )


def document_build(
    *, pk: int, title: str, body: str, byline: str, outlet: str | None, entities: list[tuple[str, str]], published: dt.date | None,
    status: str, updated_at: dt.datetime, copy_group_id: int | None,
) -> dict:
    """The one mapping from an article's values to its index document (`article_document` for a loaded
    article, `documents_all` for the rebuild's rows)."""
    document = {
        "id": str(pk),
        "title": title,
        "body": body,
        "byline": byline,
        "outlet": outlet or NO_OUTLET,
        "entity": " ".join(slug for slug, _ in entities),
        "entity_type": " ".join(sorted({kind for _, kind in entities})),
        "day": (published - EPOCH).days if published else NO_DAY,
        "status": status,
        "updated": updated_at.isoformat(),
        "undated": 0 if published else 1,
    }
    if published:
        document["published"] = dt.datetime.combine(published, dt.time.min)
    if copy_group_id:
        document["copy_group"] = f"g{copy_group_id}"
    return document


def articles_for_index(ids: Iterable[int] | None = None):
    queryset = Article.objects.published().select_related("outlet").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
    )
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


ROW_FIELDS = ("pk", "title", "body", "byline", "outlet__slug", "published", "status", "updated_at", "copy_group_id")


def documents_all(*, batch: int = 2000) -> Iterator[dict]:
    """Every published article's index document, read as rows a batch of ids at a time (no model objects:
    a rebuild reads every article and its mentions once)."""
    ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        low, high = ids[start], ids[min(start + batch, len(ids)) - 1]
        entities: dict[int, list[tuple[str, str]]] = {}
        mentions = Mention.objects.filter(article_id__gte=low, article_id__lte=high).order_by("article_id", "pk")
        for article_id, slug, kind in mentions.values_list("article_id", "entity__slug", "entity__type").iterator(chunk_size=20_000):
            entities.setdefault(article_id, []).append((slug, kind))
        rows = Article.objects.published().filter(pk__gte=low, pk__lte=high).order_by("pk").values_list(*ROW_FIELDS)
        for pk, title, body, byline, outlet, published, status, updated_at, copy_group_id in rows.iterator(chunk_size=batch):
            yield document_build(
                pk=pk, title=title, body=body, byline=byline, outlet=outlet, entities=entities.get(pk, []), published=published,
                status=status, updated_at=updated_at, copy_group_id=copy_group_id,
            )


# -- where the index lives -------------------------------------------------------------------------------

def index_link() -> Path:
    return Path(settings.ARCHIVE_INDEX_DIR)


def _generation_new() -> Path:
    link = index_link()
    path = link.parent / f"{link.name}-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
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
    ix = whoosh_index.open_dir(str(index_link()))
    if set(ix.schema.names()) != set(SCHEMA.names()):
        raise whoosh_index.IndexError("the index was built by an older version of the archive (its fields differ); rebuild it")
    if any(ix.schema[name].analyzer != SCHEMA[name].analyzer for name in SCHEMA.names() if SCHEMA[name].analyzer is not None):
        raise whoosh_index.IndexError("the index was built with an older text analyzer; rebuild it")
    return ix


# -- reading ---------------------------------------------------------------------------------------------

_local = threading.local()


class IndexUnavailable(RuntimeError):
    """The index cannot be opened or read (damaged files); `check_index` says how to repair it."""


@contextmanager
def searcher_open() -> Iterator[Searcher]:
    """A searcher on the latest committed index, reused between requests of this thread."""
    try:
        searcher = _searcher_current()
    except (OSError, ValueError, EOFError, whoosh_index.IndexError) as error:
        _local.searcher = None
        raise IndexUnavailable(str(error)) from error
    yield searcher


def _searcher_current() -> Searcher:
    location = os.path.realpath(index_link()) if index_link().exists() else ""
    searcher: Searcher | None = getattr(_local, "searcher", None)
    if searcher is None or getattr(_local, "location", None) != location or location == "":
        if searcher is not None:
            searcher.close()
        searcher = index_open().searcher()
        _local.location = os.path.realpath(index_link())
    elif not searcher.up_to_date():
        # Not `searcher.refresh()`: in whoosh-reloaded 2.7.5 it reuses segment readers with their old
        # deletion sets (an updated document shows twice) and fails on an empty index. A new searcher
        # costs a few milliseconds with non-compound segments.
        searcher.close()
        searcher = index_open().searcher()
    _local.searcher = searcher
    return searcher


def searcher_forget() -> None:
    """Drop this thread's cached searcher (tests point each test at its own index)."""
    _local.searcher = None
    _local.location = None


# -- writing ---------------------------------------------------------------------------------------------

_write_lock = threading.Lock()


@contextmanager
def writer_open(ix: whoosh_index.Index | None = None, **options) -> Iterator[IndexWriter]:
    """The single way to write: one writer at a time; others wait rather than fail."""
    with _write_lock:
        writer = (ix or index_open()).writer(timeout=WRITE_TIMEOUT_S, delay=0.05, **options)
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


def index_rebuild(*, procs: int = 1) -> int:
    """Build a fresh index from the database beside the live one and swap it in; returns the count.

    The segments are written by `search.segments` (`procs` processes, fed from this one) and listed in the
    new generation's first TOC by Whoosh's own writer.
    """
    index_link().parent.mkdir(parents=True, exist_ok=True)
    target = _generation_new()
    ix = whoosh_index.open_dir(str(target))
    with writer_open(ix) as writer:
        segments = segments_build_parallel(ix.storage, SCHEMA, ix.indexname, documents_all(), procs=procs)
        segments_commit(writer, segments)
    count = sum(segment.doc_count_all() for segment in segments)
    previous = os.path.realpath(index_link()) if index_link().is_symlink() else None
    if index_link().exists() and not index_link().is_symlink():
        shutil.rmtree(index_link())
    _link_to(target)
    _generations_prune(keep={target, Path(previous)} if previous else {target})
    return count


def _generations_prune(*, keep: set[Path]) -> None:
    """Remove old generations, keeping the previous one for searchers still reading it."""
    link = index_link()
    for path in link.parent.glob(f"{link.name}-*"):
        if path.resolve() not in {p.resolve() for p in keep}:
            shutil.rmtree(path, ignore_errors=True)


def index_document_count() -> int:
    with searcher_open() as searcher:
        return searcher.doc_count()
