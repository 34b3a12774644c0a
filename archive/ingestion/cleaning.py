"""Read a scraped news page as a careful editor would: the article body and its metadata, nothing else.

Scraped text comes as lines. The page header (outlet, headline, byline, date) stands before the first
line of prose; page furniture (related stories, donation pleas, author bios, footers, share bars, ad
markers) is recognised by its shape — line length, punctuation, link-list and navigation patterns,
timestamps, calls to action, copyright lines — rather than by any one outlet's wording.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from .blocks import (
    BLOCK_HEADING,
    CELL_GAP,
    CJK,
    EMPTY,
    END,
    INLINE,
    MENU,
    PROSE,
    SHORT,
    LineShape,
    densest_run,
    line_shape,
    line_value,
    repeated_keys,
    table_cells_unfold,
    wrapped_lines_join,
)
from .dates import date_find, date_strip
from .records import ParsedArticle
from .stopwords import stopwords_of

HEADER_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*$|[.!?][”\"’]?\s")
WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
DOMAIN = re.compile(
    r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|info|news|co\.uk|co|uk|io|tv|pk|in|au|ca|de|fr|eu|us)$",
    re.I,
)
TLD = re.compile(r"\.(?:com|net|org|info|news|co\.uk|co|uk|io|tv|pk|in|au|ca|de|fr|eu|us)$", re.I)

# Headings that open the page's closing furniture: whatever follows them is not the article.
END_HEADING = re.compile(
    r"^(?:related\b.{0,40}|also on\b.{0,40}|"
    r"recent (?:stories|posts|news|articles)|more (?:stories|news|articles|from|on this|in|like this|to read|"
    r"coverage)\b.*|latest (?:news|stories|headlines|articles|videos)|top (?:stories|news|headlines)|"
    r"most (?:read|popular|viewed|shared|commented)|popular (?:stories|now|articles)|trending(?: now|"
    r" stories)?|recommended(?: for you| stories| reading)?|you (?:may|might) (?:also )?(?:like|"
    r"be interested in|have missed)|see also|further reading|don'?t miss|editor'?s picks|read (?:more|next)|"
    r"also read|comments?(?: \(\d+\))?|leave a (?:reply|comment)|post a comment|about the author|"
    r"follow us\b.*|sign up|subscribe|newsletters?|explore more|what to read next)\s*:?$",
    re.I,
)
# Lines that end the article wherever they stand: pleas, credits, copyright, site footers, bios.
END_LINE = re.compile(
    r"^(?:thanks for (?:being here|reading)|we need your help|support (?:our|independent|quality) journalism|"
    r"become a (?:member|supporter|subscriber|patron)|exit mobile version|back to top|about us\b|"
    r"contact us\b|privacy policy|terms (?:of|and) (?:use|service|conditions)|cookie (?:policy|settings)|"
    r"our standards:|(?:additional )?(?:reporting|writing|editing) by\b|"
    r"©\s*(?:\d{4}|.{0,60}all rights)|\(c\)\s*\d{4}|copyright\s*(?:©\s*)?\d{4}|"
    r"all rights (?:of .{0,40})?reserved|(?:tags|topics|filed under|categories)\s*:)",
    re.I,
)
SOURCE_CREDIT = re.compile(r"^source\s*:\s*(?P<name>[^\n]{2,60}?)\.?$", re.I)
AUTHOR_BIO = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3} (?:is|was|has been) (?:a|an|the) (?:[\w-]+ ){0,5}"
    r"(?:author|writer|journalist|reporter|editor|correspondent|contributor|columnist|freelancer|analyst)\b"
)
# Single lines of furniture inside or around the body; they are dropped and the body goes on.
INLINE_FURNITURE = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored(?: content)?|story continues below.*|"
    r"article continues (?:below|after).*|scroll to continue.*|\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|"
    r"days?|weeks?|months?)\s+ago|(?:read more|also read|read also|related|see also|watch|listen|more|"
    r"recommended|must read)\s*[:|–—-].*|(?:image|photo|picture|video|graphic)(?: copyright| credit| source|"
    r" caption)?\s*:.*|.*\bgetty images\b.*|(?:©|\(c\)|copyright)\s*[^\d\s].{0,60}|(?:click|tap) here\b.*|"
    r"(?:sign up|subscribe|register|log ?in|download|get|join)\b.{0,60}\b(?:newsletters?|app|updates|alerts|"
    r"account|free|today|now|here|podcasts?|e-?mails?|notifications)\b.{0,30}|(?:share|tweet|email|e-mail|"
    r"print|copy link|facebook|twitter|whatsapp|linkedin|pinterest|reddit|telegram)(?:\W+(?:share|tweet|"
    r"email|e-mail|print|copy link|facebook|twitter|whatsapp|linkedin|pinterest|reddit|telegram|on|this|"
    r"article|story))*\W*|skip to (?:main )?content|menu|search|home|close|accept(?: all)?(?: cookies)?|"
    r"we use cookies\b.*|.*\b(?:enable|turn on) javascript\b.*|listen to (?:this )?article.*|"
    r"\d+\s+min(?:ute)? read)$",
    re.I,
)
PUBLISHED_LINE = re.compile(
    r"\b(?:published|updated|posted|last updated|first published)\b\s*:?\s*(?:on\s+)?", re.I
)
BYLINE_BY = re.compile(r"^by\s+(?P<name>[^|•\n]+?)(?:\s*(?:[|•,]|\s-\s|\bpublished\b|\bupdated\b).*)?$", re.I)
BYLINE_POSTED = re.compile(
    r"^(?:posted|published|written)\b.*?\bby\s+(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3})\s*$", re.I
)
BYLINE_ROLE = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}),\s*(?:[\w-]+ ){0,3}(?:reporter|correspondent|editor|"
    r"writer|journalist|contributor|columnist)\b",
    re.I,
)
BYLINE_HANDLE = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3})\s*(?:\(@\w+\)|@\w+|,|\||\s(?=published|updated|"
    r"posted))",
    re.I,
)
DATELINES = [
    # "Moscow, (UrduPoint / Pakistan Point News - 30th Dec, 2022 ) :"  "MOSCOW (Reuters) -"
    re.compile(r"^(?P<place>[A-Z][\w .'’-]{1,40}?),?\s*\((?P<credit>[^()]{1,80})\)\s*[:\-–—]+\s*"),
    # "Moscow, Dec 30 (AFP) -"
    re.compile(
        r"^(?P<place>[A-Z][\w .'’-]{1,40}?),\s*(?P<credit>[A-Z][a-z]{2,8}\.? \d{1,2}(?:, "
        r"\d{4})?\s*\([^()]{1,40}\))\s*[:\-–—]+\s*"
    ),
    # "WASHINGTON —"
    re.compile(r"^(?P<place>[A-Z]{3,}(?:[ ,.][A-Z]{2,})*)\s*[-–—:]\s+(?=[A-Z])"),
]
CLOSING_QUOTE_GLUED = re.compile(r"([”»])(?=[^\W\d_])")
SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
CREDIT_LINE = re.compile(r"©|\(c\)|copyright|^source\s*:", re.I)
KEY_TOKEN = re.compile(r"\w+")
BREADCRUMB_SEPARATOR = re.compile(r"\s[|•·»›>/]\s")
NAV_SEPARATOR = re.compile(r"\s[|•·»›>/-]\s")
BREADCRUMB = re.compile(r"^home\s*[|•·»›>/-]", re.I)
BULLET_LINE = re.compile(r"^[•□○◦●■☆★◎▪▫◆◇►▶‣⁃·]")
UI_WORDS = {
    "menu",
    "search",
    "home",
    "close",
    "share",
    "login",
    "log in",
    "sign in",
    "subscribe",
    "navigation",
}


def text_normalise(text: str) -> str:
    """Repair what scraping damages before anything reads the text: NFC, spacing, glued closing quotes."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = CLOSING_QUOTE_GLUED.sub(r"\1 ", text)
    return "\n".join(SPACES.sub(" ", line).strip() for line in text.split("\n"))


