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
def _stop_lists() -> tuple[tuple[frozenset[str], ...], dict[str, tuple[int, ...]]]:
    """Every stop list jusText has, and for every word the lists that hold it (read once)."""
    import justext

    lists = tuple(justext.get_stoplist(language) for language in sorted(justext.get_stoplists()))
    holders: dict[str, list[int]] = {}
    for number, stop_words in enumerate(lists):
        for word in stop_words:
            holders.setdefault(word, []).append(number)
    return lists, {word: tuple(numbers) for word, numbers in holders.items()}


def stopwords_of(words: Counter[str]) -> frozenset[str]:
    """The stop list holding most of the most frequent of `words` (case-folded, with their counts), or an
    empty set when none holds any (a script jusText has no list for)."""
    lists, holders = _stop_lists()
    coverage: Counter[int] = Counter()
    for word, _ in words.most_common(SAMPLE_WORDS):
        coverage.update(holders.get(word, ()))
    return lists[coverage.most_common(1)[0][0]] if coverage else frozenset()
