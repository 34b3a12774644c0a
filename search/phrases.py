"""Phrase matching over positions as arrays: which candidate documents hold the words in order.

Whoosh checks a phrase document by document, building span objects in Python. Here the candidates (the
documents holding every word, found rarest word first by `search.docsets`) have their positions decoded
once per word into one array of (document, position) keys, and each next word keeps the positions that
follow a surviving position of the previous word by 1 to `slop` places: Whoosh's SpanNear2 rule (ordered,
minimum distance 1), so `"a b"~3` allows up to two words between. Positions are per field, so a phrase
never runs from the end of a title into its body.
"""

from __future__ import annotations

from collections.abc import Sequence
from pickle import dumps, loads
from typing import TYPE_CHECKING

import numpy as np
from whoosh.system import pack_uint

if TYPE_CHECKING:
    from .docsets import Postings

EMPTY = np.zeros(0, dtype=np.int64)

# Whoosh's Positions value: a 4-byte big-endian count, then the pickled list of position deltas. Whoosh
# pickles with 1-, 2- or 4-byte integers as they come; `positions_values` (the archive's segment writer)
# writes every delta as a 2-byte integer, a layout `position_keys` reads back with array operations.
VALUE_HEADER = 4
PICKLE_LIST = b"\x80\x02]q\x00"  # protocol 2, an empty list (memoised), the deltas follow
MARK, BININT2, APPENDS, APPEND, STOP = b"(Mea."
FIXED_DELTA_MAX = 0xFFFF


def _fixed_lengths(counts: np.ndarray) -> np.ndarray:
    return VALUE_HEADER + len(PICKLE_LIST) + (counts > 1) + 3 * counts + 2


def positions_values(counts: np.ndarray, positions: np.ndarray) -> list[bytes]:
    """Whoosh Positions values for postings with `counts` positions each (`positions` concatenated, ascending
    within each posting), every delta a 2-byte pickle integer. Any posting with a delta too large for that is
    pickled as Whoosh pickles it."""
    counts = counts.astype(np.int64)
    positions = positions.astype(np.int64)
    firsts = np.cumsum(counts) - counts  # where each posting's positions begin
    deltas = np.diff(positions, prepend=0)
    deltas[firsts] = positions[firsts]
    lengths = _fixed_lengths(counts)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    buffer = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    for byte in range(VALUE_HEADER):
        buffer[starts + byte] = (counts >> (8 * (VALUE_HEADER - 1 - byte))) & 0xFF
    for byte, value in enumerate(PICKLE_LIST):
        buffer[starts + VALUE_HEADER + byte] = value
    several = counts > 1
    buffer[starts[several] + VALUE_HEADER + len(PICKLE_LIST)] = MARK
    items = starts + VALUE_HEADER + len(PICKLE_LIST) + several
    at = np.repeat(items - 3 * firsts, counts) + 3 * np.arange(len(positions))  # each delta's opcode
    buffer[at] = BININT2
    buffer[at + 1] = deltas & 0xFF
    buffer[at + 2] = (deltas >> 8) & 0xFF
    tails = items + 3 * counts
    buffer[tails] = np.where(several, APPENDS, APPEND)
    buffer[tails + 1] = STOP
    raw = buffer.tobytes()
    values = [raw[start:end] for start, end in zip(starts.tolist(), ends.tolist())]
    for posting in (
        np.flatnonzero(np.maximum.reduceat(deltas, firsts) > FIXED_DELTA_MAX) if len(deltas) else ()
    ):
        chosen = positions[firsts[posting] : firsts[posting] + counts[posting]].tolist()
        values[posting] = pack_uint(len(chosen)) + dumps(np.diff(chosen, prepend=0).tolist(), 2)
    return values


def position_keys(docs: np.ndarray, values: Sequence[bytes]) -> np.ndarray:
    """Sorted `document << 32 | position` keys of every position in `values` (one value per document): the
    fixed layout read with array operations, any other value (Whoosh's own writer) unpickled."""
    if not len(values):
        return EMPTY
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    raw = np.frombuffer(b"".join(values), dtype=np.uint8).astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    counts = raw[starts] << 24 | raw[starts + 1] << 16 | raw[starts + 2] << 8 | raw[starts + 3]
    firsts = np.cumsum(counts) - counts
    items = starts + VALUE_HEADER + len(PICKLE_LIST) + (counts > 1)
    at = np.repeat(items - 3 * firsts, counts) + 3 * np.arange(int(counts.sum()))
    fixed = lengths == _fixed_lengths(counts)
    at = np.minimum(at, len(raw) - 3)  # a value of another layout may be shorter than this one's reading
    opcodes_ok = raw[at] == BININT2
    fixed &= np.logical_and.reduceat(opcodes_ok, firsts) if len(firsts) else fixed
    deltas = raw[at + 1] | raw[at + 2] << 8
    for posting in np.flatnonzero(~fixed):
        unpickled = loads(values[posting][VALUE_HEADER:])
        deltas[firsts[posting] : firsts[posting] + counts[posting]] = unpickled
    running = np.cumsum(deltas)
    before = np.repeat(running[firsts] - deltas[firsts], counts)  # the running sum up to each document
    return np.repeat(docs.astype(np.int64) << 32, counts) | (running - before)


def phrase_docs(candidates: np.ndarray, words: list[Postings], *, slop: int = 1) -> np.ndarray:
    """The candidates where the words occur in order, each 1 to `slop` positions after the previous one.

    `words[i]` holds word i's postings with positions for exactly the candidate documents.
    """
    keys: dict[int, np.ndarray] = {}
    ends = None  # the positions where a chain of the first words can end, as keys
    for postings in words:
        following = keys.get(id(postings))
        if following is None:
            following = keys[id(postings)] = position_keys(postings.docs, postings.values or [])
        if ends is None:
            ends = following
            continue
        before = (
            np.searchsorted(ends, following, side="left") - 1
        )  # the nearest chain end before each position
        previous = ends[np.maximum(before, 0)]
        near = (before >= 0) & ((previous >> 32) == (following >> 32)) & (following - previous <= slop)
        ends = following[near]
        if not len(ends):
            break
    if ends is None or not len(ends):
        return candidates[:0]
    return np.unique(ends >> 32)
