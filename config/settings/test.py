"""Fast settings for the test suite: each test run gets its own data directory."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

ARCHIVE_DATA_DIR = Path(tempfile.mkdtemp(prefix="archive-test-"))
ARCHIVE_INDEX_DIR = ARCHIVE_DATA_DIR / "index"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["NAME"] = ARCHIVE_DATA_DIR / "db.sqlite3"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
AXES_ENABLED = (
    False  # tests log in with client.login(), which gives no request; the throttle has its own test
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ARCHIVE_BASE_URL = "http://testserver"
# The suite shares two cores with browsers and servers; its own test sets the budget it checks.
ARCHIVE_QUERY_SECONDS = 60.0
