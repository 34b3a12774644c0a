"""The PostgreSQL engine: the index as rows of the archive's own database, which every application host
(and every streaming replica) shares.

The archive's analyzer makes the terms in Python and PostgreSQL stores them as `tsvector`s (title terms
weighted A, body terms B, a gap of one position between them so no phrase spans both; the byline apart),
matched with GIN indexes and `@@` (the text's index is RUM where PostgreSQL has it: it keeps positions, so
phrases are matched in the index); the facet values are `field:value` keys in a GIN-indexed array. So both
engines match the same articles for the same query: the query is parsed once (`search.query`), its
prefixes, wildcards and fuzzy terms are expanded by Whoosh's own rules over the index words kept in
`search_word`, and the tree is translated to SQL here. Documents are written in the same transaction as
the article they come from (`articles_changing`), so the index never lags the database; each write moves
`search_state.version`, and a host rebuilds its facet columns (the same arrays the Whoosh engine counts
over, `search.facets`) when the version it reads differs.

Relevance is BM25 as Whoosh computes it (its K1, B and the title's boost of 2), over what GIN indexes tell
without reading a document's `tsvector` (a value kept out of the row, whose reading made `ts_rank` take
10 µs a match): the `boost` column holds a lexeme per term and class, "t:" for a title word and "2:", "4:",
"8:" for a word at least that many times in the body, so a word's count is known as 1, 2-3, 4-7 or 8+,
and `length` is the body's number of words. A phrase's class is the one all its words are in. A word's
rarity is its share of the documents: ANALYZE's for the commonest words (`_common_read`), a count for the
rest. The byline does not rank. Differences from the Whoosh engine, by PostgreSQL's design: that coarser
count; a word only in the title counts as once in the body too; a common word's share is a sample's; and a
`tsvector` keeps at most 256 positions of a word and none past 16,383, so a phrase is not found beyond those
in a very long article.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import partial

import django
import numpy as np
from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from whoosh import query as wq
from whoosh.reading import IndexReader

from .backend import IndexUnavailable
from .docsets import words_expanded
from .engine import EPOCH, NO_DAY, SCHEMA, article_document, articles_for_index
from .facets import FacetColumns, _SegmentColumns, _Values
from .fields import INDEXED
from .query import QuerySyntaxError, QueryTimeout, time_left
from .segments import term_text, text_term_ids

# The text fields of the `text` column and their weights; "byline" has a column of its own.
WEIGHTS = {"title": "A", "body": "B"}
BODY_CLASSES = (2, 4, 8)  # the body counts relevance tells apart: 1, 2-3, 4-7, 8 or more
K1, B = 1.2, 0.75  # BM25's constants, Whoosh's defaults
FEW = 2000  # listed documents few enough to ask about by id
TITLE_BOOST = 2.0  # the title's field boost in the Whoosh schema
MAX_POSITIONS = 256  # what a tsvector keeps of one word
KEYWORD_FIELDS = tuple(facet.field for facet in INDEXED)
WRITE_BATCH = 500
# A rebuild's settings (its transaction's): the memory its CREATE INDEX statements sort their entries in.
REBUILD_SETTINGS = {"maintenance_work_mem": "256MB"}
NEXT = "search_document_next"  # a rebuild's documents, until the table takes the documents' name
INDEX_ON = re.compile(r"^(CREATE (?:UNIQUE )?INDEX )\S+ ON \S+ ")  # an index definition's name and table
REBUILD_BATCH = 1000  # articles a rebuild's worker makes documents of at a time
WORDS_BATCH = 2000
COUNTED = 10_000  # words and phrases whose matches a version's columns remember, before forgetting them all
log = logging.getLogger(__name__)
QUERY_CANCELED = "57014"  # PostgreSQL's error code for a statement stopped by its timeout
VERSION = "SELECT COALESCE(MAX(version), 0) FROM search_state"  # of the documents, moved by every write
# Matching documents' ids as 8-byte integers one after the other: 32 ms against 36 for an array's text
# (48,700 ids, sent and read).
IDS = "string_agg(int8send(article_id), ''::bytea)"
COLUMNS = ("article_id", "updated", "day", "copy_group", "keys", "text", "byline", "boost", "length")


def _alias() -> str:
    """The database searches read: a replica when one is configured (`search.routers`)."""
    from .models import SearchDocument

    return router.db_for_read(SearchDocument)


# -- documents -------------------------------------------------------------------------------------------


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class _Lexemes(dict):
    """term number -> the term as a tsvector lexeme, quoted once per process (`text_term_ids`)."""

    def __missing__(self, number: int) -> str:
        quoted = self[number] = _lexeme(term_text(number))
        return quoted


_lexemes = _Lexemes()
LAST_POSITION = 16383  # a tsvector's last position: later words are placed there
_PLACES = {weight: [f"{place}{weight}" for place in range(LAST_POSITION + 1)] for weight in ("A", "B", "")}


def _vector(fields: list[tuple[str, str]]) -> tuple[str, dict[str, Counter[int]]]:
    """A tsvector literal of the terms of each (field, text), weighted by field and placed one after the
    other with a one-position gap; and how many times each field holds each term (by `text_term_ids`)."""
    labels: defaultdict[int, list[str]] = defaultdict(list)  # term number -> its places, weighted ("12B")
    counts: dict[str, Counter[int]] = {}
    start = 1
    for field, text in fields:
        places = _PLACES[WEIGHTS.get(field, "")]
        numbers = text_term_ids(text)
        end = start + len(numbers)
        placed = places[start:end]  # past a tsvector's last position, words are placed there
        placed += [places[LAST_POSITION]] * (end - start - len(placed))
        for label, number in zip(placed, numbers):
            labels[number].append(label)
        if numbers:
            counts[field] = Counter(numbers)
        start = end + 1
    return " ".join(
        f"{_lexemes[number]}:{','.join(kept[:MAX_POSITIONS])}" for number, kept in labels.items()
    ), counts


def _boost(counts: dict[str, Counter[int]]) -> tuple[str, int]:
    """The `boost` lexemes of a title and body's terms ("t:" a title word, "2:", "4:", "8:" a word at least
    that many times in the body) and the number of the body's words: what relevance reads."""
    body = counts.get("body", Counter())
    lexemes = [f"'t:{_lexemes[number][1:]}" for number in counts.get("title", ())]  # [1:]: after its quote
    for number, count in body.items():
        if count >= BODY_CLASSES[0]:
            quoted = _lexemes[number][1:]
            lexemes.extend(f"'{least}:{quoted}" for least in BODY_CLASSES if count >= least)
    return " ".join(lexemes), body.total()


