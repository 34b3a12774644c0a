"""`make bench`: the archive against SQLite FTS5 and django-haystack + Whoosh on one synthetic corpus.

    python -m bench.run [--n 100000] [--growth-from 20000] [--seed 20221230] [--out var/bench] [--fresh]

Each phase runs in its own process (`bench.phases`). The corpus database, the archive's index and the
baselines' indexes are cached under `--out`, keyed by N, seed and the code that builds them, so a rerun
only searches and imports; `--fresh` rebuilds everything. The archive and FTS5 also answer the same queries
on a smaller corpus (`--growth-from`), so each kind's growth with N is measured beside FTS5's. Writes
`<out>/results.json` and prints a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit, urlunsplit

from bench import child_environment
from bench.research import ROW_LIMIT
from bench.research import measure_child as research_measure

ROOT = Path(__file__).resolve().parent.parent
MODES = ("plain", "facets", "facets_highlight")
BUILDERS = {  # what each cached build depends on
    "corpus": ["bench/corpus.py", "archive/ingestion/bulk.py", "archive/models.py"],
    "index": ["search/engine.py", "search/analysis.py", "search/segments.py", "search/phrases.py"],
    "fts5": ["bench/fts5.py"],
    "haystack": ["bench/haystack_whoosh.py", "bench/search_indexes.py", "requirements-bench.txt"],
}


def code_key(name: str) -> str:
    digest = hashlib.sha256()
    for path in BUILDERS[name] + (BUILDERS["corpus"] if name != "corpus" else []):
        digest.update((ROOT / path).read_bytes())
    return digest.hexdigest()[:12]


def phase(name: str, data_dir: Path, *, postgres: str | None = None, **arguments) -> dict:
    """Run one phase in a child process with the archive's data in `data_dir` (and its database in
    `postgres`, with the PostgreSQL engine); its JSON figures."""
    environment = child_environment(data_dir, postgres=postgres)
    started = time.perf_counter()
    print(f"- {name}", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.phases", name, json.dumps(arguments)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench: the {name} phase failed (exit {done.returncode}); its messages are above")
    print(f"  {name} took {time.perf_counter() - started:.0f} s", flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def cached(name: str, marker: Path, build) -> dict:
    """The figures of a build made earlier by the same code, or a new build's."""
    key = code_key(name)
    if marker.exists():
        saved = json.loads(marker.read_text())
        if saved.get("key") == key:
            print(f"- {name}: cached ({marker.parent.name})", flush=True)
            return {**saved["figures"], "cached": True}
    figures = build()
    marker.write_text(json.dumps({"key": key, "figures": figures}))
    return {**figures, "cached": False}


def import_measure(out: Path, *, limit: int) -> dict:
    """The import with everything on, and again without near-copies, stories and quotes (each from an
    empty database): what linking costs."""
    runs = {}
    for linking in (True, False):
        folder = out / ("import" if linking else "import-unlinked")
        shutil.rmtree(folder, ignore_errors=True)
        runs[linking] = phase("import", folder, limit=limit, linking=linking, bare=linking)
    plain = runs[False]["articles_per_s"]
    return runs[True] | {
        "without_linking_articles_per_s": plain,
        "linking_cost_ratio": ratio(plain, runs[True]["articles_per_s"]),
    }


