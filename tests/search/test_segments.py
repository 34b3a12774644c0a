"""The archive's segment writer (`search.segments`) writes what Whoosh's own writer writes, read back by
Whoosh: the same documents, postings with their weights and positions, term statistics, stored fields,
columns and field lengths, whether one process writes or several."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions

from archive.models import Article
from bench.corpus import bbc_paragraphs, corpus_generate
from search.analysis import ANALYZER
from search.docsets import query_docs
from search.engine import EPOCH, NO_DAY, SCHEMA, index_rebuild, index_sync, searcher_open
from search.phrases import position_keys, positions_values
from search.query import query_parse
from search.segments import segments_build_parallel, segments_commit, text_terms

pytestmark = pytest.mark.whoosh  # the Whoosh engine's own files and internals

ODD_TEXTS = [
    "İstanbul's U.S.A. office: naïve café, Ünïcödé — 東京 and São Paulo; e-mail a*b 3.14 1,000,000",
    "The the THE the. Stop-words aren't dropped: to be or not to be.",
    "...dots.. .a. b.c. *** __init__ x_y 2022-12-01 12:30",
]


def document(
    *,
    pk: int,
    title: str,
    body: str,
    byline: str,
    outlet: str | None,
    entities: list[tuple[str, str]],
    published: dt.date | None,
    updated_at: dt.datetime,
    copy_group_id: int | None,
) -> dict:
    """An index document with every kind of field, as `article_document` lays one out (without a database)."""
    made = {
        "id": str(pk),
        "title": title,
        "body": body,
        "byline": byline,
        "day": (published - EPOCH).days if published else NO_DAY,
        "updated": updated_at.isoformat(),
        "undated": 0 if published else 1,
        "outlet": outlet or "_none",
        "wire": "_none",
        "entity_type": " ".join(sorted({kind for _, kind in entities})),
        "entity": " ".join(slug for slug, _ in entities),
    }
    if published:
        made["published"] = dt.datetime.combine(published, dt.time.min)
    if copy_group_id:
        made["copy_group"] = f"g{copy_group_id}"
    return made


def documents(count: int = 240) -> list[dict]:
    """Index documents as the archive maps articles: synthetic ones, odd text, and one with a word more than
    65,535 positions after the previous (its positions cannot use the writer's fixed layout)."""
    made = []
    for number, article in enumerate(corpus_generate(count, seed=11), start=1):
        made.append(
            document(
                pk=number,
                title=article.title,
                body=article.body,
                byline="Jo Bloggs" if number % 3 else "",
                outlet=f"outlet-{number % 7}" if number % 5 else None,
                entities=[(f"e-{n}", "person") for n in range(number % 6)],
                published=article.published if number % 4 else None,
                updated_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                copy_group_id=number // 3 if number % 2 else None,
            )
        )
    for offset, text in enumerate(ODD_TEXTS + ["filler " * 70_000 + "zebra filler zebra"]):
        made.append(
            document(
                pk=count + 1 + offset,
                title=text[:60],
                body=text,
                byline=text[:20],
                outlet="odd",
                entities=[("odd", "place")],
                published=dt.date(2022, 3, 4),
                updated_at=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
                copy_group_id=None,
            )
        )
    return made


def whoosh_written(path, docs: list[dict]):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), SCHEMA)
    with ix.writer() as writer:
        for document in docs:
            writer.add_document(**document)
    return ix


def archive_written(path, docs: list[dict], *, procs: int):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), SCHEMA)
    writer = ix.writer()
    segments_commit(
        writer, segments_build_parallel(ix.storage, SCHEMA, ix.indexname, iter(docs), procs=procs)
    )
    writer.commit()
    return ix