def _array(values: Iterable[str]) -> str:
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


@dataclass(frozen=True)
class _Row:
    values: tuple
    terms: dict[str, Counter[int]]  # the numbers of the terms each text field holds, with their counts
    facet_words: set[tuple[str, str]]


def _words_of(rows: Iterable[_Row]) -> set[tuple[str, str]]:
    """The (field, word) pairs these documents hold, each term named once however many hold it."""
    numbers: dict[str, set[int]] = {}
    words: set[tuple[str, str]] = set()
    for row in rows:
        words |= row.facet_words
        for field, found in row.terms.items():
            numbers.setdefault(field, set()).update(found)
    return words | {(field, term_text(number)) for field, found in numbers.items() for number in found}


def _row(document: dict) -> _Row:
    """The `search_document` row of an index document (`article_document`, the one mapping of an article)."""
    text, terms = _vector([("title", document["title"]), ("body", document["body"])])
    byline, byline_terms = _vector([("byline", document["byline"])])
    boost, length = _boost(terms)
    facet_words = {(field, value.lower()) for field in KEYWORD_FIELDS for value in document[field].split()}
    # A key per facet value, and `field:` for every field the document has a word in (what `field:*` asks).
    keys = {f"{field}:{value}" for field, value in facet_words} | {
        f"{field}:" for field in {field for field, _ in facet_words} | terms.keys() | byline_terms.keys()
    }
    group = document.get("copy_group")
    return _Row(
        values=(
            int(document["id"]),
            document["updated"],
            document["day"],
            int(group[1:]) if group else None,
            _array(sorted(keys)),
            text,
            byline,
            boost,
            length,
        ),
        terms=terms | byline_terms,
        facet_words=facet_words,
    )


def _words_add(cursor, words: set[tuple[str, str]]) -> None:
    if words:
        fields, texts = zip(*sorted(words))
        cursor.execute(
            "INSERT INTO search_word (field, word) SELECT * FROM unnest(%s::text[], %s::text[]) "
            "ON CONFLICT DO NOTHING",
            [list(fields), list(texts)],
        )


def _version_move(cursor) -> None:
    cursor.execute(
        "INSERT INTO search_state (id, version) VALUES (1, nextval('search_state_version')) "
        "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version"
    )


def documents_write(*, article_ids: Iterable[int]) -> int:
    """Write these articles' documents in the current transaction: published ones added or replaced (also
    when their update time is the same: mentions may have changed since, in the same transaction), others
    removed. How many were written or removed."""
    ids = sorted({int(pk) for pk in article_ids})
    changed = 0
    with transaction.atomic(), connections["default"].cursor() as cursor:
        for start in range(0, len(ids), WRITE_BATCH):
            batch = ids[start : start + WRITE_BATCH]
            articles = list(articles_for_index(batch))
            cursor.execute(  # hidden or deleted since: their documents go
                "DELETE FROM search_document WHERE article_id = ANY(%s) RETURNING article_id",
                [sorted(set(batch) - {article.pk for article in articles})],
            )
            gone = cursor.fetchall()
            rows = [_row(article_document(article)) for article in articles]
            if rows:
                cursor.executemany(
                    f"INSERT INTO search_document ({', '.join(COLUMNS)}) VALUES "
                    "(%s, %s, %s, %s, %s::text[], %s::tsvector, %s::tsvector, %s::tsvector, %s) "
                    "ON CONFLICT (article_id) DO "
                    f"UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in COLUMNS[1:])}",
                    [row.values for row in rows],
                )
                _words_add(cursor, _words_of(rows))
            if rows or gone:
                _version_move(cursor)
            changed += len(rows) + len(gone)
    return changed


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_line(values: tuple) -> str:
    """A row in COPY's text format."""
    return "\t".join(map(_copy_value, values)) + "\n"


