"""Beyond one host, proven with real processes: two application servers with data directories of their own
share one PostgreSQL database, and a streaming replica answers searches while the primary takes writes.
Runs where the database is PostgreSQL (`make test-postgres`)."""

from __future__ import annotations

import glob
import http.cookiejar
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from stress.harness import free_port
from tests.servers import gunicorn_serving

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="many hosts share a PostgreSQL database: run `make test-postgres`",
)

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "date 2024-05-02\nHarbour Gazette\n{title}\n\n{body}\n"


def _database_url(**overrides: str) -> str:
    settings = {**connection.settings_dict, **overrides}
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def _environment(**extra: str) -> dict[str, str]:
    """A host of its own: the test settings (which give each process a fresh data directory of its own),
    the shared database and the PostgreSQL engine."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "ARCHIVE_SEARCH_BACKEND": "postgres",
        "ARCHIVE_SPACY_MODEL": "",
        **extra,
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environment


def _server(environment: dict[str, str]):
    return gunicorn_serving(environment, probe=lambda url: urllib.request.urlopen(url, timeout=5))


def _search(base: str, q: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/search?{urllib.parse.urlencode({'q': q})}", timeout=20) as got:
        return json.load(got)


def _total(base: str, q: str) -> int:
    return _search(base, q)["total"]


def _import(environment: dict[str, str], folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "import_articles", str(folder)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _write(folder: Path, name: str, title: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(ARTICLE.format(title=title, body=body), encoding="utf-8")
    return folder


class _Editor:
    """An editor's browser session on one host: logs in to the admin and runs changelist actions."""

    def __init__(self, base: str, username: str, password: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self._post(
            "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
        )

    def _token(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=20).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def _post(self, path: str, data: dict) -> str:
        data = {**data, "csrfmiddlewaretoken": self._token(path)}
        encoded = urllib.parse.urlencode(data, doseq=True).encode()
        return self.opener.open(self.base + path, encoded, timeout=20).read().decode()

    def action(self, changelist: str, action: str, ids: list[int]) -> str:
        return self._post(changelist, {"action": action, "_selected_action": ids, "index": "0"})


def test_an_import_and_an_edit_through_one_host_are_found_at_once_through_the_other(
    committed_db, tmp_path, django_user_model
):
    django_user_model.objects.create_superuser("host-editor", "editor@example.org", "pw")
    first, second = _environment(), _environment()
    _import(first, _write(tmp_path / "one", "harbour.txt", "Harbour plan approved", "The council met."))
    with _server(first) as one, _server(second) as other:
        assert _total(one, "harbour") == _total(other, "harbour") == 1
        assert _total(other, "zeppelin") == 0  # the second host has its facet columns of this version
        _import(first, _write(tmp_path / "two", "zeppelin.txt", "Zeppelin over the harbour", "It landed."))
        assert _total(other, "zeppelin") == 1 and _total(other, "harbour") == 2
        zeppelin = _search(other, "zeppelin")["results"][0]["id"]
        editor = _Editor(one, "host-editor", "pw")
        page = editor.action("/admin/archive/article/", "hide_articles", [zeppelin])
        assert "hidden" in page.lower(), page[:2000]
        assert _total(other, "zeppelin") == 0 and _total(other, "harbour") == 1


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
    if not found:
        pytest.skip("PostgreSQL's server programs are not installed (scripts/with-postgres installs them)")
    return Path(found[-1]).parent


def _as_postgres(command: str) -> subprocess.CompletedProcess:
    """Run a server program as the `postgres` user when root (PostgreSQL refuses to run as root)."""
    argv = ["su", "postgres", "-s", "/bin/sh", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


@contextmanager
def _replica():
    """A streaming replica of the test server on loopback, made with pg_basebackup; its port. (Its folder is
    under /tmp, not pytest's, which the `postgres` user may not enter.)"""
    binaries, port = _postgres_bin(), free_port()
    folder = Path(tempfile.mkdtemp(prefix="archive-replica-"))
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres", str(folder)], check=True)
    settings = connection.settings_dict
    data = folder / "data"
    made = _as_postgres(
        f"{binaries}/pg_basebackup -h {settings['HOST']} -p {settings['PORT']} -U {settings['USER']} "
        f"-D {data} -R -X stream --checkpoint=fast"
    )
    assert made.returncode == 0, made.stderr
    options = shlex.quote(f"-h 127.0.0.1 -p {port} -k {folder} -c hot_standby=on")
    started = _as_postgres(f"{binaries}/pg_ctl -D {data} -l {folder}/log -w -o {options} start")
    assert started.returncode == 0, started.stderr + started.stdout
    try:
        yield port
    finally:
        _as_postgres(f"{binaries}/pg_ctl -D {data} -m fast -w stop")
        shutil.rmtree(folder, ignore_errors=True)


def _on_replica(port: int, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(_database_url(PORT=str(port)).replace("postgres://", "postgresql://")) as replica:
        return replica.execute(sql).fetchall()


def test_searches_are_routed_to_a_replica_and_answer_while_the_primary_takes_writes(committed_db, tmp_path):
    environment = _environment()
    _import(environment, _write(tmp_path / "one", "harbour.txt", "Harbour plan approved", "The council met."))
    with _replica() as port:
        environment["DATABASE_REPLICA_URL"] = _database_url(PORT=str(port))
        with _server(environment) as host:
            deadline = time.monotonic() + 30
            while _total(host, "harbour") != 1 and time.monotonic() < deadline:
                time.sleep(0.2)  # the replica replays the import
            assert _total(host, "harbour") == 1
            _on_replica(port, "SELECT pg_wal_replay_pause()")
            _import(
                environment,
                _write(tmp_path / "two", "zeppelin.txt", "Zeppelin over the harbour", "It landed."),
            )
            # The primary has the article; the search, read from the paused replica, does not yet.
            assert _total(host, "zeppelin") == 0 and _total(host, "harbour") == 1
            writes = subprocess.Popen(  # a rebuild holds a long write transaction on the primary
                [sys.executable, "manage.py", "rebuild_index"], cwd=ROOT, env=environment
            )
            _on_replica(port, "SELECT pg_wal_replay_resume()")
            answered = 0
            while writes.poll() is None or answered < 5:
                assert _total(host, "harbour") in (1, 2)
                answered += 1
            assert writes.wait(timeout=120) == 0
            deadline = time.monotonic() + 30
            while _total(host, "zeppelin") != 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _total(host, "zeppelin") == 1 and _total(host, "harbour") == 2
