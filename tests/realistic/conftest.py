"""The realistic archive: every public surface and command driven over real data, built once per run.

The archive holds the five seeds, the 2,095 BBC articles (`--outlet BBC`) and, where the development set
is there, the 300 real news pages of `../shared/corpora/real-pages-dev/` as text dumps and as HTML (read in
place: its licences are not ours). It is imported through the real importer, with the entity model and
linking, into a database of its own (SQLite file, or a database on the PostgreSQL server of
`make test-postgres`) and an index of its own; the tests here talk to it through Django's test client,
the commands and the ORM. On SQLite the built archive is cached under `var/realistic/`, keyed by the code
and data that shape it, so a second run on an unchanged tree starts in seconds.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connections

from archive.ingestion.importer import articles_import
from archive.models import Article
from search.engine import searcher_forget
from tests.conftest import DATA, FIXTURES

ROOT = Path(settings.BASE_DIR)
BBC = DATA / "bbc"
REAL_PAGES = ROOT.parent / "shared" / "corpora" / "real-pages-dev"
CACHE = ROOT / "var" / "realistic"


def real_pages_present() -> bool:
    return (REAL_PAGES / "txt").is_dir() and (REAL_PAGES / "html").is_dir()


def _key() -> str:
    """What the built archive depends on: the code that imports and indexes, and the data."""
    digest = hashlib.sha256()
    for folder in ("archive", "search", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    digest.update((ROOT / "requirements.txt").read_bytes())
    digest.update(str(real_pages_present()).encode())
    digest.update(settings.ARCHIVE_SPACY_MODEL.encode())
    return digest.hexdigest()[:16]


def _import(work: Path) -> dict:
    reports = {"seeds": articles_import([FIXTURES]), "bbc": articles_import([BBC], outlet="BBC")}
    if real_pages_present():
        html = work / "real-pages-html"
        html.mkdir(exist_ok=True)
        for page in sorted((REAL_PAGES / "html").glob("*.html.gz")):
            (html / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
        reports["real_txt"] = articles_import([REAL_PAGES / "txt"])
        reports["real_html"] = articles_import([html])
    return {name: report.summary for name, report in reports.items()}


def _recreate(connection, name: str, *, create: bool = True) -> None:
    """A PostgreSQL database of its own for the realistic archive (dropped first, with any session a test's
    server left open on it)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="package")
def realistic(django_db_setup, django_db_blocker, tmp_path_factory):
    """Switch the default connection and the index to the realistic archive for this package's tests."""
    if not real_pages_present():
        print(
            f"\nrealistic tier: {REAL_PAGES} is absent; the archive holds the seeds and the BBC articles only"
        )
    work = tmp_path_factory.mktemp("realistic")
    connection = connections["default"]
    original_name, original_index = connection.settings_dict["NAME"], settings.ARCHIVE_INDEX_DIR
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        name = work / "db.sqlite3"
    else:
        name = f"{original_name}_realistic"
        with django_db_blocker.unblock():
            _recreate(connection, name)
    cached = CACHE / _key()
    # SQLite ignores close() on the in-memory test database (closing would destroy it), so its open
    # connection is set aside, not closed, and handed back afterwards.
    kept = connection.connection
    connection.connection = None
    connection.settings_dict["NAME"] = name
    settings.ARCHIVE_INDEX_DIR = work / "index"
    searcher_forget()
    with django_db_blocker.unblock():
        if sqlite and (cached / "done").exists():
            shutil.copy(cached / "db.sqlite3", name)
            shutil.copytree(cached / "index-data", work / "index-data")
            (work / "index").symlink_to("index-data")
            summaries = (cached / "done").read_text()
            call_command(
                "migrate", verbosity=0
            )  # apps whose tables the import does not fill (frozen sets) may have new migrations
        else:
            call_command("migrate", verbosity=0)
            summaries = repr(_import(work))
            if sqlite:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.close()
                shutil.rmtree(cached, ignore_errors=True)
                cached.mkdir(parents=True)
                shutil.copy(name, cached / "db.sqlite3")
                shutil.copytree(settings.ARCHIVE_INDEX_DIR.resolve(), cached / "index-data")
                (cached / "done").write_text(summaries)
        User.objects.filter(username="realistic-admin").delete()
        admin = User.objects.create_superuser("realistic-admin", "admin@example.org", "pw")
        yield {"summaries": summaries, "admin": admin, "real_pages": real_pages_present(), "work": work}
    connection.close()
    connection.settings_dict["NAME"] = original_name
    connection.connection = kept
    settings.ARCHIVE_INDEX_DIR = original_index
    searcher_forget()
    if not sqlite:
        with django_db_blocker.unblock():
            _recreate(connection, name, create=False)


@pytest.fixture(autouse=True)
def index_dir(realistic, django_db_blocker):
    """Overrides the per-test empty index: these tests share the realistic archive (and may use its
    database directly)."""
    with django_db_blocker.unblock():
        yield settings.ARCHIVE_INDEX_DIR


@pytest.fixture
def published() -> int:
    return Article.objects.published().count()