@dataclass(frozen=True)
class _Batch:
    """Documents made as COPY lines, with the index words they hold."""

    lines: str
    words: set[tuple[str, str]]
    count: int


def _batch(ids: list[int]) -> _Batch:
    rows = [_row(article_document(article)) for article in articles_for_index(ids)]
    return _Batch("".join(_copy_line(row.values) for row in rows), _words_of(rows), len(rows))


def _batch_on(database: str, ids: list[int]) -> _Batch:
    """`_batch` in a rebuild's worker: a process of its own (`spawn`: a forked connection would be the
    parent's), on the parent's database (a test's, say, which the settings do not name)."""
    connections["default"].settings_dict["NAME"] = database
    return _batch(ids)


def _batches(ids: list[int], *, procs: int) -> Iterator[_Batch]:
    """The documents of these articles, made in `procs` processes when there are more than one."""
    chunks = [ids[start : start + REBUILD_BATCH] for start in range(0, len(ids), REBUILD_BATCH)]
    if procs < 2 or len(chunks) < 2:
        yield from map(_batch, chunks)
        return
    database = connections["default"].settings_dict["NAME"]
    with multiprocessing.get_context("spawn").Pool(procs, initializer=django.setup) as pool:
        yield from pool.imap_unordered(partial(_batch_on, database), chunks)


def _settings_set(cursor, values: dict[str, str]) -> dict[str, str]:
    """Set these settings for the transaction; what they were."""
    previous = {}
    for name, value in values.items():
        cursor.execute("SELECT current_setting(%s)", [name])
        previous[name] = cursor.fetchone()[0]
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return previous


@dataclass(frozen=True)
class _Shape:
    """What a rebuild's table takes over from the documents' table besides its columns (which `LIKE` copies
    with their storage): its storage options, its indexes and constraints (each CREATE or ADD statement on
    the new table under a temporary name, then its own name), and its privileges."""

    options: list[str]
    indexes: list[tuple[str, str, str]]  # (name, temporary name, CREATE INDEX statement)
    constraints: list[tuple[str, str, str]]  # (name, temporary name, definition)
    grants: list[tuple[str, str]]  # (privilege, role)

    def build(self, cursor) -> None:
        for _, _, statement in self.indexes:
            cursor.execute(statement)
        for _, temporary, definition in self.constraints:
            cursor.execute(f"ALTER TABLE {NEXT} ADD CONSTRAINT {temporary} {definition}")
        for privilege, role in self.grants:
            cursor.execute(f"GRANT {privilege} ON {NEXT} TO {role}")

    def name(self, cursor) -> None:
        for name, temporary, _ in self.indexes:
            cursor.execute(f"ALTER INDEX {temporary} RENAME TO {name}")
        for name, temporary, _ in self.constraints:  # also renames the index of a key
            cursor.execute(f"ALTER TABLE search_document RENAME CONSTRAINT {temporary} TO {name}")


def _temporary(name: str) -> str:
    return f"{name[:58]}_next"


def _shape_read(cursor) -> _Shape:
    cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'search_document'::regclass")
    options = cursor.fetchone()[0] or []
    cursor.execute(  # keys (the table has no foreign key: see `search.models.SearchDocument`)
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'search_document'::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname"
    )
    constraints = [(name, _temporary(name), definition) for name, definition in cursor.fetchall()]
    cursor.execute(  # the indexes no constraint makes
        "SELECT idx.relname, pg_get_indexdef(x.indexrelid) "
        "FROM pg_index x JOIN pg_class idx ON idx.oid = x.indexrelid "
        "WHERE x.indrelid = 'search_document'::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conrelid = x.indrelid AND c.conindid = x.indexrelid) "
        "ORDER BY idx.relname"
    )
    indexes = [
        (name, _temporary(name), INDEX_ON.sub(rf"\g<1>{_temporary(name)} ON {NEXT} ", statement, count=1))
        for name, statement in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT privilege_type, CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE grantee::regrole::text END "
        "FROM pg_class, aclexplode(relacl) WHERE pg_class.oid = 'search_document'::regclass"
    )
    return _Shape(options, indexes, constraints, cursor.fetchall())


