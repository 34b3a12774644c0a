"""Every query form on the seeds, and the spelling variants."""

from __future__ import annotations

import pytest

from search.query import QuerySyntaxError, query_parse

SEED = {
    "000": "000_5d6324c78be22e1b.txt",
    "001": "001_24224d28d160fde4.txt",
    "002": "002_259fda1996e3dcc7.txt",
    "003": "003_11a5f76fff9e7341.txt",
    "004": "004_735fed19aafc4c9a.txt",
}


def found(client, q: str, **params) -> set[str]:
    response = client.get("/api/search", {"q": q, "page_size": "100", **params})
    assert response.status_code == 200, response.json()
    ids = {r["id"] for r in response.json()["results"]}
    return ids


def names(seeds, *keys: str) -> set[int]:
    return {seeds[SEED[key]].pk for key in keys}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("stabilizing", ("000", "002", "003", "004")),
        ("stabilising", ("000", "002", "003", "004")),
        ('"armed forces"', ("000", "001", "002", "003", "004")),
        ("Peskov", ("001",)),
        ("Peskov OR CCTV", ("001", "002")),
        ("Putin NOT Peskov", ("000", "002", "003", "004")),
        ("Putin -Peskov", ("000", "002", "003", "004")),
        ("NOT Peskov", ("000", "002", "003", "004")),  # no word every match holds: not an index's question
        ('NOT "armed forces"', ()),
        ("CCTV OR NOT Kremlin", ("002", "003")),
        ("outlet:snn NOT Peskov", ("002",)),
        ("(Peskov OR CCTV) Kremlin", ("001", "002")),
        ("Peskov CCTV", ()),
        ("title:cooperation", ("002", "003", "004")),  # 003's derived title has it too
        ("body:Samarkand", ("000",)),
        ("byline:Ali", ("004",)),
        ("outlet:snn", ("002",)),
        ("entity:dmitry-peskov", ("001",)),
        ("published:[2022-12-01 TO 2022-12-31]", ("000", "001", "004")),
        ("published:[2022-12-01 TO *]", ("000", "001", "004")),  # `*`: an open end, not a wildcard
        ("published:[* TO 2022-11-30]", ()),
        ("Samar*", ("000",)),
        ("Peskof~", ("001",)),
        ("Peskov?", ("001",)),  # a question mark ends a word; it is not a wildcard
    ],
)
def test_query_forms(seeds, client, q, expected):
    assert found(client, q) == names(seeds, *expected)


def test_spelling_variants_are_highlighted_in_both_forms(seeds, client):
    results = {
        r["id"]: r["snippet"] for r in client.get("/api/search", {"q": "stabilizing"}).json()["results"]
    }
    assert "<mark>stabilising</mark>" in results[seeds[SEED["002"]].pk]
    assert "<mark>stabilizing</mark>" in results[seeds[SEED["000"]].pk]


@pytest.mark.parametrize("word", ["four", "for", "hour", "our", "rise", "precise", "colour", "centre"])
def test_variant_list_maps_only_real_variants(word):
    from search.analysis import VARIANTS

    assert VARIANTS.get(word, word) == word
    assert VARIANTS["color"] == "colour" and VARIANTS["stabilizing"] == "stabilising"


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('"armed forces', "Unclosed quote at character 1"),
        ("(putin OR xi", "Unclosed '(' at character 1"),
        ("putin)", "Unexpected ')' at character 6"),
        ("putin OR", "'OR' at the end"),
        ("AND putin", "'AND' at the start"),
        ("title: putin", "'title:' at character 1 needs a value"),
    ],
)
def test_syntax_errors_point_at_the_problem(q, message):
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        query_parse(q)


def test_title_is_highlighted(seeds, client):
    result = client.get("/api/search", {"q": "cooperation", "outlet": "snn"}).json()["results"][0]
    assert result["title_html"] == "Putin tells Xi he wants to ramp up military <mark>cooperation</mark>"
