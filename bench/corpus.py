"""The benchmark's synthetic corpus: N articles recombined from real BBC paragraphs, with a fixed seed.

Each article gets an outlet from about 200 (Zipf-like frequencies), a date over three years, and 5 to 30
entities from a pool of about 20,000 names (Zipf-like), so facets behave as in a real archive. Articles are
generated one at a time (a generator), never held as a corpus, so a 100,000-article load streams.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from archive.ingestion.bulk import KnownArticle

BBC = Path(__file__).resolve().parent.parent / "tests" / "data" / "bbc"
OUTLETS = 200
ENTITY_POOL = 20_000
START = dt.date(2021, 1, 1)
DAYS = 3 * 365
TYPES = ("person", "organization", "place")
SYLLABLES = [
    "an",
    "bel",
    "cor",
    "dan",
    "el",
    "fa",
    "gor",
    "han",
    "is",
    "jo",
    "ka",
    "lin",
    "mor",
    "nel",
    "or",
    "pa",
    "qu",
    "ro",
    "sa",
    "tor",
    "ul",
    "vin",
    "wes",
    "ya",
    "zan",
]


def bbc_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(BBC.glob("*/*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        paragraphs += [line.strip() for line in lines[1:] if len(line.split()) >= 8]
    return paragraphs


def _name(rng: random.Random, words: int) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title() for _ in range(words)
    )


def _outlets(rng: random.Random) -> list[str]:
    return [f"{_name(rng, rng.randint(1, 2))} News" for _ in range(OUTLETS)]


def outlet_names(seed: int) -> list[str]:
    """The corpus's outlets, most frequent first (the order of their Zipf weights)."""
    return _outlets(random.Random(seed))


def _zipf_weights(count: int, exponent: float = 1.1) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def corpus_generate(n: int, *, seed: int = 20221230) -> Iterator[KnownArticle]:
    """`n` articles, the same for the same `n` and `seed`."""
    rng = random.Random(seed)
    paragraphs = bbc_paragraphs()
    outlets = _outlets(rng)
    entities = [(_name(rng, rng.randint(1, 3)), TYPES[i % 3]) for i in range(ENTITY_POOL)]
    outlet_weights = _zipf_weights(OUTLETS)
    entity_cumulative = list(_cumulative(_zipf_weights(ENTITY_POOL)))
    for number in range(n):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 9)))
        chosen = {entities[index] for index in _sample_cumulative(rng, entity_cumulative, rng.randint(5, 30))}
        yield KnownArticle(
            source=f"bench/{seed}/{number}",
            title=" ".join(body.split()[: rng.randint(5, 11)]).rstrip(",.;:"),
            body=body,
            outlet=rng.choices(outlets, weights=outlet_weights)[0],
            published=START + dt.timedelta(days=rng.randrange(DAYS)),
            entities=tuple((name, kind, rng.randint(1, 6)) for name, kind in sorted(chosen)),
        )


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _sample_cumulative(rng: random.Random, cumulative: list[float], k: int) -> set[int]:
    """`k` distinct indexes drawn by weight (bisecting the cumulative weights)."""
    chosen: set[int] = set()
    top = cumulative[-1]
    while len(chosen) < k:
        chosen.add(bisect.bisect_left(cumulative, rng.random() * top))
    return chosen