def words(line: str) -> list[str]:
    return WORD.findall(line)


def is_navigation(line: str) -> bool:
    """A menu or link list: many separators between short items ("News | Sport | Business")."""
    separators = len(NAV_SEPARATOR.findall(line)) if len(line) > 2 else 0
    if separators >= 3 and len(words(line)) / (separators + 1) <= 4:
        return True
    if separators >= 1 and BREADCRUMB.match(line):  # breadcrumbs: "Home > News > Local"
        return True
    return line.strip().lower() in UI_WORDS


# The words INLINE_FURNITURE's lines start with, so that most lines need not be matched against it.
INLINE_FIRST_WORDS = frozenset(
    "advertisement advertising ad sponsored story article scroll read also related see watch listen more "
    "recommended must image photo picture video graphic copyright click tap sign subscribe register log "
    "login download get join share tweet email e-mail print copy facebook twitter whatsapp linkedin "
    "pinterest reddit telegram skip menu search home close accept we".split()
)


FIRST_WORD = re.compile(r"\s*([^\W\d_]+(?:-[^\W\d_]+)?)")


def is_inline_furniture(line: str) -> bool:
    """INLINE_FURNITURE.match, asked only of lines that could match it."""
    first = line[:1]
    head = FIRST_WORD.match(line)
    lowered = line.lower()
    if not (
        first.isdigit()
        or first in "©("
        or (head is not None and head.group(1).lower() in INLINE_FIRST_WORDS)
        or "getty images" in lowered
        or "javascript" in lowered
    ):
        return False
    return bool(INLINE_FURNITURE.match(line))


