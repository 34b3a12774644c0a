"""The documents a query matches, and their scores, as NumPy arrays read a posting block at a time.

Whoosh answers one posting at a time in Python (its matchers): a few microseconds per hit, tens of
milliseconds for a common word at 100,000 articles, paid on every search because facets count over the
whole result set and the total is exact. Here each segment's postings are read a block at a time (up to 128
document numbers with their weights and, for phrases, positions) and combined with array operations:

- conjunctions read their rarest part first, then only the blocks of the longer posting lists whose range
  of document numbers can hold one of its documents (block max ids), so "rare common" costs the rare list;
- phrases intersect their words rarest first and check positions only in the documents left
  (`search.phrases`);
- scores are Whoosh's own BM25F, computed with the same floating-point operations in the same order as the
  matcher tree Whoosh builds for the segment (the tree is rebuilt the way Whoosh builds it, with the same
  size estimates), so a ranked page equals Whoosh's, ties broken by document number as Whoosh does.

Query types without a fast path (wildcards when scored, ranges, fuzzy terms when scored, ...) run Whoosh's
own matcher for that part of the tree only, so they are exact too, at Whoosh's speed.
"""

from __future__ import annotations

import io
import pickle
import weakref
import zlib
from array import array
from dataclasses import dataclass
from itertools import compress, repeat

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermsReader, _lenfield
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util import make_binary_tree, make_weighted_tree
from whoosh.util.numeric import byte_to_length

from .phrases import phrase_docs
from .query import MAX_EXPANSION, QueryTooBroad, time_left

EMPTY = np.zeros(0, dtype=np.int64)
NO_SCORES = np.zeros(0, dtype=np.float64)
LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)  # a length byte -> length
ARRAY_UNION_DOCS = (
    5000  # Whoosh's `Or` preloads scores into an array for segments this small (and 3+ clauses)
)

INFOS_KEPT = 4096  # term infos remembered per segment reader
_alive: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_infos: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _alive_mask(reader) -> np.ndarray:
    """Whether each document of a segment is live (not deleted), made once per reader."""
    mask = _alive.get(reader)
    if mask is None:
        mask = np.ones(reader.doc_count_all(), dtype=bool)
        if reader.has_deletions():
            mask[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        _alive[reader] = mask
    return mask


def _field_lengths(reader, field: str) -> np.ndarray:
    """Each document's length in `field` as Whoosh scores it (decoded from its one-byte column)."""
    cache = _lengths.setdefault(reader, {})
    if field not in cache:
        size = reader.doc_count_all()
        codes = np.zeros(size, dtype=np.uint8)
        perdoc = reader._perdoc
        if perdoc.has_column(_lenfield(field)):
            column = perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN)
            count = min(column._count, size)
            codes[:count] = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
        cache[field] = LENGTHS[codes]
    return cache[field]


@dataclass(frozen=True)
class Postings:
    """A term's postings in one segment, deleted documents left out: sorted document numbers, their weights
    and (when asked for) their encoded values (positions)."""

    docs: np.ndarray
    weights: np.ndarray
    values: list[bytes] | None = None


def term_info(reader, field: str, btext: bytes):
    """The term's statistics and place in a segment (None when absent), looked up once per reader: a plan
    asks for them several times (existence, size estimates, the postings)."""
    infos = _infos.get(reader)
    if infos is None or len(infos) > INFOS_KEPT:
        infos = _infos[reader] = {}
    key = (field, btext)
    if key not in infos:
        try:
            infos[key] = reader.term_info(field, btext)
        except (TermNotFound, KeyError):
            infos[key] = None
    return infos[key]


