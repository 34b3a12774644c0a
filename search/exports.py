"""Exports: one writer per format (JSON Lines, CSV), shared by the web exports and `export_articles`.

Only the ids (integers) of what is exported are held; rows are read and written `CHUNK` at a time, so an
export of the whole archive never sits in memory and is never capped. A streamed response cannot change
its status code once it has begun, so a failure in the middle is logged and ends the body with an
explicit error line (`{"_error": ...}` in JSON Lines, a row whose first cell is `_error` in CSV); a
complete export has no such line.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from archive.models import Article
from archive.selectors import wire_names
from archive.serializers import EXPORT_FIELDS, article_row, articles_for_export

log = logging.getLogger(__name__)

CHUNK = 500
# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, object]
T = TypeVar("T")


def chunked(ids: Iterable[int], fetch: Callable[[list[int]], dict[int, T]]) -> Iterator[T]:
    """What `fetch` finds for `ids`, in their order, asking for `CHUNK` ids at a time (what it does not
    find is left out), so only a chunk is ever held."""
    iterator = iter(ids)
    while chunk := list(islice(iterator, CHUNK)):
        found = fetch(chunk)
        yield from (found[pk] for pk in chunk if pk in found)


def rows_for(
    ids: Iterable[int],
    *,
    base_url: str = "",
    published_only: bool = True,
    extra: Callable[[Article, Row], None] | None = None,
) -> Iterator[Row]:
    """Export rows of these articles in the given order, read `CHUNK` at a time; `extra` adds fields."""
    articles = Article.objects.published() if published_only else Article.objects.all()
    wires = wire_names()

    def fetch(chunk: list[int]) -> dict[int, Article]:
        return {article.pk: article for article in articles_for_export(articles.filter(pk__in=chunk))}

    for article in chunked(ids, fetch):
        row = article_row(article, base_url=base_url, wires=wires)
        if extra is not None:
            extra(article, row)
        yield row


def csv_cell(name: str, value: object) -> str:
    """A value as one CSV cell: entity names and near-copies joined with '; ', quotes as JSON, booleans and
    nulls as text, and a cell a spreadsheet would run as a formula prefixed with a quote mark."""
    if name == "entities":
        text = "; ".join(str(item["name"]) for item in value)
    elif isinstance(value, list):
        text = (
            "; ".join(map(str, value))
            if all(isinstance(item, str) for item in value)
            else json.dumps(value, ensure_ascii=False)
            if value
            else ""
        )
    elif value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class ExportFormat:
    """How one format writes its head, its rows and the error trailer."""

    name: str
    content_type: str

    def head(self, *, fields: list[str], meta: dict | None) -> str:
        if self.name == "jsonl":
            return json.dumps({"_meta": meta}, ensure_ascii=False) + "\n" if meta is not None else ""
        return self._csv_line(fields)

    def row(self, row: Row, *, fields: list[str]) -> str:
        if self.name == "jsonl":
            return json.dumps(row, ensure_ascii=False) + "\n"
        return self._csv_line([csv_cell(name, row.get(name)) for name in fields])

    def error(self, message: str, *, fields: list[str]) -> str:
        if self.name == "jsonl":
            return json.dumps({"_error": message}, ensure_ascii=False) + "\n"
        return self._csv_line(["_error", message] + [""] * (len(fields) - 2))

    @staticmethod
    def _csv_line(cells: list[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(cells)
        return buffer.getvalue()


FORMATS = {
    "jsonl": ExportFormat("jsonl", "application/x-ndjson; charset=utf-8"),
    "csv": ExportFormat("csv", "text/csv; charset=utf-8"),
}


def export_lines(
    rows: Iterator[Row], *, format: str, fields: list[str] | None = None, meta: dict | None = None
) -> Iterator[str]:
    """The export as text, head first; a failure while rows are read ends it with the error trailer."""
    writer = FORMATS[format]
    fields = fields or EXPORT_FIELDS
    yield writer.head(fields=fields, meta=meta)
    written = 0
    try:
        for row in rows:
            yield writer.row(row, fields=fields)
            written += 1
    except Exception as error:  # the status line has gone out: say so in the body, never end as if complete
        log.exception("Export failed after %d rows", written)
        yield writer.error(
            f"the export stopped after {written} rows ({type(error).__name__}); run it again or use "
            "manage.py export_articles",
            fields=fields,
        )