def is_furniture_line(line: str) -> bool:
    return is_inline_furniture(line) or is_navigation(line)


def is_end_marker(line: str) -> bool:
    if END_LINE.match(line) or AUTHOR_BIO.match(line) or SOURCE_CREDIT.match(line):
        return True
    return (
        bool(END_HEADING.match(line)) and len(words(line)) <= 7 and not SENTENCE_END.search(line.rstrip(":"))
    )


def is_title_like(line: str) -> bool:
    count = len(words(line))
    return 2 <= count <= 25 and not line.endswith(".") and not is_navigation(line)


def outlet_name_normalise(name: str) -> str:
    """'UrduPoint.com' and 'www.urdupoint.com' name the outlet 'UrduPoint'; other names keep their form."""
    name = name.strip().strip(".,;:|-– ").strip()
    if DOMAIN.match(name):
        name = TLD.sub("", re.sub(r"^www\.", "", name, flags=re.I))
    return name


def is_outlet_like(line: str) -> bool:
    """A domain, or a name of one to three capitalised words ("SNN", "Metro Wire", "The Coast Herald")."""
    if DOMAIN.match(line):
        return True
    tokens = line.split()
    return (
        1 <= len(tokens) <= 3
        and all(token[:1].isupper() and not any(ch.isdigit() for ch in token) for token in tokens)
        and not SENTENCE_END.search(line)
        and ":" not in line
        and not is_navigation(line)
    )


@dataclass
class _Header:
    outlet: str = ""
    title: str = ""
    byline: str = ""
    published: object = None
    removed: list[str] = field(default_factory=list)


NOT_NAMES = {
    "admin",
    "staff",
    "editor",
    "editors",
    "newsdesk",
    "news desk",
    "web desk",
    "reuters",
    "afp",
    "ap",
}


def _byline_from(line: str) -> str:
    """The author's name in a byline line, without handles, roles or the shouting of all-caps pages."""
    for pattern in (BYLINE_POSTED, BYLINE_BY, BYLINE_ROLE, BYLINE_HANDLE):
        match = pattern.match(line)
        if match:
            name = re.sub(r"\s*\(@?\w+\)|\s*@\w+", "", match.group("name")).strip(" ,|-–")
            if name.isupper():
                name = name.title()
            if (
                1 <= len(name.split()) <= 8
                and not any(ch.isdigit() for ch in name)
                and name.lower() not in NOT_NAMES
            ):
                return name
    return ""


def _is_byline_line(line: str) -> bool:
    return bool(
        line.lower().startswith("by ")
        or PUBLISHED_LINE.search(line)
        or "@" in line
        or BYLINE_POSTED.match(line)
        or BYLINE_ROLE.match(line)
    )


