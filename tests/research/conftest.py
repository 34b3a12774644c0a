"""A small archive written for the concordance and frozen-set tests: texts whose matches are known."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.ingestion.bulk import KnownArticle, articles_bulk_load
from archive.models import Article
from search.backend import index_rebuild

TEXTS = [
    (
        "Prime minister visits the harbour",
        "The prime minister opened the harbour on Monday. Critics said the prime example of waste was the "
        "ferry.",
    ),
    (
        "Harbour fees",
        "Harbour fees rose. The minister said prime ministers rarely visit harbours, and the ferry is late.",
    ),
    ("Ferry strike", "The ferry strike closed the harbour. Stabilising the timetable is the council's aim."),
    (
        "Council budget",
        "The council's budget stabilized after the vote. No harbour was mentioned by the prime minister.",
    ),
    ("Undated note", "A prime\n\nminister, a harbour, a ferry: the three words of the day."),
    ("Weather", "Rain all week; nothing else happened."),
]


@pytest.fixture
def archive(db) -> dict[str, Article]:
    """Six articles in two outlets, dated one a day (the fifth undated), indexed."""
    start = dt.date(2022, 1, 1)
    articles_bulk_load(
        (
            KnownArticle(
                source=f"kwic/{n}",
                title=title,
                body=body,
                outlet="Coast Herald" if n % 2 else "Harbour Times",
                published=None if n == 4 else start + dt.timedelta(days=n),
                byline="Jo Bloggs" if n == 0 else "",
            )
            for n, (title, body) in enumerate(TEXTS)
        ),
        announce=False,
    )
    index_rebuild()
    return {article.title: article for article in Article.objects.select_related("outlet")}
