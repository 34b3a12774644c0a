from __future__ import annotations

import datetime as dt

import pytest

from search.facets import bucket_for_span, bucket_start


def api(client, **params):
    return client.get("/api/search", params).json()


def test_entity_type_facet_and_filter(seeds, client):
    data = api(client)
    types = {item["value"]: item for item in data["facets"]["entity_type"]}
    assert types["person"]["label"] == "Person" and types["person"]["count"] == 5
    assert types["place"]["count"] == 5 and types["organization"]["count"] == 5
    assert api(client, entity_type="person")["total"] == 5
    assert api(client, entity_type="planet").get("error")


def test_date_facet_with_empty_buckets_and_toggle(seeds, client):
    data = api(client)
    assert data["facets_date_bucket"] == "day"
    assert data["facets"]["date"] == [
        {
            "value": "2022-12-30",
            "label": "30 Dec 2022",
            "count": 3,
            "selected": False,
            "toggle_url": "/?from=2022-12-30&to=2022-12-30",
        },
        {
            "value": "_undated",
            "label": "Undated",
            "count": 2,
            "selected": False,
            "toggle_url": "/?undated=only",
        },
    ]
    chosen = api(client, **{"from": "2022-12-30", "to": "2022-12-30"})
    assert chosen["facets"]["date"][0]["selected"] is True
    assert chosen["facets"]["date"][0]["toggle_url"] == "/"


def test_every_facet_value_carries_selected_and_toggle_url(seeds, client):
    data = api(client, outlet="snn", entity="vladimir-putin")
    outlets = {item["value"]: item for item in data["facets"]["outlet"]}
    assert outlets["snn"]["selected"] is True
    assert outlets["snn"]["toggle_url"] == "/?entity=vladimir-putin"
    entity = next(item for item in data["facets"]["entity"] if item["value"] == "vladimir-putin")
    assert entity["selected"] is True and entity["toggle_url"] == "/?outlet=snn"
    kremlin = next(item for item in data["facets"]["entity"] if item["value"] == "kremlin")
    assert kremlin["toggle_url"] == "/?outlet=snn&entity=vladimir-putin&entity=kremlin"


def test_entity_limit(seeds, client):
    assert len(api(client, entity_limit="3")["facets"]["entity"]) == 3
    assert len(api(client, entity_limit="100")["facets"]["entity"]) > 20


def test_took_ms_is_reported(seeds, client):
    assert api(client, q="putin")["took_ms"] > 0


def test_bucket_follows_the_span():
    day = dt.date(2022, 12, 30)
    assert bucket_for_span(day, day + dt.timedelta(days=40)) == "day"
    assert bucket_for_span(day, day + dt.timedelta(days=300)) == "week"
    assert bucket_for_span(day, day + dt.timedelta(days=3000)) == "month"
    assert bucket_for_span(day, day + dt.timedelta(days=9000)) == "year"
    assert bucket_start(day, "week") == dt.date(2022, 12, 26)
    assert bucket_start(day, "month") == dt.date(2022, 12, 1)


def test_share_of_output_weighs_every_outlet_alike():
    import numpy as np

    from search.facets import Buckets, attention_share

    class Columns:
        outlets = ["big", "small"]
        doc_outlet = np.array([0] * 10 + [1] * 2, dtype=np.int32)
        doc_day = np.array([100] * 12, dtype=np.int32)

    buckets = Buckets.spanning(np.array([100]))
    # one of the big outlet's ten articles and both of the small outlet's two match: (0.1 + 1.0) / 2
    shares = attention_share(Columns(), buckets, matched=np.array([0, 10, 11]), baseline=np.arange(12))
    assert shares == [0.55]


def test_outlet_page(seeds, client):
    html = client.get("/outlets/urdupoint/").content.decode()
    assert (
        "UrduPoint" in html
        and '<span data-testid="entity-count">1</span> published article' in html
        and "Vladimir Putin" in html
    )
    seeds["004_735fed19aafc4c9a.txt"].status = "hidden"
    seeds["004_735fed19aafc4c9a.txt"].save()
    assert (
        client.get("/outlets/urdupoint/").status_code == 404
    )  # only hidden articles: the page does not exist
    assert client.get("/outlets/nowhere/").status_code == 404