def postgres_measure(out: Path, *, n: int, seed: int, search_args: dict) -> dict | None:
    """The same corpus (generated again from its seed) in a database of its own on the PostgreSQL server of
    `DATABASE_URL`, its search documents built by `rebuild_index`'s code, and the archive's queries answered
    by the PostgreSQL engine. None, with a message, without a PostgreSQL server (`make bench` starts one)."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("- postgres: skipped (no DATABASE_URL on PostgreSQL; `make bench` starts a server)", flush=True)
        return None
    database = database_fresh(server, name=f"archive_bench_{n}")
    folder = out / f"postgres-{n}-{seed}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    load = phase("corpus", folder, postgres=database, n=n, seed=seed)
    index = phase("index", folder, postgres=database)
    search = phase("search", folder, postgres=database, fts5="", engines=["archive"], **search_args)
    writes = phase("writes", folder, postgres=database)
    return {"load": load, "index": index, "search": search["archive"], "writes": writes}


def database_fresh(server: str, *, name: str) -> str:
    """An empty database `name` on the server of the URL `server` (dropped first if it is there: only the
    benchmark's own database, never the one the URL names); its URL."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 3) if theirs else None


def by_kind(search: dict, engines: tuple[str, ...] = ("archive", "sqlite_fts5")) -> dict:
    """p50 and p95 per query kind, engine and mode."""
    figures: dict = {}
    for kind in dict.fromkeys(search["kinds"]):
        picks = [i for i, k in enumerate(search["kinds"]) if k == kind]
        figures[kind] = {
            engine: {mode: _summary([search[engine]["times"][mode][i] for i in picks]) for mode in MODES}
            for engine in engines
        }
    return figures


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "p50_ms": round(median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
    }


def exponent(small: float, large: float, *, n_small: int, n_large: int) -> float | None:
    """b in time ~ N^b between two corpus sizes: 1.0 grows with N, 0 does not grow."""
    if small <= 0 or large <= 0 or n_small == n_large:
        return None
    return round(math.log(large / small) / math.log(n_large / n_small), 2)


def growth_build(*, small: dict, large: dict, n_small: int, n_large: int) -> dict:
    """Per kind, mode and engine: p50/p95 at both sizes and the growth exponent between them."""
    figures: dict = {"from_n": n_small, "to_n": n_large, "by_kind": {}}
    small_kinds, large_kinds = by_kind(small), by_kind(large)
    for kind, engines in large_kinds.items():
        figures["by_kind"][kind] = {
            engine: {
                mode: {
                    "small": small_kinds[kind][engine][mode],
                    "large": modes[mode],
                    "p50_exponent": exponent(
                        small_kinds[kind][engine][mode]["p50_ms"],
                        modes[mode]["p50_ms"],
                        n_small=n_small,
                        n_large=n_large,
                    ),
                    "p95_exponent": exponent(
                        small_kinds[kind][engine][mode]["p95_ms"],
                        modes[mode]["p95_ms"],
                        n_small=n_small,
                        n_large=n_large,
                    ),
                }
                for mode in MODES
            }
            for engine, modes in engines.items()
        }
    return figures


def postgres_results(measured: dict, *, search: dict) -> dict:
    """The PostgreSQL engine's figures beside the Whoosh engine's and FTS5's on the same queries: its p50/p95
    per mode and kind, the ratios its targets are about, and whether it matched what Whoosh matched."""
    ours, whoosh, lite = measured["search"], search["archive"], search["sqlite_fts5"]
    kinds = by_kind({**search, "postgres": ours}, engines=("postgres", "archive", "sqlite_fts5"))
    differing = [
        {"query": index, "postgres": a, "whoosh": b}
        for index, (a, b) in enumerate(zip(ours["totals"], whoosh["totals"]))
        if a != b
    ]
    ratios = {
        f"{mode}_p50_vs_{name}": ratio(ours[mode]["p50_ms"], theirs[mode]["p50_ms"])
        for mode in MODES
        for name, theirs in (("sqlite_fts5", lite), ("whoosh", whoosh))
    }
    by_kind_vs_whoosh = {
        kind: {
            mode: ratio(engines["postgres"][mode]["p50_ms"], engines["archive"][mode]["p50_ms"])
            for mode in MODES
        }
        for kind, engines in kinds.items()
    }
    return {
        "load": measured["load"],
        "index": measured["index"],
        "writes": measured["writes"],
        **{mode: ours[mode] for mode in MODES},
        "highlight": ours["highlight"],
        "by_kind": {kind: engines["postgres"] for kind, engines in kinds.items()},
        "ratios": ratios,
        "kind_p50_ratios_vs_whoosh": by_kind_vs_whoosh,
        "totals_differing_from_whoosh": differing,
        "targets": {
            "facets_p50_within_3x_fts5": (ratios["facets_p50_vs_sqlite_fts5"] or 0) <= 3,
            "no_kind_over_2x_whoosh": all(
                (value or 0) <= 2 for modes in by_kind_vs_whoosh.values() for value in modes.values()
            ),
            "build_1000_per_s": measured["index"]["articles_per_s"] >= 1000,
        },
    }


def kind_ratios(kinds: dict) -> dict:
    """Each kind's archive p50 over FTS5's, per mode (the per-kind targets)."""
    return {
        kind: {
            mode: ratio(engines["archive"][mode]["p50_ms"], engines["sqlite_fts5"][mode]["p50_ms"])
            for mode in MODES
        }
        for kind, engines in kinds.items()
    }


def results_build(
    *, n: int, corpus: dict, index: dict, fts5: dict, haystack: dict | None, search: dict, imported: dict
) -> dict:
    """The results file; without haystack (`--no-haystack`) its baseline and ratios are left out."""
    archive, lite, stack = search["archive"], search["sqlite_fts5"], search["django_stack"]
    hay, sample = search.get("haystack_whoosh"), search["haystack_sample"]
    ratios: dict[str, float | None] = {}
    for mode in MODES:
        ratios[f"{mode}_p50_vs_sqlite_fts5"] = ratio(archive[mode]["p50_ms"], lite[mode]["p50_ms"])
        ratios[f"{mode}_p95_vs_sqlite_fts5"] = ratio(archive[mode]["p95_ms"], lite[mode]["p95_ms"])
        if hay is not None:
            ours_on_sample = [archive["times"][mode][index] for index in sample]
            ratios[f"{mode}_p50_vs_haystack_whoosh"] = ratio(median(ours_on_sample), hay[mode]["p50_ms"])
    ratios["highlight_cost_p50_vs_sqlite_fts5"] = ratio(
        archive["highlight"]["p50_ms"], lite["highlight"]["p50_ms"]
    )
    ratios["django_stack_p95_vs_engine"] = ratio(
        stack["facets_highlight"]["p95_ms"], archive["facets_highlight"]["p95_ms"]
    )
    kinds = by_kind(search)
    pairs = [(a, b) for a, b in zip(archive["totals"], lite["totals"]) if b]
    return {
        "n": n,
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load": corpus,
        "index": index,
        "search": {mode: archive[mode] for mode in MODES}
        | {"highlight": archive["highlight"], "django_stack": stack["facets_highlight"]},
        "baselines": {
            "sqlite_fts5": {"index": fts5}
            | {mode: lite[mode] for mode in MODES}
            | {"highlight": lite["highlight"]},
        }
        | (
            {
                "haystack_whoosh": {"index": haystack, "sample_queries": len(sample)}
                | {mode: hay[mode] for mode in MODES}
            }
            if hay
            else {}
        ),
        "ratios": ratios,
        "median_ms_by_kind": {
            kind: {
                engine: {mode: modes[mode]["p50_ms"] for mode in MODES} for engine, modes in engines.items()
            }
            for kind, engines in kinds.items()
        },
        "by_kind": kinds,
        "kind_p50_ratios_vs_sqlite_fts5": kind_ratios(kinds),
        "totals_median_ratio_vs_sqlite_fts5": round(median([a / b for a, b in pairs]), 3) if pairs else None,
        "import": imported,
    }


def table(results: dict) -> str:
    lines = [f"N = {results['n']:,} articles ({results['machine']}, {results['date']})", ""]
    lines.append(f"{'p50 / p95 ms':<26}{'plain':>18}{'facets':>18}{'facets_highlight':>20}")
    rows = (
        [("archive", results["search"])]
        + ([("archive on PostgreSQL", results["postgres"])] if "postgres" in results else [])
        + list(results["baselines"].items())
    )
    for name, figures in rows:
        cells = [f"{figures[mode]['p50_ms']:.1f} / {figures[mode]['p95_ms']:.1f}" for mode in MODES]
        lines.append(f"{name:<26}{cells[0]:>18}{cells[1]:>18}{cells[2]:>20}")
    stack = results["search"]["django_stack"]
    page = f"{stack['p50_ms']:.1f} / {stack['p95_ms']:.1f}"
    lines.append(f"{'search page (Django)':<26}{'':>36}{page:>20}")
    lines.append("")
    lines += kind_table(results)
    lines.append("")
    index, load = results["index"], results["load"]
    lines.append(f"bulk load: {load['articles_per_s']} articles/s, peak {load['peak_rss_mb']} MB")
    lines.append(
        f"index build: {index['articles_per_s']} articles/s, {index['size_mb']} MB on disk, peak "
        f"{index['peak_rss_mb']} MB" + (" (cached build)" if index["cached"] else "")
    )
    imported = results["import"]
    if imported:
        lines.append(
            f"import with entities ({imported['articles']} BBC articles): {imported['articles_per_s']} "
            f"articles/s vs bare nlp.pipe {imported['ner_only_articles_per_s']} (ratio "
            f"{imported['ratio_vs_ner_only']}), peak {imported['peak_rss_mb']} MB"
        )
        lines.append(
            "  without near-copies, stories and quotes: "
            f"{imported['without_linking_articles_per_s']} articles/s "
            f"(linking costs {imported['linking_cost_ratio']}x)"
        )
    cold = results["cold"]
    lines.append(
        f"cold: warm search {cold['in_process']['warm_ms']} ms; new thread "
        f"{cold['in_process']['new_thread_ms']} ms; after an index change "
        f"{cold['in_process']['after_change_ms']} ms (max {cold['in_process']['after_change_max_ms']}); warm "
        f"API answer {cold['in_process']['warm_api_ms']} ms; new connection: runserver "
        f"{cold['runserver']['new_connection_ms']} ms, gunicorn {cold['gunicorn']['new_connection_ms']} ms"
    )
    lines.append(
        "  targets met: "
        + ", ".join(f"{name} {'yes' if met else 'NO'}" for name, met in cold["targets"].items())
    )
    if "postgres" in results:
        lines += [""] + postgres_table(results)
    lines.append("")
    lines.append("ratios (ours / baseline, lower is better):")
    lines += [f"  {name:<42} {value}" for name, value in results["ratios"].items()]
    return "\n".join(lines)


def kind_table(results: dict) -> list[str]:
    """Per kind and mode: archive and FTS5 p50 / p95 at both sizes, growth exponents, the ratio at N."""
    growth = results.get("growth")
    small = f"N={growth['from_n']:,}" if growth else ""
    large = f"N={results['n']:,}"
    lines = [
        f"{'kind / mode':<28}{'archive ' + small:>18}{'archive ' + large:>20}{'exp':>6}"
        f"{'FTS5 ' + small:>18}{'FTS5 ' + large:>20}{'exp':>6}{'ratio':>7}"
    ]

    def cell(figures: dict) -> str:
        return f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}"

    for kind, engines in results["by_kind"].items():
        for mode in MODES:
            row = f"{kind + ' ' + mode:<28}"
            for engine in ("archive", "sqlite_fts5"):
                now = engines[engine][mode]
                if growth:
                    grown = growth["by_kind"][kind][engine][mode]
                    row += f"{cell(grown['small']):>18}{cell(now):>20}{grown['p50_exponent'] or 0:>6.2f}"
                else:
                    row += f"{'':>18}{cell(now):>20}{'':>6}"
            row += f"{results['kind_p50_ratios_vs_sqlite_fts5'][kind][mode] or 0:>7.2f}"
            lines.append(row)
    lines.append(
        "(exp: the growth exponent b of p50 ~ N^b between the two sizes; ratio: archive p50 / FTS5 p50 at N)"
    )
    return lines


