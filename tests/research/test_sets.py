"""Frozen result sets: freezing, who may read them, their marks, manifest, exports, re-run and citation."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import get_resolver

from archive.models import Article
from research.models import FrozenError, ResultSet
from search.analysis import ANALYZER_VERSION
from search.backend import index_sync


def streamed(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode().splitlines()


def recomputed_content_hash(row: dict) -> str:
    """The README's recipe, written out again from an export row."""
    values = [row["title"], row["body"], row["outlet"], row["published"], row["byline"], row["source_url"]]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def fingerprint_from_manifest(lines: list[str]) -> tuple[str, str]:
    """The README's few lines: the manifest's own fingerprint and the one recomputed from its rows."""
    meta = json.loads(lines[0])["_meta"]
    digest = hashlib.sha256()
    for line in lines[1:]:
        row = json.loads(line)
        digest.update(f"{row['id']}:{row['content_hash']}\n".encode())
    return meta["fingerprint"], digest.hexdigest()


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_user("researcher", password="pw", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def as_owner(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def stranger(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_user("someone-else", password="pw"))
    return client


@pytest.fixture
def editor(db) -> Client:
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def freeze(client, **data) -> dict:
    response = client.post("/api/sets", {"title": "Harbour coverage", **data})
    assert response.status_code == 201, response.content
    return response.json()


def hide(article: Article) -> None:
    article.status = Article.Status.HIDDEN
    article.save()
    index_sync(article_ids=[article.pk])


def test_a_frozen_set_holds_the_whole_result_in_the_search_order(archive, as_owner, client):
    answer = freeze(as_owner, q="harbour", sort="oldest")
    search = client.get("/api/search", {"q": "harbour", "sort": "oldest", "page_size": "100"}).json()
    result_set = ResultSet.objects.get(pk=answer["set"])
    assert answer["articles"] == result_set.articles == search["total"] == 5
    assert list(result_set.items.values_list("article_id", flat=True)) == [r["id"] for r in search["results"]]
    assert (answer["query"], answer["parameters"], answer["sort"], answer["owner"]) == (
        "harbour",
        "q=harbour&sort=oldest",
        "oldest",
        "Ada Lovelace",
    )
    assert answer["analyzer_version"] == ANALYZER_VERSION and answer["archive_version"].startswith("0.20.0")
    assert answer["visibility"] == "private" and answer["url"] == f"http://testserver/sets/{result_set.pk}/"


def test_the_manifest_reproduces_the_fingerprint_and_the_export_every_content_hash(archive, as_owner):
    answer = freeze(as_owner, q="harbour")
    lines = streamed(as_owner.get(f"/sets/{answer['set']}/manifest.jsonl"))
    given, recomputed = fingerprint_from_manifest(lines)
    assert given == recomputed == answer["fingerprint"]
    rows = [json.loads(line) for line in lines[1:]]
    assert [set(row) for row in rows] == [
        {"id", "url", "outlet", "published", "title", "content_hash", "since_frozen"}
    ] * 5
    exported = [
        json.loads(line) for line in streamed(as_owner.get(f"/sets/{answer['set']}/export.jsonl"))[1:]
    ]
    assert [row["id"] for row in exported] == [row["id"] for row in rows]
    assert all(recomputed_content_hash(row) == row["content_hash"] for row in exported)
    table = list(
        csv.reader(io.StringIO("\n".join(streamed(as_owner.get(f"/sets/{answer['set']}/export.csv")))))
    )
    assert table[0][-2:] == ["content_hash", "since_frozen"] and len(table) == 6


def test_collapsed_sets_keep_every_copy_and_count_the_groups(archive, as_owner):
    answer = freeze(as_owner, q="harbour", collapse="1")
    assert (answer["collapse"], answer["count"], answer["articles"], answer["groups"], answer["total"]) == (
        True,
        "groups",
        5,
        5,
        5,
    )


@pytest.mark.parametrize(
    "data, named, status",
    [
        ({"q": "harbour"}, "title", 400),
        ({"q": "harbour", "title": "x", "colour": "red"}, "colour", 400),
        ({"q": "harbour", "title": "x", "from": "yesterday"}, "from", 400),
        ({"q": "(harbour", "title": "x"}, "(", 400),
        ({"q": "harbour", "title": "x", "visibility": "friends"}, "visibility", 400),
        ({"q": "harbour", "title": "x", "supersedes": "99999"}, "supersedes", 400),
        ({"q": "harbour", "title": "x", "sort": "left"}, "sort", 400),
    ],
)
def test_bad_requests_are_400_naming_the_problem(archive, as_owner, data, named, status):
    response = as_owner.post("/api/sets", data)
    assert response.status_code == status and named in response.json()["error"]
    assert not ResultSet.objects.exists()


def test_anonymous_users_get_403_from_the_api_and_the_login_from_the_page(archive, client):
    response = client.post("/api/sets", {"q": "harbour", "title": "x"})
    assert response.status_code == 403 and "log" in response.json()["error"]
    page = client.post("/sets/", {"q": "harbour", "title": "x"})
    assert page.status_code == 302 and "login" in page["Location"] and "harbour" in page["Location"]
    assert not ResultSet.objects.exists()


def test_the_api_checks_the_csrf_token_of_logged_in_users(archive, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    refused = client.post("/api/sets", {"q": "harbour", "title": "x"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    client.get("/api/sets")  # sets the csrftoken cookie
    accepted = client.post(
        "/api/sets",
        {"q": "harbour", "title": "x"},
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert accepted.status_code == 201


def test_a_json_body_freezes_too(archive, as_owner):
    response = as_owner.post(
        "/api/sets",
        json.dumps({"q": "harbour", "outlet": ["coast-herald"], "title": "JSON", "visibility": "public"}),
        content_type="application/json",
    )
    assert (
        response.status_code == 201
        and response.json()["filters"]["outlet"] == ["coast-herald"]
        and response.json()["articles"] == 2
    )
    assert as_owner.post("/api/sets", "{not json", content_type="application/json").status_code == 400


def test_the_page_form_freezes_and_shows_the_set(archive, as_owner):
    search = as_owner.get("/", {"q": "harbour"}).content.decode()
    assert 'data-testid="freeze"' in search and 'name="q" value="harbour"' in search
    response = as_owner.post("/sets/", {"q": "harbour", "title": "From the page", "visibility": "public"})
    result_set = ResultSet.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sets/{result_set.pk}/"
    page = as_owner.get(response["Location"]).content.decode()
    assert (
        result_set.fingerprint in page
        and page.count('data-testid="set-item"') == 5
        and f"http://testserver/sets/{result_set.pk}/" in page
    )
    assert 'data-testid="freeze"' not in Client().get("/", {"q": "harbour"}).content.decode()


def _set_urls(pk: int) -> list[str]:
    """Every URL of the project that takes a set's id."""
    urls = []
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            route = str(inner.pattern)
            if "<int:pk>" in route and (route.startswith("sets/") or route.startswith("api/sets/")):
                urls.append("/" + route.replace("<int:pk>", str(pk)))
    return urls


def test_nobody_reads_another_users_private_set_through_any_url(archive, as_owner, stranger, client, editor):
    pk = freeze(as_owner, q="harbour")["set"]
    urls = _set_urls(pk)
    assert len(urls) >= 14 and any("manifest" in url for url in urls)
    for reader in (stranger, client):
        for url in urls:
            response = reader.get(url)
            assert response.status_code in (404, 405), (url, response.status_code)
            assert str(ResultSet.objects.get().fingerprint) not in response.content.decode()
        assert (
            reader.get("/api/sets").json()["total"] == 0
            and 'data-testid="set"' not in reader.get("/sets/").content.decode()
        )
        assert reader.post(f"/api/sets/{pk}/publish").status_code in (403, 404)
    for url in urls:
        if "publish" not in url:
            assert as_owner.get(url).status_code == 200, url
            assert editor.get(url).status_code == 200, url
    assert editor.get("/api/sets").json()["total"] == 1


def test_withdrawn_articles_stay_listed_the_public_seeing_id_and_hash_only(archive, as_owner, client, editor):
    pk = freeze(as_owner, q="harbour", visibility="public")["set"]
    gone = archive["Harbour fees"]
    frozen_hash = ResultSet.objects.get().items.get(article_id=gone.pk).content_hash
    hide(gone)
    for reader, full in ((client, False), (as_owner, True), (editor, True)):
        rows = [json.loads(line) for line in streamed(reader.get(f"/sets/{pk}/manifest.jsonl"))[1:]]
        assert len(rows) == 5
        row = next(row for row in rows if row["id"] == gone.pk)
        assert (row["since_frozen"], row["content_hash"]) == ("withdrawn", frozen_hash)
        assert (
            (row["title"] == "Harbour fees") is full
            and (row["outlet"] is None) is not full
            and row["url"] is None
        )
        exported = [json.loads(line) for line in streamed(reader.get(f"/sets/{pk}/export.jsonl"))[1:]]
        withdrawn = next(row for row in exported if row["id"] == gone.pk)
        assert withdrawn["body"] is None and (withdrawn["title"] is None) is not full
        page = reader.get(f"/sets/{pk}/").content.decode()
        assert page.count('data-testid="mark-withdrawn"') == 1 and ("Harbour fees rose" not in page)
        assert ("Harbour fees" in page) is full
        assert frozen_hash in page
        api = reader.get(f"/api/sets/{pk}").json()
        assert [item["since_frozen"] for item in api["items"]].count("withdrawn") == 1
    lines = streamed(client.get(f"/sets/{pk}/manifest.jsonl"))
    assert fingerprint_from_manifest(lines)[0] == fingerprint_from_manifest(lines)[1]
    rerun = client.get(f"/api/sets/{pk}/rerun").json()
    assert (rerun["now"]["articles"], rerun["withdrawn"]["ids"], rerun["added"]["ids"]) == (4, [gone.pk], [])
    concordance = [json.loads(line) for line in streamed(client.get(f"/sets/{pk}/concordance.jsonl"))[1:]]
    assert concordance and gone.pk not in {row["id"] for row in concordance}


def test_a_deleted_article_is_withdrawn_too_and_a_changed_one_marked(archive, as_owner):
    pk = freeze(as_owner, q="harbour")["set"]
    deleted, edited = archive["Ferry strike"], archive["Council budget"]
    deleted_id = deleted.pk
    deleted.delete()
    edited.body += " The harbour reopened."
    edited.save()
    touched = archive["Harbour fees"]
    touched.save()  # a new update time, the same content: unchanged
    index_sync(article_ids=[deleted_id, edited.pk, touched.pk])
    marks = {
        row["id"]: row["since_frozen"]
        for row in (json.loads(line) for line in streamed(as_owner.get(f"/sets/{pk}/manifest.jsonl"))[1:])
    }
    assert (
        marks[deleted_id] == "withdrawn"
        and marks[edited.pk] == "changed"
        and marks[touched.pk] == "unchanged"
    )
    assert list(marks.values()).count("unchanged") == 3
    page = as_owner.get(f"/sets/{pk}/").content.decode()
    assert page.count('data-testid="mark-changed"') == 1 and page.count('data-testid="mark-withdrawn"') == 1
    rows = [json.loads(line) for line in streamed(as_owner.get(f"/sets/{pk}/concordance.jsonl"))[1:]]
    assert {row["since_frozen"] for row in rows if row["id"] == edited.pk} == {"changed"}


def test_a_rerun_shows_added_and_withdrawn_with_links_to_both(archive, as_owner):
    pk = freeze(as_owner, q="ferry")["set"]
    weather = archive["Weather"]
    weather.body += " The ferry sailed."
    weather.save()
    index_sync(article_ids=[weather.pk])
    rerun = as_owner.get(f"/api/sets/{pk}/rerun").json()
    assert (
        rerun["frozen"]["articles"],
        rerun["now"]["articles"],
        rerun["added"]["ids"],
        rerun["withdrawn"]["count"],
    ) == (4, 5, [weather.pk], 0)
    page = as_owner.get(f"/sets/{pk}/rerun").content.decode()
    assert (
        'data-testid="now">5<' in page
        and "/?q=ferry" in page
        and f"/sets/{pk}/" in page
        and "Weather" in page
    )


def test_a_set_is_never_edited_and_a_correction_links_to_it(archive, as_owner, stranger, editor):
    first = ResultSet.objects.get(pk=freeze(as_owner, q="harbour")["set"])
    first.title = "Renamed"
    with pytest.raises(FrozenError):
        first.save()
    with pytest.raises(FrozenError):
        item = first.items.first()
        item.content_hash = "0" * 64
        item.save()
    assert (
        editor.post(f"/admin/research/resultset/{first.pk}/change/", {"title": "Renamed"}).status_code == 403
    )
    assert editor.get(f"/admin/research/resultset/{first.pk}/change/").status_code == 200
    assert editor.get("/admin/research/resultset/").status_code == 200
    second = freeze(as_owner, q="harbour NOT ferry", supersedes=str(first.pk))
    assert second["supersedes"] == first.pk and as_owner.get(f"/api/sets/{first.pk}").json()[
        "corrections"
    ] == [second["set"]]
    assert 'data-testid="corrected-by"' in as_owner.get(f"/sets/{first.pk}/").content.decode()
    assert (
        stranger.post("/api/sets", {"q": "x", "title": "x", "supersedes": str(first.pk)}).status_code == 400
    )
    assert ResultSet.objects.get(pk=first.pk).title == "Harbour coverage"


def test_only_the_owner_publishes_a_private_set(archive, as_owner, editor):
    pk = freeze(as_owner, q="harbour")["set"]
    assert editor.post(f"/api/sets/{pk}/publish").status_code == 403
    assert Client().get(f"/sets/{pk}/").status_code == 404
    assert as_owner.post(f"/sets/{pk}/publish").status_code == 302
    assert Client().get(f"/sets/{pk}/").status_code == 200 and ResultSet.objects.get().visibility == "public"


def test_the_citation_names_the_permanent_url_and_the_fingerprint(archive, as_owner):
    answer = freeze(as_owner, q='"prime minister"', title="Prime ministers & harbours: 100% {coverage}")
    url, fingerprint = answer["url"], answer["fingerprint"]
    citation = answer["citation"]
    assert url in citation["text"] and fingerprint in citation["text"] and "Ada Lovelace" in citation["text"]
    bibtex = as_owner.get(f"/sets/{answer['set']}/citation.bib").content.decode()
    assert bibtex == citation["bibtex"] and bibtex.startswith(f"@misc{{newsarchive-set-{answer['set']},")
    assert (
        f"url = {{{url}}}" in bibtex
        and fingerprint in bibtex
        and r"\& harbours: 100\% \{coverage\}" in bibtex
    )
    assert bibtex.count("{") == bibtex.count("}") + bibtex.count(r"\}") - bibtex.count(r"\{")
    csl = json.loads(as_owner.get(f"/sets/{answer['set']}/citation.json").content)
    assert (
        csl == citation["csl"]
        and csl[0]["type"] == "dataset"
        and csl[0]["URL"] == url
        and fingerprint in csl[0]["version"]
    )
    assert csl[0]["issued"]["date-parts"][0][0] == ResultSet.objects.get().created_at.year
