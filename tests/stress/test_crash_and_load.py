"""Reduced versions of `make stress`: real processes, SIGKILL during imports, searching during an import."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from stress.harness import (
    PYTHON,
    ROOT,
    children,
    corpus_write,
    crash_trials,
    environment,
    kill_leaves_no_workers,
    load_trial,
    manage,
)


def test_killed_imports_leave_database_and_index_in_step():
    results = crash_trials(articles=30, kills=3, seed=3)
    assert len(results) == 3
    for row in results:
        assert row["index_without_row_when_killed"] == 0 and row["workers_left"] == 0, row
        assert (
            row["in_step"] and row["lost"] == 0 and row["duplicated"] == 0 and row["without_mentions"] == 0
        ), row
    assert any(row["articles_when_killed"] < 30 for row in results)  # at least one kill landed mid-import


def test_searching_during_an_import_gets_answers():
    result = load_trial(articles=120, clients=4, requests=10)
    assert result["errors_during_import"] == 0 and result["errors_idle"] == 0, result
    assert result["final_state"]["in_step"] and result["final_state"]["articles"] == 120


def test_a_killed_import_leaves_no_worker_process_behind():
    """An import big enough to run the model in two worker processes, killed with SIGKILL once they run:
    the workers exit with it instead of staying alive as orphans."""
    with tempfile.TemporaryDirectory(prefix="archive-orphans-") as scratch:
        corpus = corpus_write(Path(scratch) / "corpus", 220)
        data = Path(scratch) / "data"
        manage(data, "migrate", "--noinput")
        env = environment(data, ARCHIVE_NLP_PROCESSES="2")
        process = subprocess.Popen(
            [PYTHON, "manage.py", "import_articles", str(corpus)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(children(process.pid)) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert len(children(process.pid)) >= 2, "the import never started its worker processes"
        assert kill_leaves_no_workers(process) == set()
