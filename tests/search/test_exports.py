from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re

import pytest

from archive.ingestion.bulk import KnownArticle, articles_bulk_load
from archive.models import Article
from search.backend import index_rebuild


def test_jsonl_export_starts_with_meta_and_streams_rows(seeds, client):
    response = client.get("/export.jsonl", {"q": '"armed forces"', "outlet": ["snn", "urdupoint"]})
    assert response.status_code == 200 and response.streaming
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    meta = lines[0]["_meta"]
    assert (meta["query"], meta["total"], meta["filters"]["outlet"]) == (
        '"armed forces"',
        2,
        ["snn", "urdupoint"],
    )
    assert meta["exported_at"].startswith(str(dt.date.today().year))
    rows = lines[1:]
    assert len(rows) == 2
    assert {
        "id",
        "url",
        "source",
        "outlet",
        "published",
        "title",
        "body",
        "entities",
        "status",
        "snippet",
    } <= set(rows[0])
    assert "<mark>armed forces</mark>" in rows[0]["snippet"]


def test_csv_export_has_headers_and_a_plain_header_row(seeds, client):
    response = client.get("/export.csv", {"q": "Peskov"})
    assert response["X-Archive-Total"] == "1"
    assert response["X-Archive-Query"] == "Peskov"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "id" and rows[0][-1] == "snippet"
    assert len(rows) == 2
    assert "Dmitry Peskov" in rows[1][rows[0].index("entities")].split("; ")


def test_the_pages_link_their_exports_to_the_same_search(seeds, client):
    page = client.get("/", {"q": "Peskov", "sort": "newest"}).content.decode()
    link = html.unescape(re.search(r'href="([^"]+)" data-testid="export-csv"', page).group(1))
    assert link == "/export.csv?q=Peskov&sort=newest"
    assert len(list(csv.reader(io.StringIO(b"".join(client.get(link).streaming_content).decode())))) == 2
    quotes = client.get("/quotes/", {"q": "cooperation"}).content.decode()
    assert 'href="/quotes/export.csv?q=cooperation"' in quotes


def test_export_leaves_out_hidden_articles(seeds, client):
    hidden = seeds["001_24224d28d160fde4.txt"]
    hidden.status = Article.Status.HIDDEN
    hidden.save()
    rows = b"".join(client.get("/export.jsonl").streaming_content).decode().splitlines()
    assert json.loads(rows[0])["_meta"]["total"] == 4
    assert all(json.loads(row)["id"] != hidden.pk for row in rows[1:])


def test_bad_export_query_is_a_400(seeds, client):
    assert client.get("/export.csv", {"q": "(putin"}).status_code == 400
    assert client.get("/export.jsonl", {"from": "yesterday"}).status_code == 400


@pytest.mark.django_db
def test_export_streams_thousands_of_rows_uncapped(client):
    articles_bulk_load(
        (
            KnownArticle(
                source=f"bulk/{n}",
                title=f"Harbour report {n}",
                body=f"The harbour council met for session {n}.",
                outlet="Coast Herald",
            )
            for n in range(3000)
        ),
        announce=False,
    )
    index_rebuild()
    response = client.get("/export.csv", {"q": "harbour"})
    chunks = 0
    rows = 0
    for chunk in response.streaming_content:
        chunks += 1
        rows += chunk.decode().count("\n")
    assert response["X-Archive-Total"] == "3000"
    assert rows == 3001
    assert chunks > 3000  # written row by row, never held as one body


def test_article_api(seeds, client):
    article = seeds["004_735fed19aafc4c9a.txt"]
    data = client.get(f"/api/articles/{article.pk}").json()
    assert (data["id"], data["outlet"], data["byline"]) == (article.pk, "UrduPoint", "Mohammad Ali")
    assert data["url"] == f"http://testserver/articles/{article.pk}/"
    article.status = Article.Status.HIDDEN
    article.save()
    assert client.get(f"/api/articles/{article.pk}").status_code == 404


def test_script_in_an_article_comes_out_as_text(committed_db, client):
    from tests.factories import ArticleFactory

    ArticleFactory(
        title="<script>alert(1)</script> harbour",
        body='Before <script>window.__xss=1</script> the harbour "plan" & more.',
    )
    result = client.get("/api/search", {"q": "harbour"}).json()["results"][0]
    assert "<script>" not in result["snippet"] and "&lt;script&gt;" in result["snippet"]
    assert "<script>" not in result["title_html"]
    page = client.get("/", {"q": "harbour"}).content.decode()
    assert "<script>alert(1)" not in page and "window.__xss=1</script>" not in page
