"""Every word is searchable, phrases match in order, and undated articles are counted: checked against a
scan of the stored titles and bodies with the same analyzer (not against the index)."""

from __future__ import annotations

import json
import re

import pytest

from archive.models import Article
from search.analysis import ANALYZER

WORDS = ["US", "it", "may", "will", "the", "who"]
PHRASES = [
    '"the who"',
    '"to be or not to be"',
    '"will of the people"',
    '"interest rates"',
    '"the prime minister"',
]


@pytest.fixture(scope="module")
def analysed(realistic, django_db_blocker) -> dict[int, tuple[list[str], list[str]]]:
    """Each published article's title and body as the analyzer reads them, scanned once."""
    with django_db_blocker.unblock():
        rows = list(Article.objects.published().values_list("pk", "title", "body"))
    return {
        pk: ([t.text for t in ANALYZER(title)], [t.text for t in ANALYZER(body)]) for pk, title, body in rows
    }


def api(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def every_id(client, **params) -> set[int]:
    rows = b"".join(client.get("/export.jsonl", params).streaming_content).decode().splitlines()
    return {json.loads(line)["id"] for line in rows[1:]}


def has_run(tokens: list[str], run: list[str]) -> bool:
    width = len(run)
    return any(tokens[i : i + width] == run for i in range(len(tokens) - width + 1))


@pytest.mark.parametrize("word", WORDS)
def test_each_common_word_finds_exactly_the_articles_that_contain_it(client, analysed, word):
    form = [t.text for t in ANALYZER(word)][0]
    expected = {pk for pk, (title, body) in analysed.items() if form in title or form in body}
    assert expected, word
    assert api(client, q=word)["total"] == len(expected)
    assert every_id(client, q=word) == expected


@pytest.mark.parametrize("phrase", PHRASES)
def test_a_phrase_matches_its_words_in_order_in_one_field(client, analysed, phrase):
    run = [t.text for t in ANALYZER(phrase.strip('"'))]
    expected = {pk for pk, (title, body) in analysed.items() if has_run(title, run) or has_run(body, run)}
    assert every_id(client, q=phrase) == expected
    answer = api(client, q=phrase)
    assert answer["total"] == len(expected)
    for result in answer["results"]:  # what is marked is the phrase, never a lone word of it
        marked = re.findall(r"<mark>(.*?)</mark>", result["snippet"] + result["title_html"])
        assert all(len(m.split()) == len(run) for m in marked), (phrase, marked)


def test_all_words_are_required(client, analysed):
    forms = [[t.text for t in ANALYZER(w)][0] for w in ("a", "the", "bank")]
    expected = {pk for pk, (title, body) in analysed.items() if all(f in title or f in body for f in forms)}
    assert every_id(client, q="a the bank") == expected


def test_date_counts_with_undated_sum_to_the_total(client):
    for q in ["", "blair", "putin", '"prime minister"', "economy OR markets"]:
        for extra in ({}, {"collapse": "1"}, {"count": "articles", "collapse": "1"}):
            answer = api(client, q=q, **extra)
            dates = answer["facets"]["date"]
            assert sum(value["count"] for value in dates) == answer["total"], (q, extra)
            undated = [value for value in dates if value["value"] == "_undated"]
            assert not undated or dates[-1]["value"] == "_undated"


def test_a_date_filter_says_what_it_left_out_and_undated_include_joins_them(client):
    everything = api(client, q="gordon brown")
    dated = api(client, q="gordon brown", **{"from": "2004-01-01", "to": "2005-12-31"})
    assert (
        dated["total"] == 0 and dated["undated_excluded"] == everything["total"] > 0
    )  # the BBC articles are undated
    joined = api(client, q="gordon brown", undated="include", **{"from": "2004-01-01", "to": "2005-12-31"})
    assert joined["total"] == everything["total"]
    only = api(client, q="putin", undated="only")
    undated = Article.objects.published().filter(published=None).values_list("title", "body")
    assert (
        only["total"]
        == sum(bool(re.search(r"\bputin\b", f"{title} {body}", re.I)) for title, body in undated)
        > 0
    )
    page = client.get("/", {"q": "gordon brown", "from": "2004-01-01", "to": "2005-12-31"}).content.decode()
    assert 'data-testid="include-undated"' in page and "Dates:" in page  # the filter that emptied it is named
    assert (
        client.get("/api/search", {"undated": "sometimes"})
        .json()["error"]
        .startswith("'undated' must be one of")
    )


def test_entity_and_outlet_pages_count_what_their_charts_and_undated_notes_show(client):
    from archive.models import Entity, Outlet

    outlet = Outlet.objects.get(slug="bbc")
    page = client.get("/outlets/bbc/").content.decode()
    count = int(re.search(r'data-testid="entity-count">(\d+)<', page).group(1))
    bars = sum(int(n) for n in re.findall(r'data-testid="chart-bar" data-count="(\d+)"', page))
    undated = re.search(r'data-testid="undated-note">(\d+) undated', page)
    assert (
        count
        == Article.objects.published().filter(outlet=outlet).count()
        == bars + (int(undated.group(1)) if undated else 0)
    )
    entity = Entity.objects.get(slug="vladimir-putin")
    page = client.get(f"/entities/{entity.slug}/").content.decode()
    count = int(re.search(r'data-testid="entity-count">(\d+)<', page).group(1))
    bars = sum(int(n) for n in re.findall(r'data-testid="chart-bar" data-count="(\d+)"', page))
    undated = re.search(r'data-testid="undated-note">(\d+) undated', page)
    assert (
        count
        == Article.objects.published().filter(mentions__entity=entity).count()
        == bars + (int(undated.group(1)) if undated else 0)
    )
    assert (
        'entities/vladimir-putin/"' not in page.split("Appears most with")[1]
    )  # not co-occurring with itself


def test_the_heading_shows_the_query_as_typed(client):
    page = client.get("/", {"q": '"interest rates"'}).content.decode()
    assert '<span class="typed-query" data-testid="typed-query">&quot;interest rates&quot;</span>' in page
