"""Keyword-in-context snippets over the stored article text.

Whoosh's highlighter re-tokenises every hit through its fragmenters and costs tens of milliseconds a page.
This one marks every token whose analysed form (stem, spelling variant) is one of the query's matched
terms, so what is marked is exactly what matched, but runs the analyzer only on the distinct words of a
text it has not met before (cached), and finds their places with one compiled pattern: the per-token
work happens in the regex engine, not in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from .analysis import ANALYZER, TOKEN_PATTERN

SNIPPET_CHARS = 240
Span = tuple[int, int, str]
TOKEN = re.compile(TOKEN_PATTERN)
_FORMS: dict[str, str] = {}  # lowercased token -> its index form
FORMS_KEPT = 200_000


def word_forms(words: set[str]) -> dict[str, str]:
    """The index form of each word, analysing the unseen ones in one pass."""
    unseen = [word for word in words if word not in _FORMS]
    if unseen:
        if len(_FORMS) > FORMS_KEPT:
            _FORMS.clear()
        tokens = ANALYZER(" ".join(unseen), mode="index")
        _FORMS.update((word, token.text) for word, token in zip(unseen, tokens))
    return {word: _FORMS[word] for word in words}


@dataclass(frozen=True)
class Marks:
    """What to mark in one field: words that matched alone, and phrases that match only as a whole (their
    words in order, every one; a lone word of a phrase is not a match)."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


NO_MARKS = Marks()


def _term_spans(text: str, terms: frozenset[str]) -> list[Span]:
    if not terms:
        return []
    forms = word_forms(set(TOKEN.findall(text.lower())))
    wanted = sorted((word for word, form in forms.items() if form in terms), key=len, reverse=True)
    if not wanted:
        return []
    # A whole token only: not preceded by a word character (or one and a dot), not followed by (a dot and)
    # one.
    pattern = re.compile(
        r"(?<!\w)(?<!\w\.)(?:" + "|".join(map(re.escape, wanted)) + r")(?!\.?\w)", re.IGNORECASE
    )
    return [(match.start(), match.end(), forms[match.group().lower()]) for match in pattern.finditer(text)]


def _phrase_spans(text: str, phrases: tuple[tuple[str, ...], ...]) -> list[Span]:
    """Each occurrence of a phrase: consecutive tokens whose analysed forms are the phrase's, in order."""
    if not phrases:
        return []
    tokens = list(TOKEN.finditer(text))
    forms = word_forms({token.group().lower() for token in tokens})
    sequence = [forms[token.group().lower()] for token in tokens]
    spans = []
    for phrase in phrases:
        width = len(phrase)
        for index in range(len(sequence) - width + 1):
            if sequence[index] == phrase[0] and tuple(sequence[index : index + width]) == phrase:
                spans.append((tokens[index].start(), tokens[index + width - 1].end(), " ".join(phrase)))
    return spans


def spans_find(text: str, marks: Marks) -> list[Span]:
    """Every place `marks` match in `text`, in order, overlaps merged into the earlier span."""
    found = sorted(_term_spans(text, marks.terms) + _phrase_spans(text, marks.phrases))
    merged: list[Span] = []
    for span in found:
        if merged and span[0] < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], span[1]), last[2])
        else:
            merged.append(span)
    return merged


def snippet_html(text: str, marks: Marks | frozenset[str], *, width: int = SNIPPET_CHARS) -> str:
    """The window of `text` with the most distinct matches, escaped, matches in <mark>."""
    spans = spans_find(text, marks if isinstance(marks, Marks) else Marks(terms=marks))
    if not spans:
        end = len(text) if len(text) <= width else max(text.rfind(" ", 0, width), width // 2)
        return _marked(text, 0, end, [])
    best_start, best_score = 0, -1
    for index, (start, _, _) in enumerate(spans):
        window = [span for span in spans[index:] if span[1] <= start + width]
        score = len({span[2] for span in window}) * 1000 + len(window)
        if score > best_score:
            best_start, best_score = index, score
    first = spans[best_start][0]
    begin = max(0, first - width // 4)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < first else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > spans[best_start][1] else end
    return _marked(text, begin, end, [span for span in spans if span[0] >= begin and span[1] <= end])


def title_html(title: str, marks: Marks | frozenset[str]) -> str:
    """The whole title, escaped, with matched words in <mark>."""
    return _marked(
        title, 0, len(title), spans_find(title, marks if isinstance(marks, Marks) else Marks(terms=marks))
    )


def _marked(text: str, begin: int, end: int, spans: list[Span]) -> str:
    parts = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop, _ in spans:
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return re.sub(r"\s*\n\s*", " ", "".join(parts))