def contents(ix) -> dict:
    """Everything a search can read, keyed by article id instead of document number."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: stored["id"] for docnum, stored in reader.iter_docs()}
        postings, statistics = {}, {}
        for field, btext in reader.all_terms():
            fmt = SCHEMA[field].format
            matcher = reader.postings(field, btext)
            items = []
            while matcher.is_active():
                value = matcher.value()
                items.append(
                    (
                        ids[matcher.id()],
                        matcher.weight(),
                        fmt.decode_positions(value) if isinstance(fmt, Positions) else value,
                    )
                )
                matcher.next()
            postings[(field, btext)] = sorted(items)
            info = reader.term_info(field, btext)
            statistics[(field, btext)] = (
                info.doc_frequency(),
                info.weight(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
            )
        columns = {
            field: {
                ids[docnum]: value
                for docnum, value in enumerate(reader.column_reader(field, translate=False))
            }
            for field in SCHEMA.names()
            if SCHEMA[field].column_type and reader.has_column(field)
        }
        lengths = {
            (field, ids[docnum]): reader.doc_field_length(docnum, field)
            for docnum in ids
            for field in ("title", "body", "byline")
        }
        return {
            "stored": {ids[docnum]: stored for docnum, stored in reader.iter_docs()},
            "postings": postings,
            "statistics": statistics,
            "columns": columns,
            "lengths": lengths,
            "totals": {field: reader.field_length(field) for field in SCHEMA.names()},
            "count": reader.doc_count(),
        }


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    docs = documents()
    base = tmp_path_factory.mktemp("segments")
    return {
        "whoosh": contents(whoosh_written(base / "whoosh", docs)),
        "archive": contents(archive_written(base / "archive", docs, procs=1)),
        "parallel": contents(archive_written(base / "parallel", docs, procs=2)),
    }


@pytest.mark.parametrize(
    "part", ["stored", "postings", "statistics", "columns", "lengths", "totals", "count"]
)
def test_whoosh_reads_what_the_writer_writes(written, part):
    assert written["archive"][part] == written["whoosh"][part]
    assert written["parallel"][part] == written["whoosh"][part]


def test_the_comparison_covers_every_kind_of_field(written):
    """Every indexed field of the archive's schema has postings in the comparison, every sortable one a
    column."""
    fields = {field for field, _ in written["whoosh"]["postings"]}
    assert fields == {name for name, field in SCHEMA.items() if field.indexed}
    columns = {name for name, field in SCHEMA.items() if field.column_type is not None}
    assert set(written["whoosh"]["columns"]) == columns >= {"id", "published", "day", "copy_group"}
    zebra = written["whoosh"]["postings"][("body", b"zebra")]
    assert zebra[0][2] == [70_000, 70_002]  # the far position made it through


def test_text_terms_are_the_analyzers():
    for text in bbc_paragraphs()[::7] + ODD_TEXTS:
        assert text_terms(text) == [token.text for token in ANALYZER(text, mode="index")]


def test_positions_read_back_from_either_layout():
    rng = np.random.default_rng(4)
    lists = [
        np.sort(rng.choice(200_000 if n % 9 == 0 else 400, size=1 + n % 5, replace=False)) for n in range(300)
    ]
    counts = np.array([len(positions) for positions in lists])
    ours = positions_values(counts, np.concatenate(lists))
    theirs = [Positions().encode(positions.tolist()) for positions in lists]
    assert [Positions().decode_positions(value) for value in ours] == [
        positions.tolist() for positions in lists
    ]
    docs = np.arange(300) * 3
    expected = np.concatenate([(doc << 32) | positions for doc, positions in zip(docs, lists)])
    for values in (ours, theirs, [a if n % 2 else b for n, (a, b) in enumerate(zip(ours, theirs))]):
        assert np.array_equal(position_keys(docs, values), expected)


def test_segments_of_both_writers_search_as_whoosh(db):
    """Segments from the rebuild, from a sync (both this writer's) and from Whoosh's own writer (an index
    written before, or segments Whoosh merged), with deletions, in one index."""
    from archive.ingestion.bulk import articles_bulk_load
    from search.engine import article_document, articles_for_index, writer_open

    articles_bulk_load(corpus_generate(300, seed=8), announce=False)
    assert index_rebuild() == 300
    changed = list(Article.objects.order_by("pk")[:60])
    for article in changed[:40]:
        article.body = "One of the prime minister's advisers said the the end of the day. " + article.body
        article.save()
    Article.objects.filter(pk__in=[article.pk for article in changed[40:]]).update(
        status=Article.Status.HIDDEN
    )
    index_sync(article_ids=[article.pk for article in changed[20:]])
    with writer_open() as writer:  # Whoosh's own writer, as before the segment writer
        for article in articles_for_index([article.pk for article in changed[:20]]):
            writer.update_document(**article_document(article))
    with searcher_open() as searcher:
        assert len(searcher.subsearchers) >= 3 and searcher.doc_count() == 280
        for text in (
            '"the prime minister"',
            '"one of the"',
            '"the the"',
            '"end of the day"~2',
            "minister -advisers",
            "government",
        ):
            query = query_parse(text)
            expected = np.array(sorted(searcher.docs_for_query(query)), dtype=np.int64)
            if text == "minister -advisers":  # Whoosh's Not hands back deleted documents (see test_docsets)
                words = [
                    np.array(sorted(searcher.docs_for_query(query_parse(w))))
                    for w in ("minister", "advisers")
                ]
                expected = np.setdiff1d(*words)
            assert np.array_equal(query_docs(searcher, query), expected), text
            assert len(expected) > 0, text
