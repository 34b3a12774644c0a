"""The array evaluator (`search.docsets`) matches exactly the documents Whoosh's own matchers match and scores
each one as Whoosh's scorer does, and a ranked page (`search.topk`) is Whoosh's, on an index with several
segments and deleted documents."""

from __future__ import annotations

import datetime as dt
from itertools import islice

import numpy as np
import pytest
from whoosh import query as wq

from archive.ingestion.bulk import KnownArticle, articles_bulk_load
from archive.models import Article, Outlet
from bench.corpus import corpus_generate
from search.docsets import query_docs, query_scored, words_expanded
from search.engine import index_sync, searcher_open
from search.query import query_parse
from search.searching import SearchParams
from search.topk import ranked_page

pytestmark = pytest.mark.whoosh  # the Whoosh engine's own files and internals

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
    "the of to and in",
    "minister OR president OR leader OR chief",
    '"prime minister" election',
    "body:the^2 title:minister",
    "(the OR of)^3 minister",
    "said -the",
    "outlet:nosuchoutlet OR economy",
]
PHRASES = [
    '"the prime minister"',
    '"one of the"',
    '"in the"',
    '"of the"~3',
    '"minister said"~4',
    '"said the"~2',
    '"the end of the"',  # a word twice
    '"buffalo buffalo"',
    '"buffalo buffalo buffalo"',
    '"buffalo buffalo buffalo buffalo"',
    '"yak the yak"',  # repeats
    '"quince rhubarb"',
    'title:"figs and quince"',
    '"rhubarb grows"',
    '"rhubarb sorrel"',  # across title and body
    '"sorrel tamarind"~2',
    '"sorrel tamarind"~3',
    '"sorrel tamarind"',  # slop
]
CRAFTED = [  # every phrase edge case, in each segment (the words are absent from the synthetic corpus)
    KnownArticle(
        source="edge/{}/1",
        title="Figs and quince",
        body="Rhubarb grows fast. Buffalo buffalo buffalo graze by the yak the yak.",
    ),
    KnownArticle(source="edge/{}/2", title="Sorrel", body="Sorrel and then tamarind; rhubarb, sorrel."),
]


@pytest.fixture
def segmented(db):
    """600 synthetic articles and the crafted ones, committed in four batches (four segments), then every
    seventh article hidden (deletions in every segment)."""
    articles = corpus_generate(600, seed=5)
    batch = 0
    while chunk := list(islice(articles, 150)):
        crafted = [
            KnownArticle(source=item.source.format(batch), title=item.title, body=item.body)
            for item in CRAFTED
        ]
        articles_bulk_load(chunk + crafted, announce=False)
        index_sync(article_ids=Article.objects.values_list("pk", flat=True))
        batch += 1
    hidden = list(Article.objects.order_by("pk").values_list("pk", flat=True)[::7])
    Article.objects.filter(pk__in=hidden).update(status=Article.Status.HIDDEN)
    assert index_sync(article_ids=hidden) == len(hidden)
    with searcher_open() as searcher:
        assert len(searcher.subsearchers or []) >= 4
        yield searcher


def whoosh_docs(searcher, query: wq.Query) -> np.ndarray:
    if isinstance(query, wq.AndNot):
        # Whoosh's AndNotMatcher keeps a segment's first match of `a` even when `b` matches it too (its
        # _find_first only looks when both start on the same document), so the set is built from its parts.
        return np.setdiff1d(whoosh_docs(searcher, query.a), whoosh_docs(searcher, query.b))
    if isinstance(query, wq.Not):  # Whoosh's own Not hands back deleted documents; the live ones, then
        live = np.array(sorted(searcher.reader().all_doc_ids()), dtype=np.int64)
        return np.setdiff1d(live, whoosh_docs(searcher, query.query))
    return np.array(sorted(searcher.docs_for_query(query)), dtype=np.int64)


def whoosh_ranking(searcher, query: wq.Query, filters: wq.Query | None) -> list[tuple[float, int]]:
    """Every match with Whoosh's score, best first: its scorer on every document (limit=None), without the
    block-quality pruning of a limited search."""
    results = searcher.search(query, filter=filters, limit=None)
    return sorted(((score, docnum) for score, docnum in results.top_n), key=lambda item: (-item[0], item[1]))


