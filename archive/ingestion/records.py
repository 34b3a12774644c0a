"""The shapes that flow through ingestion: what a reader yields and what cleaning produces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class RejectedInput(Exception):
    """Input that cannot be imported; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class RawRecord:
    """One article as read from a file, before cleaning.

    `raw_format` says how `raw_text` is read: a scraped page ("page"), an HTML page ("html") or a
    structured record stored as a JSON object ("record"). `stated` holds metadata a manifest states for
    the file (`url`, `outlet`, `published`, `title`); it wins over what is extracted from the text.
    """

    source: str
    location: str
    raw_text: str
    raw_hash: str
    raw_format: str = "page"
    stated: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedArticle:
    """The clean article: what the importer stores besides the raw text."""

    title: str
    title_derived: bool
    body: str
    outlet: str
    byline: str
    published: dt.date | None
    source_url: str = ""
    removed: tuple[str, ...] = ()
    wire: str = ""  # the key of the wire agency the article credits