@pytest.mark.whoosh
def test_small_and_large_result_sets_count_alike(db, monkeypatch):
    """A small result set counts its own documents' values, a large one tests every pair of the index:
    both agree with the database, with and without copy groups."""
    from archive.models import Article, Mention
    from search import facets
    from search.docsets import query_docs
    from search.engine import index_sync, searcher_open
    from search.fields import ENTITY, OUTLET
    from search.query import query_parse
    from tests.factories import ArticleFactory, EntityFactory, MentionFactory, OutletFactory

    outlets = [OutletFactory() for _ in range(3)]
    people = [EntityFactory() for _ in range(5)]
    for number in range(90):
        article = ArticleFactory(
            outlet=outlets[number % 3], body=f"storm report {'harbour' if number % 4 == 0 else 'inland'}"
        )
        for person in people[: number % 5]:
            MentionFactory(article=article, entity=person)
        if number % 30 == 29:  # several segments
            index_sync(article_ids=Article.objects.values_list("pk", flat=True))
    harbour = set(Article.objects.filter(body__contains="harbour").values_list("pk", flat=True))
    expected_entities = {}
    for slug in Mention.objects.filter(article__in=harbour).values_list("entity__slug", flat=True):
        expected_entities[slug] = expected_entities.get(slug, 0) + 1
    expected_outlets = {}
    for slug in Article.objects.filter(pk__in=harbour).values_list("outlet__slug", flat=True):
        expected_outlets[slug] = expected_outlets.get(slug, 0) + 1
    with searcher_open() as searcher:
        columns = facets.facet_columns(searcher)
        matched = query_docs(searcher, query_parse("harbour"))
        assert len(matched) == len(harbour) == 23
        answers = []
        for share in (10**6, 1):  # counted as a large result set, then as a small one
            monkeypatch.setattr(facets, "SMALL_SHARE", share)
            answers.append((columns.counts(ENTITY, matched), columns.counts(OUTLET, matched)))
            assert columns.counts(ENTITY, matched, groups=True) == answers[-1][0]  # no copies: groups alike
        assert answers[0] == answers[1] == (expected_entities, expected_outlets)


@pytest.mark.whoosh
def test_columns_after_a_commit_extend_the_last_ones_and_equal_a_fresh_build(db):
    """After a commit appends a segment, the new searcher's columns are the last ones extended, not made
    again; they equal columns made from scratch, copy groups and deletions included."""
    import numpy as np

    from archive.models import Article, CopyGroup
    from search import facets
    from search.engine import index_sync, searcher_open
    from tests.factories import ArticleFactory, EntityFactory, MentionFactory, OutletFactory

    outlets, people, group = [OutletFactory() for _ in range(3)], [EntityFactory() for _ in range(4)], None
    for round_ in range(3):
        group = CopyGroup.objects.create()
        for number in range(20):
            article = ArticleFactory(
                outlet=outlets[(number + round_) % 3], copy_group=group if number % 4 else None
            )
            for person in people[: (number + round_) % 4]:
                MentionFactory(article=article, entity=person)
        index_sync(article_ids=Article.objects.values_list("pk", flat=True))
        index_sync(article_ids=[Article.objects.order_by("?").first().pk])  # a deletion and a re-add
        with searcher_open() as searcher:
            built = facets.facet_columns(searcher)
            parts = [
                (facets._SegmentColumns.read(sub), offset)
                for sub, offset in searcher.subsearchers or [(searcher, 0)]
            ]
        fresh = facets.FacetColumns(parts)
        for name in ("doc_day", "doc_id", "group_key", "doc_outlet"):
            assert np.array_equal(getattr(built, name), getattr(fresh, name)), name
        for field, pairs in fresh.pairs.items():
            ours = built.pairs[field]
            assert ours.values == pairs.values and np.array_equal(ours.starts, pairs.starts), field
            assert np.array_equal(ours.doc, pairs.doc) and np.array_equal(ours.code, pairs.code), field
    assert len(parts) > 1, "the index should hold several segments"
