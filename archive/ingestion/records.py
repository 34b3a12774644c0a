"""The shapes that flow through ingestion: what a reader yields and what cleaning produces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class RejectedInput(Exception):
    """Input that cannot be imported; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class RawRecord:
    """One article as read from a file, before cleaning.

    `fields` holds metadata a structured format (JSONL, CSV, a manifest) states outright; it wins over
    what is extracted from the text.
    """

    source: str
    location: str
    raw_text: str
    raw_hash: str
    fields: dict[str, str] = field(default_factory=dict)
    structured: bool = False


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
