"""The NumPy evaluator matches exactly the documents Whoosh's own matchers do, on an index with several
segments and deleted documents."""

from __future__ import annotations

import datetime as dt
from itertools import islice

import numpy as np
from whoosh import query as wq

from archive.ingestion.bulk import articles_bulk_load
from archive.models import Article, Outlet
from bench.corpus import corpus_generate
from search.docsets import query_docs, words_expanded
from search.engine import index_sync, searcher_open
from search.query import query_parse
from search.searching import SearchParams

QUERIES = [
    "government",
    "the",
    "economy growth",
    "minister OR president",
    "market -shares",
    '"prime minister"',
    "econom*",
    "titl:foo",
    "govenment~",
    "govenment~2",
    "gov*nt",
    "title:elec*",
    "title:election",
    "zzzunknownword",
    "-government",
    "(oil OR gas) price",
    "labour NOT party",
]


def test_matches_what_whoosh_matches(db):
    articles = corpus_generate(600, seed=5)
    while chunk := list(islice(articles, 150)):  # several commits: several segments
        articles_bulk_load(chunk, announce=False)
        index_sync(article_ids=Article.objects.values_list("pk", flat=True))
    hidden = list(Article.objects.order_by("pk").values_list("pk", flat=True)[::7])
    Article.objects.filter(pk__in=hidden).update(status=Article.Status.HIDDEN)
    assert index_sync(article_ids=hidden) == len(hidden)  # deletions in every segment
    outlet = Outlet.objects.order_by("pk").first().slug
    cases = [(query_parse(text), None) for text in QUERIES]
    cases += [
        (query_parse("government"), SearchParams(outlets=(outlet,)).filters()),
        (
            query_parse("people"),
            SearchParams(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 6, 30)).filters(),
        ),
        (
            query_parse("said"),
            SearchParams(outlets=(outlet, "no-such-outlet"), date_to=dt.date(2021, 12, 31)).filters(),
        ),
    ]
    with searcher_open() as searcher:
        assert len(searcher.subsearchers or []) > 1
        nonempty = 0
        for query, filters in cases:
            combined = query if filters is None else wq.And([query, filters])
            if isinstance(
                combined, wq.Not
            ):  # Whoosh's own Not hands back deleted documents; the live ones, then
                live = set(searcher.reader().all_doc_ids())
                expected = np.array(
                    sorted(live - set(searcher.docs_for_query(combined.query))), dtype=np.int64
                )
            else:
                expected = np.array(sorted(searcher.docs_for_query(combined)), dtype=np.int64)
            assert np.array_equal(query_docs(searcher, combined), expected), combined
            expanded = words_expanded(
                searcher, combined
            )  # the words a wildcard or fuzzy term stands for, once
            assert np.array_equal(query_docs(searcher, expanded), expected), combined
            if not isinstance(combined, wq.Not):
                assert sorted(searcher.docs_for_query(expanded)) == expected.tolist(), combined
            nonempty += bool(len(expected))
        assert nonempty >= 10  # most cases match something, so the comparison means something
