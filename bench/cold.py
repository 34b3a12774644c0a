"""Cold connections: what a search costs on a new thread, right after an index change, and through the two
servers the README names (runserver and gunicorn), against the same search on a warm thread.

A server starts new threads all the time (runserver one per connection); if each paid for opening a
searcher and building facet columns, every new connection would be slow. Run inside a benchmark phase
(Django set up, the data directory chosen by the caller).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2) if samples else 0.0


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _search(q: str):
    from search.searching import SearchParams, search_run

    return search_run(SearchParams(q=q))


def in_process(queries: list[str], *, changes: int = 5) -> dict:
    """Warm searches, the same searches each on a new thread, and the first search after an index change."""
    from archive.models import Article
    from search.engine import index_sync

    for q in queries:
        _search(q)
    warm = [_timed(lambda q=q: _search(q)) for q in queries]
    new_thread: list[float] = []

    def on_new_thread(q: str) -> None:
        new_thread.append(_timed(lambda: _search(q)))

    for q in queries:
        thread = threading.Thread(target=on_new_thread, args=(q,))
        thread.start()
        thread.join()
    after_change = []
    ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True)[:changes])
    for number, pk in enumerate(ids):
        Article.objects.filter(pk=pk).update(updated_at=timezone.now())
        index_sync(article_ids=[pk])  # a commit: a new segment and new deletions
        q = queries[number % len(queries)]
        after_change.append(_timed(lambda q=q: _search(q)))
    return {
        "warm_ms": _median_ms(warm),
        "new_thread_ms": _median_ms(new_thread),
        "after_change_ms": _median_ms(after_change),
        "after_change_max_ms": round(max(after_change) * 1000, 2) if after_change else 0.0,
        "warm_api_ms": _warm_api_ms(queries),
    }


def _warm_api_ms(queries: list[str]) -> float:
    """The API's whole answer (middleware, facets' labels, JSON) on a warm thread: what a server's request
    costs before any connection or thread is new."""
    from django.test import Client

    client = Client()
    for q in queries:
        client.get("/api/search", {"q": q})
    return _median_ms([_timed(lambda q=q: client.get("/api/search", {"q": q})) for q in queries])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> float:
    """One request on a new connection (urllib opens one per request)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def through_server(kind: str, queries: list[str]) -> dict:
    """Each query on a new connection to a freshly started server, after the server has warmed up."""
    port = _free_port()
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(settings.ARCHIVE_DATA_DIR),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    }
    command = (
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
        if kind == "runserver"
        else [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ]
    )
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/api/search?"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(base + "q=warm")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"{kind} did not start") from None
                time.sleep(0.2)
        for q in queries:  # the server's own warm-up of these queries' postings, as in-process
            _get(base + urllib.parse.urlencode({"q": q}))
        samples = [_get(base + urllib.parse.urlencode({"q": q})) for q in queries]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"new_connection_ms": _median_ms(samples)}


def cold_measure(queries: list[str]) -> dict:
    figures = {"in_process": in_process(queries)}
    for kind in ("runserver", "gunicorn"):
        figures[kind] = through_server(kind, queries)
    warm, api = figures["in_process"]["warm_ms"], figures["in_process"]["warm_api_ms"]
    figures["targets"] = {
        "new_thread_within_warm_plus_20ms": figures["in_process"]["new_thread_ms"] <= warm + 20,
        "after_change_within_2x_warm": figures["in_process"]["after_change_ms"] <= 2 * warm,
        "runserver_within_warm_api_plus_20ms": figures["runserver"]["new_connection_ms"] <= api + 20,
        "gunicorn_within_warm_api_plus_20ms": figures["gunicorn"]["new_connection_ms"] <= api + 20,
    }
    return figures