def segment_postings(
    reader, field: str, btext: bytes, *, within: np.ndarray | None = None, values: bool = False
) -> Postings:
    """The postings of (field, btext) in a segment; with `within` (sorted document numbers) only those
    documents, decoding only the blocks whose range of document numbers holds one of them.

    The posting list is read from the file in one piece and its blocks (count, max id, ... header, then the
    pickled ids, weights and values) are parsed here, instead of stepping Whoosh's matcher block by block.
    """
    info = term_info(reader, field, btext)
    if info is None:
        return Postings(EMPTY, NO_SCORES, [] if values else None)
    terms = getattr(reader, "_terms", None)
    if info.is_inlined() or not isinstance(terms, W3TermsReader):
        return _postings_stepped(reader, field, btext, within=within, values=values)
    offset, length = info.extent()
    length = length[0] if isinstance(length, tuple) else length  # W3TermInfo.from_bytes leaves it unpacked
    raw = terms._postfile.get(offset, length)
    blocks = _block_headers(raw)
    if within is not None:  # the blocks whose range of document numbers holds a wanted one
        highs = np.array([block[1] for block in blocks], dtype=np.int64)
        lows = np.r_[0, highs[:-1] + 1]
        at = np.searchsorted(within, lows)
        wanted = np.flatnonzero(within[np.minimum(at, len(within) - 1)] <= highs) if len(within) else []
        blocks = [blocks[number] for number in wanted.tolist()] if len(wanted) < len(blocks) else blocks
    deltas, weights = array("I"), array("f")  # id gaps and weights come as tuples (Whoosh) or arrays (ours)
    firsts: list[int] = []  # where each decoded block starts in `deltas`
    payloads: list[bytes] = []
    for count, _, compression, start, end in blocks:
        data = raw[start:end]
        ids, block_weights, block_values = pickle.loads(zlib.decompress(data) if compression else data)
        firsts.append(len(deltas))
        deltas.extend(ids)  # the first id of a block is written whole, the others as gaps
        if block_weights is None or isinstance(block_weights, float):
            weights.extend(repeat(1.0 if block_weights is None else block_weights, count))
        else:
            weights.extend(block_weights)
        if values:
            payloads.extend(block_values)
    if not deltas:
        return Postings(EMPTY, NO_SCORES, [] if values else None)
    docs = _block_cumsum(
        np.frombuffer(deltas, dtype=np.uint32).astype(np.int64), np.array(firsts, dtype=np.int64)
    )
    found = Postings(
        docs, np.frombuffer(weights, dtype=np.float32).astype(np.float64), payloads if values else None
    )
    keep = _alive_mask(reader)[found.docs]
    if within is not None:
        keep &= np.isin(found.docs, within, assume_unique=True)
    return found if keep.all() else _selected(found, keep)


def _block_headers(raw: bytes) -> list[tuple[int, int, int, int, int]]:
    """(postings, max id, compression, data start, data end) of each block of a W3 posting list: a 4-byte
    length (negative for the last block), the pickled block statistics, then the block's data."""
    stream = io.BytesIO(raw)
    blocks, position, last = [], len(WHOOSH3_HEADER_MAGIC), False
    while not last:
        size = int.from_bytes(raw[position : position + 4], "big", signed=True)
        last, size = size < 0, abs(size)
        stream.seek(position + 4)
        count, high, _, compression, _, _ = pickle.load(stream)
        position += 4 + size
        blocks.append((count, high, compression, stream.tell(), position))
    return blocks


def _block_cumsum(gaps: np.ndarray, firsts: np.ndarray) -> np.ndarray:
    """Document numbers from per-block delta coding (each block's first value absolute)."""
    running = np.cumsum(gaps)
    before = running[firsts] - gaps[firsts]  # the running sum that each block must not carry
    counts = np.diff(np.append(firsts, len(gaps)))
    return running - np.repeat(before, counts)


def _postings_stepped(
    reader, field: str, btext: bytes, *, within: np.ndarray | None, values: bool
) -> Postings:
    """Postings through Whoosh's matcher (postings stored inline with the term, other codecs)."""
    matcher = reader.postings(field, btext)
    ids, weights, payloads = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            payloads.append(matcher.value())
        matcher.next()
    found = Postings(
        np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64), payloads if values else None
    )
    return _restricted(found, within) if within is not None else found


def _selected(postings: Postings, keep: np.ndarray) -> Postings:
    values = None if postings.values is None else list(compress(postings.values, keep.tolist()))
    return Postings(postings.docs[keep], postings.weights[keep], values)


def _restricted(postings: Postings, within: np.ndarray) -> Postings:
    return _selected(postings, np.isin(postings.docs, within, assume_unique=True))


# -- the per-segment plan: the tree of matchers Whoosh would build, evaluated over arrays ------------------

Result = tuple[np.ndarray, np.ndarray | None]  # sorted document numbers, their scores (None when unscored)


@dataclass
class _Segment:
    searcher: Searcher  # the segment's own searcher (its parent holds the index-wide statistics)
    reader: object
    scored: bool

    def alive(self, within: np.ndarray | None) -> np.ndarray:
        mask = _alive_mask(self.reader)
        docs = np.flatnonzero(mask) if within is None else within[mask[within]]
        return docs.astype(np.int64, copy=False)


