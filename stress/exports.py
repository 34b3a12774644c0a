"""Exports at scale: N generated articles with many distinct entities, exported whole by the web (both
formats) and by `export_articles` (both formats), each in a process of its own so its peak memory is its own.

    python -m stress.exports --articles 20000

prints one JSON line per export (rows, seconds, rows/s, peak memory) and checks every export holds every
published article once, with no error trailer. `make stress` runs it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import child_environment

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

CHILD = """
import json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from archive.models import Article


class Count:
    # Counts what an export writes, keeping nothing: each write is one row (or the head), as the writers \
yield them.
    def __init__(self):
        self.writes, self.errors = 0, 0

    def write(self, text):
        if text:
            self.writes += 1
            self.errors += text.startswith(('{"_error"', "_error,"))

    def flush(self):
        pass


kind, fmt = sys.argv[1], sys.argv[2]
counted = Count()
started = time.perf_counter()
if kind == "web":
    for chunk in Client().get(f"/export.{fmt}").streaming_content:
        counted.write(chunk.decode())
    head = 1  # the _meta line (JSONL) or the header row (CSV)
else:
    call_command("export_articles", "--format", fmt, stdout=counted)
    head = 1 if fmt == "csv" else 0
seconds = time.perf_counter() - started
rows = counted.writes - head
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"kind": kind, "format": fmt, "rows": rows, \
"expected": Article.objects.published().count(), "errors": counted.errors,
                  "seconds": round(seconds, 1), "rows_per_s": round(rows / seconds), \
"peak_rss_mb": round(peak)}))
"""

LOAD = r"""
import sys
import django
django.setup()
from django.core.management import call_command
from archive.ingestion.bulk import articles_bulk_load
from bench.corpus import corpus_generate
from search.backend import index_rebuild
call_command("migrate", verbosity=0)
articles_bulk_load(corpus_generate(int(sys.argv[1]), seed=7), announce=False)
index_rebuild(procs=2)
"""


def run(code: str, data: Path, *args: str) -> str:
    env = child_environment(data)
    result = subprocess.run(
        [PYTHON, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def exports_measure(*, articles: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="archive-exports-") as scratch:
        data = Path(scratch)
        run(LOAD, data, str(articles))
        return [
            json.loads(run(CHILD, data, kind, fmt)) for kind in ("web", "command") for fmt in ("jsonl", "csv")
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20000)
    options = parser.parse_args()
    results = exports_measure(articles=options.articles)
    for row in results:
        print(json.dumps(row), flush=True)
    bad = [row for row in results if row["rows"] != row["expected"] or row["errors"]]
    print(
        f"{len(results)} exports of {options.articles} articles: {len(results) - len(bad)} complete, "
        f"{len(bad)} not"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
