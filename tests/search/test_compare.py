"""The comparison (/compare, /api/compare, /compare.csv): its numbers are those of the separate searches,
its shares are counted again here from the database, and every bad parameter is a 400 naming it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil

import pytest

from archive.models import Article, CopyGroup
from tests.conftest import DATA
from tests.factories import ArticleFactory, OutletFactory

QUERIES = ["harbour", "council", "budget OR harbour"]


def compare(client, **params) -> dict:
    response = client.get("/api/compare", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def search(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def export_ids(client, **params) -> set[int]:
    lines = b"".join(client.get("/export.jsonl", params).streaming_content).decode().splitlines()
    return {json.loads(line)["id"] for line in lines[1:]}


@pytest.fixture
def coverage(committed_db) -> dict:
    """Two outlets over five months of 2022, some undated articles, and one copy group of three."""
    coast, inland = OutletFactory(name="Coast Herald"), OutletFactory(name="Inland Times")
    bodies = [
        "The harbour council met.",
        "The council passed the budget.",
        "The harbour flooded again.",
        "Nothing of note happened.",
    ]
    articles = []
    for n in range(40):
        published = dt.date(2022, 1, 3) + dt.timedelta(days=4 * n) if n % 7 else None
        articles.append(
            ArticleFactory(outlet=coast if n % 3 else inland, body=bodies[n % 4], published=published)
        )
    group = CopyGroup.objects.create(earliest=articles[1])
    for article in articles[1:10:4]:  # three budget articles, one text
        article.copy_group = group
        article.save()
    return {"coast": coast, "inland": inland}


def test_every_number_equals_the_separate_searches(coverage, client):
    for filters in (
        {},
        {"outlet": "coast-herald"},
        {"from": "2022-02-01", "to": "2022-04-30"},
        {"interval": "month"},
        {"count": "groups"},
    ):
        answer = compare(client, q=QUERIES, entity_limit="50", **filters)
        interval = answer["interval"]
        assert [query["q"] for query in answer["queries"]] == QUERIES
        assert (
            any(item["groups"] < item["articles"] for item in answer["queries"])
            or "outlet" in filters
            or "from" in filters
        )
        for item in answer["queries"]:
            shared = {
                "q": item["q"],
                "entity_limit": "50",
                "interval": interval,
                **{k: v for k, v in filters.items() if k not in ("interval", "count")},
            }
            articles, groups = (
                search(client, **shared, count="articles"),
                search(client, **shared, count="groups"),
            )
            assert (item["articles"], item["groups"]) == (articles["total"], groups["total"])
            alone = groups if filters.get("count") == "groups" else articles
            assert [(v["value"], v["label"], v["count"]) for v in item["outlets"]] == [
                (v["value"], v["label"], v["count"]) for v in alone["facets"]["outlet"]
            ]
            assert [(v["value"], v["count"]) for v in item["entities"]] == [
                (v["value"], v["count"]) for v in alone["facets"]["entity"]
            ]
            for source, series in (
                (articles, item["series"]["articles"]),
                (groups, item["series"]["groups"]),
            ):
                by_period = {value["value"]: value["count"] for value in source["facets"]["date"]}
                undated = by_period.pop("_undated", 0)
                assert dict(zip([p["value"] for p in answer["periods"]], series)) == {
                    p["value"]: by_period.get(p["value"], 0) for p in answer["periods"]
                }
                assert sum(series) + undated == source["total"]
            assert item["undated"] == articles["total"] - sum(item["series"]["articles"])


def test_the_share_is_of_all_articles_the_filters_keep_in_the_period(coverage, client):
    answer = compare(client, q=["harbour", "budget"], outlet="coast-herald", interval="month")
    assert answer["interval"] == "month" and answer["share_of"].startswith("share of all articles")
    dated = Article.objects.published().filter(outlet=coverage["coast"], published__isnull=False)
    for n, period in enumerate(answer["periods"]):
        start = dt.date.fromisoformat(period["value"])
        in_month = dated.filter(published__year=start.year, published__month=start.month)
        assert period["output"] == in_month.count()
        for item in answer["queries"]:
            matching = in_month.filter(body__icontains=item["q"]).count()
            assert item["series"]["articles"][n] == matching
            assert item["series"]["share"][n] == pytest.approx(
                matching / period["output"] if period["output"] else 0.0
            )


def test_outlet_share_is_the_search_pages_share(coverage, client):
    from search.compare import compare_params, comparison_run
    from search.searching import params_from_query, search_run

    comparison = comparison_run(compare_params({"q": ["harbour", "council"], "interval": "month"}))
    for item in comparison.queries:
        alone = search_run(params_from_query({"q": item.search.q, "interval": "month"}), with_share=True)
        dated = [value.value for value in alone.facets["date"] if value.value != "_undated"]
        mine = dict(zip([start.isoformat() for start in comparison.periods], item.outlet_shares))
        assert [mine[value] for value in dated] == pytest.approx(alone.shares)


def test_overlap_is_the_intersection_of_the_separate_results(coverage, client):
    answer = compare(client, q=QUERIES)
    results = [export_ids(client, q=q) for q in QUERIES]
    assert answer["overlap"] == [[len(a & b) for b in results] for a in results]
    assert answer["overlap"][0][1] == search(client, q="harbour council")["total"] > 0


def test_the_interval_follows_the_span_unless_given(coverage, client):
    assert compare(client, q="harbour")["interval"] == "week"  # 152 days
    assert compare(client, q="harbour", **{"from": "2022-01-01", "to": "2022-01-31"})["interval"] == "day"
    months = compare(client, q="harbour", interval="month")
    assert [p["value"] for p in months["periods"]] == [
        f"2022-0{month}-01" for month in range(1, 7)
    ]  # 3 Jan to 4 Jun
    assert search(client, q="harbour", interval="month")["facets_date_bucket"] == "month"


def test_labels_pair_with_queries_in_order(coverage, client):
    answer = compare(
        client,
        q=["harbour", "", "council", "budget"],
        label=["Port", "ignored with its blank query", "", "Money"],
    )
    assert [(item["q"], item["label"]) for item in answer["queries"]] == [
        ("harbour", "Port"),
        ("council", "council"),
        ("budget", "Money"),
    ]
    page = client.get("/compare", {"q": ["harbour", "budget"], "label": ["Port"]}).content.decode()
    assert 'value="Port"' in page and "/api/compare?q=harbour&amp;label=Port&amp;q=budget" in page


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"q": [f"word{n}" for n in range(7)]}, "'q'"),
        ({"q": "harbour", "interval": "fortnight"}, "'interval'"),
        ({"q": "harbour", "from": "2022-02-30"}, "'from'"),
        ({"q": "harbour", "entity_type": "planet"}, "'entity_type'"),
        ({"q": "harbour", "entity_limit": "0"}, "'entity_limit'"),
        ({"q": "harbour", "label": ["a", "b"]}, "'label'"),
        ({"q": ["harbour", '"unclosed']}, "Query 2"),
        ({}, "'q' is missing"),
    ],
)
def test_bad_requests_are_400s_naming_the_problem(coverage, client, params, named):
    for url in ("/api/compare", "/compare.csv"):
        response = client.get(url, params)
        assert response.status_code == 400 and named in response.json()["error"]
    if params:
        page = client.get("/compare", params)
        assert page.status_code == 400
        assert named in re.sub(r"&#x27;", "'", page.content.decode())


def test_too_many_periods_for_the_span_is_a_400(coverage, client):
    ArticleFactory(body="The harbour was opened.", published=dt.date(1950, 6, 1))
    response = client.get("/api/compare", {"q": "harbour", "interval": "day"})
    assert response.status_code == 400 and "'interval' day makes 26," in response.json()["error"]
    assert client.get("/api/search", {"q": "harbour", "interval": "day"}).status_code == 400
    assert compare(client, q="harbour", interval="year")["interval"] == "year"


def test_the_page_draws_one_chart_with_a_series_per_query_and_a_table(coverage, client):
    answer = compare(client, q=QUERIES, interval="month")
    page = client.get("/compare", {"q": QUERIES, "interval": "month"})
    assert page.status_code == 200
    html = page.content.decode()
    bars = re.findall(
        r'data-testid="chart-bar" data-count="(\d+)" data-value="([\d-]+)" data-series="(\d)"', html
    )
    assert len(bars) == len(answer["periods"]) * len(QUERIES)
    for series, item in enumerate(answer["queries"]):
        assert [int(count) for count, _, s in bars if int(s) == series] == item["series"]["articles"]
    assert html.count('data-testid="timeline"') == 1 and 'data-testid="chart-legend"' in html
    table = html[html.index('id="compare-table"') : html.index("</table>", html.index('id="compare-table"'))]
    assert table.count("<tr>") == len(answer["periods"]) + 2  # two header rows
    for item in answer["queries"]:
        assert f'href="/?q={item["q"].replace(" ", "+")}' in html  # each query links to its own search


def test_share_mode_and_the_csv_hold_the_same_numbers(coverage, client):
    answer = compare(client, q=QUERIES, interval="month")
    page = client.get("/compare", {"q": QUERIES, "interval": "month", "chart": "share"}).content.decode()
    assert "share of all articles the filters keep" in page
    response = client.get("/compare.csv", {"q": QUERIES, "interval": "month"})
    assert response["Content-Type"].startswith("text/csv") and response["X-Archive-Interval"] == "month"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    for number, item in enumerate(answer["queries"], 1):
        own = [row for row in rows if row["query_number"] == str(number)]
        dated = [row for row in own if row["period"] != "_undated"]
        assert [int(row["articles"]) for row in dated] == item["series"]["articles"]
        assert [float(row["share"]) for row in dated] == pytest.approx(item["series"]["share"], abs=1e-6)
        assert sum(int(row["articles"]) for row in own) == item["articles"]
        assert sum(int(row["groups"]) for row in own) == item["groups"]


def test_the_page_without_queries_is_a_form(committed_db, client):
    page = client.get("/compare")
    assert page.status_code == 200
    assert (
        page.content.decode().count('name="q"') == 3
        and 'data-testid="compare-empty"' in page.content.decode()
    )


def test_a_search_links_to_its_comparison_and_the_filters_apply_to_all(coverage, client):
    html = client.get("/", {"q": "harbour", "outlet": "coast-herald", "sort": "newest"}).content.decode()
    assert 'href="/compare?q=harbour&amp;outlet=coast-herald" data-testid="compare-link"' in html
    answer = compare(client, q=["harbour", "council"], outlet="coast-herald")
    assert answer["filters"]["outlet"] == ["coast-herald"]
    assert all(value["value"] == "coast-herald" for item in answer["queries"] for value in item["outlets"])
    chip = client.get("/compare", {"q": ["harbour", "council"], "outlet": "coast-herald"}).content.decode()
    assert 'href="/compare?q=harbour&amp;q=council" data-testid="chip"' in chip


def test_the_wire_filter_applies_to_every_query(import_paths, settings, tmp_path, client):
    settings.ARCHIVE_SPACY_MODEL = ""
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in (DATA / "wire_pages").glob("*.txt"):
        shutil.copy(page, folder / page.name)
    assert not import_paths(folder).rejected
    queries = ["the", "said"]
    answer = compare(client, q=queries, wire="afp")
    assert answer["filters"]["wire"] == ["afp"]
    for item in answer["queries"]:
        alone = search(client, q=item["q"], wire="afp")
        assert item["articles"] == alone["total"] < search(client, q=item["q"])["total"]


@pytest.mark.whoosh
def test_a_cold_start_does_not_count_against_the_time_budget(coverage, client, settings, monkeypatch):
    """The first searcher of a process builds its facet columns (seconds on a large index): not the query's
    time, so the first comparison or search after a start does not time out."""
    import time

    from search import facets
    from search.engine import searcher_forget

    read = facets._SegmentColumns.read

    def slow_read(searcher):
        time.sleep(0.6)
        return read(searcher)

    settings.ARCHIVE_QUERY_SECONDS = 0.5
    for url, params in (("/api/compare", {"q": QUERIES}), ("/api/search", {"q": "harbour"})):
        searcher_forget()
        monkeypatch.setattr(facets, "_segment_columns", {})
        monkeypatch.setattr(facets._SegmentColumns, "read", staticmethod(slow_read))
        assert client.get(url, params).status_code == 200, url


def test_wildcards_and_fuzzy_terms_count_as_in_their_own_search(coverage, client, monkeypatch):
    queries = ["harb*", "counc?l", "budgit~1"]
    answer = compare(client, q=queries)
    for item in answer["queries"]:
        assert item["articles"] == search(client, q=item["q"])["total"] > 0, item["q"]
    monkeypatch.setattr("search.docsets.MAX_EXPANSION", 0)
    response = client.get("/api/compare", {"q": ["harbour", "harb*"]})
    assert response.status_code == 400 and response.json()["error"].startswith("Query 2: 'body:harb*")