def documents_rebuild(*, procs: int = 1, progress: Callable[[int, int], None] | None = None) -> int:
    """Every published article's document made afresh (in `procs` processes) into a table of its own, whose
    indexes are built once its rows are in (from sorted entries: compact, and faster than growing them a row
    at a time), and which then takes the documents' name. One transaction: searches read the old documents
    until it commits, and writes of documents wait for it."""
    from archive.models import Article

    if connections["default"].in_atomic_block:  # workers read what is committed, which these may not be
        procs = 1
    count = 0
    words: set[tuple[str, str]] = set()
    with transaction.atomic(), connections["default"].cursor() as cursor:
        # Writes of documents wait (one written now would be lost with the old table); reads go on.
        cursor.execute("LOCK TABLE search_document IN EXCLUSIVE MODE")
        ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
        previous = _settings_set(cursor, REBUILD_SETTINGS)
        shape = _shape_read(cursor)
        options = f" WITH ({', '.join(shape.options)})" if shape.options else ""
        cursor.execute(f"CREATE TABLE {NEXT} (LIKE search_document INCLUDING ALL EXCLUDING INDEXES){options}")
        for batch in _batches(ids, procs=procs):  # a COPY each: between them, this process reads articles
            with cursor.cursor.copy(f"COPY {NEXT} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                copy.write(batch.lines)
            words |= batch.words
            count += batch.count
            if progress:
                progress(count, len(ids))
        shape.build(cursor)
        cursor.execute("DELETE FROM search_word")
        with cursor.cursor.copy("COPY search_word (field, word) FROM STDIN") as copy:
            for pair in sorted(words):
                copy.write_row(pair)
        # The word counts rarity reads (`_common_read`) and the planner's estimates, there from the start.
        cursor.execute(f"ANALYZE {NEXT}")
        # Searches wait from here to the commit; those reading the old table are waited for.
        cursor.execute(f"DROP TABLE search_document; ALTER TABLE {NEXT} RENAME TO search_document")
        shape.name(cursor)
        _settings_set(cursor, previous)  # also inside a caller's transaction (a test's)
        _version_move(cursor)
    if not connections["default"].in_atomic_block:  # VACUUM (all-visible pages) cannot run in a transaction
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM search_document")
    return count


# -- queries ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A tsquery (`query`, its weight labels saying which text fields each leaf is restricted to) over one
    tsvector column; `matched` when each of its matches holds one of its words, which an index can then
    find (a RUM index asked for the others reads every entry, and holds them all in memory)."""

    column: str
    query: str
    matched: bool = True


def _label(fields: frozenset[str]) -> str:
    """The weight restriction of a leaf over `fields` of the text column (none when it is both)."""
    if fields >= set(WEIGHTS):
        return ""
    return ":" + "".join(sorted(WEIGHTS[field] for field in fields))


def _column(field: str) -> str | None:
    return "text" if field in WEIGHTS else ("byline" if field == "byline" else None)


def _leaf_words(node: wq.Query) -> tuple[str, ...] | None:
    """The words of a Term or a Phrase on a text field (the key under which leaves of two fields merge)."""
    if type(node) is wq.Term and _column(node.fieldname):
        return (node.text,)
    if isinstance(node, wq.Phrase) and _column(node.fieldname):
        return tuple(node.words) + ((f"~{node.slop}",) if node.slop > 1 else ())
    return None


def _phrase(words: list[str], label: str, slop: int) -> str:
    """Words in order, each within `slop` positions of the one before (Whoosh's phrase slop)."""
    query = _lexeme(words[0]) + label
    for word in words[1:]:
        following = _lexeme(word) + label
        query = (
            "(" + " | ".join(f"({query}) <{distance}> {following}" for distance in range(1, slop + 1)) + ")"
        )
    return query


def _leaf(node: wq.Query, fields: frozenset[str]) -> _Text:
    column = _column(node.fieldname)
    label = _label(fields) if column == "text" else ""
    if type(node) is wq.Term:
        return _Text(column, _lexeme(node.text) + label)
    words = list(node.words)
    if not words:
        return _Text(column, "")
    return _Text(column, _phrase(words, label, max(1, node.slop)))


def _text(node: wq.Query) -> _Text | None:
    """The node as one tsquery over one column, when it is one (words, phrases and their combinations)."""
    if _leaf_words(node) is not None:
        return _leaf(node, frozenset({node.fieldname}))
    if type(node) in (wq.And, wq.Or) and node.subqueries:
        children = _merged(node.subqueries) if type(node) is wq.Or else [_text(c) for c in node.subqueries]
        if any(child is None or not child.query for child in children):
            return None
        if len({child.column for child in children}) != 1:
            return None
        operator, matched = (" & ", any) if type(node) is wq.And else (" | ", all)
        return _Text(
            children[0].column,
            "(" + operator.join(child.query for child in children) + ")",
            matched(child.matched for child in children),
        )
    if type(node) is wq.Not:
        child = _text(node.query)
        return _Text(child.column, f"!({child.query})", False) if child and child.query else None
    if type(node) is wq.AndNot:
        a, b = _text(node.a), _text(node.b)
        if a and b and a.query and b.query and a.column == b.column:
            return _Text(a.column, f"({a.query} & !({b.query}))", a.matched)
    return None


def _merged(children: list[wq.Query]) -> list[_Text | None]:
    """An Or's children as tsqueries, the same word or phrase on title and body made one unrestricted leaf
    (what the parser makes of a plain word: one index lookup instead of two)."""
    fields: dict[tuple[str, ...], set[str]] = {}
    first: dict[tuple[str, ...], wq.Query] = {}
    others: list[_Text | None] = []
    for child in _flattened(children):
        words = _leaf_words(child)
        if words is not None and _column(child.fieldname) == "text":
            fields.setdefault(words, set()).add(child.fieldname)
            first.setdefault(words, child)
        else:
            others.append(_text(child))
    return [_leaf(first[words], frozenset(names)) for words, names in fields.items()] + others


def _flattened(children: list[wq.Query]) -> Iterator[wq.Query]:
    """An Or's children with nested Ors opened (an expanded prefix on two fields is an Or of Ors)."""
    for child in children:
        if type(child) is wq.Or:
            yield from _flattened(child.subqueries)
        else:
            yield child


def _day(moment: dt.datetime | None) -> int | None:
    return None if moment is None else (moment.date() - EPOCH).days


def _range(low: int | None, high: int | None, *, low_out: bool, high_out: bool) -> tuple[str, list]:
    parts, params = ["day <> %s"], [NO_DAY]
    if low is not None:
        parts.append("day > %s" if low_out else "day >= %s")
        params.append(low)
    if high is not None:
        parts.append("day < %s" if high_out else "day <= %s")
        params.append(high)
    return "(" + " AND ".join(parts) + ")", params


def _without(sql: str) -> str:
    """The documents an index finds for `sql`, left out (an anti-join): not each document's `tsvector` read
    to test it."""
    return (
        "NOT EXISTS (SELECT 1 FROM search_document other "
        f"WHERE other.article_id = search_document.article_id AND {sql})"
    )


def _where(node: wq.Query) -> tuple[str, list]:
    """An expanded query as a SQL condition on `search_document`."""
    if isinstance(node, type(wq.NullQuery)):
        return "FALSE", []
    text = _text(node)
    if text is not None and text.query and text.matched:
        return f"{text.column} @@ %s::tsquery", [text.query]
    if type(node) is wq.Every:
        if node.fieldname in (None, "", "*"):
            return "TRUE", []
        return "keys @> ARRAY[%s]::text[]", [f"{node.fieldname}:"]
    if type(node) is wq.Term and node.fieldname in KEYWORD_FIELDS:
        return "keys @> ARRAY[%s]::text[]", [f"{node.fieldname}:{node.text}"]
    if type(node) is wq.Phrase and not node.words:
        return "FALSE", []
    if type(node) in (wq.And, wq.Or):
        if not node.subqueries:
            return "FALSE", []
        parts = [_where(child) for child in node.subqueries]
        joiner = " AND " if type(node) is wq.And else " OR "
        return "(" + joiner.join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]
    if type(node) is wq.Not:
        sql, params = _where(node.query)
        return _without(sql), params
    if type(node) is wq.AndNot:
        (a, pa), (b, pb) = _where(node.a), _where(node.b)
        return f"({a} AND {_without(b)})", pa + pb
    if type(node) is wq.AndMaybe:
        return _where(node.a)
    if type(node) is wq.Require:
        (a, pa), (b, pb) = _where(node.a), _where(node.b)
        return f"({a} AND {b})", pa + pb
    if type(node) is wq.ConstantScoreQuery:
        return _where(node.child)
    if isinstance(node, wq.DateRange) and node.fieldname == "published":
        return _range(_day(node.startdate), _day(node.enddate), low_out=node.startexcl, high_out=node.endexcl)
    if isinstance(node, wq.NumericRange) and node.fieldname == "day":
        return _range(node.start, node.end, low_out=node.startexcl, high_out=node.endexcl)
    if isinstance(node, wq.NumericRange) and node.fieldname == "undated":
        undated = (node.start is None or node.start <= 1) and (node.end is None or node.end >= 1)
        dated = (node.start is None or node.start <= 0) and (node.end is None or node.end >= 0)
        return {(True, True): "TRUE", (True, False): "day = -1", (False, True): "day <> -1"}.get(
            (undated, dated), "FALSE"
        ), []
    raise QuerySyntaxError(f"'{node}' cannot be searched with the PostgreSQL engine.")


@dataclass(frozen=True)
class _Weighed:
    """A word or phrase of the query as relevance weighs it: its words, the text fields it is asked in, its
    tsquery (for its matches) and whether every match of the query holds it."""

    words: tuple[str, ...]
    fields: frozenset[str]
    query: str
    required: bool

    def classes(self) -> list[tuple[str, str]]:
        """(class, tsquery over `boost`) for each class this word or phrase can be in: a phrase is in a
        class when all its words are (its words in the title, each twice in the body, ...)."""
        kinds = (["t"] if "title" in self.fields else []) + (
            [str(count) for count in BODY_CLASSES] if "body" in self.fields else []
        )
        return [(kind, " & ".join(_lexeme(f"{kind}:{word}") for word in self.words)) for kind in kinds]


def _required(node: wq.Query) -> set[tuple[str, ...]]:
    """The words and phrases (`_leaf_words`) on the text column that every match of the query holds."""
    words = _leaf_words(node)
    if words is not None:
        return {words} if _column(node.fieldname) == "text" else set()
    if type(node) in (wq.And, wq.Require):
        return set().union(*map(_required, node.children()))
    if type(node) is wq.Or and node.subqueries:
        return set.intersection(*map(_required, node.subqueries))
    if type(node) in (wq.AndNot, wq.AndMaybe):
        return _required(node.a)
    return set()


def _weighed(node: wq.Query) -> list[_Weighed]:
    """Every word and phrase on the text column the query asks for (not under NOT), a word asked in the
    title and in the body once."""
    first: dict[tuple[str, ...], wq.Query] = {}
    fields: dict[tuple[str, ...], set[str]] = {}

    def walk(item: wq.Query) -> None:
        if type(item) is wq.Not:
            return
        if type(item) is wq.AndNot:
            walk(item.a)
            return
        words = _leaf_words(item)
        if words is not None:
            if _column(item.fieldname) == "text" and (type(item) is wq.Term or item.words):
                first.setdefault(words, item)
                fields.setdefault(words, set()).add(item.fieldname)
            return
        if not item.is_leaf():
            for child in item.children():
                walk(child)

    walk(node)
    required = _required(node)
    return [
        _Weighed(
            words=(item.text,) if type(item) is wq.Term else tuple(item.words),
            fields=frozenset(fields[key]),
            query=_leaf(item, frozenset(fields[key])).query,
            required=key in required,
        )
        for key, item in first.items()
    ]


# -- the index words -------------------------------------------------------------------------------------


class _Words:
    """The index words of `search_word` as Whoosh's query expansion reads a lexicon (`terms_from`, and the
    prefix, lexicon and edit-distance walks built on it), in byte order as Whoosh keeps them; it stands for
    both the searcher and its reader that `words_expanded` asks for."""

    schema = SCHEMA
    expand_prefix = IndexReader.expand_prefix
    lexicon = IndexReader.lexicon
    terms_within = IndexReader.terms_within
    _text_to_bytes = IndexReader._text_to_bytes

    def __init__(self, cursor) -> None:
        self.cursor = cursor

    def terms_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[str, bytes]]:
        last, inclusive = prefix.decode("utf-8"), True
        while True:
            after = ">=" if inclusive else ">"
            self.cursor.execute(
                f'SELECT word FROM search_word WHERE field = %s AND word COLLATE "C" {after} %s '
                'ORDER BY word COLLATE "C" LIMIT %s',
                [fieldname, last, WORDS_BATCH],
            )
            words = [word for (word,) in self.cursor.fetchall()]
            for word in words:
                yield fieldname, word.encode("utf-8")
            if len(words) < WORDS_BATCH:
                return
            last, inclusive = words[-1], False

    def reader(self) -> _Words:
        return self

    def __contains__(self, term: tuple[str, bytes | str]) -> bool:
        fieldname, text = term
        word = text.decode("utf-8") if isinstance(text, bytes) else text
        self.cursor.execute("SELECT 1 FROM search_word WHERE field = %s AND word = %s", [fieldname, word])
        return self.cursor.fetchone() is not None


