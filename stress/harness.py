"""Crash and load trials against real processes: `manage.py import_articles` killed with SIGKILL at random
moments, and concurrent searching clients on loopback while an import runs.

    python -m stress.harness crash --articles 2000 --kills 20
    python -m stress.harness load --articles 2000 --clients 8 --requests 50

Each trial uses its own data directory (SQLite + index) and the BBC articles as the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT / "tests" / "data" / "bbc"
PYTHON = sys.executable


def corpus_write(folder: Path, count: int) -> Path:
    """The first `count` BBC articles as scraped pages (headline, blank line, body)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(BBC.glob("*/*.txt"))[:count]:
        (folder / f"{path.parent.name}-{path.name}").write_bytes(path.read_bytes())
    return folder


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """A trial process's environment: the archive in SQLite and the Whoosh index in `data_dir` (the trials
    read that index directly), whatever database and engine the caller uses."""
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "ARCHIVE_SEARCH_BACKEND": "whoosh",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    return env


def manage(data_dir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = environment(data_dir)
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, **kwargs
    )


def state(data_dir: Path) -> dict:
    """What the database and the index hold, and whether they agree exactly."""
    script = (
        "import json; from archive.models import Article; from search.health import index_check; "
        "from search.engine import searcher_open;"
        "h = index_check(full=True);"
        "s = searcher_open().__enter__(); ids = {int(f['id']) for f in s.all_stored_fields()};"
        "print(json.dumps({'articles': Article.objects.count(), "
        "'sources': Article.objects.values('source').distinct().count(),"
        "'without_mentions': Article.objects.filter(mentions=None).count(), 'indexed': h.indexed, "
        "'in_step': h.ok, 'health': h.message,"
        "'index_without_row': len(ids - set(Article.objects.values_list('pk', flat=True)))}))"
    )
    return json.loads(manage(data_dir, "shell", "-c", script).stdout.strip().splitlines()[-1])


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    """Which of `pids` still run (zombies excluded)."""
    living = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                living.add(pid)
        except OSError:
            continue
    return living


def kill_leaves_no_workers(process: subprocess.Popen, *, grace_s: float = 10.0) -> set[int]:
    """SIGKILL `process`; the ids of its worker processes still alive `grace_s` later (should be none)."""
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + grace_s
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(workers)


def crash_trials(*, articles: int, kills: int, seed: int = 20, report=None) -> list[dict]:
    """Per trial: a fresh archive, an import killed at a random moment, a re-run to completion, a check."""
    rng = random.Random(seed)
    results = []
    with tempfile.TemporaryDirectory(prefix="archive-crash-") as scratch:
        corpus = corpus_write(Path(scratch) / "corpus", articles)
        full = None
        for trial in range(kills):
            data = Path(scratch) / f"data-{trial}"
            manage(data, "migrate", "--noinput")
            env = environment(data)
            started = time.monotonic()
            process = subprocess.Popen(
                [PYTHON, "manage.py", "import_articles", str(corpus)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if full is None:
                process.wait()
                full = time.monotonic() - started
                shutil_rmtree(data)
                manage(data, "migrate", "--noinput")
                process = subprocess.Popen(
                    [PYTHON, "manage.py", "import_articles", str(corpus)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                started = time.monotonic()
            delay = rng.uniform(0.3, max(full * 0.95, 0.5))
            survivors: set[int] = set()
            try:
                process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                survivors = kill_leaves_no_workers(process)
            killed = state(data)
            rerun = manage(data, "import_articles", str(corpus))
            after = state(data)
            results.append(
                {
                    "trial": trial,
                    "killed_after_s": round(delay, 2),
                    "articles_when_killed": killed["articles"],
                    "index_without_row_when_killed": killed["index_without_row"],
                    "workers_left": len(survivors),
                    "rerun_summary": rerun.stdout.strip().splitlines()[-1]
                    if rerun.stdout.strip()
                    else rerun.stderr[-200:],
                    **after,
                    "lost": articles - after["articles"],
                    "duplicated": after["articles"] - after["sources"],
                }
            )
            if report:
                report(results[-1])
            shutil_rmtree(data)
    return results


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError):
        status = -1
    return status, (time.perf_counter() - started) * 1000


def _clients(base: str, *, clients: int, requests: int, seed: int) -> list[tuple[int, float]]:
    words = [
        "economy",
        "film",
        "election",
        "music",
        "market",
        '"prime minister"',
        "game",
        "phone",
        "bank",
        "police",
    ]
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed + number)
        for _ in range(requests):
            query = urllib.parse.urlencode({"q": rng.choice(words)})
            outcome = _get(f"{base}/api/search?{query}" if rng.random() < 0.5 else f"{base}/?{query}")
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _p95(values: list[float]) -> float:
    return (
        round(statistics.quantiles(values, n=20)[-1], 1)
        if len(values) >= 2
        else (values[0] if values else 0.0)
    )


def load_trial(*, articles: int, clients: int, requests: int, seed: int = 8) -> dict:
    """Searching clients on loopback while an import of `articles` runs, then the same load idle."""
    with tempfile.TemporaryDirectory(prefix="archive-load-") as scratch:
        data = Path(scratch) / "data"
        corpus = corpus_write(Path(scratch) / "corpus", articles)
        seed_corpus = corpus_write(Path(scratch) / "first", min(200, articles))
        manage(data, "migrate", "--noinput")
        manage(data, "import_articles", str(seed_corpus))
        port = free_port()
        env = environment(data, DEBUG="false", ALLOWED_HOSTS="127.0.0.1")
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                if _get(f"{base}/api/search?q=x")[0] == 200:
                    break
                time.sleep(0.2)
            importer = subprocess.Popen(
                [PYTHON, "manage.py", "import_articles", str(corpus)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            during = _clients(base, clients=clients, requests=requests, seed=seed)
            import_still_running = importer.poll() is None
            importer.wait()
            idle = _clients(base, clients=clients, requests=requests, seed=seed)
        finally:
            server.terminate()
            server.wait()
        return {
            "clients": clients,
            "requests": len(during),
            "errors_during_import": sum(status != 200 for status, _ in during),
            "errors_idle": sum(status != 200 for status, _ in idle),
            "import_still_running_when_load_ended": import_still_running,
            "p95_ms_during_import": _p95([ms for _, ms in during]),
            "p95_ms_idle": _p95([ms for _, ms in idle]),
            "final_state": state(data),
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="trial", required=True)
    crash = sub.add_parser("crash")
    crash.add_argument("--articles", type=int, default=2000)
    crash.add_argument("--kills", type=int, default=20)
    load = sub.add_parser("load")
    load.add_argument("--articles", type=int, default=2000)
    load.add_argument("--clients", type=int, default=8)
    load.add_argument("--requests", type=int, default=50)
    options = parser.parse_args()
    if options.trial == "crash":
        results = crash_trials(
            articles=options.articles,
            kills=options.kills,
            report=lambda row: print(json.dumps(row), flush=True),
        )
        bad = [
            row
            for row in results
            if not row["in_step"]
            or row["lost"]
            or row["duplicated"]
            or row["without_mentions"]
            or row["index_without_row_when_killed"]
            or row["workers_left"]
        ]
        print(f"{len(results)} kills: {len(results) - len(bad)} agreed exactly, {len(bad)} did not")
        sys.exit(1 if bad else 0)
    result = load_trial(articles=options.articles, clients=options.clients, requests=options.requests)
    print(json.dumps(result, indent=2))
    sys.exit(1 if result["errors_during_import"] or result["errors_idle"] else 0)


if __name__ == "__main__":
    main()
