from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.servers import gunicorn_serving

ROOT = Path(__file__).resolve().parent.parent


def manage_prod(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process only
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage_prod(
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="archive.example.org",
        ARCHIVE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_a_weak_secret():
    result = manage_prod("check", SECRET_KEY="short", ALLOWED_HOSTS="archive.example.org")
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_content_security_policy_header(client, db, settings):
    assert "Content-Security-Policy" not in client.get("/help/search")
    settings.ARCHIVE_CSP = "default-src 'self'; script-src 'self'"
    assert client.get("/help/search")["Content-Security-Policy"] == "default-src 'self'; script-src 'self'"


def test_no_inline_scripts_in_public_pages(seeds, client):
    for url in (
        "/",
        "/?q=putin",
        f"/articles/{seeds['000_5d6324c78be22e1b.txt'].pk}/",
        "/entities/vladimir-putin/",
        "/outlets/snn/",
        "/help/search",
    ):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "onclick=" not in html and "javascript:" not in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/api/search",
        "/export.csv",
        "/export.jsonl",
        "/",
        "/quotes/",
        "/api/quotes",
        "/stories/",
        "/help/search",
    ],
)
def test_rate_limit_per_address(client, db, settings, url):
    cache.clear()
    settings.ARCHIVE_RATELIMIT = "3/d"  # a day's window: a minute's could roll over mid-test
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.8").status_code == 200
    settings.ARCHIVE_RATELIMIT = ""
    cache.clear()
    assert all(client.get(url, REMOTE_ADDR="10.0.0.7").status_code == 200 for _ in range(5))


def test_rate_limit_keys_on_the_client_behind_a_trusted_proxy_only(client, db, settings):
    cache.clear()
    settings.ARCHIVE_RATELIMIT = "2/d"
    via_proxy = {"REMOTE_ADDR": "10.1.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    # Without trusted proxies the header is ignored: every client behind the proxy shares its address.
    assert [client.get("/api/search", **via_proxy).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()
    settings.ARCHIVE_TRUSTED_PROXIES = ["10.1.0.0/16"]
    assert [client.get("/api/search", **via_proxy).status_code for _ in range(3)] == [200, 200, 429]
    other = {"REMOTE_ADDR": "10.1.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert client.get("/api/search", **other).status_code == 200  # another client behind the same proxy
    spoofed = {
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_X_FORWARDED_FOR": "198.51.100.8",
    }  # not from the proxy: header ignored
    assert [client.get("/api/search", **spoofed).status_code for _ in range(3)] == [200, 200, 429]
    from django.test import RequestFactory

    from archive.ratelimits import client_address

    chain = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.9, 10.1.0.2"
    )
    assert client_address(chain) == "198.51.100.9"  # the last address that is not a trusted proxy
    settings.ARCHIVE_RATELIMIT = ""
    cache.clear()


def test_admin_login_is_throttled(client, db, settings):
    """Five failed logins for a user name from one client lock the login (django-axes), even with the right
    password; another client is not locked out."""
    from django.contrib.auth.models import User

    settings.AXES_ENABLED = True
    User.objects.create_superuser("boss", "boss@example.org", "right-password")
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"}, REMOTE_ADDR="192.0.2.4")
    locked = client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "right-password"},
        REMOTE_ADDR="192.0.2.4",
    )
    assert locked.status_code == 429
    fine = client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "right-password"},
        REMOTE_ADDR="192.0.2.5",
    )
    assert fine.status_code == 302 and fine["Location"] == "/admin/"


def test_csv_cells_that_would_run_as_formulas_are_neutralised():
    from search.exports import csv_cell

    for dangerous in ('=HYPERLINK("http://x")', "+SUM(1,2)", "-2+3", "@cmd", "\tx", "\rx"):
        assert csv_cell("title", dangerous) == "'" + dangerous
    assert csv_cell("title", "Ordinary headline") == "Ordinary headline"
    assert csv_cell("entities", [{"name": "=evil", "type": "person", "count": 1}]) == "'=evil"


def _fetch(url: str) -> tuple[int, dict, bytes]:
    """A GET as the TLS proxy forwards it (the production settings redirect plain HTTP)."""
    request = urllib.request.Request(
        url, headers={"X-Forwarded-Proto": "https", "Host": "archive.example.org"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production_server(tmp_path):
    """The production stack from a clean data directory, as `make serve` runs it: migrate, collectstatic
    (fingerprinted, compressed), an import, then gunicorn with config.settings.prod on a loopback port."""
    env = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "archive.example.org",
        "ARCHIVE_DATA_DIR": str(tmp_path / "data"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "ARCHIVE_SPACY_MODEL": "",
        "DATABASE_URL": "",  # `make serve` on a fresh clone: SQLite and the embedded engine
        "ARCHIVE_SEARCH_BACKEND": "whoosh",
    }
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "-v0"],
        ["import_articles", "fixtures/"],
    ):
        result = manage_prod(*command, **env)
        assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with gunicorn_serving(environment, probe=_fetch, workers=2) as base:
        yield base


def test_production_stack_serves_pages_api_and_fingerprinted_static_files(production_server):
    status, _, page = _fetch(production_server + "/?q=putin")
    assert status == 200 and b'data-testid="result"' in page
    fingerprinted = re.search(rb'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
    assert fingerprinted, "the page does not link the fingerprinted stylesheet"
    status, headers, css = _fetch(production_server + fingerprinted.group(1).decode())
    assert status == 200 and css.startswith(b"@charset") and "max-age" in headers.get("Cache-Control", "")
    status, _, answer = _fetch(production_server + "/api/search?q=putin")
    results = json.loads(answer)["results"]
    assert status == 200 and results
    status, _, article = _fetch(production_server + f"/articles/{results[0]['id']}/")
    assert status == 200 and results[0]["title"].encode() in article.replace(b"&#x27;", b"'")