def postgres_table(results: dict) -> list[str]:
    """The PostgreSQL engine per kind and mode beside the Whoosh engine and FTS5, its build and targets."""
    ours = results["postgres"]
    lines = [
        f"{'PostgreSQL engine':<28}{'postgres':>18}{'whoosh':>18}{'FTS5':>18}{'vs whoosh':>11}{'vs FTS5':>9}"
    ]
    for kind, modes in ours["by_kind"].items():
        for mode in MODES:
            whoosh, lite = (results["by_kind"][kind][engine][mode] for engine in ("archive", "sqlite_fts5"))
            cells = [f"{f['p50_ms']:.1f} / {f['p95_ms']:.1f}" for f in (modes[mode], whoosh, lite)]
            versus = ours["kind_p50_ratios_vs_whoosh"][kind][mode] or 0
            fts5 = ratio(modes[mode]["p50_ms"], lite["p50_ms"]) or 0
            row = f"{kind + ' ' + mode:<28}" + "".join(f"{cell:>18}" for cell in cells)
            lines.append(f"{row}{versus:>11.2f}{fts5:>9.2f}")
    index = ours["index"]
    lines.append(
        f"documents build: {index['articles_per_s']} articles/s, {index['size_mb']} MB in the database, peak "
        f"{index['peak_rss_mb']} MB; queries whose total differs from Whoosh's: "
        f"{len(ours['totals_differing_from_whoosh'])}"
    )
    writes = ours["writes"]
    lines.append(
        f"documents written again: {writes['articles_per_s']} articles/s ({writes['articles']} articles, "
        "100 a transaction)"
    )
    lines.append(
        "  targets met: "
        + ", ".join(f"{name} {'yes' if met else 'NO'}" for name, met in ours["targets"].items())
    )
    return lines


