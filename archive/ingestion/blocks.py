"""Where the article stands in a whole page of text: the densest run of prose, on evidence from every line.

A naive scrape of a news page is mostly furniture: menus, sign-in prompts, cookie banners, teaser lists,
share bars, comments and footers, with the article somewhere in between. Every line gets a value: prose
(long, sentence-shaped lines) counts for its length, every other line costs a little, and lines that are
plainly furniture (menus, link-list items, lines the page or the outlet repeats) cost more. The article is
the run of lines with the largest total, as boilerpipe and jusText choose blocks in HTML; so a cookie banner
or a lone teaser cannot outweigh the article, and a caption or a sub-heading inside it does not cut it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\d,.:]*")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
SENTENCE_INSIDE = re.compile(r"[.!?。！？][”\"’»]?\s")
BULLET = re.compile(r"(?:[•□○◦●■☆★◎▪▫◆◇►▶‣⁃·*+-]|\d{1,2}[.)])\s*")
PLACEHOLDER = re.compile(r"\[[^\]]*\]")  # images without alt text and form fields, as w3m prints them
CLOSERS = "”\"’')]» "
SENTENCE_ENDS = tuple(".!?…。！？")

BARRIER = float("-inf")


@dataclass(frozen=True, slots=True)
class LineShape:
    words: int
    bullet: bool
    ends_sentence: bool
    prose: bool


def line_shape(line: str) -> LineShape:
    """Length and shape of a line: its words (in scripts written without spaces two characters count as
    one), whether it is a list item, and whether it reads as running text: it ends a sentence (not with
    the "..." of a cut teaser) or is long and holds one, and not nearly every word is capitalised as in
    a menu or a list of names."""
    text = PLACEHOLDER.sub(" ", line).strip() if "[" in line else line
    marker = BULLET.match(text)
    if marker:
        text = text[marker.end() :]
    tokens = WORD.findall(text)
    count = len(tokens)
    if not text.isascii():
        count += len(CJK.findall(text)) // 2
    tail = text.rstrip(CLOSERS)
    ends = tail.endswith(SENTENCE_ENDS) and not tail.endswith(("..", "…"))
    if ends:
        prose = count >= 10 or (count >= 6 and not marker)
    else:
        prose = count >= 25 and SENTENCE_INSIDE.search(text) is not None
    if prose and len(tokens) >= 8:
        capitalised = sum(token[0].isupper() for token in tokens)
        prose = capitalised / len(tokens) <= 0.6
    return LineShape(words=count, bullet=marker is not None, ends_sentence=ends, prose=prose)


# What a line is to the article: closing furniture (nothing of the article follows it), a heading over a
# block of links inside the article, a line without words, an inline furniture line (an advertisement
# label, a share prompt), a menu or link-list line, prose, or another short line (a heading, a label).
END, BLOCK_HEADING, EMPTY, INLINE, MENU, PROSE, SHORT = "end", "block", "empty", "inline", "menu", "prose", "short"
COSTS = {BLOCK_HEADING: 5.0, EMPTY: 1.0, INLINE: 2.0, MENU: 12.0, SHORT: 5.0}
PROSE_COST = 8.0  # even prose costs this much a line, so a run must be dense to win


def line_value(role: str, shape: LineShape) -> float:
    """What a line adds to the run it stands in: prose its length less a cost, anything else a cost, and
    closing furniture is a barrier no run crosses."""
    if role == END:
        return BARRIER
    if role == PROSE:
        return shape.words * (0.5 if shape.bullet else 1.0) - PROSE_COST
    return -COSTS[role]


def densest_run(values: list[float], *, minimum: float = 0.0) -> tuple[int, int] | None:
    """The run of lines [start, end) with the largest sum of values (Kadane), or None if no run sums to
    more than `minimum`; no run crosses a BARRIER."""
    best, best_span = minimum, None
    total, start = 0.0, 0
    for index, value in enumerate(values):
        if total <= 0:
            total, start = 0.0, index
        total += value
        if total > best:
            best, best_span = total, (start, index + 1)
    return best_span


def repeated_keys(keys: list[str]) -> set[str]:
    """Lines the page prints three times or more: the chrome of every comment or teaser, not the article."""
    return {key for key, count in Counter(keys).items() if count >= 3 and key}
