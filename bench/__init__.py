"""The benchmark (`make bench`): the archive against SQLite FTS5 and django-haystack + Whoosh."""

from __future__ import annotations

import os
from pathlib import Path


def child_environment(data_dir: Path) -> dict[str, str]:
    """The environment of a measuring process: the benchmark's settings, its corpus in SQLite in `data_dir`
    (whatever database the caller uses) and the engine measured, Whoosh."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "ARCHIVE_DATA_DIR": str(data_dir),
        "ARCHIVE_SEARCH_BACKEND": "whoosh",
    }
    environment.pop("DATABASE_URL", None)
    return environment
