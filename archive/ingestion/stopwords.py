"""The function words of the language a page is written in, so that no rule depends on English.

jusText ships stop lists for about a hundred languages (the most frequent words of each language's
Wikipedia). The page's language is the one whose list holds most of the article's most frequent words;
its list tells a headline's topic words ("junk", "rating") from the words any sentence uses ("the",
"are", "not").
"""

from __future__ import annotations

from collections import Counter
from functools import cache

SAMPLE_WORDS = 50  # a language's function words are its most frequent, so the article's most frequent suffice


@cache
def _stop_lists() -> tuple[frozenset[str], ...]:
    """Every stop list jusText has, read once."""
    import justext

    return tuple(justext.get_stoplist(language) for language in sorted(justext.get_stoplists()))


def stopwords_of(words: Counter[str]) -> frozenset[str]:
    """The stop list holding most of the most frequent of `words` (case-folded, with their counts), or an
    empty set when none holds any (a script jusText has no list for)."""
    sample = frozenset(word for word, _ in words.most_common(SAMPLE_WORDS))
    best = max(_stop_lists(), key=lambda stop_words: len(stop_words & sample))
    return best if best & sample else frozenset()
