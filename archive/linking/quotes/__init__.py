"""Direct quotations, who said them, and the same statement across articles.

`finding` reads the quotation marks, `attributing` names each quote's speaker, `grouping` stores an article's
quotes in the groups of the statements they belong to. What the rest of the project uses is re-exported here.
"""

from __future__ import annotations

from .attributing import ATTRIBUTION_ORDER, Speaker, speakers_attribute, speakers_from, speakers_of
from .finding import FoundQuote, quotes_find
from .grouping import (
    most_carried,
    quote_group_for,
    quote_group_refresh,
    quote_wording,
    quote_words,
    quotes_link,
    same_statement,
)

__all__ = [
    "ATTRIBUTION_ORDER",
    "FoundQuote",
    "Speaker",
    "quote_group_refresh",
    "most_carried",
    "quote_group_for",
    "quote_group_refresh",
    "quote_wording",
    "quote_words",
    "quotes_find",
    "quotes_link",
    "same_statement",
    "speakers_attribute",
    "speakers_from",
    "speakers_of",
]
