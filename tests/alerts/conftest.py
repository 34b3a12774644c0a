from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from archive.ingestion.importer import articles_import


@pytest.fixture
def users(committed_db) -> dict[str, User]:
    """Two researchers and an editor (staff), each with an email address."""
    return {
        "ann": User.objects.create_user("ann", "ann@example.org", "ann-secret-1"),
        "bob": User.objects.create_user("bob", "bob@example.org", "bob-secret-1"),
        "eve": User.objects.create_user("eve", "eve@example.org", "eve-secret-1", is_staff=True),
    }


@pytest.fixture
def login(client):
    def as_user(user: User):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def import_records(tmp_path):
    """Import articles from JSON records (a fresh file each call): what a later import adds to the archive."""
    calls = iter(range(1000))

    def run(*bodies: str, outlet: str = "Coast Herald") -> None:
        path = tmp_path / f"batch-{next(calls)}.jsonl"
        lines = [
            json.dumps(
                {
                    "title": body[:40],
                    "body": body,
                    "outlet": outlet,
                    "published": "2023-03-01",
                    "source": f"{path.stem}/{n}",
                }
            )
            for n, body in enumerate(bodies)
        ]
        Path(path).write_text("\n".join(lines) + "\n")
        report = articles_import([path])
        assert report.created == len(bodies), report.problems

    return run
