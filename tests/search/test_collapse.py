"""Search with syndicated copies collapsed, and totals and facets counted as articles or as groups."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS_TRUTH

AFP, REPRINT = SEEDS_TRUTH["near_duplicates"][0]  # 002 (undated) and 004 (30 December 2022)


def api(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_every_result_carries_its_copies(seeds, client):
    data = api(client, q='"armed forces"')
    assert (data["total"], data["count"]) == (5, "articles")
    by_id = {result["id"]: result for result in data["results"]}
    afp, reprint = seeds[AFP], seeds[REPRINT]
    assert by_id[afp.pk]["copies_count"] == 1
    assert by_id[afp.pk]["copies"] == [
        {
            "id": reprint.pk,
            "url": f"http://testserver/articles/{reprint.pk}/",
            "outlet": reprint.outlet.name,
            "published": "2022-12-30",
        }
    ]
    others = [result for pk, result in by_id.items() if pk not in (afp.pk, reprint.pk)]
    assert all(result["copies"] == [] and result["copies_count"] == 0 for result in others)


def test_collapse_shows_the_earliest_copy_once_and_counts_groups(seeds, client):
    data = api(client, q='"armed forces"', collapse="1")
    assert (data["total"], data["count"]) == (4, "groups")
    ids = [result["id"] for result in data["results"]]
    assert (
        len(ids) == 4 and seeds[REPRINT].pk in ids and seeds[AFP].pk not in ids
    )  # the dated copy is the earliest
    shown = next(result for result in data["results"] if result["id"] == seeds[REPRINT].pk)
    assert shown["copies_count"] == 1 and shown["copies"][0]["id"] == seeds[AFP].pk


def test_count_overrides_what_collapse_implies(seeds, client):
    collapsed_articles = api(client, q='"armed forces"', collapse="1", count="articles")
    assert (collapsed_articles["total"], collapsed_articles["count"], len(collapsed_articles["results"])) == (
        5,
        "articles",
        4,
    )
    grouped = api(client, q='"armed forces"', count="groups")
    assert (grouped["total"], grouped["count"], len(grouped["results"])) == (4, "groups", 5)


def test_facets_count_groups_consistently(seeds, client):
    articles = api(client)
    groups = api(client, count="groups")
    entity = lambda data, label: next(v["count"] for v in data["facets"]["entity"] if v["label"] == label)  # noqa: E731
    assert entity(articles, "Vladimir Putin") == 5 and entity(groups, "Vladimir Putin") == 4
    dates = {v["value"]: v["count"] for v in groups["facets"]["date"]}
    assert dates == {"2022-12-30": 3, "_undated": 1}  # 000, 001 and the group's earliest copy, 004; then 003
    assert sum(dates.values()) == groups["total"]
    outlets = {v["value"]: v["count"] for v in groups["facets"]["outlet"]}
    # the group (002 at SNN, 004 at UrduPoint) counts once under each outlet that carried it
    assert outlets == {"_none": 2, "news-beast": 1, "snn": 1, "urdupoint": 1}
    assert groups["total"] == 4


def test_bad_count_is_a_clear_400(seeds, client):
    response = client.get("/api/search", {"count": "stories"})
    assert response.status_code == 400
    assert "'count' must be one of articles, groups" in response.json()["error"]


def test_page_says_what_it_counts_and_lists_copies(seeds, client):
    page = client.get("/", {"q": '"armed forces"', "collapse": "1"}).content.decode()
    assert 'data-testid="total">4<' in page
    assert "near-copies counted once" in page
    assert "Also in 1 outlet" in page
    articles_page = client.get("/", {"q": '"armed forces"'}).content.decode()
    assert 'data-testid="total">5<' in articles_page and "near-copies counted once" not in articles_page
    assert "1 near-copy" in articles_page


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exports_carry_near_duplicates_story_and_quotes(seeds, client, fmt):
    body = b"".join(client.get(f"/export.{fmt}", {"q": '"armed forces"'}).streaming_content).decode()
    if fmt == "jsonl":
        import json

        rows = {row["source"]: row for row in map(json.loads, body.splitlines()[1:])}
        assert rows[AFP]["near_duplicates"] == [REPRINT] and rows[REPRINT]["near_duplicates"] == [AFP]
        assert len({row["story"] for row in rows.values()}) == 1 and rows[AFP]["story"] is not None
        putin = [q for q in rows[AFP]["quotes"] if q["text"].startswith("We aim to strengthen")]
        assert putin and putin[0]["speaker"] == "Vladimir Putin"
        same = [
            q["group"]
            for row in rows.values()
            for q in row["quotes"]
            if q["text"].startswith("We aim to strengthen")
        ]
        assert len(same) == 4 and len(set(same)) == 1
    else:
        header = body.splitlines()[0].split(",")
        assert {"near_duplicates", "story", "quotes"} <= set(header)
        assert REPRINT in body


def test_collapsed_pages_hold_groups_whatever_the_total_counts(seeds, client):
    data = api(client, q='"armed forces"', collapse="1", count="articles", page_size="2")
    assert (data["total"], data["pages"]) == (5, 2)  # 5 articles, but 4 results to page through
    assert (
        len(
            api(client, q='"armed forces"', collapse="1", count="articles", page_size="2", page="2")[
                "results"
            ]
        )
        == 2
    )
