"""Frozen sets and concordances, measured: freezing a big result, streaming its manifest, concordance rows/s.

    python -m bench.research [--n 100000] [--seed 20221230] [--out var/bench]
    python -m bench.research --data-dir DIR      # an archive already built (db.sqlite3 and index/ in DIR)

Without `--data-dir` it measures on the benchmark's synthetic corpus (`bench.corpus`, built and cached by
`bench.run`'s corpus phase under `<out>/corpus-<N>-<seed>/`, reused when there). The measurement runs in a
child process on that data directory; the sets it freezes are deleted afterwards, so the cached corpus
stays as it was (its database gains the research tables). Prints the figures as JSON and writes them to
`<out>/research.json` (`<DIR>/research.json` with `--data-dir`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from bench import child_environment

ROOT = Path(__file__).resolve().parent.parent
FREEZE_QUERIES = (
    "",
    "the",
)  # every article (index order), and a word in nearly all of them (relevance order)
CONCORDANCE_WORDS = ("the", "government", '"prime minister"')
ROW_LIMIT = 200_000  # rows streamed per concordance (a common word over 100,000 articles has millions)


def _freeze_measure(q: str, owner) -> dict:
    from django.http import QueryDict

    from research.models import ResultSet
    from research.selectors import MANIFEST_FIELDS, manifest_rows, set_meta
    from research.services import FreezeRequest, set_freeze
    from search.exports import export_lines
    from search.searching import params_from_query

    request = FreezeRequest(params=params_from_query(QueryDict(f"q={q}" if q else "")), title="bench")
    started = time.perf_counter()
    frozen = set_freeze(request=request, owner=owner)
    freeze_s = time.perf_counter() - started

    def manifest() -> int:
        lines = export_lines(
            manifest_rows(frozen, base_url="", full=True),
            format="jsonl",
            fields=MANIFEST_FIELDS,
            meta=set_meta(frozen, base_url=""),
        )
        return sum(1 for _ in lines)

    started = time.perf_counter()
    lines = manifest()
    manifest_s = time.perf_counter() - started
    tracemalloc.start()
    manifest()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ResultSet.objects.filter(pk=frozen.pk).delete()
    return {
        "query": q,
        "articles": frozen.articles,
        "freeze_s": round(freeze_s, 2),
        "manifest_lines": lines,
        "manifest_s": round(manifest_s, 2),
        "manifest_lines_per_s": round(lines / manifest_s),
        "manifest_peak_python_mb": round(peak / 2**20, 1),
    }


def _concordance_measure(q: str, *, sort: str, limit: int) -> dict:
    from django.http import QueryDict

    from research.concordance import concordance_live, concordance_params
    from search.exports import export_lines

    data = QueryDict(mutable=True)
    data.update({"q": q, "sort": sort})
    started = time.perf_counter()
    found = concordance_live(concordance_params(data))
    rows = -1  # the _meta line
    for _ in export_lines(found.rows(base_url=""), format="jsonl", fields=found.fields, meta=found.meta):
        rows += 1
        if rows >= limit:
            break
    seconds = time.perf_counter() - started
    return {
        "query": q,
        "sort": sort,
        "articles": found.meta["articles"],
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
    }


def measure(*, freeze: bool = True, limit: int = ROW_LIMIT) -> dict:
    """In the archive of this process's settings: the figures."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from archive.models import Article

    call_command("migrate", verbosity=0)
    figures: dict = {"published": Article.objects.published().count(), "date": time.strftime("%Y-%m-%d")}
    if freeze:
        owner, _ = User.objects.get_or_create(username="bench-research")
        figures["freeze"] = [_freeze_measure(q, owner) for q in FREEZE_QUERIES]
    figures["concordance"] = [_concordance_measure(q, sort="date", limit=limit) for q in CONCORDANCE_WORDS]
    figures["concordance"] += [
        _concordance_measure(CONCORDANCE_WORDS[1], sort=sort, limit=limit) for sort in ("left", "right")
    ]
    return figures


def measure_child(data_dir: Path, arguments: dict) -> dict:
    environment = child_environment(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "bench.research", "--measure", json.dumps(arguments)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(
            f"bench.research: the measurement failed (exit {done.returncode}); its messages are above"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.research", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n", type=int, default=100_000, help="articles in the synthetic corpus (default 100,000)"
    )
    parser.add_argument("--seed", type=int, default=20221230)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--data-dir", type=Path, help="measure this archive instead of the synthetic corpus")
    parser.add_argument("--no-freeze", action="store_true", help="the concordance only")
    parser.add_argument(
        "--rows",
        type=int,
        default=ROW_LIMIT,
        help=f"rows streamed per concordance at most (default {ROW_LIMIT:,})",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.measure is not None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
        print(json.dumps(measure(**json.loads(options.measure))))
        return {}
    arguments = {"freeze": not options.no_freeze, "limit": options.rows}
    if options.data_dir:
        data_dir, written = options.data_dir.resolve(), options.data_dir.resolve() / "research.json"
    else:
        from bench.run import corpus_cached

        data_dir = options.out.resolve() / f"corpus-{options.n}-{options.seed}"
        corpus_cached(data_dir, n=options.n, seed=options.seed)
        written = options.out.resolve() / "research.json"
    figures = measure_child(data_dir, arguments)
    written.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