# -- snapshots -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    version: int
    columns: FacetColumns
    lengths: np.ndarray  # each document's number of body words, by document number
    common: dict[str, float]  # the most common words of titles and bodies -> the share of documents with one
    doc_of: np.ndarray  # article id -> its document number (-1: none)
    counts: dict[str, int] = dataclass_field(default_factory=dict)  # tsquery -> its matches, as searches ask


_columns: dict[tuple[str, str], _Columns] = {}
_columns_lock = threading.Lock()


def _columns_key(alias: str) -> tuple[str, str]:
    return alias, str(settings.DATABASES[alias]["NAME"])


def _common_read(cursor) -> dict[str, float]:
    """The most common words of titles and bodies and the share of documents holding each, as ANALYZE (after
    a rebuild, and autovacuum's as documents are written) estimates them from a sample: rarity reads them
    instead of counting a common word's matches (15 ms for 37,000 of them at 100,000 articles); rarer words
    are counted, few matches each."""
    cursor.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'search_document' AND attname = 'text'"
    )
    row = cursor.fetchone()
    return dict(zip(row[0], row[1])) if row and row[0] else {}


def _columns_read(cursor, version: int) -> _Columns:
    """Every document's facet values, day and copy group as the arrays `search.facets` counts over, its
    length, and the common words' shares."""
    cursor.execute(
        "SELECT article_id, day, copy_group, keys, length FROM search_document ORDER BY article_id"
    )
    rows = cursor.fetchall()
    size = len(rows)
    fields = [*KEYWORD_FIELDS, "copy_group"]
    names: dict[str, dict[str, int]] = {field: {} for field in fields}
    docs: dict[str, list[int]] = {field: [] for field in fields}
    codes: dict[str, list[int]] = {field: [] for field in fields}
    lengths = np.zeros(size, dtype=np.float64)
    for doc, (_, _, group, keys, length) in enumerate(rows):
        lengths[doc] = length
        for key in keys:
            field, _, value = key.partition(":")
            if value and field in names:
                docs[field].append(doc)
                codes[field].append(names[field].setdefault(value, len(names[field])))
        if group is not None:
            docs["copy_group"].append(doc)
            codes["copy_group"].append(names["copy_group"].setdefault(f"g{group}", len(names["copy_group"])))
    values = {
        field: _Values(
            list(names[field]), np.array(docs[field], dtype=np.int32), np.array(codes[field], dtype=np.int32)
        )
        for field in fields
    }
    segment = _SegmentColumns(
        size=size,
        days=np.array([row[1] for row in rows], dtype=np.int32),
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        values=values,
    )
    doc_of = np.full(int(segment.ids.max()) + 1 if size else 0, -1, dtype=np.int32)
    doc_of[segment.ids] = np.arange(size, dtype=np.int32)
    return _Columns(version, FacetColumns([(segment, 0)]), lengths, _common_read(cursor), doc_of)


