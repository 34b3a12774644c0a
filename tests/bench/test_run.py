"""`make bench` end to end on a tiny N: every phase runs, the results file has the promised shape, and the
engines answer the same queries (no timing assertions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.queries import KINDS, STOPWORDS, queries_build
from bench.run import exponent, results_build

ROOT = Path(__file__).resolve().parents[2]


def test_query_set_mixes_every_kind_and_is_seeded():
    queries = queries_build(per_kind=35)
    assert len(queries) == 245
    assert {query.kind for query in queries} == set(KINDS)
    assert queries == queries_build(per_kind=35)
    assert all(query.date_from < query.date_to for query in queries if query.kind == "date_range")
    assert all(query.outlet for query in queries if query.kind == "outlet")
    assert all(query.phrase and len(query.words) == 2 for query in queries if query.kind == "phrase")
    common_phrases = [query.words for query in queries if query.kind == "common_phrase"]
    assert ("the", "prime", "minister") in common_phrases and ("one", "of", "the") in common_phrases
    assert len(set(common_phrases)) == 35 and all(
        len(words) == 3 and STOPWORDS & set(words) for words in common_phrases
    )


def test_query_set_is_the_same_in_every_process():
    """Each engine is timed in a process of its own: the queries must not follow the string hash seed."""
    script = "import django; django.setup(); from bench.queries import queries_build; print(queries_build())"
    drawn = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(drawn) == 1 and "BenchQuery" in drawn.pop()


def test_bench_runs_on_a_tiny_corpus_and_writes_every_figure(tmp_path):
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--n",
        "300",
        "--growth-from",
        "150",
        "--per-kind",
        "2",
        "--haystack-sample",
        "3",
        "--import-articles",
        "6",
        "--out",
        str(tmp_path),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["n"] == 300
    assert set(results["index"]) >= {"articles_per_s", "size_mb", "peak_rss_mb"}
    for figures in (
        results["search"],
        results["baselines"]["sqlite_fts5"],
        results["baselines"]["haystack_whoosh"],
    ):
        assert all(
            figures[mode]["p50_ms"] > 0 and figures[mode]["p95_ms"] >= figures[mode]["p50_ms"]
            for mode in ("plain", "facets", "facets_highlight")
        )
    assert all(value is not None and value > 0 for value in results["ratios"].values())
    assert len(results["ratios"]) == 11
    assert set(results["import"]) >= {
        "articles_per_s",
        "ner_only_articles_per_s",
        "ratio_vs_ner_only",
        "peak_rss_mb",
        "without_linking_articles_per_s",
        "linking_cost_ratio",
    }
    assert results["import"]["articles"] == 6
    # The engines answer the same questions: the archive's totals match FTS5's closely (stemmers differ a
    # little).
    assert 0.8 <= results["totals_median_ratio_vs_sqlite_fts5"] <= 1.25
    assert "ratios (ours / baseline" in done.stdout
    if "postgres" in results:  # `make test-postgres`: the engine in the database too, writes included
        writes = results["postgres"]["writes"]
        assert writes["articles"] == results["postgres"]["index"]["articles"] and writes["articles_per_s"] > 0
    growth = results["growth"]
    assert (growth["from_n"], growth["to_n"]) == (150, 300)
    assert (
        set(growth["by_kind"])
        == set(KINDS)
        == set(results["by_kind"])
        == set(results["kind_p50_ratios_vs_sqlite_fts5"])
    )
    for engines in growth["by_kind"].values():
        for modes in engines.values():
            assert all(
                modes[mode]["small"]["p50_ms"] > 0 and modes[mode]["p50_exponent"] is not None
                for mode in modes
            )

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert (
        "corpus: cached" in again.stdout and "haystack: cached" in again.stdout
    )  # reruns reuse the built indexes


def test_ratios_are_ours_over_the_baselines():
    def mode(p50: float, p95: float) -> dict:
        return {"p50_ms": p50, "p95_ms": p95}

    def engine(p50: float, p95: float, highlight: float | None = None) -> dict:
        figures = {name: mode(p50, p95) for name in ("plain", "facets", "facets_highlight")}
        figures["times"] = {name: [p50, p50, p95] for name in ("plain", "facets", "facets_highlight")}
        figures["totals"] = [10, 20, 30]
        if highlight is not None:
            figures["highlight"] = mode(highlight, highlight)
        return figures

    search = {
        "archive": engine(10, 40, highlight=2),
        "sqlite_fts5": engine(5, 10, highlight=1),
        "haystack_whoosh": engine(1000, 2000),
        "django_stack": {"facets_highlight": mode(12, 60)},
        "haystack_sample": [0, 1, 2],
        "kinds": ["common", "rare", "phrase"],
    }
    results = results_build(n=3, corpus={}, index={}, fts5={}, haystack={}, search=search, imported={})
    assert results["ratios"]["plain_p50_vs_sqlite_fts5"] == 2.0
    assert results["ratios"]["facets_p95_vs_sqlite_fts5"] == 4.0
    assert results["ratios"]["facets_highlight_p50_vs_haystack_whoosh"] == 0.01
    assert results["ratios"]["highlight_cost_p50_vs_sqlite_fts5"] == 2.0
    assert results["ratios"]["django_stack_p95_vs_engine"] == 1.5
    assert (
        results["kind_p50_ratios_vs_sqlite_fts5"]["rare"]["plain"] == 2.0
    )  # one query per kind: 10 ms over 5 ms
    assert results["by_kind"]["phrase"]["archive"]["plain"] == {"p50_ms": 40, "p95_ms": 40}
    del search["haystack_whoosh"]  # `--no-haystack` (make bench-large)
    results = results_build(n=3, corpus={}, index={}, fts5={}, haystack=None, search=search, imported={})
    assert "haystack_whoosh" not in results["baselines"] and len(results["ratios"]) == 8


def test_growth_exponent_is_the_power_of_n():
    assert (
        exponent(10, 50, n_small=20_000, n_large=100_000) == 1.0
    )  # five times the articles, five times the time
    assert exponent(10, 10, n_small=20_000, n_large=100_000) == 0.0
    assert (
        exponent(4, 8, n_small=100_000, n_large=400_000) == 0.5
    )  # twice the time for four times the articles
