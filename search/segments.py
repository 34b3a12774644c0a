"""Index segments written fast, in Whoosh's own file format, in parallel processes.

Whoosh's writer runs every token through its analyzer's filter chain, pools every posting as a tuple
through temporary files and an external sort, and looks each posting's field length up again in a column
while writing it out: at 100,000 articles about 150 articles/s on two cores. This writer

- analyses each distinct token once (`text_terms`: the same analyzer, cached per token, so the same terms),
- keeps a segment's postings in memory as compact arrays per term, already in document order (no sort),
- writes each posting list a block at a time (Whoosh's block layout and statistics, through its own
  postings writer) with positions encoded by array operations (`search.phrases.positions_values`),
- and leaves the rest (stored fields, columns, field lengths, the term table) to Whoosh's own codec writers.

Writing processes are fed batches of documents in turn (the caller's process alone reads the database) and
each writes segments of at most `SEGMENT_DOCS` (bounding its memory); the caller lists them all in one new
TOC (`segments_commit`). Whoosh reads them as its own: a test
compares documents, postings, positions, stored fields and columns with an index Whoosh's writer wrote.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import re
import traceback
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import repeat

import numpy as np
from whoosh import formats
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3PostingsWriter
from whoosh.fields import Schema
from whoosh.util.numeric import length_to_byte

from .analysis import ANALYZER, TOKEN_PATTERN
from .phrases import positions_values

SEGMENT_DOCS = 50_000  # documents per segment at most: a writing process stays at a few hundred MB
FEED_BATCH = 500  # documents handed to a writing process at a time
GROUP_TOKENS = (
    500_000  # tokens grouped by term in one pass while a segment's postings are written (~200 B each)
)
INDEXED_KEPT = 4096  # analyses of values remembered per field other than text (dates, outlets repeat)
BLOCK = 128  # postings per block (Whoosh's default block limit)
BLOCK_PICKLE = 5  # the pickle protocol of block data (see _BlockWriter._write_block)
BLOCK_COMPRESSION = (
    0  # no zlib: 3.5x the size of compressed blocks, and a third less time for a phrase of common words
)
TOKEN = re.compile(TOKEN_PATTERN)


class _Vocabulary(dict):
    """token -> term id, the analyzer run once per distinct token; `terms[id]` is the term (UTF-8). Kept for
    the process: documents and segments share the ids."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[bytes] = []
        self.texts: list[str] = []  # the same terms as text
        self.ids: dict[bytes, int] = {}  # term -> id (several tokens make one term: "Vote", "vote", "votes")

    def __missing__(self, token: str) -> int:
        terms = [t.text for t in ANALYZER(token, mode="index")]
        if len(terms) != 1:
            raise ValueError(
                f"the analyzer made {len(terms)} terms of the token {token!r}; the segment writer expects one"
            )
        term = terms[0].encode("utf-8")
        number = self.ids.get(term)
        if number is None:
            number = self.ids[term] = len(self.terms)
            self.terms.append(term)
            self.texts.append(terms[0])
        self[token] = number
        return number


_vocabulary = _Vocabulary()


def text_terms(text: str) -> list[str]:
    """The index terms of `text` in token order (position = index), as `ANALYZER` makes them."""
    return [_vocabulary.texts[number] for number in text_term_ids(text)]


def text_term_ids(text: str) -> list[int]:
    """The numbers of `text`'s index terms in token order: one number per term in this process, so a caller
    can keep what it derives from a term per number (`term_text` says which term it is)."""
    return list(map(_vocabulary.__getitem__, TOKEN.findall(text)))


def term_text(number: int) -> str:
    return _vocabulary.texts[number]


def _fast_field(field) -> bool:
    """Text fields analysed by the archive's analyzer into positions: the ones the vocabulary can index."""
    return type(field.format) is formats.Positions and field.analyzer == ANALYZER


