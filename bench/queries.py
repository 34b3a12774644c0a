"""The benchmark's query set: the same mixed queries for every engine, drawn with a fixed seed from the
words of the BBC paragraphs the corpus is made of.

Six kinds, as researchers type them: a common word, two words, a rare word, a phrase, a word with a date
range, a word with an outlet filter. Each engine translates a `BenchQuery` into its own syntax.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass

from .corpus import DAYS, START, bbc_paragraphs, outlet_names

KINDS = ("common", "two_words", "rare", "phrase", "date_range", "outlet")
STOPWORDS = frozenset(
    "a about after all also an and any are as at be been but by can could did do for from had has have he "
    "her his how i if in into is it its just last like may me more most mr mrs ms my new no not now of on "
    "one only or other our out over said says she so some than that the their them then there these they "
    "this those to two up us was we were what when which who will with would year years you your".split()
)
WORD = re.compile(r"[a-z]{3,}")


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


def queries_build(*, per_kind: int = 35, seed: int = 20221230) -> list[BenchQuery]:
    """`per_kind` queries of each kind (6 kinds), the same for the same seed."""
    rng = random.Random(seed)
    paragraphs = bbc_paragraphs()
    frequency: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for paragraph in paragraphs:
        words = _paragraph_words(paragraph)
        frequency.update(set(words))
        bigrams.update(zip(words, words[1:]))
    ranked = [word for word, _ in frequency.most_common()]
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
    for _ in range(per_kind):
        start, end = date_range()
        queries += [
            BenchQuery("common", (rng.choice(common),)),
            BenchQuery("two_words", two_words()),
            BenchQuery("rare", (rng.choice(rare),)),
            BenchQuery("phrase", rng.choice(phrases), phrase=True),
            BenchQuery("date_range", (rng.choice(common + medium[:300]),), date_from=start, date_to=end),
            BenchQuery("outlet", (rng.choice(medium[:500]),), outlet=rng.choice(outlets)),
        ]
    return queries
