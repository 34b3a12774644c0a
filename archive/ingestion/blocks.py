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
BULLET = re.compile(r"(?:[•□○◦●■☆★◎▪▫◆◇►▶‣⁃·*+-]\s*|\d{1,2}[.)]\s+)")
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


CELL_GAP = re.compile(r"[ \t\u00a0]{3,}")  # where a text dump of a table puts the gap between two cells
MAIN_CELL_CHARS = 25  # a table cell this long may be the article's column
WRAPPED_LINE_WORDS = 6  # a line this long that stops mid-sentence was wrapped
CAPITALISED_SHARE = 0.8  # more of the words capitalised than this: a menu or a list of names, not a sentence


def table_cells_unfold(lines: list[str]) -> list[str]:
    """A dump of a page laid out in a table prints a row's cells side by side, so the article's column
    comes interleaved with menu and teaser columns, a few words a line. In a block of lines (up to a blank
    line) holding such gaps, the longest cell of every row, when long enough to be running text, is
    taken as the main column: the other cells come first, one a line, then the main column's lines in
    order, so that they meet the article's continuation below the table."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
            continue
        if any(CELL_GAP.search(row.strip()) for row in block):
            main, rest = [], []
            for row in block:
                cells = [cell for cell in CELL_GAP.split(row.strip()) if cell]
                longest = max(cells, key=len)
                if len(longest) >= MAIN_CELL_CHARS:
                    main.append(longest)
                    cells.remove(longest)
                rest.extend(cells)
            block = rest + main
        out.extend(block)
        out.append(line)
        block = []
    return out[:-1]


def wrapped_lines_join(lines: list[str]) -> list[str]:
    """Text wrapped at a fixed width (an old page's narrow column) breaks sentences across lines: a line
    of several words that ends no sentence, followed (with no blank line between) by words that start in
    lower case, continues on them."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if (
            line[:1].islower()
            and previous
            and not previous.rstrip(CLOSERS).endswith((*SENTENCE_ENDS, ":"))
            and not BULLET.match(line)
            and len(previous.split()) >= WRAPPED_LINE_WORDS
            and " " in line.strip()
        ):
            out[-1] = f"{previous} {line}"
        else:
            out.append(line)
    return out


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
        prose = capitalised / len(tokens) <= CAPITALISED_SHARE
    return LineShape(words=count, bullet=marker is not None, ends_sentence=ends, prose=prose)


# What a line is to the article: closing furniture (nothing of the article follows it), a heading over a
# block of links inside the article, a line without words, an inline furniture line (an advertisement
# label, a share prompt), a menu or link-list line, prose, or another short line (a heading, a label).
END, BLOCK_HEADING, EMPTY, INLINE, MENU, PROSE, SHORT = (
    "end",
    "block",
    "empty",
    "inline",
    "menu",
    "prose",
    "short",
)
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