def _header_read(lines: list[str], *, title_at: int | None = None) -> _Header:
    """Outlet, byline and date from the lines above the article's first paragraph; `lines[title_at]` is
    the headline (see `headline_index`). A date counts only next to the headline or just above the
    article: one further up is a menu's or a banner's ("today's date"), or a teaser's."""
    header = _Header()
    titles: list[str] = []
    for index, line in enumerate(lines):
        if index == title_at:
            titles.append(line)
            continue
        near_headline = title_at is not None and abs(index - title_at) <= HEADER_ABOVE + 1
        near = near_headline or index >= len(lines) - DATE_LINES
        byline = _byline_from(line) if _is_byline_line(line) else ""
        line_date = (
            date_find(line) if near and (PUBLISHED_LINE.search(line) or len(words(line)) <= 10) else None
        )
        rest = PUBLISHED_LINE.sub(" ", date_strip(line)).strip(" ,;:|–—-")
        if byline:
            header.byline = header.byline or byline
            header.published = header.published or line_date
        elif line_date and (PUBLISHED_LINE.search(line) or len(words(rest)) <= 3):
            # A date line, perhaps with the outlet beside it: "Coast Herald — March 3, 2023".
            header.published = header.published or line_date
            if rest and not header.outlet and is_outlet_like(rest):
                header.outlet = outlet_name_normalise(rest)
        elif PUBLISHED_LINE.match(line) and not is_title_like(rest):
            header.removed.append(line)
        elif is_furniture_line(line) or is_end_marker(line):
            header.removed.append(line)
        elif not header.outlet and not titles and is_outlet_like(line):
            header.outlet = outlet_name_normalise(line)
        else:
            header.removed.append(line)  # a second headline, a caption, a label
    header.title = titles[0] if titles else ""
    return header


HEADLINE_WINDOW = 40  # lines above the article's first paragraph where its headline may stand
ARTICLE_MIN_VALUE = 40.0  # a run before the comments with less than this is not the article
RECORD_CHROME_LINES = 6  # a run holding this many lines the page repeats is a list of records (comments)
HEADLINE_WORDS = 18  # longer lines are standfirsts, captions and the article's own paragraphs
HEADLINE_PROSE_WORDS = (
    15  # a line ending a sentence may still be a headline ("Who paid for it?") up to this long
)
ECHO_LINES = 3  # a word more lines around the article use than this (or than this share of them) ...
ECHO_SHARE = 0.02  # ... is the page's ("share", "news"), not the article's topic
DECK_LINES = 10  # a standfirst stands this close below its headline ...
DECK_MARGIN = 0.45  # ... and may score this much better
STEM_CHARS = 5  # words are compared by their first letters, so inflected forms match
LEDE_WORDS = 60  # a headline sums up the article's opening, so its words come back there
TRAILING_LINES = 3
DATE_LINES = 8  # the lines just above the article that may give its date
HEADER_LINES = 6  # short lines above an article without a headline that may be its byline and date
HEADER_ABOVE = 2  # lines above the headline that may still hold the outlet or the date


LEADING_WORD = re.compile(r"\w+")  # "assassin's creed ..." starts in lower case as "assassin" does
# A tag in capitals may end a headline ("[VIDEO]"); a "[picture-name]" the dump left is no headline.
HEADLINE_TAG = re.compile(r"\s+\[[A-Z][A-Z ]{2,20}\]$")
ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$|\b[A-Z][a-z]{1,3}\.$")  # "... to U.S." "... off Wash."


def is_headline_candidate(line: str, role: str, *, count: int) -> bool:
    """A line that may be a headline: short, not a sentence of running text (though it may ask a question
    or end with an abbreviation), not a list item, a breadcrumb, a byline, a date or a time, a form or a
    link, and neither starting with a word in lower case ("iPod" and "x86" will do) nor leaving a bracket
    open (the piece of a wrapped line) nor holding a square one, but for a tag in capitals at its end.
    Its `role` is SHORT or PROSE, so it is no menu or furniture."""
    bare = HEADLINE_TAG.sub("", line)  # "Is Paper Waste Killing Your Business? [INFOGRAPHIC]"
    if role not in (SHORT, PROSE) or "[" in bare or "http" in line or line.count("(") != line.count(")"):
        return False
    if not 2 <= count <= (HEADLINE_PROSE_WORDS if role == PROSE else HEADLINE_WORDS):
        return False
    if len(words(line)) < 2 and not CJK.search(line):  # a number, a date
        return False
    if line.endswith(".") and not ABBREVIATION_END.search(line):
        return False
    first = LEADING_WORD.match(line)
    return not (
        (first and first.group().isalpha() and first.group().islower())
        or BULLET_LINE.match(line)
        or BREADCRUMB_SEPARATOR.search(line)
        or _is_byline_line(line)
        or len(words(date_strip(line))) < len(words(line))
    )


