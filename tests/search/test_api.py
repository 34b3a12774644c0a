from __future__ import annotations

import pytest


def api(client, **params):
    response = client.get("/api/search", params)
    return response.status_code, response.json()


def test_phrase_finds_all_five(seeds, client):
    status, data = api(client, q='"armed forces"')
    assert status == 200
    assert data["total"] == 5


def test_rare_name_finds_one(seeds, client):
    _, data = api(client, q="Peskov")
    assert data["total"] == 1
    assert data["results"][0]["id"] == seeds["001_24224d28d160fde4.txt"].pk


@pytest.mark.parametrize("word", ["Marcos", "Pele", "Belcher", "paypal"])
def test_furniture_words_find_nothing(seeds, client, word):
    assert api(client, q=word)[1]["total"] == 0


def test_api_shape(seeds, client):
    _, data = api(client, q="putin")
    assert set(data) >= {"total", "page", "pages", "results", "facets"}
    assert (data["total"], data["page"], data["pages"]) == (5, 1, 1)
    result = data["results"][0]
    assert set(result) >= {"id", "url", "title", "outlet", "outlet_slug", "published", "snippet"}
    assert result["url"].endswith(f"/articles/{result['id']}/")
    assert set(data["facets"]) >= {"outlet", "entity"}
    assert set(data["facets"]["outlet"][0]) >= {"value", "label", "count"}
    assert set(data["facets"]["entity"][0]) >= {"value", "label", "type", "count"}


def test_outlet_facet_counts_sum_to_total_with_no_outlet_bucket(seeds, client):
    _, data = api(client, q="putin")
    outlets = {item["value"]: (item["label"], item["count"]) for item in data["facets"]["outlet"]}
    assert outlets == {
        "_none": ("No outlet", 2),
        "snn": ("SNN", 1),
        "urdupoint": ("UrduPoint", 1),
        "news-beast": ("News Beast", 1),
    }
    assert sum(count for _, count in outlets.values()) == data["total"]


def test_entity_facet_counts_canonical_people(seeds, client):
    _, data = api(client)
    entities = {item["label"]: item for item in data["facets"]["entity"]}
    assert entities["Vladimir Putin"]["count"] == 5
    assert entities["Xi Jinping"]["count"] == 5
    assert entities["Vladimir Putin"]["type"] == "person"
    assert not {"Putin", "Xi", "Chinese", "Western"} & set(entities)
    assert len(data["facets"]["entity"]) <= 20


def test_outlet_filters_are_any_of(seeds, client):
    assert api(client, outlet="snn")[1]["total"] == 1
    assert api(client, outlet=["snn", "urdupoint"])[1]["total"] == 2
    assert api(client, outlet="_none")[1]["total"] == 2


def test_entity_filters_are_all_of(seeds, client):
    assert api(client, entity="dmitry-peskov")[1]["total"] == 1
    assert api(client, entity=["vladimir-putin", "xi-jinping"])[1]["total"] == 5
    assert api(client, entity=["dmitry-peskov", "cctv"])[1]["total"] == 0


def test_date_filters_are_inclusive(seeds, client):
    assert api(client, **{"from": "2022-12-30", "to": "2022-12-30"})[1]["total"] == 3
    assert api(client, **{"from": "2022-12-31"})[1]["total"] == 0


def test_filter_does_not_change_the_meaning_of_or(seeds, client):
    _, data = api(client, q="Peskov OR CCTV", outlet="snn")
    assert data["total"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"armed forces'},
        {"q": "(putin OR xi"},
        {"q": "putin OR"},
        {"q": "title:"},
        {"from": "30/12/2022"},
        {"sort": "random"},
        {"page": "x"},
        {"page_size": "1000"},
    ],
)
def test_bad_input_is_a_400_with_a_message(seeds, client, params):
    status, data = api(client, **params)
    assert status == 400
    assert data["error"]


def test_sorting_newest_puts_undated_last_and_is_stable(seeds, client):
    first = api(client, sort="newest", page_size="2")[1]
    second = api(client, sort="newest", page_size="2", page="2")[1]
    third = api(client, sort="newest", page_size="2", page="3")[1]
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert sorted(ids) == sorted(a.pk for a in seeds.values())
    assert [r["published"] for r in first["results"]] == ["2022-12-30", "2022-12-30"]


