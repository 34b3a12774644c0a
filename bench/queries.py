"""The benchmark's query set: the same mixed queries for every engine, drawn with a fixed seed from the
words of the BBC paragraphs the corpus is made of.

Seven kinds, as researchers type them: a common word, two words, a rare word, a phrase, a word with a date
range, a word with an outlet filter, and a phrase of three words with common ones in it ("the prime
minister", "one of the": every word is indexed, so these read the longest posting lists). Each engine
translates a `BenchQuery` into its own syntax.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass

from .corpus import DAYS, START, bbc_paragraphs, outlet_names

KINDS = ("common", "two_words", "rare", "phrase", "date_range", "outlet", "common_phrase")
NAMED_PHRASES = (("the", "prime", "minister"), ("one", "of", "the"))  # the examples, always measured
STOPWORDS = frozenset(
    "a about after all also an and any are as at be been but by can could did do for from had has have he "
    "her his how i if in into is it its just last like may me more most mr mrs ms my new no not now of on "
    "one only or other our out over said says she so some than that the their them then there these they "
    "this those to two up us was we were what when which who will with would year years you your".split()
)
WORD = re.compile(r"[a-z]{3,}")
ANY_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    words: tuple[str, ...]
    phrase: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outlet: str = ""  # the outlet's name

    @property
    def text(self) -> str:
        """The query as typed into the archive's search box (and haystack's `auto_query`)."""
        return f'"{" ".join(self.words)}"' if self.phrase else " ".join(self.words)


def _paragraph_words(paragraph: str) -> list[str]:
    return [word for word in WORD.findall(paragraph.lower()) if word not in STOPWORDS]


def common_phrases(paragraphs: list[str], *, count: int, seed: int) -> list[tuple[str, ...]]:
    """`count` three-word phrases with at least one common word, seen at least 8 times in the paragraphs:
    the issue's two examples, then a seeded draw (its own random stream, so the other kinds keep theirs)."""
    trigrams: Counter[tuple[str, ...]] = Counter()
    for paragraph in paragraphs:
        words = ANY_WORD.findall(paragraph.lower())
        trigrams.update(
            t
            for t in zip(words, words[1:], words[2:])
            if any(w in STOPWORDS for w in t) and all(len(w) >= 2 for w in t)
        )
    pool = sorted(trigram for trigram, seen in trigrams.items() if seen >= 8 and trigram not in NAMED_PHRASES)
    return [*NAMED_PHRASES, *random.Random(seed + 1).sample(pool, max(0, count - len(NAMED_PHRASES)))][:count]


def queries_build(*, per_kind: int = 35, seed: int = 20221230) -> list[BenchQuery]:
    """`per_kind` queries of each kind (7 kinds), the same for the same seed."""
    rng = random.Random(seed)
    paragraphs = bbc_paragraphs()
    frequency: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for paragraph in paragraphs:
        words = _paragraph_words(paragraph)
        frequency.update(set(words))
        bigrams.update(zip(words, words[1:]))
    # Ties by the word: counting from sets, Counter's own order would follow Python's string hashing, which
    # differs from process to process, and so would the queries each engine's process is asked.
    ranked = sorted(frequency, key=lambda word: (-frequency[word], word))
    common, medium = ranked[:80], ranked[200:3000]
    rare = sorted(word for word, count in frequency.items() if 2 <= count <= 4 and len(word) >= 6)
    phrases = sorted(pair for pair, count in bigrams.items() if count >= 8)
    outlets = outlet_names(seed)[:20]
    medium_set = set(medium)

    def two_words() -> tuple[str, ...]:
        while True:  # two medium words from one paragraph, so the pair has matches
            words = sorted({word for word in _paragraph_words(rng.choice(paragraphs)) if word in medium_set})
            if len(words) >= 2:
                return tuple(rng.sample(words, 2))

    def date_range() -> tuple[dt.date, dt.date]:
        start = START + dt.timedelta(days=rng.randrange(DAYS - 90))
        return start, start + dt.timedelta(days=rng.choice((7, 30, 90)))

    queries: list[BenchQuery] = []
    three_words = common_phrases(paragraphs, count=per_kind, seed=seed)
    for number in range(per_kind):
        start, end = date_range()
        queries += [
            BenchQuery("common", (rng.choice(common),)),
            BenchQuery("two_words", two_words()),
            BenchQuery("rare", (rng.choice(rare),)),
            BenchQuery("phrase", rng.choice(phrases), phrase=True),
            BenchQuery("date_range", (rng.choice(common + medium[:300]),), date_from=start, date_to=end),
            BenchQuery("outlet", (rng.choice(medium[:500]),), outlet=rng.choice(outlets)),
            BenchQuery("common_phrase", three_words[number], phrase=True),
        ]
    return queries
