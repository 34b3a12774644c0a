"""Both engines answer alike: the same archive indexed by Whoosh and by PostgreSQL gives the same matches,
totals, facet counts, listings and marks for the whole query language (relevance order aside: BM25F
against BM25 over classes of a word's count). Each engine is an independent implementation of the query
language, so each checks the other; a body scan checks both for plain words. Runs where the database is
PostgreSQL (`make test-postgres`)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from archive.models import Article, CopyGroup, Entity, Mention
from search.query import query_parse
from search.searching import SearchParams, search_run
from tests.factories import ArticleFactory, EntityFactory, MentionFactory, OutletFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the PostgreSQL engine needs a PostgreSQL database: run `make test-postgres`",
)

BBC = Path(__file__).parents[1] / "data" / "bbc"
QUERIES = [
    "",
    "the",
    "government",
    "labour election",
    "labour OR tory",
    "(labour OR tory) AND election",
    "election NOT labour",
    "-election",
    '"prime minister"',
    '"the prime minister"',
    '"one of the"',
    '"interest rates"~3',
    "title:england",
    "body:england",
    "title:england OR body:wales",
    "gov*",
    "elect*",
    "econom? growth",
    "minster~1",
    "goverment~2",
    "published:[2004-06-01 TO 2004-12-31]",
    "published:2005",
    "published:[2005-02-01 TO *]",
    "football published:[* TO 2004-12-31]",
    "outlet:business-daily",
    "entity:gordon-brown",
    "entity:gordon-brown NOT outlet:business-daily",
    "entity_type:place",
    "entity:*",
    "title:*",
    "byline:reporter",
    "colour",
    "color",
    "US",
    "organization",
    "e-mail",
    "zzyzx",
]
FILTERED = [
    {"outlets": ("sport-desk", "business-daily")},
    {"entities": ("gordon-brown", "london")},
    {"date_from": dt.date(2004, 9, 1), "date_to": dt.date(2005, 3, 1)},
    {"date_from": dt.date(2004, 9, 1), "undated": "include"},
    {"undated": "only"},
    {"collapse": True},
    {"collapse": True, "count": "groups"},
    {"outlets": ("_none",)},
]


@pytest.fixture
def archive(db, settings):
    """240 BBC articles with outlets (some none), dates (some undated), bylines, entities and copy groups,
    indexed by both engines."""
    from search import engine, postgres

    outlets = {name: OutletFactory(name=name) for name in ("Business Daily", "Sport Desk", "Politics Now")}
    entities = [
        EntityFactory(name="Gordon Brown"),
        EntityFactory(name="Tony Blair"),
        EntityFactory(name="London", type=Entity.Type.PLACE),
        EntityFactory(name="Wales", type=Entity.Type.PLACE),
        EntityFactory(name="Labour", type=Entity.Type.ORGANIZATION),
    ]
    paths = sorted(BBC.glob("*/*.txt"))[::9][:240]
    groups = [CopyGroup.objects.create() for _ in range(12)]
    with transaction.atomic():
        for number, path in enumerate(paths):
            title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
            article = ArticleFactory(
                title=title.strip(),
                body=body.strip(),
                outlet=[*outlets.values(), None][number % 4],
                published=None if number % 10 == 3 else dt.date(2004, 5, 1) + dt.timedelta(days=number * 2),
                byline="By a staff reporter" if number % 5 == 0 else "",
                copy_group=groups[number % 12] if number % 6 == 0 else None,
            )
            for offset, entity in enumerate(entities):
                if (number + offset) % (offset + 2) == 0:
                    MentionFactory(article=article, entity=entity, count=1 + offset)
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    assert engine.index_rebuild() == len(paths)
    assert postgres.documents_rebuild() == len(paths)
    return paths


def _outcome(settings, engine: str, **params):
    settings.ARCHIVE_SEARCH_BACKEND = engine
    return search_run(SearchParams(sort="newest", page_size=100, **params))


def _summary(outcome) -> dict:
    return {
        "total": outcome.total,
        "articles": outcome.articles,
        "groups": outcome.groups,
        "undated_excluded": outcome.undated_excluded,
        "page": [hit.article.pk for hit in outcome.hits],
        "facets": {name: [(v.value, v.count) for v in values] for name, values in outcome.facets.items()},
        "marks": outcome.marks,
        "snippets": [hit.snippet for hit in outcome.hits],
    }


def _differing(settings, searches: list[dict]) -> list[tuple[dict, dict, dict]]:
    """The searches the two engines answer differently: (search, Whoosh's summary, PostgreSQL's)."""
    differing = []
    for search in searches:
        whoosh, postgres = (
            _summary(_outcome(settings, engine, **search)) for engine in ("whoosh", "postgres")
        )
        if postgres != whoosh:
            differing.append((search, whoosh, postgres))
    return differing


def test_both_engines_answer_every_query_alike(archive, settings):
    """The whole query language (one archive for all of it: indexing it twice is the test's cost)."""
    assert _differing(settings, [{"q": q} for q in QUERIES]) == []
    empty = [q for q in QUERIES if not _outcome(settings, "whoosh", q=q).total]
    assert empty == ["zzyzx"], "a query that matches nothing proves little"


def test_both_engines_apply_filters_alike(archive, settings):
    searches = [{"q": q, **filters} for filters in FILTERED for q in ("", "election", '"prime minister"')]
    assert _differing(settings, searches) == []


def test_relevance_lists_the_same_articles_title_matches_first(archive, settings):
    """Ranking differs (BM25F against BM25 over count classes) but every page holds what the total
    promises, and an article whose title has the word ranks above those that have it only in the body."""
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    outcome = search_run(SearchParams(q="election", page_size=100))
    ids = [hit.article.pk for hit in outcome.hits]
    assert len(ids) == len(set(ids)) == min(outcome.total, 100)
    in_title = [re.search(r"\belection", hit.article.title, re.I) is not None for hit in outcome.hits]
    assert any(in_title) and in_title == sorted(in_title, reverse=True)
    whoosh = _outcome(settings, "whoosh", q="election")
    assert set(ids) == {hit.article.pk for hit in whoosh.hits}


def test_relevance_weighs_count_length_title_and_rarity(db, settings):
    """BM25 from the GIN indexes alone: more of the word ranks higher, a shorter body higher than a longer
    one with the word as often, the title above both; of two words, the rarer one weighs more."""
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    filler = " ".join(f"filler{number}" for number in range(200))
    # Made first, so that an equal score would rank them first.
    harbours = [ArticleFactory(title="A note", body="One harbour over the sea.") for _ in range(6)]
    articles = {
        "once, long": ArticleFactory(title="A report", body=f"One zeppelin. {filler}"),
        "in the title": ArticleFactory(title="Zeppelin seen", body=f"A sighting. {filler}"),
        "once, short": ArticleFactory(title="A note", body="One zeppelin over the sea."),
        "five times": ArticleFactory(title="A count", body=f"{'Zeppelin. ' * 5}{filler}"),
    }
    outcome = search_run(SearchParams(q="zeppelin"))
    names = {article.pk: name for name, article in articles.items()}
    rank = {names[hit.article.pk]: place for place, hit in enumerate(outcome.hits)}
    assert rank["in the title"] == 0
    assert rank["five times"] < rank["once, long"] and rank["once, short"] < rank["once, long"]
    either = [hit.article.pk for hit in search_run(SearchParams(q="zeppelin OR harbour")).hits]
    assert either.index(articles["once, short"].pk) < min(either.index(article.pk) for article in harbours)


def test_the_migration_gives_written_documents_the_classes_a_write_gives(db, settings):
    """`0002`'s backfill reads the classes out of each tsvector; a write makes them from the terms."""
    from importlib import import_module

    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    ArticleFactory(title="Harbour lights", body="The harbour, the harbour, the harbour and the lights.")
    ArticleFactory(title="Tide", body="Low tide. " * 9 + "High tide at the harbour.")
    backfill = import_module("search.migrations.0002_relevance_classes").POSTGRES_BACKFILL

    def classes() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT article_id, boost::text, length FROM search_document ORDER BY article_id")
            return cursor.fetchall()

    written = classes()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_document SET boost = '', length = 0")
        cursor.execute(backfill)
    assert classes() == written
    assert "'8:tide'" in written[1][1] and "'t:harbour'" in written[0][1] and written[0][2] == 9


def test_rarity_reads_common_words_shares_from_the_statistics_and_counts_the_rest(db, settings):
    """After ANALYZE, a common word's share of the documents comes from the column statistics (no count of its
    matches); a word it does not list is counted. Either way the rarer word weighs more."""
    from search.backend import backend

    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    for number in range(12):
        ArticleFactory(title="A note", body=f"The zeppelin over the sea, number {number}.")
    short = ArticleFactory(title="A note", body="One harbour, one zeppelin.")
    harbours = [ArticleFactory(title="A note", body=f"A harbour {'and far ' * 30}") for _ in range(2)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_document")
    with backend().snapshot() as snapshot:
        assert snapshot.common["zeppelin"] == pytest.approx(13 / 15)
        assert snapshot.common["the"] == pytest.approx(12 / 15)
        assert "harbour" not in snapshot.common or snapshot.common["harbour"] == pytest.approx(3 / 15)
    either = [hit.article.pk for hit in search_run(SearchParams(q="zeppelin OR harbour")).hits]
    assert either[0] == short.pk  # both words
    assert max(either.index(article.pk) for article in harbours) < len(harbours) + 1  # the rare word next


def test_a_word_matches_the_articles_whose_text_holds_it(archive, settings):
    """An independent count: a scan of titles and bodies for the word and its inflections."""
    word = re.compile(r"\b(?:minister|ministers|minister's)\b", re.I)
    expected = sum(1 for a in Article.objects.all() if word.search(a.title) or word.search(a.body))
    assert _outcome(settings, "postgres", q="minister").total == expected > 10


def test_documents_are_written_in_the_articles_transaction(db, settings):
    """An article's document is there before its transaction commits and goes when it rolls back; a hidden
    article leaves the index at once."""
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"

    def found() -> int:
        return search_run(SearchParams(q="zeppelin")).total

    try:
        with transaction.atomic():
            article = ArticleFactory(body="A zeppelin over the harbour.")
            assert found() == 1
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert found() == 0
    article = ArticleFactory(body="A zeppelin over the harbour.")
    assert found() == 1
    Article.objects.filter(pk=article.pk).update(status=Article.Status.HIDDEN)
    assert found() == 0


def test_check_index_sees_a_document_out_of_step(db, settings):
    from django.db import connection as db_connection

    from search.health import index_check

    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    articles = [ArticleFactory() for _ in range(3)]
    assert index_check(full=True).ok
    with db_connection.cursor() as cursor:
        cursor.execute("UPDATE search_document SET updated = 'then' WHERE article_id = %s", [articles[0].pk])
    health = index_check(full=True)
    assert not health.ok and "rebuild_index" in health.message
    from search.backend import index_rebuild

    assert index_rebuild() == 3
    assert index_check(full=True).ok


def rebuild_settings() -> list[str]:
    from search import postgres

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(name) FROM unnest(%s::text[]) AS name", [list(postgres.REBUILD_SETTINGS)]
        )
        return [value for (value,) in cursor.fetchall()]


def test_a_rebuild_in_worker_processes_writes_what_one_process_writes(committed_db, monkeypatch):
    """Workers read committed articles on the parent's database (a test's here, which the settings do not
    name) and hand their documents back to the one transaction that writes them."""
    from search import postgres

    outlet = OutletFactory(name="Harbour Gazette")
    people = [EntityFactory(name=f"Person {number}") for number in range(4)]
    for number in range(23):
        article = ArticleFactory(
            title=f"Harbour report {number}",
            body=f"The harbour's {number} boats sailed at dawn; colour and colors.",
            byline="By Ann Lee" if number % 2 else "",
            outlet=outlet if number % 3 else None,
        )
        MentionFactory(article=article, entity=people[number % 4])
    monkeypatch.setattr(postgres, "REBUILD_BATCH", 5)

    def rows() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM search_document ORDER BY article_id")
            documents = cursor.fetchall()
            cursor.execute("SELECT field, word FROM search_word ORDER BY field, word")
            return documents + cursor.fetchall()

    settings_before = rebuild_settings()
    assert postgres.documents_rebuild(procs=1) == 23
    alone = rows()
    assert postgres.documents_rebuild(procs=2) == 23
    assert rows() == alone
    assert rebuild_settings() == settings_before  # also after its own transaction committed


def table_shape() -> dict[str, list[tuple]]:
    """What a rebuild's table must take over from the documents' table it replaces."""
    statements = {
        "indexes": "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE tablename = 'search_document' ORDER BY 1",
        "constraints": "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'search_document'::regclass ORDER BY 1",
        "table": "SELECT reloptions, relacl FROM pg_class WHERE oid = 'search_document'::regclass",
        "columns": "SELECT attname, atttypid, attstorage, attnotnull FROM pg_attribute "
        "WHERE attrelid = 'search_document'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    }
    with connection.cursor() as cursor:
        shape = {}
        for name, statement in statements.items():
            cursor.execute(statement)
            shape[name] = cursor.fetchall()
        return shape


def test_a_rebuild_replaces_the_table_with_one_of_the_same_shape(db, settings):
    """The rebuild's table, its indexes built once its rows are in, takes the old one's place with the same
    indexes, keys, storage and privileges; its memory settings end with its transaction; the documents a
    caller's transaction wrote before it do not stop it."""
    from search import postgres

    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    for number in range(12):
        ArticleFactory(title=f"Harbour report {number}", body=f"The harbour's {number} boats sailed.")
    with connection.cursor() as cursor:
        cursor.execute("GRANT SELECT ON search_document TO PUBLIC")
        cursor.execute("SELECT 'search_document'::regclass::oid")
        (table,) = cursor.fetchone()
    shape, before = table_shape(), rebuild_settings()
    assert any(item.startswith("=r/") for item in shape["table"][0][1])  # PUBLIC may read

    assert postgres.documents_rebuild() == 12
    assert table_shape() == shape
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'search_document'::regclass::oid")
        assert cursor.fetchone()[0] != table
    assert rebuild_settings() == before
    assert search_run(SearchParams(q="harbour")).total == 12


def test_a_document_written_during_a_rebuild_waits_for_it_and_is_kept(committed_db, settings, monkeypatch):
    """An edit of an article's entities whose document is written while a rebuild runs, after the rebuild read
    the article, lands in the new table (written to the old one, it would be lost with it); an edit of an
    article itself waits for the rebuild from its start, without a deadlock."""
    from search import postgres

    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    articles = ArticleFactory.create_batch(6, body="The harbour council met.")
    entity = EntityFactory(name="Harbour Board")
    read, edited = threading.Event(), threading.Event()
    batches = postgres._batches

    def batches_then_edits(ids, *, procs):
        yield from batches(ids, procs=procs)
        read.set()  # every article read: the edits come now, while the rebuild has yet to swap
        edited.wait(timeout=1.0)  # their documents wait for the rebuild: they cannot finish first

    done: list[str] = []

    def edit(name: str, article: Article, change) -> None:
        try:
            read.wait(timeout=30)
            with transaction.atomic():
                change()
                postgres.documents_write(article_ids=[article.pk])
            done.append(name)
            if len(done) == 2:
                edited.set()
        finally:
            connection.close()

    editors = [
        threading.Thread(
            target=edit,
            args=("entity", articles[0], lambda: Mention.objects.create(article=articles[0], entity=entity)),
        ),
        threading.Thread(
            target=edit,
            args=(
                "body",
                articles[1],
                lambda: Article.objects.filter(pk=articles[1].pk).update(
                    body="The lighthouse keeper sailed."
                ),
            ),
        ),
    ]
    monkeypatch.setattr(postgres, "_batches", batches_then_edits)
    for editor in editors:
        editor.start()
    assert postgres.documents_rebuild() == 6
    for editor in editors:
        editor.join(timeout=30)
    assert sorted(done) == ["body", "entity"]
    assert search_run(SearchParams(entities=(entity.slug,))).total == 1
    assert search_run(SearchParams(q="lighthouse")).total == 1
    assert search_run(SearchParams(q="harbour")).total == 5


def test_phrases_are_matched_in_the_text_index(db, settings):
    """With the RUM extension the text index keeps positions: a phrase's candidates holding both words
    apart are ruled out in the index, not by reading each one's tsvector."""
    from search import postgres

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT amname FROM pg_class JOIN pg_am ON pg_am.oid = relam WHERE relname = %s",
            ["search_document_text"],
        )
        if cursor.fetchone()[0] != "rum":
            pytest.skip("PostgreSQL has no RUM extension here (Debian's postgresql-15-rum): phrases use GIN")
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    for number in range(6):
        ArticleFactory(
            body=f"Boats left the harbour {number}." if number % 3 else "The harbour boats sailed."
        )
    postgres.documents_rebuild()
    assert search_run(SearchParams(q='"harbour boats"')).total == 2
    sql, params = postgres._where(query_parse('"harbour boats"'))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT article_id FROM search_document WHERE {sql}", params
        )
        plan = cursor.fetchone()[0][0]["Plan"]
    assert plan["Actual Rows"] == 2
    assert (plan.get("Index Name") or plan["Plans"][0]["Index Name"]) == "search_document_text"
    assert plan.get("Rows Removed by Index Recheck", 0) == 0  # GIN's candidates: 6, 4 of them ruled out here
