"""From raw text in any supported format to the clean article, with stated metadata applied.

The same function serves the import and re-extraction (`reprocess_articles`), so an article re-read from
its stored raw text comes out exactly as a fresh import would make it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .cleaning import (
    body_lines_clean,
    line_key,
    outlet_name_normalise,
    page_parse,
    text_normalise,
    title_derive,
)
from .dates import date_find, date_for_url, date_parse_strict
from .records import ParsedArticle, RejectedInput

if TYPE_CHECKING:
    from lxml.html import HtmlElement
from .wires import wire_detect

# The date from the page's metadata and address only: searching its text finds menus' and teasers' dates.
DATE_PARAMS = {"original_date": True, "extensive_search": False}


LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
CANONICAL = re.compile(r"""\brel\s*=\s*["']?canonical\b""", re.I)
HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.I)


def canonical_url(html: str) -> str:
    """The address `<link rel="canonical">` gives (trafilatura prefers og:url, which some sites set to
    their home page)."""
    for tag in LINK_TAG.findall(html):
        href = HREF.search(tag)
        if href and CANONICAL.search(tag):
            return href.group(1)
    return ""


TABLE_CHECK_WORDS = 300  # a shorter extraction from a page with tables may have left the article's table out
TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")
TABLE_MIN_ROWS = 5
TABLE_ROW_WORDS = 25  # a data table's rows are a few words each; a layout table's cells hold paragraphs


def _trafilatura_extract(html: str, *, tables: bool):
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=tables,
            date_extraction_params=DATE_PARAMS,
        )
    except Exception as error:  # lxml and trafilatura raise many kinds of errors on broken markup
        raise RejectedInput(f"the HTML could not be read ({type(error).__name__})") from error


def _is_data_table(text: str) -> bool:
    """Whether most of an extraction's words stand in the rows of a data table ("| cell | cell |"): at
    least TABLE_MIN_ROWS rows of two cells or more, none of them long, rather than the few long cells
    (and many empty ones) of a page laid out in a table."""
    lines = text.split("\n")
    rows = [row.group(1) for line in lines if (row := TABLE_ROW.match(line))]
    cells = [[cell for cell in row.split("|") if cell.strip()] for row in rows]
    words = [sum(len(cell.split()) for cell in row) for row in cells]
    if (
        any(count > TABLE_ROW_WORDS for count in words)
        or sum(len(row) >= 2 for row in cells) < TABLE_MIN_ROWS
    ):
        return False
    return sum(words) >= 0.5 * sum(len(line.split()) for line in lines)


def _table_row_text(line: str) -> str:
    """A table row as a line of its cells ("School 4 | Closed"), any other line as it is."""
    row = TABLE_ROW.match(line)
    return " | ".join(cell.strip() for cell in row.group(1).split("|")) if row else line


def html_document(html: str):
    """trafilatura's extraction of the article, leaving tables out (a page laid out in tables would bring
    its menus along), unless the article is itself a table (school closings, results): when a short
    extraction comes from a page with tables and most of the text extracted with tables stands in the
    rows of a data table, that one is the article."""
    document = _trafilatura_extract(html, tables=False)
    text = (document.text or "") if document is not None else ""
    if len(text.split()) < TABLE_CHECK_WORDS and "<table" in html.lower():
        with_tables = _trafilatura_extract(html, tables=True)
        if with_tables is not None and _is_data_table(with_tables.text or ""):
            with_tables.text = "\n".join(_table_row_text(line) for line in with_tables.text.split("\n"))
            return with_tables
    return document


TITLE_SEPARATOR = re.compile(r"\s+(?:[-|–—:»·•]|::)\s+")  # "Headline - Section | Site"
TITLE_SEGMENT_WORDS = 4  # a <title> segment this long, begun again by a heading, is that headline cut short
HEADING_WORDS = 40  # longer headings hold a standfirst or a whole teaser


def _text_of(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def headline_from_headings(html: str) -> str:
    """The page's heading (`h1`, `h2`) that its `<title>` or `og:title` names, or else the element marked
    as the headline (`itemprop="headline"`); "" when there is neither.

    The metadata's title alone is often not what the page prints: it carries the site and the section
    ("FOXNews.com - ... - Science News"), is cut short, or is a shorter headline written for sharing,
    while the page's first `h1` is often a section name ("Politics", "U.S.") and a promotion's heading
    stands beside the article's. The heading the title contains (as whole words) is the headline, the
    longest one if several are; failing that, one that begins with the title's longest segment and goes
    on (a `<title>` cut short).
    """
    from trafilatura import load_html

    tree = load_html(html)
    if tree is None:
        return ""
    printed = [_text_of(element) for element in tree.iter("title")][:1]
    printed += [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("property") or meta.get("name") or "").lower() in ("og:title", "twitter:title")
    ]
    titles = [line_key(title) for title in printed if title.strip()]
    segments = [
        max((line_key(part) for part in TITLE_SEPARATOR.split(title)), key=lambda part: len(part.split()))
        for title in printed
        if title.strip()
    ]
    best: tuple[int, int, str] | None = None  # (named whole, length, heading)
    for element in tree.iter("h1", "h2"):
        heading = _text_of(element)
        key = line_key(heading)
        if not 2 <= len(key.split()) <= HEADING_WORDS:
            continue
        whole = any(f" {key} " in f" {title} " for title in titles)
        begun = any(
            len(segment.split()) >= TITLE_SEGMENT_WORDS and f"{key} ".startswith(f"{segment} ")
            for segment in segments
        )
        if (whole or begun) and (best is None or (whole, len(key)) > best[:2]):
            best = (whole, len(key), heading)
    if best:
        return best[2]
    marked = (_text_of(element) for element in tree.xpath('//*[@itemprop="headline"][not(self::meta)]'))
    return next((text for text in marked if 2 <= len(text.split()) <= HEADING_WORDS), "")