def check(searcher, query: wq.Query, filters: wq.Query | None = None) -> int:
    """Same documents as Whoosh; and, for the query with its wildcards and fuzzy terms expanded (as the
    search scores it), the same scores and pages."""
    combined = query if filters is None else wq.And([query, filters])
    expected = whoosh_docs(searcher, combined)
    assert np.array_equal(query_docs(searcher, combined), expected), combined
    within = None if filters is None else query_docs(searcher, filters)
    docs, scores = query_scored(searcher, query, within=within)
    assert np.array_equal(docs, expected), combined
    expanded = words_expanded(searcher, query)
    ranking = [
        item for item in whoosh_ranking(searcher, expanded, filters) if item[1] in set(expected.tolist())
    ]
    assert dict(zip(docs.tolist(), scores.tolist())) == {docnum: score for score, docnum in ranking}, (
        combined
    )  # to the last bit
    for start, stop in ((0, 10), (10, 20), (0, len(docs) + 5)):
        assert ranked_page(docs, scores, start=start, stop=stop).tolist() == [
            docnum for _, docnum in ranking[start:stop]
        ], combined
    return len(expected)


def test_matches_and_scores_what_whoosh_does(segmented):
    outlet = Outlet.objects.order_by("pk").first().slug
    filtered = [
        ("government", SearchParams(outlets=(outlet,)).filters()),
        ("people", SearchParams(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 6, 30)).filters()),
        ("said", SearchParams(outlets=(outlet, "no-such-outlet"), date_to=dt.date(2021, 12, 31)).filters()),
        ('"of the"', SearchParams(date_from=dt.date(2022, 1, 1)).filters()),
    ]
    sizes = [check(segmented, query_parse(text)) for text in QUERIES]
    sizes += [check(segmented, query_parse(text), filters) for text, filters in filtered]
    assert (
        sum(size > 0 for size in sizes) >= 18
    )  # most cases match something, so the comparison means something


def test_phrases_match_and_score_as_whoosh(segmented):
    sizes = {text: check(segmented, query_parse(text)) for text in PHRASES}
    crafted = 4 - 1  # each crafted article is in four segments, and at most one of its copies is hidden
    assert sizes['"buffalo buffalo buffalo"'] >= crafted and sizes['"buffalo buffalo buffalo buffalo"'] == 0
    assert sizes['"yak the yak"'] >= crafted
    assert sizes['title:"figs and quince"'] >= crafted and sizes['"rhubarb grows"'] >= crafted
    assert sizes['"quince rhubarb"'] == 0  # "quince" ends a title and "rhubarb" begins its body: no phrase
    assert sizes['"rhubarb sorrel"'] >= crafted  # punctuation between words does not break a phrase
    assert sizes['"sorrel tamarind"'] == sizes['"sorrel tamarind"~2'] == 0 < sizes['"sorrel tamarind"~3']
    assert all(
        sizes[text] > 0
        for text in ('"the prime minister"', '"one of the"', '"the end of the"', '"minister said"~4')
    )


def test_or_trees_of_either_kind(segmented, monkeypatch):
    """In segments of 5,000 documents or fewer Whoosh adds an `Or` of 3+ clauses in an array, in larger
    ones as a tree shaped by size estimates; both orders of additions are followed."""
    monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    for text in ("minister OR president OR leader OR chief", "(the OR of)^3 minister", "(oil OR gas) price"):
        assert check(segmented, query_parse(text)) > 0


def test_a_page_is_what_whoosh_search_shows(segmented):
    """The page the search shows equals Whoosh's own limited search (whose pruning is exact for these)."""
    outlet = Outlet.objects.order_by("pk").first().slug
    cases = [
        ("government", None),
        ("economy growth", None),
        ('"prime minister"', None),
        ("people", SearchParams(outlets=(outlet,)).filters()),
        ('"the prime minister"', None),
    ]
    for text, filters in cases:
        query = query_parse(text)
        within = None if filters is None else query_docs(segmented, filters)
        docs, scores = query_scored(segmented, query, within=within)
        results = segmented.search(query, filter=filters, limit=20)
        assert ranked_page(docs, scores, start=10, stop=20).tolist() == [hit.docnum for hit in results[10:20]]
        assert len(docs) == len(results)