class _Node:
    """A part of the plan; `size` is Whoosh's size estimate, which orders conjunctions."""

    size: int = 0

    def run(self, within: np.ndarray | None) -> Result:
        raise NotImplementedError

    def __lt__(self, other: object) -> bool:
        # Whoosh sorts (estimate, matcher) pairs to shape its trees; for equal estimates its matchers never
        # compare lower, so equal estimates keep their order. Plan nodes behave the same.
        return False


def _empty(scored: bool) -> Result:
    return EMPTY, (NO_SCORES if scored else None)


class _Null(_Node):
    def __init__(self, segment: _Segment) -> None:
        self.scored = segment.scored

    def run(self, within):
        return _empty(self.scored)


@dataclass(frozen=True)
class _BM25:
    """The constants of Whoosh's BM25FScorer for one term (as BM25F.scorer and BM25FScorer set them up)."""

    idf: float
    avgfl: float
    B: float
    K1: float

    @classmethod
    def for_term(cls, searcher: Searcher, field: str, btext: bytes) -> _BM25:
        weighting, parent = searcher.weighting, searcher.get_parent()
        B = weighting._field_B.get(field, weighting.B)
        return cls(
            idf=parent.idf(field, btext), avgfl=parent.avg_field_length(field) or 1, B=B, K1=weighting.K1
        )

    def scores(self, tf: np.ndarray, fl: np.ndarray) -> np.ndarray:
        idf, K1, B, avgfl = self.idf, self.K1, self.B, self.avgfl  # bm25() in whoosh.scoring, term for term
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


class _Leaf(_Node):
    """A term's postings, scored as Whoosh's BM25F scorer (or, in an unscored field, its weight) scores
    them."""

    def __init__(self, segment: _Segment, field: str, btext: bytes) -> None:
        self.segment, self.field, self.btext = segment, field, btext
        info = term_info(segment.reader, field, btext)
        self.size = info.doc_frequency() if info is not None else 0
        self.bm25 = None
        if segment.scored and segment.searcher.schema[field].scorable:
            self.bm25 = _BM25.for_term(segment.searcher, field, btext)

    def postings(self, within: np.ndarray | None, *, values: bool = False) -> Postings:
        return segment_postings(self.segment.reader, self.field, self.btext, within=within, values=values)

    def scores(self, postings: Postings) -> np.ndarray:
        if self.bm25 is None:
            return postings.weights  # Whoosh's WeightScorer
        return self.bm25.scores(
            postings.weights, _field_lengths(self.segment.reader, self.field)[postings.docs]
        )

    def run(self, within):
        found = self.postings(within)
        return found.docs, (self.scores(found) if self.segment.scored else None)


class _Boost(_Node):
    def __init__(self, child: _Node, boost: float) -> None:
        self.child, self.boost, self.size = child, boost, child.size

    def run(self, within):
        docs, scores = self.child.run(within)
        return docs, (None if scores is None else scores * self.boost)


class _Union(_Node):
    """Whoosh's UnionMatcher: a document in both scores a + b."""

    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b, self.size = a, b, a.size + b.size

    def run(self, within):
        (docs_a, scores_a), (docs_b, scores_b) = self.a.run(within), self.b.run(within)
        docs = np.union1d(docs_a, docs_b)
        if scores_a is None:
            return docs, None
        scores = np.zeros(len(docs))
        scores[np.searchsorted(docs, docs_a)] = scores_a
        scores[np.searchsorted(docs, docs_b)] += scores_b
        return docs, scores


class _ArrayUnion(_Node):
    """Whoosh's ArrayUnionMatcher (an `Or` of three or more clauses in a small segment): each clause's
    scores times the boost, added in clause order; documents whose sum is not positive are left out."""

    def __init__(self, children: list[_Node], boost: float) -> None:
        self.children, self.boost, self.size = children, boost, sum(child.size for child in children)

    def run(self, within):
        results = [child.run(within) for child in self.children]
        docs = np.unique(np.concatenate([found for found, _ in results])) if results else EMPTY
        if not results or results[0][1] is None:
            return docs, None
        scores = np.zeros(len(docs))
        for found, child_scores in results:
            scores[np.searchsorted(docs, found)] += child_scores * self.boost
        keep = scores > 0
        return docs[keep], scores[keep]


