from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from archive.models import Article
from search.backend import index_document_count, index_rebuild, index_sync
from search.engine import searcher_open
from search.searching import SearchParams, search_run
from tests.conftest import admin_change_data
from tests.factories import ArticleFactory, MentionFactory

pytestmark = pytest.mark.whoosh  # the Whoosh engine's own files and internals


def total(q: str = "", **kwargs) -> int:
    return search_run(SearchParams(q=q, **kwargs)).total


def test_saving_an_article_indexes_it_after_commit(committed_db):
    with transaction.atomic():
        ArticleFactory(body="A zeppelin landed in the harbour.")
        assert total("zeppelin") == 0  # not before the commit
    assert total("zeppelin") == 1


def test_rolled_back_save_never_reaches_the_index(committed_db):
    try:
        with transaction.atomic():
            ArticleFactory(body="A zeppelin landed in the harbour.")
            raise RuntimeError
    except RuntimeError:
        pass
    assert total("zeppelin") == 0


def test_edit_hide_and_delete_follow_the_database(committed_db):
    article = ArticleFactory(body="A zeppelin landed in the harbour.")
    article.body = "A balloon landed in the harbour."
    article.save()
    assert (total("zeppelin"), total("balloon")) == (0, 1)
    article.status = Article.Status.HIDDEN
    article.save()
    assert total("balloon") == 0
    article.status = Article.Status.PUBLISHED
    article.save()
    assert total("balloon") == 1
    article.delete()
    assert total("balloon") == 0


def test_sync_skips_documents_already_in_step(db):
    article = ArticleFactory()
    assert index_sync(article_ids=[article.pk]) == 1
    assert index_sync(article_ids=[article.pk]) == 0


def test_index_holds_entity_slugs_not_names(db):
    mention = MentionFactory(entity__name="Jane Roe, Jr")
    index_sync(article_ids=[mention.article_id])
    assert total(entities=("jane-roe-jr",)) == 1


def test_rebuild_swaps_in_a_fresh_index(db, index_dir):
    articles = ArticleFactory.create_batch(3)
    index_sync(article_ids=[articles[0].pk])
    before = index_dir.resolve()
    assert index_rebuild() == 3
    assert index_dir.resolve() != before
    assert index_document_count() == 3


def test_searches_keep_answering_while_rebuild_runs(committed_db):
    ArticleFactory.create_batch(30, body="The harbour council met.")
    index_rebuild()
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()

    def searching() -> None:
        try:
            while not stop.is_set():
                totals.append(total("harbour"))
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=searching)
    worker.start()
    try:
        for _ in range(3):
            index_rebuild()
    finally:
        stop.set()
        worker.join()
    assert not errors
    assert totals and set(totals) == {30}


def test_searcher_is_reused_until_the_index_changes(db):
    index_sync(article_ids=[ArticleFactory().pk])
    with searcher_open() as first:
        pass
    with searcher_open() as second:
        pass
    assert first is second
    index_sync(article_ids=[ArticleFactory().pk])
    with searcher_open() as third:
        pass
    assert third is not second


def test_reimport_indexes_skipped_articles_missing_from_the_index(seeds, import_paths, index_dir):
    import shutil

    from tests.conftest import FIXTURES

    shutil.rmtree(index_dir.resolve())
    index_dir.unlink()
    assert total('"armed forces"') == 0
    report = import_paths(FIXTURES)
    assert report.skipped == 5
    assert total('"armed forces"') == 5


def test_admin_edit_reaches_the_index(seeds, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    article = seeds["003_11a5f76fff9e7341.txt"]
    data = admin_change_data(
        client,
        f"/admin/archive/article/{article.pk}/change/",
        title="Zeppelin diplomacy over the steppe",
        outlet=article.outlet_id,
        status="published",
    )
    assert client.post(f"/admin/archive/article/{article.pk}/change/", data).status_code == 302
    assert [r["id"] for r in client.get("/api/search", {"q": "zeppelin"}).json()["results"]] == [article.pk]


def _write_documents(first: int, count: int) -> None:
    from search.engine import writer_open

    for number in range(first, first + count):
        with writer_open() as writer:
            writer.update_document(
                id=str(number), title="zeppelin", body="zeppelin", outlet="_none", day=-1, undated=1
            )


def test_writers_in_other_processes_wait_and_lose_nothing(db):
    import multiprocessing

    from search.engine import index_open

    index_open()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_documents, args=(start, 15)) for start in (0, 100, 200)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert total("zeppelin") == 45


def test_one_transaction_is_one_announcement(committed_db):
    from archive.signals import articles_changed

    ids = [a.pk for a in ArticleFactory.create_batch(5)]
    calls = []

    def record(sender, article_ids, **kwargs):
        calls.append(article_ids)

    articles_changed.connect(record)
    try:
        with transaction.atomic():
            Article.objects.filter(pk__in=ids).delete()
    finally:
        articles_changed.disconnect(record)
    assert calls == [frozenset(ids)]


def test_batched_announcements_go_out_every_n_and_at_the_end(committed_db):
    from archive.signals import (
        announce_articles_changed,
        announcements_batched,
        articles_changed,
    )

    calls = []

    def record(sender, article_ids, **kwargs):
        calls.append(set(article_ids))

    articles_changed.connect(record)
    try:
        with announcements_batched(every=2) as batch:
            for pk in (1, 2, 3):
                announce_articles_changed(article_ids=[pk])
                batch.flush()
            assert calls == [{1, 2}]
    finally:
        articles_changed.disconnect(record)
    assert calls == [{1, 2}, {3}]