def corpus_prepare(base: Path, *, n: int, seed: int, haystack: bool) -> dict:
    """The corpus database, the archive's index and the baselines under `base`, built or cached."""
    base.mkdir(parents=True, exist_ok=True)

    def corpus_build() -> dict:
        for child in base.iterdir():  # a half-built corpus from an interrupted run
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        return phase("corpus", base, n=n, seed=seed)

    built = {"corpus": cached("corpus", base / "corpus.json", corpus_build)}
    built["index"] = cached("index", base / "index.json", lambda: phase("index", base))
    built["fts5"] = cached(
        "fts5", base / "fts5.json", lambda: phase("fts5", base, path=str(base / "fts5.sqlite3"))
    )
    if haystack:
        built["haystack"] = cached("haystack", base / "haystack.json", lambda: phase("haystack", base))
    return built


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n", type=int, default=100_000, help="articles in the synthetic corpus (default 100,000)"
    )
    parser.add_argument(
        "--growth-from",
        type=int,
        default=20_000,
        help="a smaller corpus the archive and FTS5 also search, for the growth with N (default 20,000; "
        "none if not smaller)",
    )
    parser.add_argument("--seed", type=int, default=20221230)
    parser.add_argument("--per-kind", type=int, default=35, help="queries of each kind (default 35)")
    parser.add_argument(
        "--haystack-sample", type=int, default=30, help="queries run through haystack (default 30)"
    )
    parser.add_argument(
        "--no-haystack",
        action="store_true",
        help="leave django-haystack out (its build takes hours at 300,000)",
    )
    parser.add_argument("--results", type=Path, help="where the results go (default <out>/results.json)")
    parser.add_argument(
        "--import-articles",
        type=int,
        default=2000,
        help="BBC articles imported with entities (default 2,000; 0: skip)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached corpus and indexes")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    out = options.out.resolve()
    base = out / f"corpus-{options.n}-{options.seed}"
    if options.fresh:
        shutil.rmtree(base, ignore_errors=True)
    built = corpus_prepare(base, n=options.n, seed=options.seed, haystack=not options.no_haystack)
    search_args = {
        "per_kind": options.per_kind,
        "seed": options.seed,
        "haystack_sample": options.haystack_sample,
    }
    engines = ["archive", "django_stack", "sqlite_fts5"] + (
        [] if options.no_haystack else ["haystack_whoosh"]
    )
    search = phase("search", base, fts5=str(base / "fts5.sqlite3"), engines=engines, **search_args)
    imported = import_measure(out, limit=options.import_articles) if options.import_articles else {}
    postgres = postgres_measure(out, n=options.n, seed=options.seed, search_args=search_args)
    results = results_build(
        n=options.n,
        corpus=built["corpus"],
        index=built["index"],
        fts5=built["fts5"],
        haystack=built.get("haystack"),
        search=search,
        imported=imported,
    )
    if postgres:
        results["postgres"] = postgres_results(postgres, search=search)
    results["cold"] = phase("cold", base, seed=options.seed)
    print("- research (frozen sets, manifest, concordance)", flush=True)
    results["research"] = research_measure(base, {"freeze": True, "limit": ROW_LIMIT})
    if 0 < options.growth_from < options.n:
        small_base = out / f"corpus-{options.growth_from}-{options.seed}"
        corpus_prepare(small_base, n=options.growth_from, seed=options.seed, haystack=False)
        small = phase(
            "search",
            small_base,
            fts5=str(small_base / "fts5.sqlite3"),
            engines=["archive", "sqlite_fts5"],
            **search_args,
        )
        results["growth"] = growth_build(
            small=small, large=search, n_small=options.growth_from, n_large=options.n
        )
    results["seconds"] = round(time.perf_counter() - started)
    target = options.results or options.out / "results.json"
    target.write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    print(f"\nwrote {target} in {results['seconds']} s")
    return results


if __name__ == "__main__":
    main()