class _Intersection(_Node):
    """Whoosh's IntersectionMatcher (scores a + b); the smaller side is read first and the other only
    where it can match."""

    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b, self.size = a, b, min(a.size, b.size)

    def run(self, within):
        first, second = (self.a, self.b) if self.a.size <= self.b.size else (self.b, self.a)
        docs_1, scores_1 = first.run(within)
        if not len(docs_1):
            return _empty(scores_1 is not None)
        docs_2, scores_2 = second.run(docs_1)
        if scores_1 is None:
            return docs_2, None
        at = np.searchsorted(docs_1, docs_2)
        return docs_2, scores_1[at] + scores_2


class _Inverse(_Node):
    """Whoosh's InverseMatcher (a `Not`): the live documents the child does not match, each scoring 1."""

    def __init__(self, segment: _Segment, child: _Node) -> None:
        self.segment, self.child, self.size = segment, child, segment.reader.doc_count()

    def run(self, within):
        docs = np.setdiff1d(self.segment.alive(within), self.child.run(within)[0], assume_unique=True)
        return docs, (np.ones(len(docs)) if self.segment.scored else None)


class _AndNot(_Node):
    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b, self.size = a, b, a.size

    def run(self, within):
        docs, scores = self.a.run(within)
        if not len(docs):
            return docs, scores
        keep = ~np.isin(docs, self.b.run(docs)[0], assume_unique=True)
        return docs[keep], (None if scores is None else scores[keep])


class _Every(_Node):
    def __init__(self, segment: _Segment, boost: float) -> None:
        self.segment, self.boost, self.size = segment, boost, segment.reader.doc_count_all()

    def run(self, within):
        docs = self.segment.alive(within)
        return docs, (np.full(len(docs), self.boost, dtype=np.float64) if self.segment.scored else None)


class _FieldDocs(_Node):
    """`field:*`: the live documents with a value in the field (any text of a text field, any term of a
    keyword field), each scoring the boost."""

    def __init__(self, segment: _Segment, field: str, boost: float) -> None:
        self.segment, self.field, self.boost = segment, field, boost
        self.size = segment.reader.doc_count_all()

    def run(self, within):
        docs = _segment_field_docs(self.segment.searcher, self.field)
        if within is not None:
            docs = docs[np.isin(docs, within, assume_unique=True)]
        return docs, (np.full(len(docs), self.boost, dtype=np.float64) if self.segment.scored else None)


class _Constant(_Node):
    """Whoosh's ConstantScoreQuery: its child's documents, each scoring `score`."""

    def __init__(self, child: _Node, score: float, scored: bool) -> None:
        self.child, self.score, self.scored, self.size = child, score, scored, child.size

    def run(self, within):
        docs, _ = self.child.run(within)
        return docs, (np.full(len(docs), self.score, dtype=np.float64) if self.scored else None)


class _Phrase(_Node):
    """Whoosh's SpanNear2 matcher for a phrase: documents where the words follow each other (gaps of at most
    `slop`), scored as the binary tree of its words' scores."""

    def __init__(self, segment: _Segment, field: str, words: list[bytes], slop: int) -> None:
        self.leaves = [_Leaf(segment, field, word) for word in words]
        self.slop, self.scored, self.size = slop, segment.scored, min(leaf.size for leaf in self.leaves)

    def run(self, within):
        docs = within
        read: dict[bytes, Postings] = {}
        for leaf in sorted(self.leaves, key=lambda leaf: leaf.size):  # rarest word first
            if leaf.btext not in read:
                read[leaf.btext] = leaf.postings(docs, values=True)
                docs = read[leaf.btext].docs
                if not len(docs):
                    return _empty(self.scored)
        words = {btext: _restricted(postings, docs) for btext, postings in read.items()}
        docs = phrase_docs(docs, [words[leaf.btext] for leaf in self.leaves], slop=self.slop)
        if not self.scored:
            return docs, None
        parts = []
        for leaf in self.leaves:
            postings = words[leaf.btext]
            parts.append(leaf.scores(postings)[np.searchsorted(postings.docs, docs)])
        return docs, make_binary_tree(np.add, parts)