def test_snippets_mark_stemmed_matches(seeds, client):
    _, data = api(client, q="Peskov")
    assert "<mark>Peskov</mark>" in data["results"][0]["snippet"]


def test_search_page_renders_results_and_facets(seeds, client):
    response = client.get("/", {"q": "putin"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="result"') == 5
    assert '<span data-testid="total">5</span>' in html
    assert 'data-facet="outlet" data-value="snn"' in html


def test_search_page_explains_a_broken_query(seeds, client):
    response = client.get("/", {"q": '"armed forces'})
    assert response.status_code == 400
    assert "Unclosed quote" in response.content.decode()


def test_article_page_shows_metadata_and_entities(seeds, client):
    article = seeds["004_735fed19aafc4c9a.txt"]
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "UrduPoint" in html and "Mohammad Ali" in html and "Vladimir Putin" in html
    assert 'href="/entities/vladimir-putin/"' in html


def test_hidden_article_page_is_404(seeds, client):
    article = seeds["001_24224d28d160fde4.txt"]
    article.status = article.Status.HIDDEN
    article.save()
    assert client.get(f"/articles/{article.pk}/").status_code == 404
    assert api(client, q="Peskov")[1]["total"] == 0


def test_furniture_phrases_do_not_find_their_article(seeds, client):
    from tests.conftest import SEEDS_TRUTH

    for truth in SEEDS_TRUTH["articles"]:
        article_id = seeds[truth["file"]].pk
        for phrase in truth["boilerplate"]:
            ids = [r["id"] for r in api(client, q=f'"{phrase}"', page_size="100")[1]["results"]]
            assert article_id not in ids, phrase


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "putin~9999"}, "at most 2 letters can differ"),
        ({"q": "*a*"}, "cannot start with a wildcard"),
        ({"q": "**********"}, "cannot start with a wildcard"),
        ({"q": "a*"}, "at least 2 letters before a wildcard"),
        ({"q": "published:[2022-13-45 TO 2022-12-31]"}, "is not a real date"),
        ({"q": "published:[2022-12-01 TO"}, "Unclosed '['"),
        ({"outlet": ["snn"] * 60}, "'outlet' was given 60 times"),
        ({"page": ["1", "2"]}, "'page' was given 2 times"),
        ({"q": "x" * 1200}, "at most 1,000 are taken"),
        ({"outlet": "snn\x00"}, "'outlet' contains a NUL character"),
        ({"q": "putin\x00"}, "'q' contains a NUL character"),
    ],
)
def test_queries_that_could_hurt_the_server_answer_a_clear_400(seeds, client, params, message):
    response = client.get("/api/search", params)
    assert response.status_code == 400 and message in response.json()["error"]
    page = client.get("/", params)
    assert page.status_code == 400 and message.split("'")[0] in page.content.decode().replace("&#x27;", "'")


def test_a_thousand_repeated_parameters_are_a_json_400_not_a_500(seeds, client):
    query = "&".join(["outlet=snn"] * 1200)
    response = client.get("/api/search?" + query)
    assert response.status_code == 400 and "more than 1,000 parameters" in response.json()["error"]
    assert client.get("/?" + query).status_code == 400


def test_a_query_past_its_time_budget_is_a_503_with_a_message(seeds, client, settings):
    settings.ARCHIVE_QUERY_SECONDS = 0.0
    response = client.get("/api/search", {"q": "putin"})
    assert response.status_code == 503 and "took too long" in response.json()["error"]
    assert client.get("/", {"q": "putin"}).status_code == 503


def test_a_leading_minus_alone_means_every_article_without_the_word(seeds, client):
    everything = client.get("/api/search").json()["total"]
    without = client.get("/api/search", {"q": "-peskov"}).json()
    assert without["total"] == everything - client.get("/api/search", {"q": "peskov"}).json()["total"] > 0
    assert without["total"] == client.get("/api/search", {"q": "NOT peskov"}).json()["total"]
    assert len(without["results"]) == min(10, without["total"])


def test_field_star_means_has_a_value(seeds, client):
    from archive.models import Article

    with_byline = Article.objects.published().exclude(byline="").count()
    answer = client.get("/api/search", {"q": "byline:*", "page_size": "100"}).json()
    assert answer["total"] == with_byline == len(answer["results"]) > 0
