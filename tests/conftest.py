from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from archive.ingestion.importer import ImportReport, articles_import
from archive.models import Article
from search.engine import searcher_forget

DATA = Path(__file__).parent / "data"
FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
SEEDS_TRUTH = json.loads((DATA / "seeds_truth.json").read_text())


@pytest.fixture(autouse=True)
def search_engine(request, settings) -> str:
    """The search engine under test: the configured one (`make test-postgres` runs PostgreSQL's), or the
    Whoosh engine for tests of its own files and internals (marked `whoosh`)."""
    if request.node.get_closest_marker("whoosh"):
        settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    return settings.ARCHIVE_SEARCH_BACKEND


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    """Every test gets its own empty index."""
    settings.ARCHIVE_INDEX_DIR = tmp_path / "var" / "index"
    searcher_forget()
    yield settings.ARCHIVE_INDEX_DIR
    searcher_forget()


@pytest.fixture
def committed_db(django_db_serialized_rollback, transactional_db):
    """A database whose transactions really commit (the index is updated after commit), with the rows
    that data migrations create (built-in aliases, groups) restored for every test."""


@pytest.fixture
def seeds(committed_db) -> dict[str, Article]:
    """The five seed pages imported for real (committed, so the index is updated after commit)."""
    report = articles_import([FIXTURES])
    assert report.created == 5, report.problems
    return {article.source: article for article in Article.objects.select_related("outlet")}


@pytest.fixture
def import_paths(committed_db):
    def run(*paths: Path, **options) -> ImportReport:
        return articles_import(list(paths), **options)

    return run


def admin_change_data(client, url: str, **changes) -> dict:
    """The article change form's current values with `changes` applied, ready to post back."""
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(
        {
            "mentions-TOTAL_FORMS": "0",
            "mentions-INITIAL_FORMS": "0",
            "mentions-MIN_NUM_FORMS": "0",
            "mentions-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(changes)
    return data
