"""The function words of the language a page is written in, so that no rule depends on English.

jusText ships stop lists for about a hundred languages (the most frequent words of each language's
Wikipedia). The page's language is the one whose list covers most of the article's words; its list tells
a headline's topic words ("junk", "rating") from the words any sentence uses ("the", "are", "not").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache


@cache
def _stop_lists() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """Every list by language, and for every word the languages whose lists hold it (read once)."""
    import justext

    lists = {language: justext.get_stoplist(language) for language in sorted(justext.get_stoplists())}
    languages: dict[str, list[str]] = {}
    for language, stop_words in lists.items():
        for word in stop_words:
            languages.setdefault(word, []).append(language)
    return lists, {word: tuple(names) for word, names in languages.items()}


def stopwords_of(words: Iterable[str]) -> frozenset[str]:
    """The stop list of the language that covers most of `words` (case-folded), or an empty set when no
    list covers any of them (a script jusText has no list for)."""
    lists, languages = _stop_lists()
    coverage: Counter[str] = Counter()
    for word in words:
        coverage.update(languages.get(word, ()))
    if not coverage:
        return frozenset()
    return lists[coverage.most_common(1)[0][0]]
