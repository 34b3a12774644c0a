"""Every count exact in every combination: generated searches (query, filters, collapse, count, sort)
checked against an independent computation from the database and separate queries."""

from __future__ import annotations

import json

from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import Article, Entity, Outlet

WORDS = [
    "",
    "the",
    "blair",
    "putin",
    "economy",
    "music",
    "brown",
    '"prime minister"',
    "games -film",
    "oil OR gas",
    "byline:*",
    "-games",
]


def _choices():
    outlets = list(
        Outlet.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True)[:4]
    )
    entities = list(
        Entity.objects.annotate(n=Count("mentions")).order_by("-n").values_list("slug", flat=True)[:6]
    )
    return outlets, entities


def _ids(client, **params) -> list[int]:
    lines = b"".join(client.get("/export.jsonl", params).streaming_content).decode().splitlines()
    assert not any('"_error"' in line for line in lines)
    return [json.loads(line)["id"] for line in lines[1:]]


def _expected(q_ids: set[int], params: dict) -> set[int]:
    """The articles matching the query alone, narrowed by each filter as the database reads it."""
    articles = Article.objects.published().filter(pk__in=q_ids)
    if params.get("outlet"):
        articles = articles.filter(outlet__slug__in=[params["outlet"]])
    for slug in params.get("entity", []):
        articles = articles.filter(mentions__entity__slug=slug)
    if params.get("entity_type"):
        articles = articles.filter(mentions__entity__type=params["entity_type"])
    if params.get("from"):
        articles = articles.filter(published__gte=params["from"])
    if params.get("to"):
        articles = articles.filter(published__lte=params["to"])
    return set(articles.values_list("pk", flat=True))


def _groups(ids: set[int]) -> int:
    grouped = dict(Article.objects.filter(pk__in=ids).values_list("pk", "copy_group_id"))
    return len({grouped[pk] or f"alone-{pk}" for pk in ids})


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(data=st.data())
def test_generated_searches_agree_with_the_database(client, data):
    outlets, entities = _choices()
    q = data.draw(st.sampled_from(WORDS))
    params: dict = {"q": q} if q else {}
    if data.draw(st.booleans()):
        params["outlet"] = data.draw(st.sampled_from(outlets))
    if data.draw(st.booleans()):
        params["entity"] = data.draw(st.lists(st.sampled_from(entities), min_size=1, max_size=2, unique=True))
    if data.draw(st.booleans()):
        params["entity_type"] = data.draw(st.sampled_from(["person", "organization", "place"]))
    if data.draw(st.booleans()):
        params["from"], params["to"] = "2022-12-01", "2022-12-31"
    collapse = data.draw(st.booleans())
    if collapse:
        params["collapse"] = "1"
    count = data.draw(st.sampled_from(["", "articles", "groups"]))
    if count:
        params["count"] = count
    params["sort"] = data.draw(st.sampled_from(["relevance", "newest", "oldest"]))

    matched = _expected(
        set(_ids(client, q=q) if q else Article.objects.published().values_list("pk", flat=True)), params
    )
    listed = _ids(client, **params)
    answer = client.get("/api/search", {**params, "page_size": "100", "entity_limit": "1000"}).json()
    groups = _groups(matched)
    counts_groups = count == "groups" or (collapse and count != "articles")
    assert answer["total"] == (groups if counts_groups else len(matched)), params
    assert len(listed) == len(set(listed)) == (groups if collapse else len(matched)), params
    assert set(listed) <= matched
    if collapse:  # one per copy group, never two copies of one text
        assert _groups(set(listed)) == len(listed)
    # A group counts once in the histogram (at its earliest matching copy) but in every outlet it has a copy
    # in.
    assert sum(value["count"] for value in answer["facets"]["date"]) == answer["total"], params
    by_outlet = sum(value["count"] for value in answer["facets"]["outlet"])
    assert by_outlet >= answer["total"] if counts_groups else by_outlet == answer["total"], params
    if "outlet" not in params:  # a facet value counts what its toggle then finds
        for value in answer["facets"]["outlet"][:2]:
            toggled = client.get("/api/search", {**params, "outlet": value["value"]}).json()
            assert toggled["total"] == value["count"], (value["value"], params)
    paged = []
    for page in range(1, min(answer["pages"], 4) + 1):
        paged += [
            r["id"]
            for r in client.get("/api/search", {**params, "page_size": "100", "page": str(page)}).json()[
                "results"
            ]
        ]
    assert paged == listed[: len(paged)], params  # the pages are the export's order
    meta = json.loads(
        b"".join(client.get("/export.jsonl", params).streaming_content).decode().splitlines()[0]
    )["_meta"]
    assert (meta["total"], meta["rows"], meta["groups"], meta["collapse"]) == (
        answer["total"],
        len(listed),
        groups,
        collapse,
    )
