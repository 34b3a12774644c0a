"""The wire agency an article credits, read only where an article's own credit stands.

Wire copy names its agency in a few fixed places: the dateline opening the body ("MOSCOW (Reuters) -",
"BEIJING, Dec. 30 (Xinhua) --", "MOSCOW, December 30. /TASS/."), the byline and the lines just above the
body ("By Associated Press", "AFP Staff Writers", "PTI | New Delhi | Updated: …", "Paris (AFP) Dec 30,
2022"), and the lines just after it ("— Reuters", "Source: Xinhua", "(With inputs from PTI)",
"Copyright 2013 The Associated Press", "The Associated Press contributed to this report."). The same names
fill the rest of a page without crediting the article: photo credits ("(AP Photo/Evan Vucci)",
"REUTERS/Kevin Lamarque"), other stories in related-headline lists ("Manila (AFP) Dec 29"), sources in
the text ("told Reuters"). So a name counts only in one of those places and in one of those shapes.

The cleaner strips datelines and credit lines from the body, so the places are found in the raw text:
the lines holding the body's first and last paragraphs, and the lines around them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .records import ParsedArticle

LINES_ABOVE = 6  # byline, dateline, source label and a photo caption between headline and body
LINES_AFTER = 4  # sign-off, copyright and "contributed" lines
ANCHOR_WORDS = 8  # words of the body's first or last paragraph that find it in the raw text
PROSE_WORDS = 25  # a line this long above the body is a caption or another story: the header ends there


@dataclass(frozen=True)
class Agency:
    key: str  # what `wire=` filters on: "afp"
    name: str  # what a researcher reads: "AFP"
    forms: tuple[str, ...]  # how credits write it: "AFP", "Agence France-Presse"


AGENCIES: tuple[Agency, ...] = (
    Agency("afp", "AFP", ("AFP", "Agence France-Presse", "Agence France Presse")),
    Agency("ap", "AP", ("AP", "Associated Press")),
    Agency("reuters", "Reuters", ("Reuters", "Thomson Reuters")),
    Agency("xinhua", "Xinhua", ("Xinhua", "Xinhua News Agency")),
    Agency("tass", "TASS", ("TASS", "ITAR-TASS")),
    Agency("pti", "PTI", ("PTI", "Press Trust of India")),
    Agency("ani", "ANI", ("ANI", "Asian News International")),
    Agency("dpa", "dpa", ("dpa", "Deutsche Presse-Agentur")),
    Agency("efe", "EFE", ("EFE", "Agencia EFE")),
    Agency("ansa", "ANSA", ("ANSA",)),
    Agency("kyodo", "Kyodo", ("Kyodo", "Kyodo News")),
    Agency("yonhap", "Yonhap", ("Yonhap", "Yonhap News Agency")),
    Agency("bernama", "Bernama", ("Bernama",)),
    Agency("uni", "UNI", ("UNI", "United News of India")),
    Agency("ians", "IANS", ("IANS", "Indo-Asian News Service")),
)

# Words that make an agency's name something else: its photo or video service, an institute, a nav link.
NOT_THE_WIRE = re.compile(
    r"\s*(?:photos?|images?|pictures?|video|videos|tv|television|radio|graphics?|institute|foundation|"
    r"stylebook|poll|wires|breakingviews)\b",
    re.I,
)
PHOTO_LINE = re.compile(r"\b(?:photo\w*|images?|pictures?|caption|credits?|getty|file photo|handout)\b", re.I)
BLOCK_TAG = re.compile(
    r"<(?:br|/?(?:p|div|h[1-6]|li|tr|td|section|article|header|footer|figure|figcaption))\b[^>]*>", re.I
)
CAPTION_END = re.compile(r"[.)]\s*$")
RUNNING_END = re.compile(r"[.!?][”\"’')]*$|[.!?][”\"’]?\s+[A-Z“\"]")
WORD = re.compile(r"\w+")

# The shapes credits take.
LEAD = re.compile(r"[\s•*·|=>(\[–—-]*(?:(?:by|from|written by|source|sources)\s*:?\s+)?", re.I)
CREDIT_LEAD = re.compile(
    r"[\s•*·|=>(\[–—-]*(?:with inputs from|inputs from|with|additional reporting by|reporting by|source|"
    r"sources|via)\s*:?\s+",
    re.I,
)
COPYRIGHT_LEAD = re.compile(r"\W*(?:all rights reserved\W*)?(?:copyright|©|\(c\))(?:\W|\d{4})*", re.I)
WEEKDAY_OR_MONTH = (
    r"(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?=[\s,])"
)
METADATA = r"(?=.*(?:\d|\bupdated\b|\bpublished\b|\bposted\b|\bago\b))"
# After a name standing for the whole line: perhaps "Staff Writers" or "News", then perhaps the date, place
# or time after a separator ("Reuters | Updated: …", "AFP Relax News•October 18, 2017").
HEADER_TAIL = (
    r"(?:\s+(?:staff(?:\s+writers?)?|writers?|news(?:\s+agency)?|relax\s?news|reporters?|correspondents?|desk|"
    r"(?:[\w-]+\s+)?writer))?"
    rf"\s*(?:[|•·–—:,-]\s*{METADATA}.{{0,80}}"
    rf"|\s+(?:updated|published|posted|\d|{WEEKDAY_OR_MONTH}).{{0,80}})?"
)
BYLINE_WRITERS = re.compile(r"\W*(?:[Bb]y|BY)\s+(?:(?:[A-Z][\w.'’-]*|and|of|de|la|van|von|der)[\s,|•]*){1,8}")
# After a name closing the article: desk codes ("dpa/AFP", "UNI XR SB 1021") and punctuation ("— Reuters",
# "(ANI)")
CLOSING_TAIL = r"(?:\s*/\s*[\w-]+|\s+[A-Z]{2,3}\b|\s+\d+)*\W*"
CREDIT_LINE_WORDS = 12
DATELINE_CREDIT = re.compile(r"\((?P<inside>[^()]{1,40})\)|/(?P<slashed>[A-Za-z-]{2,12})/")
# The words of a place and a date: "PUERTO VIEJO, Ecuador", "Rio de Janeiro", "New Delhi [India], Jan 5"
DATELINE_WORD = re.compile(r"[A-Z0-9][\w.'’-]*|[a-z]{1,3}|\[[A-Z]\w*\]")
CONTRIBUTED = re.compile(
    r"\bcontribut\w*\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article)|\bcontributed\W*$", re.I
)


def agency_key(name: str) -> str:
    """The key an editor-added agency gets from its name: "Bloomberg News" -> "bloomberg-news"."""
    return "-".join(WORD.findall(name.casefold()))


def agencies_with(extra: Iterable[tuple[str, Sequence[str]]]) -> tuple[Agency, ...]:
    """The built-in agencies and the editors' (name, forms) pairs; an agency with no forms is written as
    its name."""
    added = tuple(
        Agency(agency_key(name), name, tuple(forms) or (name,)) for name, forms in extra if name.strip()
    )
    return AGENCIES + added


class _Names:
    """Finds agency names in a line. Acronyms ("AP", "dpa") match only as written or in capitals, so
    "Ap" or "Uni" is not an agency; longer names match in any case ("REUTERS")."""

    def __init__(self, agencies: Sequence[Agency]) -> None:
        self.by_form: dict[str, Agency] = {}
        for agency in agencies:
            for form in agency.forms:
                self.by_form.setdefault(form.casefold(), agency)
        forms = sorted(self.by_form, key=len, reverse=True)
        alternatives = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in forms)
        self.pattern = re.compile(
            rf"(?<![\w@.-])(?:the\s+)?(?P<form>{alternatives})(?![\w-]*\.\w)(?!\w)", re.I
        )
        self.written = {form.casefold(): form for agency in agencies for form in agency.forms}

    def agency(self, match: re.Match[str]) -> Agency | None:
        text = " ".join(match.group("form").split())
        form = self.written[text.casefold()]
        is_acronym = len(form) <= 5 and (form.isupper() or form.islower())
        if is_acronym and text not in (form, form.upper()):
            return None
        if NOT_THE_WIRE.match(match.string, match.end()):
            return None
        return self.by_form[text.casefold()]

    def first(self, text: str, *, start: int = 0, end: int | None = None) -> Agency | None:
        for match in self.pattern.finditer(text, start, len(text) if end is None else end):
            if (agency := self.agency(match)) is not None and not _is_photo_slash(text, match):
                return agency
        return None

    def line_is(self, line: str, *, lead: re.Pattern[str], tail: str) -> Agency | None:
        """The agency a line consists of: its name after what `lead` allows (dashes, bullets, "By",
        "Source:") and before what `tail` allows."""
        opening = lead.match(line)
        if opening is None:
            return None
        match = self.pattern.match(line, opening.end())
        if match is None or re.fullmatch(tail, line[match.end() :], re.I) is None:
            return None
        return self.agency(match) if not _is_photo_slash(line, match) else None

    def byline(self, line: str) -> Agency | None:
        """The agency in a byline after the writers' names: "By WILLIAM KATES, Associated Press Writer",
        "By JOANN LOVIGLIO Associated Press", "By MICHAEL WEISSENSTEIN | Associated Press – 1 hr ago"."""
        for match in self.pattern.finditer(line):
            writers, tail = line[: match.start()], line[match.end() :]
            if BYLINE_WRITERS.fullmatch(writers) and re.fullmatch(HEADER_TAIL, tail, re.I):
                return self.agency(match) if not _is_photo_slash(line, match) else None
        return None


def _is_photo_slash(text: str, match: re.Match[str]) -> bool:
    """ "REUTERS/Kevin Lamarque", "Nasa / Reuters", "AFP/Getty Images": a photographer's credit. A slash
    to another agency or a desk code ("dpa/AFP", "CBS/AP", "dpa/lsw") leaves a wire credit."""
    after = re.match(r"\s*/\s*(\w[\w.-]*)", text[match.end() :])
    before = re.search(r"(\w[\w.-]*)\s*/\s*$", text[: match.start()])
    sides = [side.group(1) for side in (after, before) if side is not None]
    return any(not (word.isupper() or word.islower()) for word in sides)


@dataclass(frozen=True)
class _Places:
    """The raw lines where an article's own credit can stand."""

    kept: list[str]  # short paragraphs the cleaner kept before or just after the lede: bylines, datelines
    above: list[str]  # raw lines above the lede, nearest first
    opening: str
    closing: str
    after: list[str]


