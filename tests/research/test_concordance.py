"""The concordance page, API and exports over a small archive whose matches are known."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from research import concordance

WORD = re.compile(r"[\w*]+(?:\.?[\w*]+)*")


def rows_of(client, path: str = "/concordance.jsonl", **params) -> tuple[dict, list[dict]]:
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    return lines[0]["_meta"], lines[1:]


def test_every_match_in_every_article_with_context_of_width_words(archive, client):
    meta, rows = rows_of(client, q="harbour")
    expected = sum(
        len(re.findall(r"\bharbours?\b", a.title + " " + a.body, re.IGNORECASE)) for a in archive.values()
    )
    assert len(rows) == expected == 8
    assert (meta["query"], meta["articles"], meta["width"], meta["sort"]) == ("harbour", 5, 8, "date")
    for row in rows:
        article = archive[row["title"]]
        text = article.title if row["field"] == "title" else article.body
        tokens = WORD.findall(text)
        left, right = WORD.findall(row["left"]), WORD.findall(row["right"])
        assert len(left) == min(8, row["position"]) and len(right) == min(
            8, len(tokens) - row["position"] - 1
        )
        assert tokens[row["position"] - len(left) : row["position"] + 1 + len(right)] == [
            *left,
            row["match"],
            *right,
        ]
        assert row["url"].endswith(f"/articles/{article.pk}/") and row["outlet"] == article.outlet.name


def test_date_order_is_oldest_first_undated_last_then_text_order(archive, client):
    _, rows = rows_of(client, q="harbour")
    keys = [
        (
            row["published"] is None,
            row["published"] or "",
            row["id"],
            row["field"] != "title",
            row["position"],
        )
        for row in rows
    ]
    assert keys == sorted(keys)
    assert rows[-1]["published"] is None


@pytest.mark.parametrize("sort", ["left", "right"])
def test_left_and_right_sorts_order_by_the_neighbouring_words(archive, client, monkeypatch, sort):
    _, in_memory = rows_of(client, q="the", sort=sort, width="3")
    monkeypatch.setattr(concordance, "RUN_ROWS", 4)  # sorted runs spilled to disk and merged
    _, merged = rows_of(client, q="the", sort=sort, width="3")
    assert merged == in_memory and len(merged) > 12

    def key(row: dict) -> list[str]:
        words = [word.lower() for word in WORD.findall(row[sort])]
        return list(reversed(words)) if sort == "left" else words

    keys = [key(row) for row in merged]
    assert keys == sorted(keys)


def test_a_phrase_is_matched_whole(archive, client):
    _, rows = rows_of(client, q='"prime minister"', width="2")
    assert sorted(" ".join(row["match"].lower().split()) for row in rows) == ["prime minister"] * 4 + [
        "prime ministers"
    ]
    assert {row["title"] for row in rows} == {
        "Prime minister visits the harbour",
        "Harbour fees",
        "Council budget",
        "Undated note",
    }


def test_words_under_not_never_appear_as_matches(archive, client):
    _, rows = rows_of(client, q="harbour NOT ferry")
    assert {row["match"].lower() for row in rows} == {"harbour"} and {row["title"] for row in rows} == {
        "Council budget"
    }


def test_filters_narrow_the_articles(archive, client):
    _, rows = rows_of(client, q="harbour", outlet="coast-herald")
    assert {row["outlet"] for row in rows} == {"Coast Herald"} and rows


def test_pages_and_api_agree_with_the_export(archive, client):
    _, everything = rows_of(client, q="the", sort="right")
    pages = []
    first = client.get("/api/concordance", {"q": "the", "sort": "right", "page_size": "7"}).json()
    assert first["total"] == len(everything) and first["pages"] == -(-len(everything) // 7)
    for page in range(1, first["pages"] + 1):
        pages += client.get(
            "/api/concordance", {"q": "the", "sort": "right", "page_size": "7", "page": str(page)}
        ).json()["results"]
    assert pages == everything
    html = client.get(
        "/concordance", {"q": "the", "sort": "right", "page_size": "7", "page": "2"}
    ).content.decode()
    assert (
        html.count('data-testid="concordance-row"') == 7
        and f'<span data-testid="total">{len(everything)}</span>' in html
    )


def test_the_csv_export_has_a_header_row_and_the_totals_in_headers(archive, client):
    response = client.get("/concordance.csv", {"q": "ferry", "width": "2"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (
        table[0] == concordance.FIELDS and len(table) - 1 == 5
    )  # two in "Ferry strike" (headline and body), three elsewhere
    assert (response["X-Archive-Query"], response["X-Archive-Articles"], response["X-Archive-Width"]) == (
        "ferry",
        "4",
        "2",
    )


@pytest.mark.parametrize(
    "params, named",
    [
        ({"q": "harbour", "width": "51"}, "width"),
        ({"q": "harbour", "width": "wide"}, "width"),
        ({"q": "harbour", "width": "0"}, "width"),
        ({"q": "harbour", "sort": "newest"}, "sort"),
        ({"q": ""}, "q"),
        ({"q": "outlet:coast-herald"}, "q"),
        ({"q": "(harbour"}, "("),
    ],
)
def test_bad_parameters_are_a_400_naming_them(archive, client, params, named):
    for path in ("/api/concordance", "/concordance.csv", "/concordance.jsonl"):
        response = client.get(path, params)
        assert response.status_code == 400 and named in response.json()["error"], (path, params)
    page = client.get("/concordance", params)
    assert page.status_code == 400 and 'data-testid="error"' in page.content.decode()


def test_width_50_is_taken(archive, client):
    _, rows = rows_of(client, q="weather", width="50")
    assert rows == [] or all(len(WORD.findall(row["left"])) <= 50 for row in rows)
    assert client.get("/api/concordance", {"q": "rain", "width": "50"}).json()["total"] == 1
