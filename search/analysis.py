"""The text analyzer shared by the index, the query parser and the highlighter.

British and American spellings of a word are made one before stemming ("stabilizing" and "stabilising"
index alike), from the curated list of variant pairs in the `breame` package rather than suffix rules,
which would wreck four/for, hour, rise or precise. Because the same analyzer indexes, parses queries and
marks snippets, counts and highlights agree.
"""

from __future__ import annotations

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)

# American -> British, for words whose forms differ by spelling only.
VARIANTS: dict[str, str] = dict(AMERICAN_ENGLISH_SPELLINGS)


class SpellingVariantFilter(Filter):
    """Replaces an American spelling with its British twin, so both match each other."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpellingVariantFilter)

    def __call__(self, tokens):
        for token in tokens:
            token.text = VARIANTS.get(token.text, token.text)
            yield token


TOKEN_PATTERN = r"[\w*]+(?:\.?[\w*]+)*"  # Whoosh's default token, written out so the highlighter finds the same tokens


def analyzer_build():
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter() | SpellingVariantFilter() | StemFilter()


ANALYZER = analyzer_build()
