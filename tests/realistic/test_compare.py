"""The comparison over the realistic archive: for every query of the spread, under each filter, every number
equals that of the query's own search; the overlap equals the intersection of the separate exports; the
output and the share are counted again from the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter

import pytest

from archive.models import Article

SPREAD = [
    "the",
    "blair",
    "gordon brown",
    '"prime minister"',
    "yukos",
    "putin",
    "economy OR markets",
    "title:china",
    "music -film",
]
FILTERS = [
    {},
    {"outlet": "bbc"},
    {"from": "2005-01-01", "to": "2013-12-31"},
    {"interval": "month"},
    {"count": "groups"},
    {"entity": "united-states", "interval": "year"},
]


def get_json(client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.content[:300])
    return response.json()


def export_ids(client, **params) -> set[int]:
    lines = b"".join(client.get("/export.jsonl", params).streaming_content).decode().splitlines()
    assert not any('"_error"' in line for line in lines)
    return {json.loads(line)["id"] for line in lines[1:]}


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda filters: "&".join(f"{k}={v}" for k, v in filters.items()) or "none"
)
@pytest.mark.parametrize("queries", [SPREAD[:5], SPREAD[5:]], ids=["first-five", "last-four"])
def test_every_query_counts_as_its_own_search(client, queries, filters):
    answer = get_json(client, "/api/compare", q=queries, entity_limit="30", **filters)
    periods = [period["value"] for period in answer["periods"]]
    assert [item["q"] for item in answer["queries"]] == queries
    shared = {key: value for key, value in filters.items() if key not in ("count", "interval")}
    for item in answer["queries"]:
        own = {"q": item["q"], "entity_limit": "30", "interval": answer["interval"], **shared}
        articles = get_json(client, "/api/search", **own, count="articles")
        groups = get_json(client, "/api/search", **own, count="groups")
        assert (item["articles"], item["groups"]) == (articles["total"], groups["total"]), item["q"]
        counted = groups if filters.get("count") == "groups" else articles
        for name, mine in (("outlet", item["outlets"]), ("entity", item["entities"])):
            theirs = counted["facets"][name]
            assert [(v["value"], v["label"], v["count"]) for v in mine] == [
                (v["value"], v["label"], v["count"]) for v in theirs
            ]
        for search, series in ((articles, item["series"]["articles"]), (groups, item["series"]["groups"])):
            dates = {value["value"]: value["count"] for value in search["facets"]["date"]}
            undated = dates.pop("_undated", 0)
            assert set(dates) <= set(periods)
            assert dict(zip(periods, series)) == {period: dates.get(period, 0) for period in periods}, item[
                "q"
            ]
            assert sum(series) + undated == search["total"]


def test_overlap_equals_the_intersection_of_the_separate_results(client):
    queries = ["blair", "gordon brown", "economy OR markets", "putin", "yukos"]
    answer = get_json(client, "/api/compare", q=queries, outlet="bbc")
    results = [export_ids(client, q=q, outlet="bbc") for q in queries]
    assert answer["overlap"] == [[len(a & b) for b in results] for a in results]
    assert answer["overlap"][3][4] > 0  # putin and yukos share articles


def test_output_and_share_are_counted_again_from_the_database(client):
    answer = get_json(client, "/api/compare", q=["the", "putin"], interval="year")
    dated = Article.objects.published().filter(published__isnull=False)
    per_year = Counter(day.year for day in dated.values_list("published", flat=True))
    assert per_year  # the archive has dated articles
    for n, period in enumerate(answer["periods"]):
        year = dt.date.fromisoformat(period["value"]).year
        assert period["output"] == per_year.get(year, 0)
        for item in answer["queries"]:
            share = item["series"]["articles"][n] / period["output"] if period["output"] else 0.0
            assert item["series"]["share"][n] == pytest.approx(share)
    assert sum(period["output"] for period in answer["periods"]) == dated.count()


def test_the_page_and_the_csv_agree_with_the_api(client):
    params = {"q": SPREAD[:6], "label": ["Everything", "Blair"], "interval": "year"}
    answer = get_json(client, "/api/compare", **params)
    page = client.get("/compare", params)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="chart-bar"') == len(answer["periods"]) * 6
    for item in answer["queries"]:
        assert f'data-testid="compare-articles">{item["articles"]}<' in html
    rows = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/compare.csv", params).streaming_content).decode()))
    )
    assert {row["label"] for row in rows} == {item["label"] for item in answer["queries"]}
    for number, item in enumerate(answer["queries"], 1):
        assert (
            sum(int(row["articles"]) for row in rows if row["query_number"] == str(number))
            == item["articles"]
        )
