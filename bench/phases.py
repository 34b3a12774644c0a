"""The benchmark's phases, each run in its own process by `bench.run` so each one's peak memory is its own.

    python -m bench.phases <phase> '<json arguments>'

prints the phase's figures as one JSON line (the last line of its output).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

MODES = ("plain", "facets", "facets_highlight")
WARM_UP = 12


def peak_rss_mb() -> float:
    """This process's peak resident memory plus its largest child's (index builds fork workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _folder_mb(path: Path) -> float:
    return round(sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) / 2**20, 1)


def phase_corpus(*, n: int, seed: int) -> dict:
    """The synthetic corpus through the bulk path (entities given)."""
    from archive.ingestion.bulk import articles_bulk_load
    from bench.corpus import corpus_generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    loaded = articles_bulk_load(corpus_generate(n, seed=seed), announce=False)
    load_s = time.perf_counter() - started
    return {
        "articles": loaded,
        "seconds": round(load_s, 1),
        "articles_per_s": round(loaded / load_s, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_index() -> dict:
    """The archive's real index build over the corpus database, by the configured engine (a process of its
    own: its peak memory)."""
    from search.backend import index_rebuild

    started = time.perf_counter()
    indexed = index_rebuild(procs=2)
    index_s = time.perf_counter() - started
    return {
        "articles": indexed,
        "seconds": round(index_s, 1),
        "articles_per_s": round(indexed / index_s, 1),
        "size_mb": _index_mb(),
        "peak_rss_mb": peak_rss_mb(),
    }


WRITES, WRITES_PER_TRANSACTION = 1000, 100


def phase_writes() -> dict:
    """The index kept in step with the archive: the documents of 1,000 indexed articles written again by the
    configured engine, 100 articles a transaction (an import's batch), as imports and edits write them."""
    from django.db import transaction

    from archive.models import Article
    from search.backend import index_sync

    ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True)[:WRITES])
    started = time.perf_counter()
    for start in range(0, len(ids), WRITES_PER_TRANSACTION):
        with transaction.atomic():
            index_sync(article_ids=ids[start : start + WRITES_PER_TRANSACTION])
    seconds = time.perf_counter() - started
    per_s = round(len(ids) / seconds, 1)
    return {"articles": len(ids), "seconds": round(seconds, 1), "articles_per_s": per_s}


def _index_mb() -> float:
    """The index's size: the Whoosh folder, or the PostgreSQL engine's tables with their indexes."""
    from django.conf import settings
    from django.db import connection

    if settings.ARCHIVE_SEARCH_BACKEND == "whoosh":
        from search.engine import index_link

        return _folder_mb(Path(os.path.realpath(index_link())))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('search_document') + pg_total_relation_size('search_word')"
        )
        return round(cursor.fetchone()[0] / 2**20, 1)


def phase_fts5(*, path: str) -> dict:
    from bench.fts5 import fts5_build

    return {**fts5_build(Path(path)), "peak_rss_mb": peak_rss_mb()}


def phase_haystack() -> dict:
    from bench.haystack_whoosh import haystack_build

    return {**haystack_build(), "peak_rss_mb": peak_rss_mb()}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(run: Callable, queries: list, mode: str) -> tuple[list[float], list[float], list[int | None]]:
    times, highlights, totals = [], [], []
    for query in queries:
        started = time.perf_counter()
        total, highlight_ms = run(query, mode=mode)
        times.append((time.perf_counter() - started) * 1000)
        totals.append(total)
        if highlight_ms is not None:
            highlights.append(highlight_ms)
    return times, highlights, totals


def _summary(times: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(times, 0.5), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "queries": len(times),
    }