def _credit_keys(page: PageLines) -> str:
    """The keys of the lines that credit the outlet (a copyright line, a "Source:" line), one a line."""
    return "\n".join(key for line, key in zip(page.lines, page.keys) if CREDIT_LINE.search(line))


def topic_tokens(words: Iterable[str]) -> list[str]:
    """Words as a headline and its article are compared: by their first letters (so "Turkish" finds
    "Turkey"), and in scripts written without spaces by pairs of characters."""
    tokens: list[str] = []
    for word in words:
        if not word.isascii() and CJK.search(word):
            tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            tokens.append(word[:STEM_CHARS])
    return tokens


@dataclass(frozen=True)
class ArticleWords:
    """What a candidate headline is held against: the article's words and the page around it."""

    stems: frozenset[str]
    lede: frozenset[str]
    stop: frozenset[str]
    around: Counter
    around_copies: Counter
    around_lines: int
    printed: str

    @classmethod
    def read(cls, page: PageLines, start: int, end: int) -> ArticleWords:
        body = " ".join(page.keys[start:end]).split()
        counts = Counter(body)
        return cls(
            stems=frozenset(topic_tokens(counts)),
            lede=frozenset(topic_tokens(body[:LEDE_WORDS])),
            stop=stopwords_of(counts),
            around=Counter(
                chain.from_iterable(set(key.split()) for key in page.keys[:start] + page.keys[end:])
            ),
            around_copies=Counter(page.keys[:start] + page.keys[end:]),
            around_lines=len(page.keys) - (end - start),
            printed="\n".join(page.keys),
        )

    def overlap(self, key: str) -> tuple[float, float, int]:
        """The share of the line's topic words the article uses and its opening uses, and how many: a
        topic word is neither a stop word of the page's language nor one many lines around it use (the
        line's own copies aside: a headline printed again in a share bar or a breadcrumb)."""
        generic = max(ECHO_LINES, ECHO_SHARE * self.around_lines) + self.around_copies[key]
        words = [
            word
            for word in key.split()
            if len(word) >= 3 and word not in self.stop and self.around[word] <= generic
        ]
        tokens = topic_tokens(words)
        if not tokens:
            return 0.0, 0.0, 0
        matched = sum(token in self.stems for token in tokens)
        return matched / len(tokens), sum(token in self.lede for token in tokens) / len(tokens), matched


def headline_role(page: PageLines, index: int) -> str:
    """The line's role, except that a headline the page prints three times (a share bar, a breadcrumb)
    is still a headline, not a menu."""
    role = page.roles[index]
    listed = page.shapes[index].bullet or is_navigation(page.lines[index])
    repeated_only = page.keys[index] in page.repeated and not listed
    return SHORT if role == MENU and repeated_only else role


def headline_index(page: PageLines, start: int, end: int) -> int | None:
    """The headline above the article [start, end): a title-shaped line whose topic words the article
    uses (`ArticleWords.overlap`). Longer (to a point), nearer and echoed lines (printed again on the
    page: a share bar, a teaser) count for more. The best line gives way to a nearly as good one just
    above it, unless that is a short name (the site's): a headline stands above its standfirst. A short
    name (one to three capitalised words) is the outlet's when the copyright line or the dateline gives
    it, or when the article uses fewer than two of its words. When no line shares the article's words,
    the title-shaped line just above its byline and date is the headline. Printed twice, the first copy
    that is headline-shaped (not a menu's item) is the headline."""
    article = ArticleWords.read(page, start, end)
    scored: list[tuple[int, float, float, int]] = []
    for distance, index in enumerate(range(start - 1, max(-1, start - 1 - HEADLINE_WINDOW), -1)):
        line, key = page.lines[index], page.keys[index]
        if not is_headline_candidate(line, headline_role(page, index), count=page.shapes[index].words):
            continue
        overlap, in_lede, matched = article.overlap(key)
        if overlap < 0.3:
            continue
        if is_outlet_like(line) and (
            matched < 2 or key in page.keys[start][:80] or key in _credit_keys(page)
        ):
            continue
        echoed = page.shapes[index].words >= 4 and article.printed.count(key) >= 2
        length = min(page.shapes[index].words, 6) / 6
        score = overlap + 0.5 * in_lede + 0.3 * length + 0.3 * echoed - 0.005 * distance
        scored.append((index, score, overlap, matched))
    if scored:
        best, best_score, _, _ = max(scored, key=lambda item: item[1])
        for index, score, overlap, matched in sorted(scored):
            near_above = best - DECK_LINES <= index < best
            if (
                near_above
                and score >= best_score - DECK_MARGIN
                and overlap >= 0.5
                and matched >= 2
                and not is_outlet_like(page.lines[index])
            ):
                best = index
                break
    else:
        best = next(
            (
                index
                for index in range(start - 1, max(-1, start - 1 - HEADER_LINES), -1)
                if is_headline_candidate(page.lines[index], page.roles[index], count=page.shapes[index].words)
                and not is_outlet_like(page.lines[index])
            ),
            None,
        )
        if best is None or any(
            page.roles[index] not in (SHORT, INLINE, EMPTY) for index in range(best, start)
        ):
            return None
    return next(
        i
        for i in range(max(0, start - HEADLINE_WINDOW), best + 1)
        if page.keys[i] == page.keys[best]
        and (
            i == best
            or is_headline_candidate(page.lines[i], headline_role(page, i), count=page.shapes[i].words)
        )
    )


