from __future__ import annotations

from tests.conftest import SEEDS_TRUTH


def test_api_quotes_shape_and_grouping(seeds, client):
    data = client.get("/api/quotes", {"q": "armed forces"}).json()
    assert set(data) >= {"total", "results", "facets"}
    result = next(r for r in data["results"] if "We aim to strengthen" in " ".join(r["variants"]))
    assert set(result) >= {"group", "speaker", "speaker_slug", "text", "variants", "articles", "outlets"}
    assert (result["speaker"], result["speaker_slug"]) == ("Vladimir Putin", "vladimir-putin")
    assert (
        result["text"] == "We aim to strengthen cooperation between the armed forces of Russia and China"
    )  # the wording most carried
    assert {a["id"] for a in result["articles"]} >= {
        seeds[s].pk for s in SEEDS_TRUTH["shared_quotes"][0]["in"]
    }
    assert set(result["articles"][0]) == {"id", "url", "outlet", "published", "title"}
    assert set(result["outlets"]) == {"SNN", "UrduPoint", "News Beast"}
    first = data["facets"]["speaker"][0]
    assert (first["value"], first["label"], first["selected"]) == ("vladimir-putin", "Vladimir Putin", False)
    assert first["toggle_url"] == "/quotes/?q=armed+forces&speaker=vladimir-putin"


def test_speaker_filter_and_facet(seeds, client):
    everyone = client.get("/api/quotes").json()
    speakers = {v["value"]: v["count"] for v in everyone["facets"]["speaker"]}
    assert speakers["vladimir-putin"] > speakers["xi-jinping"] > 0
    xi = client.get("/api/quotes", {"speaker": "xi-jinping"}).json()
    assert xi["total"] == speakers["xi-jinping"]
    assert {r["speaker_slug"] for r in xi["results"]} == {"xi-jinping"}


def test_quote_page_and_bad_parameters(seeds, client):
    page = client.get("/quotes/", {"q": "oil exports"}).content.decode()
    assert 'data-testid="quote-result"' in page and "Vladimir Putin" in page
    assert client.get("/quotes/", {"page": "x"}).status_code == 400
    assert (
        client.get("/api/quotes", {"group": "abc"}).json()["error"]
        == "'group' must be a whole number (got 'abc')"
    )


def test_article_page_marks_its_quotes(seeds, client):
    html = client.get(seeds[SEEDS_TRUTH["shared_quotes"][0]["in"][0]].get_absolute_url()).content.decode()
    assert html.count('data-testid="quote"') >= 3
    assert 'title="Vladimir Putin"' in html
