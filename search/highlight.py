"""Keyword-in-context snippets over the stored article text.

Whoosh's highlighter re-tokenises every hit through its fragmenters and costs tens of milliseconds a page;
this one runs the index analyzer once over the text and marks every token whose analysed form (stem,
variant) is one of the query's matched terms, so what is marked is exactly what matched.
"""

from __future__ import annotations

import re
from html import escape

from .engine import ANALYZER

SNIPPET_CHARS = 240


def snippet_html(text: str, terms: frozenset[str], *, width: int = SNIPPET_CHARS) -> str:
    """The window of `text` with the most distinct matched terms, escaped, matches in <mark>."""
    spans = [(token.startchar, token.endchar, token.text) for token in ANALYZER(text, chars=True, mode="index") if token.text in terms] if terms else []
    if not spans:
        return _escape_window(text, 0, min(len(text), width), [])
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
    inside = [span for span in spans if span[0] >= begin and span[1] <= end]
    return _escape_window(text, begin, end, inside)


def _escape_window(text: str, begin: int, end: int, spans: list[tuple[int, int, str]]) -> str:
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
