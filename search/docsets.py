"""The set of documents a query matches, as a sorted NumPy array of document numbers.

Whoosh answers "which documents match" one posting at a time in Python (`docs_for_query`), a few
microseconds per hit: tens of milliseconds for a common word at 100,000 articles, paid on every search
because facets count over the whole result set. Here a term's postings are read a block at a time (each
block is an array of up to 128 document numbers) and combined with set operations on arrays, so the
per-hit work happens in NumPy. Query types without a fast path (phrases, for one: they need positions)
fall back to Whoosh's own matcher for that part of the tree only.
"""

from __future__ import annotations

import weakref

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.searching import Searcher

from .query import MAX_EXPANSION, QueryTooBroad, time_left

EMPTY = np.zeros(0, dtype=np.int64)
_deleted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _deleted_docs(reader) -> np.ndarray:
    """A segment's deleted document numbers as an array, made once per reader (facet columns read every
    entity term of a segment)."""
    docs = _deleted.get(reader)
    if docs is None:
        docs = _deleted[reader] = np.fromiter(sorted(reader.deleted_docs_set), dtype=np.int64)
    return docs


def _segment_term_docs(reader, field: str, text) -> np.ndarray:
    if (field, text) not in reader:
        return EMPTY
    matcher = reader.postings(field, text)
    leaf = getattr(matcher, "child", matcher)  # postings of a segment with deletions come in a FilterMatcher
    if not isinstance(leaf, W3LeafMatcher) or leaf._byteids:
        return np.fromiter(
            matcher.all_ids(), dtype=np.int64
        )  # postings stored inline with the term: a handful
    blocks = []
    while leaf.is_active():
        leaf._read_data()
        blocks.append(np.cumsum(np.asarray(leaf._data[0], dtype=np.int64)))  # ids are delta-coded per block
        leaf._next_block()
    docs = np.concatenate(blocks) if blocks else EMPTY
    if leaf is not matcher:
        docs = docs[~np.isin(docs, _deleted_docs(reader), assume_unique=True)]
    return docs


def _segments(searcher: Searcher) -> list[tuple[Searcher, int]]:
    return searcher.subsearchers or [(searcher, 0)]


def term_docs(searcher: Searcher, field: str, text) -> np.ndarray:
    parts = [_segment_term_docs(sub.reader(), field, text) + offset for sub, offset in _segments(searcher)]
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def _all_docs(searcher: Searcher) -> np.ndarray:
    return np.fromiter(searcher.reader().all_doc_ids(), dtype=np.int64)


_with_field: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _segment_field_docs(reader, field: str) -> np.ndarray:
    """A segment's documents with any text in `field` (its stored length is not zero), once per reader."""
    cache = _with_field.setdefault(reader, {})
    if field not in cache:
        deleted = reader.deleted_docs_set if reader.has_deletions() else set()
        cache[field] = np.fromiter(
            (
                doc
                for doc in range(reader.doc_count_all())
                if doc not in deleted and reader.doc_field_length(doc, field)
            ),
            dtype=np.int64,
        )
    return cache[field]


def field_docs(searcher: Searcher, field: str) -> np.ndarray:
    """The documents that have a value in `field` (`field:*`): any term of a keyword field, any text of
    a text field."""
    if field not in searcher.schema:
        return EMPTY
    if searcher.schema[field].scorable:
        parts = [_segment_field_docs(sub.reader(), field) + offset for sub, offset in _segments(searcher)]
        return np.concatenate(parts) if len(parts) > 1 else parts[0]
    terms = [term_docs(searcher, field, text) for text in searcher.reader().lexicon(field)]
    return np.unique(np.concatenate(terms)) if terms else EMPTY


def query_docs(searcher: Searcher, query: wq.Query) -> np.ndarray:
    """The sorted document numbers matching `query` (the same set as `searcher.docs_for_query`)."""
    time_left()  # stops here once the search's time budget is spent
    if isinstance(query, wq.Term):
        return term_docs(searcher, query.fieldname, query.text)
    if isinstance(query, wq.Every):
        return (
            _all_docs(searcher) if query.fieldname in (None, "*") else field_docs(searcher, query.fieldname)
        )
    if query is wq.NullQuery:
        return EMPTY
    if isinstance(query, wq.Not):
        return np.setdiff1d(_all_docs(searcher), query_docs(searcher, query.query), assume_unique=True)
    if isinstance(query, wq.AndNot):
        return np.setdiff1d(query_docs(searcher, query.a), query_docs(searcher, query.b), assume_unique=True)
    if isinstance(query, wq.And):
        wanted = [child for child in query.subqueries if not isinstance(child, wq.Not)]
        unwanted = [child.query for child in query.subqueries if isinstance(child, wq.Not)]
        docs = (
            _intersection([query_docs(searcher, child) for child in wanted])
            if wanted
            else _all_docs(searcher)
        )
        for child in unwanted:
            docs = np.setdiff1d(docs, query_docs(searcher, child), assume_unique=True)
        return docs
    if type(query) is wq.Or and not query.minmatch:
        parts = [query_docs(searcher, child) for child in query.subqueries]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(query, wq.NumericRange):  # dates too: a few terms at different precisions
        return query_docs(searcher, query._compile_query(searcher.reader()))
    if isinstance(query, wq.MultiTerm):  # prefixes, wildcards, fuzzy terms: the index terms they stand for
        return query_docs(searcher, words_expanded(searcher, query))
    return np.fromiter(searcher.docs_for_query(query), dtype=np.int64)


def words_expanded(searcher: Searcher, query: wq.Query) -> wq.Query:
    """The query with each prefix, wildcard, fuzzy term and word range replaced by the index words it stands
    for, found once. Whoosh would expand them again in every segment, for every matcher and size estimate,
    with no time check (a fuzzy word took 10 s on 2,700 articles); after this its scorer looks up plain terms.
    Raises QueryTooBroad past MAX_EXPANSION words and QueryTimeout once the budget is spent."""
    if isinstance(query, wq.MultiTerm):
        texts: list[bytes | str] = []
        for text in query._btexts(searcher.reader()):
            texts.append(text)
            if len(texts) > MAX_EXPANSION:
                raise QueryTooBroad(
                    f"'{query}' stands for more than {MAX_EXPANSION:,} different words in the index; give "
                    "more letters."
                )
            if len(texts) % 100 == 0:
                time_left()
        field, decode = query.field(), searcher.schema[query.field()].from_bytes
        words = [text if isinstance(text, str) else decode(text) for text in texts]  # Whoosh yields either
        return wq.Or([wq.Term(field, word, boost=query.boost) for word in words]) if words else wq.NullQuery
    if query.is_leaf():
        return query
    return query.apply(lambda child: words_expanded(searcher, child))


def _intersection(parts: list[np.ndarray]) -> np.ndarray:
    parts = sorted(parts, key=len)  # smallest first: every step can only shrink
    docs = parts[0]
    for part in parts[1:]:
        if not len(docs):
            break
        docs = np.intersect1d(docs, part, assume_unique=True)
    return docs
