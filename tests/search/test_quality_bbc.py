"""Search quality on the 2,095 BBC articles: known-item search and boolean algebra."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from archive.ingestion.bulk import KnownArticle, articles_bulk_load
from archive.models import Article, Outlet
from search.backend import index_rebuild
from search.engine import searcher_forget
from search.searching import SearchParams, search_run
from tests.archive.pages import BBC


def bbc_known() -> list[KnownArticle]:
    rng = random.Random(5)
    items = []
    for path in sorted(BBC.glob("*/*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        items.append(
            KnownArticle(
                source=f"bbc/{path.parent.name}/{path.name}",
                title=" ".join(lines[0].split()),
                body="\n\n".join(line.strip() for line in lines[1:] if line.strip()),
                outlet=f"BBC {path.parent.name.title()}",
                published=dt.date(2004, 1, 1) + dt.timedelta(days=rng.randint(0, 730)),
            )
        )
    return items


@pytest.fixture(scope="module")
def bbc(django_db_setup, django_db_blocker, tmp_path_factory):
    """The corpus in the database and a module-wide index, removed again after the module."""
    index = tmp_path_factory.mktemp("bbc") / "index"
    from django.conf import settings

    previous = settings.ARCHIVE_INDEX_DIR
    settings.ARCHIVE_INDEX_DIR = index
    with django_db_blocker.unblock():
        items = bbc_known()
        articles_bulk_load(items, announce=False)
        index_rebuild()
    searcher_forget()
    yield {item.source: item for item in items}
    with django_db_blocker.unblock():
        Article.objects.all().delete()
        Outlet.objects.all().delete()
    settings.ARCHIVE_INDEX_DIR = previous
    searcher_forget()


@pytest.fixture
def index_dir(bbc, settings):
    """Overrides the per-test index: these tests share the module's BBC index."""
    yield settings.ARCHIVE_INDEX_DIR


def total(q: str, **kwargs) -> int:
    return search_run(SearchParams(q=q, **kwargs)).total


def test_known_item_search_by_headline(bbc, db):
    bodies = {}
    for item in bbc.values():
        bodies.setdefault(item.body, []).append(item.source)
    unique = sorted(sources[0] for sources in bodies.values() if len(sources) == 1)
    chosen = random.Random(20221230).sample(unique, 200)
    ids = dict(Article.objects.filter(source__in=chosen).values_list("source", "pk"))
    first = top3 = 0
    for source in chosen:
        query = bbc[source].title.replace('"', " ")
        ranked = [hit.article.pk for hit in search_run(SearchParams(q=query, page_size=3)).hits]
        first += ranked[:1] == [ids[source]]
        top3 += ids[source] in ranked
    assert first / 200 >= 0.95, first
    assert top3 / 200 >= 0.99, top3


def _vocabulary(bbc) -> list[str]:
    words = {}
    for item in bbc.values():
        for word in set(re.findall(r"\b[a-z]{5,12}\b", item.body)):
            words[word] = words.get(word, 0) + 1
    return sorted(word for word, n in words.items() if 20 <= n <= 400)


def test_boolean_algebra_holds(bbc, db):
    rng = random.Random(50)
    words = _vocabulary(bbc)
    for _ in range(50):
        a, b = rng.sample(words, 2)
        both = total(f"{a} {b}")
        assert total(f"{a} OR {b}") == total(a) + total(b) - both, (a, b)
        assert total(f"{a} NOT {b}") == total(a) - both, (a, b)
        assert total(f"{a} -{b}") == total(a) - both, (a, b)


def test_facets_are_counted_over_the_whole_result_set(bbc, db):
    rng = random.Random(51)
    words = _vocabulary(bbc)
    for word in rng.sample(words, 20):
        outcome = search_run(SearchParams(q=word))
        assert sum(value.count for value in outcome.facets["outlet"]) == outcome.total
        assert sum(value.count for value in outcome.facets["date"]) == outcome.total
        assert len(outcome.hits) == min(10, outcome.total)


def test_filters_are_separate_clauses(bbc, db):
    either = total("economy OR film")
    per_outlet = sum(
        total("economy OR film", outlets=(slug,)) for slug in Outlet.objects.values_list("slug", flat=True)
    )
    assert per_outlet == either
    assert total("economy OR film", outlets=("bbc-business",)) > total("economy", outlets=("bbc-business",))


def test_date_histogram_follows_the_span(bbc, db):
    outcome = search_run(SearchParams(q="economy"))
    assert outcome.date_bucket == "month"
    assert [value.value for value in outcome.facets["date"]] == sorted(
        value.value for value in outcome.facets["date"]
    )
    narrow = search_run(
        SearchParams(q="economy", date_from=dt.date(2004, 3, 1), date_to=dt.date(2004, 3, 20))
    )
    assert narrow.date_bucket == "day"
    assert (
        len(narrow.facets["date"])
        == (
            dt.date.fromisoformat(narrow.facets["date"][-1].value)
            - dt.date.fromisoformat(narrow.facets["date"][0].value)
        ).days
        + 1
    )
    assert any(value.count == 0 for value in narrow.facets["date"])  # empty days are kept


def test_sorting_pages_never_repeat_or_skip(bbc, db):
    for sort in ("newest", "oldest", "relevance"):
        seen = []
        for page in range(1, 8):
            seen += [
                hit.article.pk
                for hit in search_run(SearchParams(q="economy", sort=sort, page=page, page_size=20)).hits
            ]
        assert len(seen) == len(set(seen)) == min(140, total("economy"))
    dates = [
        hit.article.published
        for hit in search_run(SearchParams(q="economy", sort="newest", page_size=50)).hits
    ]
    assert dates == sorted(dates, reverse=True)
