"""A ranked page from arrays: the documents at ranks [start, stop) by Whoosh's order, highest score first and
the lower document number first among equal scores (its TopCollector's heap order).

Only the documents that can reach the page are sorted: a partition finds the score at rank `stop`, and the
documents scoring at least that much (ties included) are ordered; every other match is counted, not sorted.
"""

from __future__ import annotations

import numpy as np


def ranked_page(docs: np.ndarray, scores: np.ndarray, *, start: int, stop: int) -> np.ndarray:
    """The document numbers at ranks [start, stop) (fewer when fewer match)."""
    if stop >= len(docs):
        order = np.lexsort((docs, -scores))
        return docs[order][start:stop]
    threshold = np.partition(scores, len(scores) - stop)[len(scores) - stop]  # the stop-th highest score
    contenders = np.flatnonzero(scores >= threshold)
    order = np.lexsort((docs[contenders], -scores[contenders]))
    return docs[contenders[order]][start:stop]