def wire_detect(
    *, raw_text: str, parsed: ParsedArticle, extra: Sequence[tuple[str, Sequence[str]]] = ()
) -> str | None:
    """The key of the wire agency the article credits, or None; `extra` adds editors' agencies as
    (name, forms) pairs, keyed by `agency_key(name)`.

    Places are read in the order a reader meets the credit: the dateline, the header above the body, the
    byline field, then the closing lines; the first name found in a credit's shape wins.
    """
    names = _names_for(tuple((name, tuple(forms)) for name, forms in extra))
    places = _places_find(raw_text, parsed)
    header = [*places.kept, *places.above]
    if len(WORD.findall(places.opening)) <= CREDIT_LINE_WORDS:
        header.insert(0, places.opening)
    found = (
        _the_dateline([places.opening, *places.kept], names)
        or _header_credit(header, names)
        or (names.first(parsed.byline) if parsed.byline and not PHOTO_LINE.search(parsed.byline) else None)
        or _closing_credit(places.closing, places.after, names)
    )
    return found.key if found else None


@lru_cache(maxsize=16)
def _names_for(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> _Names:
    """The credit patterns of the built-in and editors' agencies, compiled once per set of agencies."""
    return _Names(agencies_with(extra))


def _places_find(raw_text: str, parsed: ParsedArticle) -> _Places:
    """The raw lines around the body's lede and its last paragraph; the body's own paragraphs where the raw
    text does not hold them as lines (a JSON record).

    The lede is the first paragraph of running text: a photo caption or a byline the cleaner kept opens the
    body but not the article, and a byline may follow a caption taken for the lede, so the short paragraphs
    before the second running paragraph are read (as their raw lines, datelines and all) as the article's
    header too. Likewise the last paragraph is the last of running text, and short lines the cleaner kept
    after it (a sign-off, a share button) are read as lines after it.
    """
    paragraphs = [p for p in parsed.body.split("\n\n") if p.strip()]
    if not paragraphs:
        return _Places(kept=[], above=[], opening="", closing="", after=[])
    running = [i for i, p in enumerate(paragraphs) if _is_running_text(p)] or list(range(len(paragraphs)))
    lede, last = running[0], running[-1]
    kept = [i for i in range(running[1] if len(running) > 1 else lede) if i != lede]
    kept_after = paragraphs[last + 1 : last + 1 + LINES_AFTER]
    lines = [" ".join(line.split()) for line in _raw_text_lines(raw_text)]
    lines = [line for line in lines if line]
    keys = [" ".join(WORD.findall(line.casefold())) for line in lines]
    at = {
        i: _line_holding(keys, WORD.findall(paragraphs[i].casefold())[:ANCHOR_WORDS]) for i in (lede, *kept)
    }
    end = _line_holding(keys, WORD.findall(paragraphs[last].casefold())[-ANCHOR_WORDS:], start=at[lede] or 0)
    if at[lede] is None or end is None:
        return _Places(
            kept=[paragraphs[i] for i in kept],
            above=[],
            opening=paragraphs[lede],
            closing=paragraphs[last],
            after=kept_after,
        )
    above = []
    for index in range(at[lede] - 1, max(-1, at[lede] - 1 - LINES_ABOVE), -1):
        if len(WORD.findall(lines[index])) > PROSE_WORDS:
            break
        if not _credits_a_photo(lines[: at[lede]], index):
            above.append(lines[index])
    kept_lines = [lines[at[i]] if at[i] is not None else paragraphs[i] for i in kept]
    after = lines[end + 1 : end + 1 + LINES_AFTER + len(kept_after)]
    return _Places(kept=kept_lines, above=above, opening=lines[at[lede]], closing=lines[end], after=after)


def _credits_a_photo(lines: list[str], index: int) -> bool:
    """A name standing alone beside a caption ("Tamerlan Tsarnaev, 26, left, and Dzhokhar Tsarnaev, 19." /
    "AP") or a photo line ("7. Image: Mitt Romney" / "Reuters") credits the picture, not the article;
    `lines` end before the lede."""
    if len(WORD.findall(lines[index])) > 4:
        return False
    neighbours = lines[max(0, index - 1) : index] + lines[index + 1 : index + 2]
    return any(
        PHOTO_LINE.search(line) or (CAPTION_END.search(line) and len(WORD.findall(line)) >= 5)
        for line in neighbours
    )


def _is_running_text(paragraph: str) -> bool:
    """A paragraph of the article's prose, not a byline, caption, list item or button kept with it."""
    return (
        len(WORD.findall(paragraph)) > CREDIT_LINE_WORDS
        and RUNNING_END.search(paragraph) is not None
        and not PHOTO_LINE.search(paragraph)
        and not re.match(r"[•*·□☆-]", paragraph)
    )


def _raw_text_lines(raw_text: str) -> list[str]:
    """The raw text as lines; an HTML page's markup is dropped, its block elements ending lines. A structured
    record (a JSON object) has no lines around its body: its fields are the article."""
    opening = raw_text.lstrip()[:1]
    if opening == "{":
        return []
    if opening != "<":
        return raw_text.split("\n")
    text = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1\s*>", " ", raw_text)
    text = re.sub(BLOCK_TAG, "\n", text)
    return html.unescape(re.sub(r"<[^>]*>", " ", text)).split("\n")


def _line_holding(keys: list[str], words: list[str], *, start: int = 0) -> int | None:
    needle = " ".join(words)
    if not needle:
        return None
    return next((i for i in range(start, len(keys)) if needle in keys[i]), None)


def _dateline_credit(line: str, names: _Names, *, alone: bool = False) -> Agency | None:
    """ "THE HAGUE (Reuters) –", "(CBS/AP) LONDON -", "New Delhi, Jan 5 (PTI)",
    "MOSCOW, December 30. /TASS/.": a credit in brackets or slashes after nothing but a place and a date;
    `alone`, a dateline line with nothing but a date after it ("Paris (AFP) Dec 30, 2022")."""
    for match in DATELINE_CREDIT.finditer(line, 0, 120):
        before = [word for word in re.split(r"[\s,]+", line[: match.start()]) if word]
        if len(before) > 10 or not all(DATELINE_WORD.fullmatch(word) for word in before):
            return None
        after = [word for word in re.split(r"[\s,]+", line[match.end() :].strip(" :.–—-")) if word]
        if alone and (len(after) > 6 or not all(DATELINE_WORD.fullmatch(word) for word in after)):
            return None
        inside = match.group("inside") or match.group("slashed")
        if not PHOTO_LINE.search(inside) and (agency := names.first(inside)) is not None:
            return agency
    return None


def _the_dateline(lines: list[str], names: _Names) -> Agency | None:
    """The credit of the article's one dateline; several datelines where the body starts are a list of
    other stories' teasers the cleaner took for the article."""
    credits = [agency for agency in (_dateline_credit(line, names) for line in lines) if agency is not None]
    return credits[0] if len(credits) == 1 else None


def _header_credit(lines: list[str], names: _Names) -> Agency | None:
    """A byline or source line naming an agency ("By JOANN LOVIGLIO Associated Press", "Reuters",
    "PTI | New Delhi | Updated: …"), or a dateline standing alone ("Paris (AFP) Dec 30, 2022")."""
    for line in lines:
        if PHOTO_LINE.search(line):
            continue
        if (agency := names.line_is(line, lead=LEAD, tail=HEADER_TAIL)) is not None:
            return agency
        if (agency := names.byline(line)) is not None:
            return agency
        if (agency := _dateline_credit(line, names, alone=True)) is not None:
            return agency
    return None


def _closing_credit(closing: str, after: list[str], names: _Names) -> Agency | None:
    """A sign-off ending the last paragraph ("… he said. (ANI)", "… — Reuters"), or a credit line after
    it: the name alone ("— Reuters", "AFP"), after a lead ("Source: Xinhua", "(With inputs from PTI)",
    "© 2012 Reuters Limited"), or in a "contributed to this report" line. A heading ("Related Links",
    "Latest from AFP") ends the article's closing lines."""
    sign_off = re.search(r"(?:\s[-–—]{1,2}|[(\[])\s*(?P<credit>[^()\[\]–—]{2,40}?)[)\]]?\W*$", closing)
    if sign_off is not None:
        if (agency := names.line_is(sign_off.group("credit"), lead=LEAD, tail=CLOSING_TAIL)) is not None:
            return agency
    for position, line in enumerate([closing, *after]):
        words = len(WORD.findall(line))
        if PHOTO_LINE.search(line) or words > 60:
            continue
        if (agency := names.line_is(line, lead=LEAD, tail=CLOSING_TAIL)) is not None:
            return agency
        if words <= CREDIT_LINE_WORDS and (
            agency := names.line_is(line, lead=CREDIT_LEAD, tail=CLOSING_TAIL)
        ):
            return agency
        if (lead := COPYRIGHT_LEAD.match(line)) is not None:
            if (agency := names.first(line, start=lead.end(), end=lead.end() + 40)) is not None:
                return agency
        if CONTRIBUTED.search(line) and (agency := names.first(line)) is not None:
            return agency
        if position and words <= 5 and not re.search(r"[.!?\d]", line):
            return None
    return None