class PostgresSnapshot:
    """The documents as one transaction sees them; document numbers are places in the id-ordered columns."""

    def __init__(self, cursor, cached: _Columns) -> None:
        self.cursor = cursor
        self.columns = cached.columns
        self.lengths = cached.lengths
        self.common = cached.common
        self.doc_of = cached.doc_of
        self.counts = cached.counts

    def expanded(self, query: wq.Query) -> wq.Query:
        return words_expanded(_Words(self.cursor), query)

    def _mask_of(self, ids: bytes | None) -> np.ndarray:
        """Which documents (by number) the ids an `IDS` aggregate sent are."""
        found = np.frombuffer(ids or b"", dtype=">i8").astype(np.int64)
        docs = self.doc_of[found[found < len(self.doc_of)]]
        mask = np.zeros(self.columns.size, dtype=bool)
        mask[docs[docs >= 0]] = True
        return mask

    def _docs_of(self, ids: bytes | None) -> np.ndarray:
        return np.flatnonzero(self._mask_of(ids))

    def docs(self, query: wq.Query, *, within: np.ndarray | None = None) -> np.ndarray:
        time_left()
        if type(query) is wq.Every and query.fieldname in (None, "", "*"):
            docs = np.arange(self.columns.size)
        else:
            sql, params = _where(query)
            self.cursor.execute(f"SELECT {IDS} FROM search_document WHERE {sql}", params)
            docs = self._docs_of(self.cursor.fetchone()[0])
        return np.intersect1d(docs, within, assume_unique=True) if within is not None else docs

    def scored(self, query: wq.Query, *, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """BM25 over what the GIN indexes tell without reading a document: which class of its count each
        word is in (1, 2-3, 4-7, 8+ in the body; in the title), the body's length, and (for more than one
        word or phrase) how many documents hold each in the title or body."""
        time_left()
        weighed = _weighed(query)
        scores = np.zeros(len(within), dtype=np.float64)
        if not weighed or not len(within):
            return within, scores
        sets = [(number, "", "text", item.query) for number, item in enumerate(weighed) if not item.required]
        sets += [
            (number, kind, "boost", lexemes)
            for number, item in enumerate(weighed)
            for kind, lexemes in item.classes()
        ]
        matches: dict[int, float] = {}  # how many documents hold each, when there are several to weigh
        counted: list[tuple[int, str]] = []  # those to count
        for number, item in enumerate(weighed if len(weighed) > 1 else ()):
            if len(item.words) == 1 and item.words[0] in self.common:
                matches[number] = self.common[item.words[0]] * self.columns.size
            elif item.query in self.counts:
                matches[number] = self.counts[item.query]
            else:
                counted.append((number, item.query))
        held, found = self._held(sets, counted, within)
        if len(self.counts) > COUNTED:  # a bound on a long-lived server's memory
            self.counts.clear()
        self.counts.update({weighed[number].query: count for number, count in found.items()})
        matches |= found
        norm = K1 * (1 - B + B * self.lengths[within] / max(float(self.lengths.mean()), 1.0))
        for number, item in enumerate(weighed):
            score = np.zeros(len(within), dtype=np.float64)
            if "body" in item.fields:
                tf = 1.0 + held[number, "2"] + 2.0 * held[number, "4"] + 4.0 * held[number, "8"]
                score += tf * (K1 + 1) / (tf + norm)
            if "title" in item.fields:
                score += TITLE_BOOST * held[number, "t"]
            if len(weighed) > 1:  # weighed by rarity
                score *= np.log(1 + (self.columns.size - matches[number] + 0.5) / (matches[number] + 0.5))
            if not item.required:  # and only where it is found
                score *= held[number, ""]
            scores += score
        return within, scores

    def _held(
        self, sets: list[tuple[int, str, str, str]], counted: list[tuple[int, str]], within: np.ndarray
    ) -> tuple[dict[tuple[int, str], np.ndarray], dict[int, int]]:
        """For each (word or phrase, class, column, tsquery) of `sets`, which of `within` it holds (asking
        only about those when they are few); and for each (word or phrase, tsquery) of `counted`, how many
        documents match it. One statement."""
        ids = ""
        if len(within) <= FEW:
            ids = "{" + ",".join(map(str, self.columns.doc_id[within].tolist())) + "}"
        selects = [
            f"SELECT {index}, {IDS}, 0::bigint FROM search_document "
            f"WHERE {column} @@ %s::tsquery" + (" AND article_id = ANY(%s::bigint[])" if ids else "")
            for index, (_, _, column, _) in enumerate(sets)
        ] + [
            f"SELECT {len(sets) + index}, NULL::bytea, count(*) FROM search_document "
            "WHERE text @@ %s::tsquery"
            for index in range(len(counted))
        ]
        params = [value for *_, tsquery in sets for value in ([tsquery, ids] if ids else [tsquery])]
        # Bitmap scans only: an index scan of the listed ids would read every one's `boost` (out of the row,
        # a cost the planner does not see) where the GIN index, or both indexes' bitmaps ANDed, tell which
        # hold a class without reading any.
        self.cursor.execute(
            "SET LOCAL enable_indexscan = off; "
            + " UNION ALL ".join(selects)
            + "; SET LOCAL enable_indexscan TO DEFAULT",
            params + [query for _, query in counted],
        )
        self.cursor.nextset()
        found = {index: (found_ids, count) for index, found_ids, count in self.cursor.fetchall()}
        return {
            (number, kind): self._mask_of(found[index][0])[within]
            for index, (number, kind, _, _) in enumerate(sets)
        }, {number: found[len(sets) + index][1] for index, (number, _) in enumerate(counted)}

    def stamps(self) -> list[tuple[int, str | None]]:
        self.cursor.execute("SELECT article_id, updated FROM search_document")
        return [(int(pk), updated) for pk, updated in self.cursor.fetchall()]

    def count(self) -> int:
        return self.columns.size


class PostgresBackend:
    writes_in_transaction = True

    @contextmanager
    def _readable(self) -> Iterator[None]:
        try:
            yield
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED:
                raise QueryTimeout() from error
            raise IndexUnavailable(
                f"the search tables cannot be read ({error}); run `manage.py migrate`"
            ) from error

    @contextmanager
    def snapshot(self) -> Iterator[PostgresSnapshot]:
        alias = _alias()
        connection = connections[alias]
        outermost = not connection.in_atomic_block
        with self._readable(), transaction.atomic(using=alias), connection.cursor() as cursor:
            # The columns and every query of the search see the same documents. The planner would read
            # every document's tsvector rather than the GIN index for a common word: it does not count
            # reading a value kept out of the row (and, so disfavoured, a plan would be costly enough to be
            # compiled, or to start worker processes for a few rows). The server stops a statement that
            # would outrun the search's budget. One round trip (Django's psycopg cursors bind parameters
            # on the client, which lets statements share one). The table is locked before the snapshot is
            # taken: a rebuild that replaced it since is then seen with its rows, and none replaces it until
            # the search is done.
            # The timeout comes first (SET takes no snapshot): a rebuild's swap waiting for a long reader
            # holds the lock's queue, and the search waits in it no longer than its budget.
            left = time_left()
            statements = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"] if outermost else []
            statements += (
                [] if left is None else [f"SET LOCAL statement_timeout = '{int(left * 1000) + 1}ms'"]
            )
            statements += [
                "LOCK TABLE search_document IN ACCESS SHARE MODE",
                f"SELECT ({VERSION}), set_config('enable_seqscan', 'off', true), "
                "set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)",
            ]
            cursor.execute("; ".join(statements))
            for _ in statements[1:]:
                cursor.nextset()
            yield PostgresSnapshot(cursor, self._columns(alias, cursor, version=cursor.fetchone()[0]))

    def _columns(self, alias: str, cursor, *, version: int) -> _Columns:
        key = _columns_key(alias)
        cached = _columns.get(key)
        if cached is not None and cached.version == version:
            return cached
        with _columns_lock:
            cached = _columns.get(key)
            if cached is None or cached.version != version:
                cached = _columns[key] = _columns_read(cursor, version)
        return cached

    def columns_warm(self) -> None:
        """One statement when the columns of this host are those of the current documents."""
        alias = _alias()
        with self._readable(), connections[alias].cursor() as cursor:
            cursor.execute(VERSION)
            version = cursor.fetchone()[0]
        cached = _columns.get(_columns_key(alias))
        if cached is None or cached.version != version:
            with self.snapshot():
                pass

    def exists(self) -> bool:
        return "search_document" in connections[_alias()].introspection.table_names()

    def location(self) -> str:
        database = settings.DATABASES[_alias()]
        host, port = database.get("HOST") or "localhost", database.get("PORT") or 5432
        return f"postgres://{host}:{port}/{database['NAME']}"

    def sync(self, *, article_ids: Iterable[int]) -> int:
        return documents_write(article_ids=article_ids)

    def rebuild(self, *, procs: int = 1, progress: Callable[[int, int], None] | None = None) -> int:
        return documents_rebuild(procs=procs, progress=progress)

    def warm(self) -> None:
        """Read the facet columns before the first request."""
        try:
            self.columns_warm()
        except IndexUnavailable as error:
            log.warning("The search documents could not be read at start-up (%s)", error)


BACKEND = PostgresBackend()
