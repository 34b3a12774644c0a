"""Which words of a text a query matched, as the index analyses them: the ground a concordance stands on.

A concordance row is a match in context, so what counts as a match must be exactly what the search
matched: a token whose analysed form (stem, spelling variant) is one of the query's terms in that field,
or for a phrase the run of consecutive tokens whose forms are the phrase's words (its words alone are not
matches). Words under NOT never match: they are why an article is *not* in the result. Wildcards and fuzzy
terms stand for the index terms they expand to. Only the headline and the body are read (a byline or an
entity filter narrows the articles but has no place in the text).

Tokens are found with the analyzer's own pattern and analysed with the highlighter's cache of word forms,
so the analyzer runs once per distinct word, not once per token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from django.conf import settings
from whoosh import query as wq

from .backend import backend
from .highlight import TOKEN, word_forms
from .query import query_parse, time_budget

TEXT_FIELDS = ("title", "body")
SPLIT = re.compile(f"({TOKEN.pattern})")  # separators and tokens, alternating


@dataclass(frozen=True)
class Tokens:
    """A text's tokens: the lowercased words, and where each starts and ends in the text."""

    words: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.words)


def tokens_of(text: str) -> Tokens:
    """The text's tokens as the index's tokenizer finds them (its pattern on the text as written, then
    lowercased: lowercasing first could move offsets). Split, measured and lowercased by the regex and
    string machinery, never token by token in Python: a concordance reads every token of every article."""
    parts = SPLIT.split(text)
    offsets = list(accumulate(map(len, parts)))
    words = "\0".join(parts[1::2]).lower().split("\0") if len(parts) > 1 else []
    return Tokens(words=words, starts=offsets[0:-1:2], ends=offsets[1::2])


@dataclass(frozen=True)
class FieldMatcher:
    """What matches in one field: single terms, and phrases (tuples of at least two terms)."""

    terms: frozenset[str] = frozenset()
    phrases: frozenset[tuple[str, ...]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    def spans(self, tokens: Tokens) -> list[tuple[int, int]]:
        """The matches among `tokens`, as (first, last + 1) token indexes in text order; a term matched
        by itself and as part of a phrase is two matches (they are two readings of the text)."""
        words = tokens.words
        if not words or not self:
            return []
        forms = word_forms(set(words))
        heads = {phrase[0] for phrase in self.phrases}
        wanted = {word for word, form in forms.items() if form in self.terms or form in heads}
        found = []
        for i in [i for i, word in enumerate(words) if word in wanted]:
            form = forms[words[i]]
            if form in self.terms:
                found.append((i, i + 1))
            for phrase in self.phrases:
                size = len(phrase)
                if (
                    phrase[0] == form
                    and i + size <= len(words)
                    and all(forms[words[i + k]] == phrase[k] for k in range(1, size))
                ):
                    found.append((i, i + size))
        return sorted(set(found))


@dataclass(frozen=True)
class Matcher:
    """A query's matches, field by field (`title`, `body`)."""

    fields: dict[str, FieldMatcher] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.fields.values())

    def of(self, name: str) -> FieldMatcher:
        return self.fields.get(name, FieldMatcher())

    def as_json(self) -> dict:
        return {
            name: {"terms": sorted(matcher.terms), "phrases": sorted(" ".join(p) for p in matcher.phrases)}
            for name, matcher in self.fields.items()
            if matcher
        }


def _positive_leaves(query: wq.Query):
    """The leaves of `query` that make an article match: nothing under a NOT or the excluded side of an
    AND NOT."""
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from _positive_leaves(query.a)
        return
    if query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from _positive_leaves(child)


def matcher_build(q: str) -> Matcher:
    """The matches of the researcher's query `q`; raises QuerySyntaxError, QueryTooBroad and QueryTimeout as
    the search does."""
    terms: dict[str, set[str]] = {name: set() for name in TEXT_FIELDS}
    phrases: dict[str, set[tuple[str, ...]]] = {name: set() for name in TEXT_FIELDS}
    leaves = [
        leaf for leaf in _positive_leaves(query_parse(q)) if getattr(leaf, "fieldname", None) in TEXT_FIELDS
    ]
    expand = [leaf for leaf in leaves if isinstance(leaf, wq.MultiTerm)]
    if (
        expand
    ):  # the index words each stands for, found as the search finds them (capped, within the time budget)
        with time_budget(settings.ARCHIVE_QUERY_SECONDS), backend().snapshot() as snapshot:
            for leaf in expand:
                for fieldname, text in snapshot.expanded(leaf).all_terms():
                    terms[fieldname].add(text.decode("utf-8") if isinstance(text, bytes) else text)
    for leaf in leaves:
        if isinstance(leaf, wq.Phrase):
            words = tuple(leaf.words)
            if len(words) > 1:
                phrases[leaf.fieldname].add(words)
            else:
                terms[leaf.fieldname].update(words)
        elif isinstance(leaf, wq.Term):
            terms[leaf.fieldname].add(leaf.text)
    return Matcher(
        fields={
            name: FieldMatcher(terms=frozenset(terms[name]), phrases=frozenset(phrases[name]))
            for name in TEXT_FIELDS
        }
    )
