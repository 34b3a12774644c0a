"""Settings for `make bench`: the archive as in production (no DEBUG query log), in a data directory the
benchmark chooses (ARCHIVE_DATA_DIR), plus django-haystack with its Whoosh backend as a baseline.

django-haystack is a benchmark-only dependency (requirements-bench.txt), never one of the app's.
"""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
INSTALLED_APPS = [*INSTALLED_APPS, "haystack", "bench"]  # noqa: F405
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": str(ARCHIVE_DATA_DIR / "haystack"),  # noqa: F405
    },
}