class _Fallback(_Node):
    """Any other query: Whoosh's own matcher for this part, one posting at a time."""

    def __init__(self, segment: _Segment, query: wq.Query) -> None:
        self.segment, self.query, self.size = segment, query, query.estimate_size(segment.reader)

    def run(self, within):
        searcher = self.segment.searcher
        if not self.segment.scored:
            docs = np.array(
                sorted(self.query.matcher(searcher, searcher.boolean_context()).all_ids()), dtype=np.int64
            )
            return (docs, None) if within is None else (docs[np.isin(docs, within, assume_unique=True)], None)
        matcher = self.query.matcher(searcher, searcher.context())
        ids, scores = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        docs, values = np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)
        if within is not None:
            keep = np.isin(docs, within, assume_unique=True)
            docs, values = docs[keep], values[keep]
        return docs, values


def _plan(query: wq.Query, segment: _Segment) -> _Node:
    """The plan for `query` in one segment: Whoosh's matcher tree when scored (the same shapes, estimates
    and order of additions), any equivalent tree when not."""
    reader = segment.reader
    if query is wq.NullQuery:
        return _Null(segment)
    if segment.scored and type(segment.searcher.weighting) is not BM25F:
        return _Fallback(segment, query)  # scores are computed as BM25F computes them, nothing else
    if type(query) is wq.Term:
        btext = _term_bytes(segment.searcher.schema, query.fieldname, query.text)
        if btext is None or term_info(reader, query.fieldname, btext) is None:
            return _Null(segment)
        leaf = _Leaf(segment, query.fieldname, btext)
        return _Boost(leaf, query.boost) if segment.scored and query.boost != 1.0 else leaf
    if isinstance(query, wq.Phrase) and len(query.words) > 1:
        return _phrase_plan(query, segment)
    if type(query) is wq.Every:
        if query.fieldname in (None, "", "*"):
            return _Every(segment, query.boost)
        return _FieldDocs(segment, query.fieldname, query.boost)
    if type(query) is wq.Not:
        return _Inverse(segment, _plan(query.query, _Segment(segment.searcher, reader, scored=False)))
    if type(query) is wq.AndNot:
        return _AndNot(
            _plan(query.a, segment), _plan(query.b, _Segment(segment.searcher, reader, scored=False))
        )
    if type(query) in (wq.And, wq.Or) and not query.subqueries:
        return _Null(segment)
    if type(query) in (wq.And, wq.Or) and len(query.subqueries) == 1:
        return _plan(query.subqueries[0], segment)  # Whoosh uses the clause's matcher as it is (no boost)
    if type(query) is wq.And:
        weighted = [(0 - _estimate(sub, reader), _plan(sub, segment)) for sub in query.subqueries]
        return _boosted(make_weighted_tree(_Intersection, weighted), query.boost, segment)
    if (
        type(query) is wq.Or
        and not query.minmatch
        and not query.scale
        and query.matcher_type != wq.Or.SPLIT_MATCHER
    ):
        children = [_plan(sub, segment) for sub in query.subqueries]
        if segment.scored and _array_union(query, reader):
            return _ArrayUnion(children, query.boost)
        weighted = [(_estimate(sub, reader), child) for sub, child in zip(query.subqueries, children)]
        return _boosted(make_weighted_tree(_Union, weighted), query.boost, segment)
    if isinstance(query, wq.NumericRange):  # dates too: terms and term ranges at several precisions
        return _plan(query._compile_query(reader), segment)
    if type(query) is wq.ConstantScoreQuery:  # (what a range compiles to) every match scores the same
        return _Constant(
            _plan(query.child, _Segment(segment.searcher, reader, scored=False)), query.score, segment.scored
        )
    return _Fallback(segment, query)


def _term_bytes(schema, fieldname: str, text) -> bytes | None:
    if fieldname not in schema:
        return None
    try:
        return schema[fieldname].to_bytes(text)
    except ValueError:
        return None


def _estimate(query: wq.Query, reader) -> int:
    """Whoosh's `query.estimate_size(reader)` (which shapes its matcher trees), from the term infos already
    looked up for the usual kinds of query."""
    if type(query) is wq.Term:
        btext = _term_bytes(reader.schema, query.fieldname, query.text)
        info = term_info(reader, query.fieldname, btext) if btext is not None else None
        return info.doc_frequency() if info is not None else 0
    if type(query) is wq.Or:
        return min(sum(_estimate(sub, reader) for sub in query.subqueries), reader.doc_count())
    if type(query) is wq.And:
        return min(_estimate(sub, reader) for sub in query.subqueries)
    if type(query) is wq.Phrase:
        return min(_estimate(wq.Term(query.fieldname, word), reader) for word in query.words)
    return query.estimate_size(reader)


