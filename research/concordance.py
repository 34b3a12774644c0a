"""Keyword in context: every match of a query's words in every article of a result, one row per match.

A row is a match (`search.concordance`: a token whose analysed form is one of the query's terms, or a whole
phrase) with `width` words of context on each side, and the article it is in. Articles are read `CHUNK` at
a time in date order (oldest first, undated last, then by id; `sort=date`), so rows stream in that order
with only a chunk in memory. `sort=left` and `sort=right` order rows as concordancers do, by the words to
the left of the match (nearest first) or to its right, then the match, then date order; they are sorted
on disk: runs of `RUN_ROWS` rows are sorted and spilled to temporary files, then merged, so the whole
result set is never held either. A page is a window of the same stream, so the page, the API and the
exports always agree.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import IO

from archive.models import Article
from search.concordance import TEXT_FIELDS, Matcher, matcher_build, tokens_of
from search.exports import Row, chunked
from search.fields import INDEXED
from search.params import PageSpec, ParameterError, SearchParams, params_parse
from search.searching import SEARCH, export_ids, export_meta

from .models import ResultSet
from .selectors import WITHDRAWN, article_urls, items_chunked, items_marked

SORTS = ("date", "left", "right")
CONCORDANCE = PageSpec(
    url_name="concordance",
    accepts=frozenset(
        {
            *(facet.name for facet in INDEXED),
            "q",
            "from",
            "to",
            "undated",
            "collapse",
            "sort",
            "page",
            "page_size",
            "width",
        }
    ),
    sorts=SORTS,
    page_size=50,
    max_page_size=500,
)
SET_CONCORDANCE = replace(CONCORDANCE, accepts=frozenset({"sort", "page", "page_size", "width"}))
FIELDS = ["id", "url", "title", "outlet", "published", "field", "position", "left", "match", "right"]
SET_FIELDS = [*FIELDS, "since_frozen"]
RUN_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class Text:
    """What a concordance reads of an article."""

    pk: int
    title: str
    body: str
    outlet: str | None
    published: object


@dataclass(frozen=True, slots=True)
class Match:
    row: Row
    left: list[str]  # the words to the left of the match, nearest first, lowercased
    right: list[str]  # the words to its right, nearest first


def _texts(ids: Iterable[int]) -> Iterator[Text]:
    """Published articles' text in the order of `ids`, a chunk at a time."""

    def fetch(chunk: list[int]) -> dict[int, Text]:
        values = (
            Article.objects.published()
            .filter(pk__in=chunk)
            .values_list("pk", "title", "body", "outlet__name", "published")
        )
        return {pk: Text(pk, title, body, outlet, published) for pk, title, body, outlet, published in values}

    return chunked(ids, fetch)


def _flat(text: str) -> str:
    return " ".join(text.split())


def matches_of(
    texts: Iterable[tuple[Text, str | None]], *, matcher: Matcher, width: int, base_url: str
) -> Iterator[Match]:
    """Every match in every text, in the texts' order, then title before body, then text order; `mark` (a
    set's state of the article) is added to its rows when given."""
    urls = article_urls(base_url)
    for text, mark in texts:
        url = urls(text.pk)
        published = text.published.isoformat() if text.published else None
        for name in TEXT_FIELDS:
            field_matcher = matcher.of(name)
            if not field_matcher:
                continue
            value = text.title if name == "title" else text.body
            tokens = tokens_of(value)
            words, starts, ends = tokens.words, tokens.starts, tokens.ends
            for first, last in field_matcher.spans(tokens):
                before, after = max(0, first - width), min(len(words), last + width)
                row: Row = {
                    "id": text.pk,
                    "url": url,
                    "title": text.title,
                    "outlet": text.outlet,
                    "published": published,
                    "field": name,
                    "position": first,
                    "left": _flat(value[starts[before] : starts[first]]),
                    "match": _flat(value[starts[first] : ends[last - 1]]),
                    "right": _flat(value[ends[last - 1] : ends[after - 1]]),
                }
                if mark is not None:
                    row["since_frozen"] = mark
                yield Match(row=row, left=words[before:first][::-1], right=words[last:after])