class _Tokens:
    """Every token of a positions field in a segment as its term id, in document order; for each document
    added, its number and how many tokens it has (a token's document and position follow from those)."""

    __slots__ = ("terms", "docs", "counts")

    def __init__(self) -> None:
        self.terms, self.docs, self.counts = array("I"), array("I"), array("I")

    def add(self, docnum: int, text: str) -> int:
        numbers = list(map(_vocabulary.__getitem__, TOKEN.findall(text)))
        self.terms.extend(numbers)
        self.docs.append(docnum)
        self.counts.append(len(numbers))
        return len(numbers)

    def postings(self) -> Iterator[tuple[bytes, np.ndarray, np.ndarray, list[bytes]]]:
        """(term, documents, occurrences per document, Positions values) per term, in term order.

        Tokens are grouped by term a range of terms at a time (about GROUP_TOKENS tokens), so sorting never
        holds more than a group's worth of indexes.
        """
        terms = np.frombuffer(self.terms, dtype=np.uint32)
        if not len(terms):
            return
        used = np.flatnonzero(np.bincount(terms))
        names = [_vocabulary.terms[number] for number in used.tolist()]
        rank = np.zeros(int(used[-1]) + 1, dtype=np.uint32)
        rank[used] = np.argsort(np.array(names, dtype=object)).argsort()  # a term's place in byte order
        sorted_names = sorted(names)
        ranked = rank[terms]
        del terms, rank
        self.terms = array("I")
        counts = np.frombuffer(self.counts, dtype=np.uint32).astype(np.int64)
        starts_of_doc = np.cumsum(counts) - counts  # where each added document's tokens begin
        docnums = np.frombuffer(self.docs, dtype=np.uint32).astype(np.int64)
        tokens_per_term = np.cumsum(np.bincount(ranked, minlength=len(sorted_names)))
        low = 0
        while low < len(sorted_names):  # terms [low, high): about GROUP_TOKENS tokens
            high = max(
                low + 1,
                int(np.searchsorted(tokens_per_term, tokens_per_term[low] - 1 + GROUP_TOKENS, side="right")),
            )
            high = min(high, len(sorted_names))
            chosen = np.flatnonzero((ranked >= low) & (ranked < high))  # token indexes, in document order
            order = np.argsort(ranked[chosen], kind="stable")
            chosen = chosen[order]
            keys = ranked[chosen].astype(np.int64)
            added = np.searchsorted(starts_of_doc, chosen, side="right") - 1
            docs, positions = docnums[added], chosen - starts_of_doc[added]
            yield from _term_postings(sorted_names, keys, docs, positions)
            low = high


def _term_postings(names: list[bytes], keys: np.ndarray, docs: np.ndarray, positions: np.ndarray):
    """Postings per term from tokens sorted by (term, document, position); `names[key]` is a term."""
    starts = np.flatnonzero(
        np.r_[True, (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])]
    )  # one posting each
    counts = np.diff(np.r_[starts, len(keys)])
    values = positions_values(counts, positions)
    posting_keys, posting_docs = keys[starts], docs[starts]
    term_starts = np.flatnonzero(np.r_[True, posting_keys[1:] != posting_keys[:-1]])
    term_ends = np.r_[term_starts[1:], len(posting_keys)]
    for begin, end in zip(term_starts.tolist(), term_ends.tolist()):
        yield names[int(posting_keys[begin])], posting_docs[begin:end], counts[begin:end], values[begin:end]


class _OtherPostings:
    """A term's postings in any other field, as Whoosh's field.index() gives them."""

    __slots__ = ("docs", "weights", "values")

    def __init__(self) -> None:
        self.docs, self.weights, self.values = array("I"), array("f"), []


