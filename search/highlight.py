"""Keyword-in-context snippets over the stored article text.

Whoosh's highlighter re-tokenises every hit through its fragmenters and costs tens of milliseconds a page.
This one marks every token whose analysed form (stem, spelling variant) is one of the query's matched
terms, so what is marked is exactly what matched, but analyses only the words that may have a wanted form
(cached across texts), and finds their places with compiled patterns: the per-token work happens in the
regex engine, not in Python.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from html import escape

from .analysis import ANALYZER, TOKEN_PATTERN, VARIANTS

SNIPPET_CHARS = 240
Span = tuple[int, int, str]
TOKEN = re.compile(TOKEN_PATTERN)
_FORMS: dict[str, str] = {}  # lowercased token -> its index form
FORMS_KEPT = 200_000


def word_forms(words: set[str]) -> dict[str, str]:
    """The index form of each word, analysing the unseen ones in one pass."""
    _forms_learn(words)
    return {word: _FORMS[word] for word in words}


def _forms_learn(words: set[str]) -> None:
    unseen = [word for word in words if word not in _FORMS]
    if unseen:
        if len(_FORMS) > FORMS_KEPT:
            _FORMS.clear()
            unseen = list(words)
        tokens = ANALYZER(" ".join(unseen), mode="index")
        _FORMS.update((word, token.text) for word, token in zip(unseen, tokens))


@dataclass(frozen=True)
class Marks:
    """What to mark in one field: words that matched alone, and phrases that match only as a whole (their
    words in order, every one; a lone word of a phrase is not a match)."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


NO_MARKS = Marks()


# A whole token only: not preceded by a token character (or one and a dot), not followed by (a dot and) one.
_BEFORE, _AFTER = r"(?<![\w*])(?<![\w*]\.)", r"(?!\.?[\w*])"
_GAP = r"[^\w*]+"  # what lies between two consecutive tokens
_REST = r"[\w*]*(?:\.?[\w*]+)*"  # the rest of a token, once begun (TOKEN_PATTERN)


@functools.lru_cache(maxsize=4096)
def _pattern(alternatives: tuple[tuple[str, ...], ...], *, overlapping: bool) -> re.Pattern[str]:
    """Consecutive whole tokens, each one of its alternatives (one group of alternatives: a word). Inside a
    lookahead when occurrences can overlap (a phrase that ends as it begins), so all of them are found; only
    then, as a leading lookahead makes the regex engine try every position."""
    words = [f"(?:{'|'.join(map(re.escape, surfaces))}){_AFTER}" for surfaces in alternatives]
    body = f"({_BEFORE}{_GAP.join(words)})"
    return re.compile(f"(?={body})" if overlapping else body, re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _variants_by_form() -> dict[str, tuple[str, ...]]:
    """The American spellings indexed under each form (as their British twin): unlike other words, they need
    not begin as their form does ("tire" is indexed as "tyre")."""
    americans = sorted(word for word in VARIANTS if TOKEN.fullmatch(word))
    by_form: dict[str, list[str]] = {}
    for word, token in zip(americans, ANALYZER(" ".join(americans), mode="index")):
        by_form.setdefault(token.text, []).append(word)
    return {form: tuple(words) for form, words in by_form.items()}


@functools.lru_cache(maxsize=1024)
def _candidates(forms: frozenset[str]) -> re.Pattern[str]:
    """The whole tokens that may have one of `forms`: those that begin as a form does but for its last two
    characters (the stemmer rewrites at most the end of a word: "happy" is "happi", "nobility" "nobl"), or
    are an American spelling indexed under it. Which of them do is then read from the analyzer, so the
    pattern only spares analysing the text's other words."""
    variants = _variants_by_form()
    starts = {form[: max(1, len(form) - 2)] for form in forms}
    starts.update(word for form in forms for word in variants.get(form, ()))
    return re.compile(f"{_BEFORE}(?:{'|'.join(map(re.escape, _longest_first(list(starts))))}){_REST}", re.I)


def _overlaps(phrase: tuple[str, ...]) -> bool:
    return any(phrase[-size:] == phrase[:size] for size in range(1, len(phrase)))


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=lambda word: (-len(word), word)))


def spans_find(text: str, marks: Marks) -> list[Span]:
    """Every place `marks` match in `text`, in order, overlaps merged into the earlier span.

    The text's words that may have a wanted form (`_candidates`) are analysed (cached), the surface words of
    each wanted form picked from them, and one pattern per phrase (or for all the terms) finds their places:
    the per-token work happens in the regex engine, not in Python, and a phrase missing a word from the text
    costs nothing more."""
    if not marks:
        return []
    wanted = marks.terms.union(*marks.phrases)
    distinct = set(map(str.lower, _candidates(wanted).findall(text)))
    _forms_learn(distinct)
    surfaces: dict[str, list[str]] = {}
    for word in distinct:
        if (form := _FORMS[word]) in wanted:
            surfaces.setdefault(form, []).append(word)
    found: list[Span] = []
    terms = [form for form in marks.terms if form in surfaces]
    if terms:
        by_surface = {word: form for form in terms for word in surfaces[form]}
        pattern = _pattern((_longest_first(list(by_surface)),), overlapping=False)
        found += [(m.start(1), m.end(1), by_surface[m.group(1).lower()]) for m in pattern.finditer(text)]
    for phrase in marks.phrases:
        if all(form in surfaces for form in phrase):
            alternatives = tuple(_longest_first(surfaces[form]) for form in phrase)
            pattern = _pattern(alternatives, overlapping=_overlaps(phrase))
            found += [(m.start(1), m.end(1), " ".join(phrase)) for m in pattern.finditer(text)]
    found.sort()
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
    ends = [span[1] for span in spans]  # increasing: the spans are merged, so none overlaps the next
    for index, (start, _, _) in enumerate(spans):
        window = spans[index : bisect.bisect_right(ends, start + width, lo=index)]
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