def html_parse(html: str, *, furniture: frozenset[str] = frozenset()) -> ParsedArticle:
    """An HTML page through trafilatura's main-text extraction, its metadata feeding the same fields; the
    headline from the page's headings where its title names one (`headline_from_headings`)."""
    document = html_document(html)
    if document is None or not (document.text or "").strip():
        raise RejectedInput("no article text found in the HTML")
    title = text_normalise(headline_from_headings(html) or document.title or "").strip()
    lines = [line for line in text_normalise(document.text).split("\n") if line]
    cut = body_lines_clean(lines, title=title, furniture=furniture)
    body = "\n\n".join(cut.body)
    return ParsedArticle(
        title=title or title_derive(body),
        title_derived=not title,
        body=body,
        outlet=outlet_name_normalise(document.sitename or document.hostname or ""),
        byline=(document.author or "").split(";")[0].strip(),
        published=date_for_url(date_find(document.date or ""), canonical_url(html) or document.url or ""),
        source_url=document.url or "",
        removed=tuple(cut.inline + cut.tail),
    )


def record_parse_json(raw: str) -> ParsedArticle:
    """A structured record (JSONL/CSV row stored as a JSON object): its fields are the metadata."""
    fields = json.loads(raw)
    body = "\n\n".join(
        part.strip() for part in text_normalise(fields.get("body", "")).split("\n\n") if part.strip()
    )
    title = fields.get("title", "").strip()
    published = fields.get("published", "")
    date = date_parse_strict(published) if published else None
    if published and date is None:
        raise RejectedInput(f"field 'published' is not a date ({published!r}); write it as YYYY-MM-DD")
    return ParsedArticle(
        title=title or title_derive(body),
        title_derived=not title,
        body=body,
        outlet=outlet_name_normalise(fields.get("outlet", "")),
        byline=fields.get("byline", "").strip(),
        published=date,
        source_url=fields.get("source_url", "").strip(),
    )


def stated_apply(parsed: ParsedArticle, stated: dict[str, str]) -> ParsedArticle:
    """Metadata a manifest states wins over what was extracted."""
    changes: dict[str, object] = {}
    if stated.get("url"):
        changes["source_url"] = stated["url"]
    if stated.get("outlet"):
        changes["outlet"] = outlet_name_normalise(stated["outlet"])
    if stated.get("published"):
        changes["published"] = date_parse_strict(stated["published"])
    if stated.get("title"):
        changes.update(title=stated["title"], title_derived=False)
    return replace(parsed, **changes) if changes else parsed


Agencies = tuple[tuple[str, tuple[str, ...]], ...]  # editors' wire agencies: (name, the forms credits use)


def raw_parse(
    raw_text: str,
    raw_format: str,
    *,
    stated: dict[str, str] | None = None,
    outlet: str = "",
    furniture: frozenset[str] = frozenset(),
    agencies: Agencies = (),
) -> ParsedArticle:
    """The clean article from stored raw text, with the wire agency it credits (the built-in ones and
    `agencies`); raises RejectedInput with the reason when there is none."""
    if raw_format == "record":
        parsed = record_parse_json(raw_text)
    elif raw_format == "html":
        parsed = html_parse(raw_text, furniture=furniture)
    else:
        parsed = page_parse(raw_text, furniture=furniture)
    parsed = stated_apply(parsed, stated or {})
    if not parsed.outlet and outlet:
        parsed = replace(parsed, outlet=outlet_name_normalise(outlet))
    if not parsed.body.strip():
        raise RejectedInput("no article text found; the file holds only page furniture or headings")
    if len(parsed.body) > settings.ARCHIVE_MAX_BODY_CHARS:
        raise RejectedInput(
            f"the article text is {len(parsed.body):,} characters, over the limit of "
            f"{settings.ARCHIVE_MAX_BODY_CHARS:,} (ARCHIVE_MAX_BODY_CHARS); is this one article?"
        )
    if parsed.source_url:
        try:
            URLValidator()(parsed.source_url)
        except ValidationError:
            raise RejectedInput(f"field 'source_url' is not a URL ({parsed.source_url[:80]!r})") from None
    return replace(parsed, wire=wire_detect(raw_text=raw_text, parsed=parsed, extra=agencies) or "")