def _array_union(query: wq.Or, reader) -> bool:
    """Whether Whoosh scores this `Or` (two or more clauses) with its ArrayUnionMatcher (as `Or._matcher`
    chooses when nothing needs the current posting)."""
    if query.matcher_type != wq.Or.AUTO_MATCHER:
        return query.matcher_type == wq.Or.ARRAY_MATCHER
    clauses = len(query.subqueries)
    return clauses >= query.TOO_MANY_CLAUSES or (clauses > 2 and reader.doc_count_all() <= ARRAY_UNION_DOCS)


def _boosted(node: _Node, boost: float, segment: _Segment) -> _Node:
    return _Boost(node, boost) if segment.scored and boost != 1.0 else node


def _phrase_plan(query: wq.Phrase, segment: _Segment) -> _Node:
    if query.fieldname not in segment.searcher.schema:
        return _Null(segment)
    field = segment.searcher.schema[query.fieldname]
    if not field.format or not field.format.supports("positions"):
        return _Fallback(segment, query)  # Whoosh raises its own error
    words = [_term_bytes(segment.searcher.schema, query.fieldname, word) for word in query.words]
    if any(btext is None or term_info(segment.reader, query.fieldname, btext) is None for btext in words):
        return _Null(segment)  # as Whoosh: a word missing from the segment, no match in it
    return _boosted(_Phrase(segment, query.fieldname, words, query.slop), query.boost, segment)


# -- over the whole index -----------------------------------------------------------------------------------


def _segments(searcher: Searcher) -> list[tuple[Searcher, int]]:
    return searcher.subsearchers or [(searcher, 0)]


def _evaluate(searcher: Searcher, query: wq.Query, *, within: np.ndarray | None, scored: bool) -> Result:
    query = words_expanded(searcher, query)
    docs, scores = [], []
    for sub, offset in _segments(searcher):
        time_left()  # stops here once the search's time budget is spent
        reader = sub.reader()
        local = None
        if within is not None:
            local = (
                within[
                    np.searchsorted(within, offset) : np.searchsorted(within, offset + reader.doc_count_all())
                ]
                - offset
            )
            if not len(local):
                continue
        found, found_scores = _plan(query, _Segment(sub, reader, scored)).run(local)
        docs.append(found + offset)
        scores.append(found_scores)
    if not docs:
        return _empty(scored)
    return np.concatenate(docs), (np.concatenate(scores) if scored else None)


def query_docs(searcher: Searcher, query: wq.Query, *, within: np.ndarray | None = None) -> np.ndarray:
    """The sorted document numbers matching `query` (the same set as `searcher.docs_for_query`), among
    `within` (sorted document numbers) when given."""
    return _evaluate(searcher, query, within=within, scored=False)[0]


def query_scored(
    searcher: Searcher, query: wq.Query, *, within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted document numbers matching `query` (among `within`, as Whoosh's `filter`) and the score
    Whoosh's scorer gives each."""
    docs, scores = _evaluate(searcher, query, within=within, scored=True)
    assert scores is not None
    return docs, scores


def term_docs(searcher: Searcher, field: str, text) -> np.ndarray:
    """The sorted document numbers whose `field` holds the indexed term `text`."""
    btext = text if isinstance(text, bytes) else searcher.schema[field].to_bytes(text)
    parts = [
        segment_postings(sub.reader(), field, btext).docs + offset for sub, offset in _segments(searcher)
    ]
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


_with_field: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _segment_field_docs(searcher: Searcher, field: str) -> np.ndarray:
    """A segment's live documents with any text in a text field (its stored length is not zero) or any term
    of a keyword field, once per reader."""
    reader = searcher.reader()
    cache = _with_field.setdefault(reader, {})
    if field not in cache:
        if field not in searcher.schema:
            cache[field] = EMPTY
        elif searcher.schema[field].scorable:
            cache[field] = np.flatnonzero(_alive_mask(reader) & (_field_lengths(reader, field) > 0))
        else:
            parts = [segment_postings(reader, field, btext).docs for btext in reader.lexicon(field)]
            cache[field] = np.unique(np.concatenate(parts)) if parts else EMPTY
    return cache[field]


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
