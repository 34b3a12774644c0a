"""The text analyzer shared by the index, the query parser and the highlighter.

British and American spellings of a word are made one before stemming ("stabilizing" and "stabilising"
index alike), from the curated list of variant pairs in the `breame` package rather than suffix rules,
which would wreck four/for, hour, rise or precise. Because the same analyzer indexes, parses queries and
marks snippets, counts and highlights agree.

No stop words are dropped: "US", "IT", "May", "Who" and "will" are what researchers search for, and a
phrase must match every one of its words in order. BM25 already makes common words weigh little.
"""

from __future__ import annotations

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
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


TOKEN_PATTERN = (
    r"[\w*]+(?:\.?[\w*]+)*"  # Whoosh's default token, written out so the highlighter finds the same tokens
)


# Bumped whenever what the analyzer makes of a text changes: an index built with another version must be
# rebuilt, and frozen result sets record the version their counts came from.
ANALYZER_VERSION = 2


def analyzer_build():
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | SpellingVariantFilter() | StemFilter()


ANALYZER = analyzer_build()
