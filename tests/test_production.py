from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

ROOT = Path(__file__).resolve().parent.parent


def manage_prod(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process only
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage_prod("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="archive.example.org", ARCHIVE_DATA_DIR=str(tmp_path))
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
    for url in ("/", "/?q=putin", f"/articles/{seeds['000_5d6324c78be22e1b.txt'].pk}/", "/entities/vladimir-putin/", "/outlets/snn/", "/help/search"):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "onclick=" not in html and "javascript:" not in html, url


@pytest.mark.parametrize("url", ["/api/search", "/export.csv", "/export.jsonl"])
def test_rate_limit_per_address(client, db, settings, url):
    cache.clear()
    settings.ARCHIVE_RATELIMIT = "3/m"
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.8").status_code == 200
    settings.ARCHIVE_RATELIMIT = ""
    cache.clear()
    assert all(client.get(url, REMOTE_ADDR="10.0.0.7").status_code == 200 for _ in range(5))