def _spill(block: list[list]) -> IO[str]:
    block.sort(key=itemgetter(0))
    run = tempfile.TemporaryFile("w+", encoding="utf-8")
    run.writelines(json.dumps(pair, ensure_ascii=False) + "\n" for pair in block)
    run.seek(0)
    return run


def _read(run: IO[str]) -> Iterator[list]:
    return (json.loads(line) for line in run)


def rows_sorted(matches: Iterator[Match], *, sort: str) -> Iterator[Row]:
    """The rows in the order `sort` asks for; left and right sorts are merged from sorted runs on disk."""
    if sort == "date":
        yield from (match.row for match in matches)
        return
    with ExitStack() as stack:
        runs: list[IO[str]] = []
        block: list[list] = []
        for number, match in enumerate(matches):
            block.append([[getattr(match, sort), match.row["match"].lower(), number], match.row])
            if len(block) == RUN_ROWS:
                runs.append(stack.enter_context(_spill(block)))
                block = []
        if not runs:
            block.sort(key=itemgetter(0))
            yield from (row for _, row in block)
            return
        runs.append(stack.enter_context(_spill(block)))
        yield from (row for _, row in heapq.merge(*map(_read, runs), key=itemgetter(0)))


def rows_window(rows: Iterator[Row], *, start: int, size: int) -> tuple[list[Row], int]:
    """The rows of one page and how many rows there are in all (the stream is read to its end)."""
    page: list[Row] = []
    total = 0
    for row in rows:
        if start <= total < start + size:
            page.append(row)
        total += 1
    return page, total


@dataclass(frozen=True)
class Concordance:
    """A concordance ready to be read: its parameters, what it matches, its articles and its `_meta`."""

    params: SearchParams
    matcher: Matcher
    texts: Callable[[], Iterator[tuple[Text, str | None]]]
    meta: dict
    fields: list[str]

    def rows(self, *, base_url: str) -> Iterator[Row]:
        matches = matches_of(self.texts(), matcher=self.matcher, width=self.params.width, base_url=base_url)
        return rows_sorted(matches, sort=self.params.sort)


def _matcher(q: str) -> Matcher:
    if not q.strip():
        raise ParameterError(
            "'q' is empty: a concordance shows the matches of a query's words in context; give a word or a "
            "phrase"
        )
    matcher = matcher_build(q)
    if not matcher:
        raise ParameterError(
            f"'q' ({q[:60]!r}) has no words to show in context: filters, dates and NOT words narrow the "
            "articles but match no text; add a word or a phrase"
        )
    return matcher


def concordance_params(data, *, spec: PageSpec = CONCORDANCE) -> SearchParams:
    return params_parse(data, spec=spec)


def concordance_live(params: SearchParams) -> Concordance:
    """The concordance of a search: its listed articles (one per copy group when collapsed), by date."""
    matcher = _matcher(params.q)
    outcome, ids, _ = export_ids(replace(params, sort="oldest", page=1, spec=SEARCH))
    meta = export_meta(replace(params, spec=SEARCH), outcome=outcome, rows=len(ids))
    meta.update(listed=meta.pop("rows"), sort=params.sort, width=params.width, terms=matcher.as_json())
    return Concordance(
        params=params,
        matcher=matcher,
        texts=lambda: ((text, None) for text in _texts(ids)),
        meta=meta,
        fields=FIELDS,
    )


def _set_texts(result_set: ResultSet) -> Iterator[tuple[Text, str | None]]:
    for chunk in items_chunked(result_set, by_date=True):
        marks = items_marked(chunk)
        for text in _texts([item.article_id for item in chunk if marks[item.article_id] != WITHDRAWN]):
            yield text, marks[text.pk]


def concordance_of_set(result_set: ResultSet, params: SearchParams, *, meta: dict) -> Concordance:
    """The concordance of a frozen set: the set's query over its articles as they read now (withdrawn ones
    have no rows; changed ones are marked)."""
    matcher = _matcher(result_set.query)
    meta = {**meta, "sort": params.sort, "width": params.width, "terms": matcher.as_json()}
    return Concordance(
        params=replace(params, q=result_set.query),
        matcher=matcher,
        texts=lambda: _set_texts(result_set),
        meta=meta,
        fields=SET_FIELDS,
    )
