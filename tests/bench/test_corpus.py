"""The benchmark's code keeps working on a tiny N (no timings here)."""

from __future__ import annotations

from collections import Counter

from archive.ingestion.bulk import articles_bulk_load
from archive.models import Article, Entity
from bench.corpus import corpus_generate
from search.backend import index_rebuild
from search.searching import SearchParams, search_run


def test_corpus_is_seeded_and_shaped():
    first, again = list(corpus_generate(300)), list(corpus_generate(300))
    assert first == again
    assert first != list(corpus_generate(300, seed=7))
    counts = [count for _, count in Counter(article.outlet for article in first).most_common()]
    assert counts[0] >= 5 * counts[-1]  # Zipf-like: a few big outlets, a long tail
    assert all(5 <= len(article.entities) <= 30 for article in first)
    assert len({article.published for article in first}) > 200


def test_corpus_loads_through_the_real_models_and_index(db):
    articles_bulk_load(corpus_generate(200), announce=False)
    assert index_rebuild() == 200 == Article.objects.count()
    assert Entity.objects.count() > 100
    outcome = search_run(SearchParams(q="government"))
    assert outcome.total > 0
    assert sum(value.count for value in outcome.facets["outlet"]) == outcome.total
    assert outcome.date_bucket == "month"
