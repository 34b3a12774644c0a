"""The benchmark (`make bench`): the archive against SQLite FTS5 and django-haystack + Whoosh."""

from __future__ import annotations

import os
from pathlib import Path


def child_environment(data_dir: Path, *, postgres: str | None = None) -> dict[str, str]:
    """The environment of a measuring process: the benchmark's settings and its data in `data_dir`. By
    default the Whoosh engine over a corpus in SQLite in `data_dir` (whatever database the caller uses); with
    `postgres` (a database URL) the PostgreSQL engine over the corpus in that database."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "ARCHIVE_DATA_DIR": str(data_dir),
        "ARCHIVE_SEARCH_BACKEND": "postgres" if postgres else "whoosh",
    }
    environment.pop("DATABASE_URL", None)
    if postgres:
        environment["DATABASE_URL"] = postgres
    return environment