def header_start(page: PageLines, start: int, title_at: int | None) -> int:
    """Where the article's header begins: a line or two above the headline (an outlet, a date), or without
    a headline the short lines just above the article (byline, date), up to the first menu line."""
    if title_at is not None:
        return max(0, title_at - HEADER_ABOVE)
    zone = start
    while zone > max(0, start - HEADER_LINES) and page.roles[zone - 1] in (SHORT, INLINE, EMPTY):
        zone -= 1
    return zone


def _dateline_strip(paragraph: str) -> tuple[str, object]:
    """A dateline opening the body ("Moscow, (AFP - 30th Dec, 2022) :") is metadata, not text."""
    for pattern in DATELINES:
        match = pattern.match(paragraph)
        if match and len(paragraph) > match.end() + 20:
            credit = match.groupdict().get("credit") or ""
            return paragraph[match.end() :].lstrip(" :–—-"), date_find(credit)
    return paragraph, None


def _outlet_from_footer(lines: list[str]) -> str:
    for line in lines:
        match = SOURCE_CREDIT.match(line)
        if match and len(match.group("name").split()) <= 5:
            return outlet_name_normalise(match.group("name"))
    for line in lines:
        match = re.search(
            r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?(?P<name>[A-Z][\w.&' "
            r"-]{1,50}?)(?:[.,]|$)",
            line,
            re.I,
        )
        if match:
            return outlet_name_normalise(match.group("name"))
        match = re.search(r"reserved by (?P<name>[\w.-]+\.\w+)", line, re.I)
        if match:
            return outlet_name_normalise(match.group("name"))
    return ""


def title_derive(body: str) -> str:
    """A headline from the first sentence, cut at a word boundary."""
    first = re.split(r"(?<=[.!?])[”\"’]?\s+(?=[A-Z“\"])", body.strip(), maxsplit=1)[0].strip()
    if len(first) <= 120:
        return first.rstrip(".")
    cut = first[:117].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—– ") + "…"


def line_key(line: str) -> str:
    """A line as compared across pages: case, spacing and punctuation do not matter."""
    return " ".join(KEY_TOKEN.findall(line.casefold()))


@dataclass(frozen=True)
class BodyCut:
    body: list[str]
    inline: list[str]
    tail: list[str]


def body_lines_clean(
    lines: list[str], *, title: str = "", furniture: frozenset[str] = frozenset()
) -> BodyCut:
    """The body's lines up to the closing furniture, without inline furniture or the headline repeated.

    `furniture` holds line keys known to repeat across the outlet's pages (see `furniture_learn`).
    """
    end = next((i for i, line in enumerate(lines) if i and is_end_marker(line)), len(lines))
    body, inline = [], []
    for line in lines[:end]:
        if (
            is_furniture_line(line)
            or (title and line.casefold() == title.casefold())
            or line_key(line) in furniture
        ):
            inline.append(line)
        else:
            body.append(line)
    return BodyCut(body=body, inline=inline, tail=lines[end:])


SOFT_HEADING = re.compile(
    r"^(?:related\b.*|also on\b.*|read (?:more|next|also)\b.*|also read\b.*|see also|don'?t miss|"
    r"more (?:stories|news|articles|from|on|in|like this|to read|coverage)\b.*|recommended\b.*|"
    r"you (?:may|might) (?:also )?(?:like|be interested in|have missed)|editor'?s picks|further reading|"
    r"explore more|what to read next|latest (?:news|stories|headlines|articles|videos)|top (?:stories|news|"
    r"headlines)|trending\b.*|most (?:read|popular|viewed|shared|commented)\b.*|popular (?:stories|now|"
    r"articles)|watch|listen|video|photos?)\s*:?$",
    re.I,
)


def is_soft_heading(line: str) -> bool:
    """A heading over a block of links inside the article: the block is cut, the article goes on."""
    return len(words(line)) <= 7 and bool(SOFT_HEADING.match(line))


COMMENTS_MARKER = re.compile(
    r"\b(?:comments?|replies|discussion|kommentare?|commentaires?|comentarios?|commenti|reacties|komentarze)\b",
    re.I,
)


def is_comments_marker(line: str) -> bool:
    """A heading or a count over the readers' comments
    ("12 Comments", "Post a comment", "Comments Filter:")."""
    return len(words(line)) <= 8 and bool(COMMENTS_MARKER.search(line))


@dataclass(frozen=True)
class PageLines:
    """A page's non-empty lines with what each is to the article (`blocks` roles) and its value."""

    lines: list[str]
    keys: list[str]
    shapes: list[LineShape]
    roles: list[str]
    values: list[float]
    repeated: frozenset[str]


def line_role(line: str, shape: LineShape, *, repeated: bool, known: bool) -> str:
    """The line's role (see `blocks`); `repeated` when the page prints it three times or more, `known`
    when the outlet's other pages print it too (see `furniture_learn`)."""
    if is_end_marker(line):
        return BLOCK_HEADING if is_soft_heading(line) else END
    if shape.words == 0:
        return EMPTY
    if known or is_inline_furniture(line) or line.strip().lower() in UI_WORDS:
        return INLINE
    if repeated or is_navigation(line):
        return MENU
    if shape.prose:
        return PROSE
    if shape.bullet and not shape.ends_sentence:
        return MENU
    return SHORT


def page_lines_read(lines: list[str], *, furniture: frozenset[str] = frozenset()) -> PageLines:
    keys = [line_key(line) for line in lines]
    repeated = repeated_keys(keys)
    shapes = [line_shape(line) for line in lines]
    roles = [
        line_role(line, shape, repeated=key in repeated, known=key in furniture)
        for line, key, shape in zip(lines, keys, shapes)
    ]
    values = [line_value(role, shape) for role, shape in zip(roles, shapes)]
    return PageLines(lines, keys, shapes, roles, values, repeated=frozenset(repeated))


def article_span(page: PageLines) -> tuple[int, int] | None:
    """The article's lines [start, end): the densest run of prose that crosses no closing furniture (a
    copyright line, an author's bio, a comments heading); such a line before the article only cuts off
    what stands above it. Readers' comments follow the article and repeat their chrome ("Reply", "Flag"),
    so a run that does so after a comments heading gives way to the best run before that heading."""
    span = densest_run(page.values)
    if span is None:
        return None
    start, end = span
    chrome = [
        index for index in range(start, end) if page.roles[index] == MENU and not page.shapes[index].bullet
    ]
    for marker in range(end):
        chrome_after = sum(index > marker for index in chrome)
        if chrome_after >= RECORD_CHROME_LINES and is_comments_marker(page.lines[marker]):
            before = densest_run(page.values[:marker], minimum=ARTICLE_MIN_VALUE)
            if before is not None:
                return before
    return span


def span_extend(page: PageLines, start: int, end: int) -> tuple[int, int]:
    """The densest run leaves out a short last paragraph (or the last lines of a list) that costs more
    than it adds: up to TRAILING_LINES such lines right after it, past inline furniture, belong to it, up
    to a comments count. Short lines followed by a menu are rather a heading and its teasers ("Mehr zum
    Thema", two headlines, the footer's links): then only the prose among them is taken."""
    taken: list[int] = []
    index = end
    trailing = (SHORT, PROSE, INLINE, EMPTY)
    while index < len(page.lines) and len(taken) < TRAILING_LINES and page.roles[index] in trailing:
        if page.roles[index] in (SHORT, PROSE):
            if is_comments_marker(page.lines[index]):
                break
            taken.append(index)
        index += 1
    following = next((role for role in page.roles[index:] if role not in (INLINE, EMPTY)), END)
    if following == MENU:
        taken = [i for i in taken if page.roles[i] == PROSE]
    return start, max([end, *(i + 1 for i in taken)])


def span_body(page: PageLines, start: int, end: int) -> tuple[list[str], list[str]]:
    """The article's paragraphs in [start, end) and the lines dropped from among them: furniture, and the
    links under a heading like "Read more" up to the article's next paragraph."""
    body, dropped = [], []
    in_block = False
    for index in range(start, end):
        role, line = page.roles[index], page.lines[index]
        if role == BLOCK_HEADING:
            in_block = True
        elif role == PROSE and not page.shapes[index].bullet:
            in_block = False
        if in_block or role in (BLOCK_HEADING, EMPTY, INLINE, MENU, END):
            dropped.append(line)
        else:
            body.append(line)
    return body, dropped


def page_parse(text: str, *, furniture: frozenset[str] = frozenset()) -> ParsedArticle:
    """Split a scraped page into the clean article and its metadata, keeping what was removed."""
    if CELL_GAP.search(text):
        text = "\n".join(table_cells_unfold(text.split("\n")))
    text = "\n".join(wrapped_lines_join(text_normalise(text).split("\n")))
    published = None
    header_date = HEADER_DATE.match(text)
    if header_date:
        published = date_find(header_date.group(1))
        text = text[header_date.end() :]
    lines = [line for line in text.split("\n") if line]
    page = page_lines_read(lines, furniture=furniture)
    span = article_span(page)
    if span is None:
        cut = body_lines_clean(lines, furniture=furniture)
        return ParsedArticle(
            title=title_derive(" ".join(cut.body)) if cut.body else "",
            title_derived=True,
            body="\n\n".join(cut.body),
            outlet=_outlet_from_footer(cut.tail),
            byline="",
            published=published,
            removed=tuple(cut.inline + cut.tail),
        )
    start, end = span_extend(page, *span)
    body, dropped = span_body(page, start, end)
    tail = lines[end:]
    title_at = headline_index(page, start, end)
    if title_at is not None:
        body = [line for line in body if line.casefold() != lines[title_at].casefold()]
        if not body:
            body = [lines[start]]
    zone = header_start(page, start, title_at)
    header = _header_read(lines[zone:start], title_at=None if title_at is None else title_at - zone)
    header.removed[:0] = lines[:zone]
    first, dateline_date = _dateline_strip(body[0])
    if first != body[0]:
        header.removed.append(body[0][: len(body[0]) - len(first)].strip())
        body[0] = first
    clean = "\n\n".join(body)
    return ParsedArticle(
        title=header.title or title_derive(clean),
        title_derived=not header.title,
        body=clean,
        outlet=header.outlet or _outlet_from_footer(tail),
        byline=header.byline,
        published=published or header.published or dateline_date,
        removed=tuple(header.removed + dropped + tail),
    )


FURNITURE_MIN_PAGES = 3


def furniture_learn(pages: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Lines that repeat across a site's pages, from (folder, text) pairs; keyed by folder.

    Pages that share furniture are the pages of one folder of a crawl: a whole page names its outlet too
    seldom and too variously (a copyright holder here, a section label there) for the outlet to group it,
    and a line must repeat on three pages with different openings to count, so sites do not mix.

    A line counts when it stands at the edge of the body (its first two or last three lines) or is not
    prose, in at least three pages of the group whose opening paragraphs differ. Updated versions of one
    story share their text, and outlets reuse background paragraphs inside stories; a site's boilerplate
    is shared by unrelated stories and sits where the template puts it.
    """
    seen: dict[str, dict[str, set[str]]] = {}
    for folder, text in pages:
        parsed = page_parse(text)
        body = parsed.body.split("\n\n")
        if len(body) < 2:
            continue
        lede = line_key(body[0])
        lines = seen.setdefault(folder, {})
        for position, line in enumerate(body[1:], start=1):
            at_edge = position <= 2 or position >= len(body) - 3
            key = line_key(line)
            if key and (at_edge or not line_shape(line).prose):
                lines.setdefault(key, set()).add(lede)
    learned = {
        group: frozenset(key for key, ledes in lines.items() if len(ledes) >= FURNITURE_MIN_PAGES)
        for group, lines in seen.items()
    }
    return {group: keys for group, keys in learned.items() if keys}