class _BlockWriter(W3PostingsWriter):
    """Whoosh's postings writer, fed a whole block at a time instead of one posting at a time: the block is
    written by Whoosh's own code, from ids, weights and statistics worked out with array operations."""

    def add_block(
        self, docs: array, deltas: array, weights: array, values: list, minlength: int | None, maxlength: int
    ) -> None:
        """One block of postings: ids, their deltas (the first one absolute), weights, values, and the
        shortest and longest field length among its documents (None and 0 for unscored fields)."""
        if self._ids:
            self._write_block()
        self._ids, self._deltas, self._weights, self._values = docs, deltas, weights, values
        self._maxweight = max(weights)
        self._minlength, self._maxlength = minlength, maxlength

    def _write_block(self, last: bool = False) -> None:
        """Whoosh's block layout (W3PostingsWriter._write_block): the block's (ids, weights, values) pickled
        and compressed after its statistics. Pickled with protocol 5 where Whoosh uses 2: Whoosh unpickles
        either, and protocol 2 stores each value (bytes) as a call to `_codecs.encode` that costs a search
        about ten times as much to read back as the whole block does in protocol 5. The id gaps and weights
        are arrays (`array("I")`, `array("f")`) where Whoosh writes tuples: its reader only iterates and
        indexes them, and an array unpickles as one copy of its bytes instead of 128 Python numbers."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps((self._deltas, self._mini_weights(), self._mini_values()), BLOCK_PICKLE)
        if self._compression:
            data = zlib.compress(data, self._compression)
        ids = self._ids
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                self._compression,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        self._postfile.write_int(
            -(len(info) + len(data)) if last else len(info) + len(data)
        )  # negative: the last block
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _mini_weights(self):
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return weights


class SegmentBuilder:
    """One segment being written: per-document parts (stored fields, columns, lengths) go to Whoosh's
    per-document writer as documents arrive; postings stay in memory until `finish`."""

    def __init__(self, storage, schema: Schema, indexname: str) -> None:
        self.storage, self.schema = storage, schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.count = 0
        self.lengths: dict[str, array] = defaultdict(lambda: array("I"))
        self.text: dict[str, _Tokens] = defaultdict(_Tokens)
        self.other: dict[str, dict[bytes, _OtherPostings]] = defaultdict(dict)
        self.indexed: dict[str, dict] = defaultdict(
            dict
        )  # field -> value -> field.index(value), for repeated values

    def __len__(self) -> int:
        return self.count

    def add(self, document: dict) -> None:
        """Index a document as Whoosh's SegmentWriter.add_document does (fields in name order)."""
        docnum = self.count
        self.perdoc.start_doc(docnum)
        for name in sorted(name for name in document if not name.startswith("_")):
            value = document[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                length = (
                    self.text[name].add(docnum, value)
                    if _fast_field(field)
                    else self._add_other(name, field, docnum, value)
                )
                if field.scorable:
                    column = self.lengths[name]
                    column.extend(repeat(0, docnum - len(column)))
                    column.append(length)
                else:
                    length = 0
            self.perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                self.perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        self.perdoc.finish_doc()
        self.count += 1

    def _add_other(self, name: str, field, docnum: int, value) -> int:
        if field.unique:
            items = list(field.index(value))
        else:
            seen = self.indexed[name]
            items = seen.get(value)
            if items is None:
                if len(seen) >= INDEXED_KEPT:
                    seen.clear()  # a field whose values rarely repeat (entity lists) keeps few
                items = seen[value] = list(field.index(value))
        table = self.other[name]
        length = 0
        for btext, frequency, weight, value_bytes in items:
            postings = table.get(btext)
            if postings is None:
                postings = table[btext] = _OtherPostings()
            postings.docs.append(docnum)
            postings.weights.append(weight)
            postings.values.append(value_bytes)
            length += frequency
        return length

    def finish(self):
        """Write the postings and close the segment's files; returns its Whoosh segment object."""
        self.perdoc.close()
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        for name in sorted(set(self.text) | set(self.other)):
            field = self.schema[name]
            fieldwriter.start_field(name, field)
            fieldwriter._postwriter = _BlockWriter(
                fieldwriter._postfile, blocklimit=BLOCK, compression=BLOCK_COMPRESSION
            )
            lengths = np.frombuffer(self.lengths[name], dtype=np.uint32) if field.scorable else None
            if name in self.text:
                boost = field.format.field_boost
                for btext, docs, counts, values in self.text.pop(name).postings():
                    _write_term(
                        fieldwriter, btext, docs, (counts * boost).astype(np.float32), values, lengths
                    )
            else:
                table = self.other.pop(name)
                for btext in sorted(table):
                    postings = table[btext]
                    docs, weights = (
                        np.frombuffer(postings.docs, dtype=np.uint32),
                        np.frombuffer(postings.weights, dtype=np.float32),
                    )
                    _write_term(fieldwriter, btext, docs, weights, postings.values, lengths)
            fieldwriter.finish_field()
        fieldwriter.close()
        self.segment.set_doc_count(self.count)
        return self.segment


def _write_term(
    fieldwriter, btext: bytes, docs: np.ndarray, weights: np.ndarray, values: list, lengths: np.ndarray | None
) -> None:
    """One term's postings, a block at a time; everything per posting is worked out for the whole term."""
    fieldwriter.start_term(btext)
    writer: _BlockWriter = fieldwriter._postwriter
    docs = docs.astype(np.uint32)
    deltas = np.diff(docs.astype(np.int64), prepend=0)
    ids, weights32 = array("I", docs.tobytes()), array("f", weights.astype(np.float32).tobytes())
    starts = np.arange(0, len(docs), BLOCK)
    deltas[starts] = docs[starts]  # each block's first id is written whole
    if lengths is not None:
        field_lengths = lengths[docs]
        minima, maxima = (
            np.minimum.reduceat(field_lengths, starts).tolist(),
            np.maximum.reduceat(field_lengths, starts).tolist(),
        )
    deltas = array("I", deltas.astype(np.uint32).tobytes())
    for number, start in enumerate(starts.tolist()):
        end = start + BLOCK
        low, high = (minima[number] or None, maxima[number]) if lengths is not None else (None, 0)
        writer.add_block(
            ids[start:end], deltas[start:end], weights32[start:end], values[start:end], low, high
        )
    fieldwriter.finish_term()


def segments_build(storage, schema: Schema, indexname: str, documents: Iterable[dict]) -> list:
    """Write `documents` as segments of at most SEGMENT_DOCS; returns the segment objects."""
    segments = []
    builder = SegmentBuilder(storage, schema, indexname)
    for document in documents:
        builder.add(document)
        if len(builder) >= SEGMENT_DOCS:
            segments.append(builder.finish())
            builder = SegmentBuilder(storage, schema, indexname)
    if len(builder):
        segments.append(builder.finish())
    else:
        builder.perdoc.close()  # an empty segment: its files are never listed, so Whoosh cleans them up
    return segments


def _worker(batches, results, storage, schema: Schema, indexname: str) -> None:
    def documents() -> Iterator[dict]:
        while (batch := batches.get()) is not None:
            yield from batch

    try:
        results.put(("ok", segments_build(storage, schema, indexname, documents())))
    except BaseException:  # reported to the parent, which raises it
        results.put(("error", traceback.format_exc()))


def segments_build_parallel(
    storage, schema: Schema, indexname: str, documents: Iterable[dict], *, procs: int
) -> list:
    """`documents` written by `procs` forked processes, fed batches of FEED_BATCH in turn by this one (the
    only one reading the database); returns every process's segments. One process: written here."""
    if procs <= 1:
        return segments_build(storage, schema, indexname, documents)
    context = multiprocessing.get_context("fork")
    feeds = [context.Queue(maxsize=4) for _ in range(procs)]
    results = [context.SimpleQueue() for _ in range(procs)]
    workers = [
        context.Process(target=_worker, args=(feed, result, storage, schema, indexname))
        for feed, result in zip(feeds, results)
    ]
    for worker in workers:
        worker.start()
    try:
        for number, batch in enumerate(_batches(documents, FEED_BATCH)):
            _feed(feeds[number % procs], workers[number % procs], batch)
    finally:
        for feed, worker in zip(feeds, workers):
            if worker.is_alive():
                _feed(feed, worker, None)
    outcomes = [_outcome(worker, result) for worker, result in zip(workers, results)]
    failures = [detail for status, detail in outcomes if status != "ok"]
    if failures:
        raise RuntimeError("writing index segments failed in a worker process:\n" + failures[0])
    return [segment for _, segments in outcomes for segment in segments]


def _batches(documents: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _feed(feed, worker, batch: list[dict] | None) -> None:
    while True:
        try:
            feed.put(batch, timeout=1.0)
            return
        except queue.Full:
            if not worker.is_alive():
                return  # its outcome says why


def _outcome(worker, result) -> tuple[str, object]:
    while result.empty() and worker.is_alive():
        worker.join(0.2)
    outcome = (
        result.get() if not result.empty() else ("error", f"the process exited with code {worker.exitcode}")
    )
    worker.join()
    return outcome


def segments_commit(writer, segments: list) -> None:
    """List `segments` after the index's own in the TOC `writer` commits (no merging: they stay as built)."""
    writer.segments.extend(segments)
    writer.merge = False


def segments_add(writer, documents: list[dict]) -> None:
    """Add `documents` to the commit of `writer` (Whoosh's) as a new segment; its merge policy still runs."""
    if documents:
        writer.segments.extend(segments_build(writer.storage, writer.schema, writer.indexname, documents))