def test_results_only_search_skips_facets_and_snippets_but_counts_exactly(db):
    for body in ("A zeppelin landed.", "Another zeppelin flew over the zeppelin field.", "No airships here."):
        index_sync(article_ids=[ArticleFactory(body=body).pk])
    plain = search_run(SearchParams(q="zeppelin"), facets=False, snippets=False)
    full = search_run(SearchParams(q="zeppelin"))
    assert plain.total == full.total == 2
    assert plain.facets == {} and full.facets["outlet"]
    assert all(hit.snippet == "" and "<mark>" not in hit.title_html for hit in plain.hits)
    assert any("<mark>zeppelin</mark>" in hit.snippet for hit in full.hits)


def test_one_searcher_and_one_set_of_facet_columns_serve_every_thread(db):
    from search.facets import facet_columns

    index_sync(article_ids=[ArticleFactory().pk for _ in range(3)])
    seen: list[tuple[int, int]] = []

    def search() -> None:
        with searcher_open() as searcher:
            seen.append((id(searcher), id(facet_columns(searcher))))

    threads = [threading.Thread(target=search) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 6 and len(set(seen)) == 1


def test_concurrent_searches_on_the_shared_searcher_answer_as_one_thread_does(db):
    """Many threads reading one searcher's files at once: each must get exactly the sequential answer (a
    shared file position would hand one thread's bytes to another)."""
    words = ["harbour", "council", "budget", "election", "storm", "court", "school", "bridge"]
    articles = []
    for number in range(240):
        chosen = [words[number % len(words)], words[(number * 3) % len(words)]]
        articles.append(
            ArticleFactory(
                body=f"The {chosen[0]} report and the {chosen[1]} vote, number {number}.",
                title=f"{chosen[0]} {number}",
            )
        )
        if number % 60 == 59:  # several segments
            index_sync(article_ids=[a.pk for a in articles[-60:]])
    queries = [*words, '"report and the"', "harbour OR storm", "council -budget"]

    def answer(q: str) -> tuple:
        """The engine's answer alone (threads here cannot share the test's database transaction)."""
        from search.docsets import query_docs
        from search.facets import facet_columns
        from search.fields import OUTLET
        from search.query import query_parse

        with searcher_open() as searcher:
            query = query_parse(q)
            matched = query_docs(searcher, query)
            top = [hit["id"] for hit in searcher.search(query, limit=50)]
            columns = facet_columns(searcher)
            return len(matched), top, columns.counts(OUTLET, matched)

    expected = {q: answer(q) for q in queries}
    assert all(expected[q][0] for q in queries)
    errors: list[str] = []

    def worker(offset: int) -> None:
        for step in range(40):
            q = queries[(offset + step) % len(queries)]
            try:
                if answer(q) != expected[q]:
                    errors.append(q)
            except Exception as error:  # noqa: BLE001 - any failure in a thread is the test's failure
                errors.append(f"{q}: {error!r}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_facet_columns_after_a_commit_reuse_the_unchanged_segments(db):
    from search import facets

    index_sync(article_ids=[ArticleFactory().pk for _ in range(20)])
    with searcher_open() as searcher:
        facets.facet_columns(searcher)
    before = dict(facets._segment_columns)
    index_sync(article_ids=[ArticleFactory().pk])
    with searcher_open() as searcher:
        columns = facets.facet_columns(searcher)
        assert columns.size == 21
    assert set(before) <= set(facets._segment_columns)  # the old segment's columns were kept, not re-read
    assert all(facets._segment_columns[key] is before[key] for key in before)


def test_every_queryset_update_reaches_the_index(committed_db):
    """A script that hides, or changes an indexed field, with QuerySet.update: the index follows at once,
    so a phrase search on hidden text answers nothing (no total leaks it) and facets no longer count it."""
    from tests.factories import OutletFactory

    articles = [ArticleFactory(body=f"The zeppelin landed at the harbour, flight {n}.") for n in range(3)]
    index_sync(article_ids=[a.pk for a in articles])
    assert total('"zeppelin landed"') == 3
    Article.objects.filter(pk=articles[0].pk).update(status=Article.Status.HIDDEN)
    outcome = search_run(SearchParams(q='"zeppelin landed"'))
    assert outcome.total == 2 and len(outcome.hits) == 2
    other = OutletFactory(name="Other Outlet")
    Article.objects.filter(pk=articles[1].pk).update(outlet=other)
    outlets = {value.value: value.count for value in search_run(SearchParams(q="zeppelin")).facets["outlet"]}
    assert outlets.get(other.slug) == 1
    from search.health import index_check

    assert index_check(full=True).ok


def test_articles_for_index_read_each_batch_in_three_queries_in_the_order_asked(
    db, django_assert_num_queries
):
    """An article's document needs nothing more than its batch's two reads (articles, mentions as rows): a
    field read later, such as a deferred one, would be a query an article."""
    from search.engine import article_document, articles_for_index

    older, newer, hidden = (
        ArticleFactory(published=dt.date(2004, 1, 1)),
        ArticleFactory(published=dt.date(2005, 1, 1)),
        ArticleFactory(status=Article.Status.HIDDEN),
    )
    MentionFactory(article=older, entity__name="Gordon Brown", entity__type="person")
    MentionFactory(article=older, entity__name="Glasgow", entity__type="place")
    with django_assert_num_queries(3):  # the ids, then the batch's articles and its mentions
        documents = [article_document(article) for article in articles_for_index()]
    assert [document["id"] for document in documents] == [str(newer.pk), str(older.pk)]  # the archive's order
    assert sorted(documents[1]["entity"].split()) == ["glasgow", "gordon-brown"]
    assert documents[1]["entity_type"] == "person place"
    assert documents[0]["entity"] == "" and documents[0]["entity_type"] == ""
    with django_assert_num_queries(2):
        asked = [article.pk for article in articles_for_index([older.pk, hidden.pk, newer.pk, older.pk])]
    assert asked == [older.pk, newer.pk]
