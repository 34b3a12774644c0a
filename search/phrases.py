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
from itertools import chain
from pickle import loads
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .docsets import Postings

VALUE_HEADER = 4  # Whoosh's Positions value: a 4-byte count, then the pickled list of position deltas


def position_keys(docs: np.ndarray, values: Sequence[bytes]) -> np.ndarray:
    """Sorted `document << 32 | position` keys of every position in `values` (one value per document)."""
    deltas = [loads(value[VALUE_HEADER:]) for value in values]
    counts = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum()))
    running = np.cumsum(flat)
    starts = np.cumsum(counts) - counts  # where each document's deltas begin in `flat`
    before = np.repeat(running[starts] - flat[starts], counts)  # the running sum up to each document
    return np.repeat(docs << 32, counts) | (running - before)


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
        before = np.searchsorted(ends, following, side="left") - 1  # the nearest chain end before each position
        previous = ends[np.maximum(before, 0)]
        near = (before >= 0) & ((previous >> 32) == (following >> 32)) & (following - previous <= slop)
        ends = following[near]
        if not len(ends):
            break
    if ends is None or not len(ends):
        return candidates[:0]
    return np.unique(ends >> 32)
