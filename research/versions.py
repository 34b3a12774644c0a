"""The software version a frozen set records: the release (`ARCHIVE_VERSION` in the settings) and, when the
code runs from a git checkout, the commit, as `0.20.0+g<12 hex digits>` (a local version label, as
setuptools-scm writes one). The analyzer's version (`search.analysis.ANALYZER_VERSION`) is recorded beside
it: it says which index analysis the counts came from."""

from __future__ import annotations

import subprocess
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def software_version() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        commit = done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{settings.ARCHIVE_VERSION}+g{commit}" if commit else settings.ARCHIVE_VERSION
