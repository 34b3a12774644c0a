"""Syndicated reprints of BBC articles, made the way outlets make them: a dateline added, paragraphs
dropped, a sentence reworded, British spellings changed, and page furniture around the text."""

from __future__ import annotations

import random
import re

DATELINES = ["LONDON (AFP) - ", "LONDON, March 3 (Reuters) - ", "London — ", "(AP) ", "LONDON: "]
FURNITURE_BEFORE = ["Advertisement", "Share this article", "Listen to this story"]
FURNITURE_AFTER = [
    "Read more: the latest news from our partners",
    "Sign up for our daily newsletter and never miss a story.",
    "Copyright 2005 Agence France-Presse. All rights reserved.",
    "Related: more stories from this section",
    "Support independent journalism - donate today.",
]
REWORDINGS = [
    (r"\bsaid\b", "stated"),
    (r"\bhas\b", "had"),
    (r"\bwill\b", "would"),
    (r"\bbut\b", "however"),
    (r"\balso\b", "as well"),
]


def reprint(body: str, rng: random.Random) -> str:
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    droppable = list(range(1, len(paragraphs)))
    dropped = (
        set(rng.sample(droppable, min(len(droppable) // 4 + 1, max(0, len(paragraphs) - 2))))
        if len(paragraphs) > 3
        else set()
    )
    kept = [p for i, p in enumerate(paragraphs) if i not in dropped]
    kept[0] = rng.choice(DATELINES) + kept[0]
    target = rng.randrange(len(kept))
    sentences = re.split(r"(?<=[.!?]) ", kept[target])
    which = rng.randrange(len(sentences))
    for pattern, replacement in rng.sample(REWORDINGS, 3):
        sentences[which] = re.sub(pattern, replacement, sentences[which], count=1)
    kept[target] = " ".join(sentences)
    kept = [re.sub(r"(\w{3,})is(e|ed|es|ing)\b", r"\1iz\2", p) for p in kept]
    return "\n\n".join([rng.choice(FURNITURE_BEFORE), *kept, *rng.sample(FURNITURE_AFTER, 2)])
