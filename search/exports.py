"""Streaming exports of a whole result set: the export serializer's rows plus the snippet.

Only the matching ids (integers) are held; articles are read and written 500 at a time, so an export
of the whole archive never sits in memory and is never capped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from itertools import islice

from archive.models import Article
from archive.serializers import EXPORT_FIELDS, article_row, articles_for_export, csv_row

from .highlight import snippet_html
from .searching import SearchParams, article_ids_matching

CHUNK = 500


def export_meta(params: SearchParams, *, total: int) -> dict:
    return {
        "query": params.q,
        "filters": {
            "outlet": list(params.outlets), "entity": list(params.entities), "entity_type": list(params.entity_types),
            "from": params.date_from.isoformat() if params.date_from else None,
            "to": params.date_to.isoformat() if params.date_to else None,
        },
        "total": total,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def export_rows(params: SearchParams, *, base_url: str = "") -> tuple[int, Iterator[dict]]:
    """The number of matching published articles, and their rows in the search's order."""
    ids, terms = article_ids_matching(params)

    def rows() -> Iterator[dict]:
        iterator = iter(ids)
        while chunk := list(islice(iterator, CHUNK)):
            articles = {a.pk: a for a in articles_for_export(Article.objects.published().filter(pk__in=chunk))}
            for pk in chunk:
                if pk in articles:
                    row = article_row(articles[pk], base_url=base_url)
                    row["snippet"] = snippet_html(articles[pk].body, terms)
                    yield row

    return len(ids), rows()


def jsonl_lines(params: SearchParams, *, base_url: str = "") -> Iterator[str]:
    total, rows = export_rows(params, base_url=base_url)
    yield json.dumps({"_meta": export_meta(params, total=total)}, ensure_ascii=False) + "\n"
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([*EXPORT_FIELDS, "snippet"])
    yield flush()
    for row in rows:
        writer.writerow(csv_row(row))
        yield flush()
