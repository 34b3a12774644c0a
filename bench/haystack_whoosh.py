"""Baseline: django-haystack with its Whoosh backend, the usual Django + Whoosh integration.

The index holds what haystack's own `update_index` writes (its schema, `full_prepare` documents, the
backend's value conversion). To keep `make bench` bounded it is written with one Whoosh writer using both
cores instead of haystack's batch-by-batch `update_document` calls; the index answers queries the same way.
Queries go through haystack's `SearchQuerySet`, as a haystack site runs them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from django.conf import settings

from archive.models import Article

from .corpus import DAYS, START
from .queries import BenchQuery


def haystack_build() -> dict:
    from haystack import connections

    path = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    backend = connections["default"].get_backend()
    backend.setup()
    index = connections["default"].get_unified_index().get_index(Article)
    writer = backend.index.writer(procs=2, limitmb=256)
    count = 0
    for article in index.index_queryset().iterator(chunk_size=500):
        document = {
            key: backend._from_python(value)
            for key, value in index.full_prepare(article).items()
            if key != "boost"
        }
        writer.add_document(**document)
        count += 1
    writer.commit()
    seconds = time.perf_counter() - started
    size = sum(file.stat().st_size for file in path.iterdir())
    return {
        "articles": count,
        "seconds": round(seconds, 1),
        "articles_per_s": round(count / seconds, 1),
        "size_mb": round(size / 2**20, 1),
    }


class HaystackEngine:
    name = "haystack_whoosh"

    def run(self, query: BenchQuery, *, mode: str) -> tuple[int, float | None]:
        from haystack.query import SearchQuerySet

        results = SearchQuerySet().models(Article).auto_query(query.text)
        if query.date_from:
            results = results.filter(published__gte=query.date_from, published__lte=query.date_to)
        if query.outlet:
            results = results.filter(outlet_exact=query.outlet)
        if mode != "plain":
            end = START + dt.timedelta(days=DAYS)
            results = (
                results.facet("outlet")
                .facet("entities")
                .date_facet("published", start_date=START, end_date=end, gap_by="month")
            )
        if mode == "facets_highlight":
            results = results.highlight()
        list(results[:10])  # runs the search: the page, its highlights and the facets
        if mode != "plain":
            results.facet_counts()
        return results.count(), None