def engine_measure(engine, queries: list, *, modes=MODES) -> dict:
    """p50/p95 per mode after a warm-up (a server answers from warm caches), plus highlighting time and
    totals."""
    for query in queries[:WARM_UP]:
        engine.run(query, mode=modes[-1])
    figures: dict = {"times": {}, "totals": None}
    for mode in modes:
        say(f"  {engine.name}: {mode} × {len(queries)}")
        times, highlights, totals = _timed(engine.run, queries, mode)
        figures[mode] = _summary(times)
        figures["times"][mode] = times
        figures["totals"] = totals
        if highlights:
            figures["highlight"] = {
                "p50_ms": round(percentile(highlights, 0.5), 3),
                "p95_ms": round(percentile(highlights, 0.95), 3),
            }
    return figures


ENGINES = ("archive", "django_stack", "sqlite_fts5", "haystack_whoosh")


def phase_search(
    *,
    per_kind: int,
    seed: int,
    fts5: str,
    haystack_sample: int,
    engines: tuple[str, ...] | list[str] = ENGINES,
) -> dict:
    from bench.archive_engine import ArchiveEngine, DjangoStackEngine
    from bench.fts5 import Fts5Engine
    from bench.haystack_whoosh import HaystackEngine
    from bench.queries import queries_build

    queries = queries_build(per_kind=per_kind, seed=seed)
    step = max(1, len(queries) // haystack_sample)
    sample = list(range(0, len(queries), step))[:haystack_sample]
    measures = {
        "archive": lambda: engine_measure(ArchiveEngine(), queries),
        "django_stack": lambda: engine_measure(DjangoStackEngine(), queries, modes=("facets_highlight",)),
        "sqlite_fts5": lambda: engine_measure(Fts5Engine(Path(fts5)), queries),
        "haystack_whoosh": lambda: engine_measure(HaystackEngine(), [queries[index] for index in sample]),
    }
    results = {name: measures[name]() for name in ENGINES if name in engines}
    results["haystack_sample"] = sample
    results["kinds"] = [query.kind for query in queries]
    return results


def phase_import(*, limit: int, linking: bool = True, bare: bool = True) -> dict:
    """2,000 real BBC articles through the whole import (with or without near-copies, stories and quotes),
    then bare spaCy over the bodies it extracted from."""
    from django.conf import settings

    from archive.ingestion.importer import articles_import
    from archive.models import Article
    from bench.corpus import BBC
    from bench.entities import bare_pipe_rate

    settings.ARCHIVE_LINKING = linking
    call_command("migrate", verbosity=0)
    files = sorted(BBC.glob("*/*.txt"))[:limit]
    started = time.perf_counter()
    report = articles_import(files)
    seconds = time.perf_counter() - started
    import_rss = peak_rss_mb()
    rate = report.created / seconds
    figures = {
        "articles": report.created,
        "seconds": round(seconds, 1),
        "articles_per_s": round(rate, 1),
        "peak_rss_mb": import_rss,
    }
    say(
        f"  imported {report.created} articles in {seconds:.0f} s ({'with' if linking else 'without'} "
        "copies, stories and quotes)"
    )
    if bare:
        say("  now bare nlp.pipe over the same texts")
        ner_only = bare_pipe_rate(list(Article.objects.order_by("pk").values_list("body", flat=True)))
        figures |= {
            "ner_only_articles_per_s": round(ner_only, 1),
            "ratio_vs_ner_only": round(rate / ner_only, 2),
        }
    return figures


def phase_cold(*, seed: int) -> dict:
    """A search on a new thread, after an index change, and on a new connection to runserver and gunicorn,
    against the same searches warm. The index changes re-index unchanged articles, so the cached corpus's
    results stay the same."""
    from bench.cold import cold_measure
    from bench.queries import queries_build

    return cold_measure([query.text for query in queries_build(per_kind=2, seed=seed)])


PHASES = {
    "corpus": phase_corpus,
    "index": phase_index,
    "writes": phase_writes,
    "fts5": phase_fts5,
    "haystack": phase_haystack,
    "search": phase_search,
    "import": phase_import,
    "cold": phase_cold,
}

if __name__ == "__main__":
    name, arguments = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    print(json.dumps(PHASES[name](**arguments)))
