"""The researcher's query language, and the filter clauses the interface adds beside it.

Whoosh's parser accepts almost anything silently; a researcher who forgets a closing quote deserves to be
told, so the common mistakes are caught first with a message that points at the spot.
"""

from __future__ import annotations

import datetime as dt
import re

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

FIELDS = ("title", "body", "outlet", "entity", "byline", "published")


class QuerySyntaxError(ValueError):
    """A query that cannot be read; the message says where and how to fix it."""


def _parser() -> MultifieldParser:
    parser = MultifieldParser(["title", "body"], SCHEMA, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    # `-word` only at the start of a word: "Henin-Hardenne" and "17-12" are words, not NOTs. Every word is
    # already required, so `+` means nothing (Whoosh would make the other words optional).
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?:^|(?<=[\s(]))-(?=\w)"))
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(DateParserPlugin(free=False))
    return parser


PARSER = _parser()
# A question mark ending a word is punctuation ("Who do you think you are?"), not a one-letter wildcard.
QUESTION_MARK = re.compile(r"(?<=\w)\?(?=[\s)\"]|$)")
OPERATOR_END = re.compile(r"(?:^|\s)(AND|OR|NOT)\s*$")
OPERATOR_START = re.compile(r"^\s*(AND|OR)\b")
EMPTY_FIELD = re.compile(rf"\b({'|'.join(FIELDS)}):(?=\s|$|\))")


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
        return f"'{match.group(0)}' at character {match.start() + 1} needs a value, e.g. {match.group(1)}:word."
    return None


def query_parse(text: str) -> wq.Query:
    """The user's query as a Whoosh query; an empty query matches every article."""
    text = text.strip()
    if not text:
        return wq.Every()
    problem = syntax_problem(text)
    if problem:
        raise QuerySyntaxError(problem)
    text = QUESTION_MARK.sub(" ", text)
    try:
        parsed = PARSER.parse(text)
    except Exception as error:  # Whoosh's parser raises assorted errors on odd input
        raise QuerySyntaxError(f"The query could not be read ({error}); check its quotes, brackets and field names.") from error
    if _has_error_node(parsed):
        raise QuerySyntaxError("A field value could not be read; dates are written published:[2022-12-01 TO 2022-12-31].")
    return parsed


def _has_error_node(node: wq.Query) -> bool:
    if isinstance(node, wq.Query) and type(node).__name__ == "ErrorQuery":
        return True
    return any(_has_error_node(child) for child in node.children()) if hasattr(node, "children") else False


def filters_build(
    *, outlets: tuple[str, ...], entities: tuple[str, ...], entity_types: tuple[str, ...] = (), date_from: dt.date | None, date_to: dt.date | None
) -> wq.Query | None:
    """The interface's filters as separate clauses: any of the outlets, all of the entities and entity
    types, within the dates; None when there are none. (Only published articles are ever indexed, so
    no clause for the status is needed: one would cost a pass over the whole index per search.)"""
    clauses: list[wq.Query] = []
    if outlets:
        clauses.append(wq.Or([wq.Term("outlet", slug) for slug in outlets]))
    clauses.extend(wq.Term("entity", slug) for slug in entities)
    clauses.extend(wq.Term("entity_type", value) for value in entity_types)
    if date_from or date_to:
        start = dt.datetime.combine(date_from, dt.time.min) if date_from else None
        end = dt.datetime.combine(date_to, dt.time.max) if date_to else None
        clauses.append(wq.DateRange("published", start, end))
    return wq.And(clauses) if clauses else None
