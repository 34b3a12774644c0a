"""The researcher's query language, and the filter clauses the interface adds beside it.

Whoosh's parser accepts almost anything silently; a researcher who forgets a closing quote deserves to be
told, so the common mistakes are caught first with a message that points at the spot.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldParser,
    PlusMinusPlugin,
)
from whoosh.qparser.dateparse import DateParserPlugin

from .engine import SCHEMA
from .fields import INDEXED

FIELDS = ("title", "body", "outlet", "entity", "byline", "published")


MAX_EDITS = 2  # fuzzy terms: more letters off than this matches almost anything
MIN_PREFIX = 2  # letters before a wildcard: "a*" would stand for a good part of the vocabulary
MAX_EXPANSION = 2000  # index words one wildcard or fuzzy term may stand for


class QuerySyntaxError(ValueError):
    """A query that cannot be read; the message says where and how to fix it."""


class QueryTooBroad(QuerySyntaxError):
    """A wildcard or fuzzy term standing for too many words to search at once."""


class QueryTimeout(RuntimeError):
    """A query that ran past its time budget (`ARCHIVE_QUERY_SECONDS`); the server stopped it."""

    def __init__(
        self,
        message: str = "The query took too long and was stopped; narrow it (fewer wildcards, a phrase, a "
        "filter) and try again.",
    ) -> None:
        super().__init__(message)


_deadline: ContextVar[float | None] = ContextVar("search_deadline", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Everything a search computes inside the block stops with QueryTimeout after `seconds`."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds left of the current budget (None without one); raises QueryTimeout when none are."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryTimeout()
    return left


def _parser() -> MultifieldParser:
    parser = MultifieldParser(["title", "body"], SCHEMA, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    # `-word` only at the start of a word: "Henin-Hardenne" and "17-12" are words, not NOTs. Every word is
    # already required, so `+` means nothing (Whoosh would make the other words optional).
    # `-word` is rewritten as `NOT word` before parsing (see MINUS), so a query of only `-word` means every
    # article without the word.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?!)"))
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(DateParserPlugin(free=False))
    return parser


PARSER = _parser()
# A question mark ending a word is punctuation ("Who do you think you are?"), not a one-letter wildcard.
QUESTION_MARK = re.compile(r"(?<=\w)\?(?=[\s)\"]|$)")
OPERATOR_END = re.compile(r"(?:^|\s)(AND|OR|NOT)\s*$")
OPERATOR_START = re.compile(r"^\s*(AND|OR)\b")
EMPTY_FIELD = re.compile(rf"\b({'|'.join(FIELDS)}):(?=\s|$|\))")
# `-word` only at the start of a word: "Henin-Hardenne" and "17-12" are words, not NOTs.
MINUS = re.compile(r"(?:^|(?<=[\s(]))-(?=[\w\"(])")
FUZZY = re.compile(r"(?<=\w)~(\d*)")
LEADING_WILDCARD = re.compile(
    r"(?:^|(?<=[\s(:]))(?<!\w:)([*?][^\s()\"]*)|(?<=\w:)([*?](?:[^\s()\"]+))"
)  # `field:*` alone is allowed
SHORT_WILDCARD = re.compile(
    r"(?:^|(?<=[\s(:]))(?!(?<=:)\*(?=[\s)]|$))(\w{0,%d}[*?][^\s()\"]*)" % (MIN_PREFIX - 1)
)
RANGE = re.compile(r"\[([^\]]*)\]")
RANGE_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
PUBLISHED = re.compile(r"\bpublished:(?:\[([^\]]*)\]|(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?=[\s)]|$))")
EPOCH = dt.date(1970, 1, 1)
LAST_DAY = 2**31 - 2


def _outside_quotes(text: str) -> list[tuple[int, str]]:
    """The parts of `text` outside double quotes, with where each starts."""
    parts, start, inside = [], 0, False
    for position, char in enumerate(text + '"'):
        if char == '"':
            if not inside:
                parts.append((start, text[start:position]))
            inside, start = not inside, position + 1
    return parts


def _partial_date(value: str, *, end: bool) -> dt.date:
    """YYYY, YYYY-MM or YYYY-MM-DD as its first day, or (`end`) its last."""
    parts = [int(part) for part in value.split("-")]
    year, month, day = (
        parts[0],
        parts[1] if len(parts) > 1 else (12 if end else 1),
        parts[2] if len(parts) > 2 else 1,
    )
    if end and len(parts) < 3:
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(year, month, day)


def _published_as_days(text: str) -> str:
    """`published:[A TO B]` and `published:YYYY[-MM[-DD]]` as ranges of the index's day numbers, read
    exactly (Whoosh's own date parser reads "2022-12-01" as the whole of 2022). Undated articles (day -1)
    are never in a range, also not an open one."""

    def days(match: re.Match) -> str:
        if match.group(2):
            first, last = _partial_date(match.group(2), end=False), _partial_date(match.group(2), end=True)
            return f"day:[{(first - EPOCH).days} TO {(last - EPOCH).days}]"
        low, high = (side.strip() for side in re.split(r"\s+TO\s+", match.group(1).strip(), flags=re.I))
        start = (_partial_date(low, end=False) - EPOCH).days if low not in ("", "*") else 0
        stop = (_partial_date(high, end=True) - EPOCH).days if high not in ("", "*") else LAST_DAY
        return f"day:[{max(start, 0)} TO {stop}]"

    return PUBLISHED.sub(days, text)


def _range_problem(body: str) -> str | None:
    sides = re.split(r"\s+TO\s+", body.strip(), flags=re.I)
    if len(sides) != 2:
        return f"'[{body}]' is not a range; write published:[2022-12-01 TO 2022-12-31]."
    for side in sides:
        value = side.strip()
        if value in ("", "*"):
            continue
        if not RANGE_DATE.match(value):
            return f"'{value}' in a range is not a date; write YYYY-MM-DD (or YYYY, YYYY-MM)."
        try:
            _partial_date(value, end=False)
        except ValueError:
            return f"'{value}' in a range is not a real date; write YYYY-MM-DD."
    return None


def _words_problem(text: str) -> str | None:
    """Fuzzy terms, wildcards and ranges that cannot be searched as written."""
    for offset, part in _outside_quotes(text):
        if (match := FUZZY.search(part)) and match.group(1) and int(match.group(1)) > MAX_EDITS:
            return (
                f"'~{match.group(1)}' at character {offset + match.start() + 1}: at most {MAX_EDITS} "
                "letters can differ (write word~1 or word~2)."
            )
        words = RANGE.sub(lambda m: " " * len(m.group()), part)  # in a range `*` is an open end
        if match := LEADING_WILDCARD.search(words):
            return (
                f"'{match.group(0)}' at character {offset + match.start() + 1}: a word cannot start with "
                "a wildcard; give its first letters (e.g. sanction*)."
            )
        if match := SHORT_WILDCARD.search(words):
            return (
                f"'{match.group(1)}' at character {offset + match.start() + 1}: give at least "
                f"{MIN_PREFIX} letters before a wildcard."
            )
        opened = [m.start() for m in re.finditer(r"\[", part)]
        closed = [m.start() for m in re.finditer(r"\]", part)]
        if len(opened) != len(closed):
            where = (opened or closed)[-1]
            return (
                f"Unclosed '[' at character {offset + where + 1}: a range is written "
                "published:[2022-12-01 TO 2022-12-31]."
            )
        for match in RANGE.finditer(part):
            if problem := _range_problem(match.group(1)):
                return problem
    return None


def syntax_problem(text: str) -> str | None:
    """What is wrong with the query, in words a researcher can act on; None when it reads fine."""
    quotes = [match.start() for match in re.finditer('"', text)]
    if len(quotes) % 2:
        return f'Unclosed quote at character {quotes[-1] + 1}: add a closing " to end the phrase.'
    depth = 0
    opened: list[int] = []
    in_quote = False
    for position, char in enumerate(text):
        if char == '"':
            in_quote = not in_quote
        elif in_quote:
            continue
        elif char == "(":
            depth += 1
            opened.append(position)
        elif char == ")":
            if depth == 0:
                return f"Unexpected ')' at character {position + 1}: it closes nothing."
            depth -= 1
            opened.pop()
    if depth:
        return f"Unclosed '(' at character {opened[-1] + 1}: add a ')'."
    if match := OPERATOR_END.search(text):
        return f"'{match.group(1)}' at the end needs a word after it."
    if match := OPERATOR_START.match(text):
        return f"'{match.group(1)}' at the start needs a word before it."
    if match := EMPTY_FIELD.search(text):
        return (
            f"'{match.group(0)}' at character {match.start() + 1} needs a value, e.g. {match.group(1)}:word."
        )
    return _words_problem(text)


def query_parse(text: str) -> wq.Query:
    """The user's query as a Whoosh query; an empty query matches every article."""
    text = text.strip()
    if not text:
        return wq.Every()
    problem = syntax_problem(text)
    if problem:
        raise QuerySyntaxError(problem)
    text = _published_as_days(_minus_as_not(QUESTION_MARK.sub(" ", text)))
    try:
        parsed = PARSER.parse(text)
    except Exception as error:  # Whoosh's parser raises assorted errors on odd input
        raise QuerySyntaxError(
            f"The query could not be read ({error}); check its quotes, brackets and field names."
        ) from error
    if _has_error_node(parsed):
        raise QuerySyntaxError(
            "A field value could not be read; dates are written published:[2022-12-01 TO 2022-12-31]."
        )
    return parsed


def _minus_as_not(text: str) -> str:
    """`-word` (outside phrases) as `NOT word`: the same meaning, and a query of `-word` alone is every
    article without the word rather than nothing."""
    out, cursor = [], 0
    for start, part in _outside_quotes(text):
        out.append(text[cursor:start])
        out.append(MINUS.sub("NOT ", part))
        cursor = start + len(part)
    out.append(text[cursor:])
    return "".join(out)


def _has_error_node(node: wq.Query) -> bool:
    if isinstance(node, wq.Query) and type(node).__name__ == "ErrorQuery":
        return True
    return any(_has_error_node(child) for child in node.children()) if hasattr(node, "children") else False


def filters_build(params) -> wq.Query | None:
    """The interface's filters (a `SearchParams`) as separate clauses beside the query: for each facet of
    the table, any or all of its chosen values; the dates, with undated articles left out, joined in
    (`undated=include`) or alone (`undated=only`); None when there are none. (Only published articles are
    ever indexed, so no clause for the status is needed: one would cost a pass over the whole index.)"""
    clauses: list[wq.Query] = []
    for facet in INDEXED:
        terms = [wq.Term(facet.field, value) for value in getattr(params, facet.attribute)]
        if terms:
            clauses.append(wq.Or(terms) if facet.combine == "any" else wq.And(terms))
    undated = wq.NumericRange("undated", 1, 1)
    if params.undated == "only":
        clauses.append(undated)
    elif dates := date_range(params):
        clauses.append(wq.Or([dates, undated]) if params.undated == "include" else dates)
    return wq.And(clauses) if clauses else None


def date_range(params) -> wq.Query | None:
    if not (params.date_from or params.date_to):
        return None
    start = dt.datetime.combine(params.date_from, dt.time.min) if params.date_from else None
    end = dt.datetime.combine(params.date_to, dt.time.max) if params.date_to else None
    return wq.DateRange("published", start, end)
