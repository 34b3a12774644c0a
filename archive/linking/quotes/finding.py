"""Direct quotations in an article's clean body.

Quotes are paired quotation marks (straight or curly) around at least four words; a quote may run over
sentence breaks, and over a paragraph break when the next paragraph opens with a quotation mark again (the
newspaper convention). Shorter ones are scare quotes and slogans ("dear friend", "Back the Bid").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WORDS = 4
OPENING, CLOSING, STRAIGHT = "“„«", "”»", '"'
QUOTE_MARKS = OPENING + CLOSING + STRAIGHT
WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class FoundQuote:
    text: str  # the words inside the marks, paragraph reopenings and outer spacing dropped
    start: int  # offset of the opening mark in the body
    end: int  # offset just after the closing mark


def _mark(body: str, at: int) -> str | None:
    """Whether the character at `at` opens or closes a quotation: curly marks say so; a straight mark
    opens after a space or an opening bracket or colon, and closes after a word or punctuation."""
    char = body[at]
    if char in OPENING:
        return "open"
    if char in CLOSING:
        return "close"
    if char != STRAIGHT:
        return None
    before = body[at - 1] if at else " "
    after = body[at + 1] if at + 1 < len(body) else " "
    if before.isspace() or before in "([{:—–-":
        return None if after.isspace() else "open"
    if before in ".!?" and after.isupper():  # 'the red carpet."It's unlike …': a space went missing
        return "open"
    return "close"


def quotes_find(body: str) -> list[FoundQuote]:
    """Every quotation of at least four words, in order.

    An opening mark inside an open quotation continues it: the newspaper convention reopens a quote at
    each new paragraph without closing the last, and scraped text often runs the paragraphs together.
    """
    found: list[FoundQuote] = []
    opened: int | None = None
    for at, char in enumerate(body):
        if char == "\n" and opened is not None and body.startswith("\n\n", at):
            if not body[at:].lstrip().startswith(tuple(OPENING + STRAIGHT)):
                opened = None  # an unclosed mark at a paragraph's end that does not go on: not a quote
            continue
        mark = _mark(body, at)
        if mark == "open" and opened is None:
            opened = at
        elif mark == "close" and opened is not None:
            _add(found, body, opened, at)
            opened = None
    return found


def _add(found: list[FoundQuote], body: str, opened: int, closed: int) -> None:
    inside = re.sub(r"(?:(?<=[.!?,])|\n\n)\s*[“\"„«]", " ", body[opened + 1 : closed])
    text = " ".join(inside.split()).strip(" ,.")
    if len(WORD.findall(text)) >= MIN_WORDS:
        found.append(FoundQuote(text=text, start=opened, end=closed + 1))
