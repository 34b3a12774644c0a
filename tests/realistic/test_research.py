"""Frozen sets and concordances over the realistic archive.

A set's fingerprint is recomputed from its manifest as the README shows, its articles' content hashes
from its export, and its marks (unchanged, changed, withdrawn) from the articles as they read now, by the
README's recipe rather than the code's shortcut (update times); each change the archive goes through
(`rebuild_index`, `reprocess_articles`, an entity merge, re-imports, hiding and deleting) is applied to a
set frozen before it. Concordance rows are compared with Whoosh's own token stream. Every change is
undone or left harmless for the tests that follow (`test_surfaces.py`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import shutil
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client

from archive.curation import articles_set_status, entities_merge
from archive.ingestion.importer import articles_import
from archive.models import Article, Entity
from research.models import ResultSet
from search.analysis import ANALYZER
from tests.realistic.conftest import BBC


def lines_of(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode().splitlines()


def content_hash(row: dict) -> str:
    """The README's recipe, from an export row."""
    values = [row["title"], row["body"], row["outlet"], row["published"], row["byline"], row["source_url"]]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def manifest(client, pk: int) -> tuple[dict, list[dict]]:
    """The manifest, after checking its fingerprint with the README's few lines."""
    lines = lines_of(client.get(f"/sets/{pk}/manifest.jsonl"))
    meta = json.loads(lines[0])["_meta"]
    digest = hashlib.sha256()
    for line in lines[1:]:
        row = json.loads(line)
        digest.update(f"{row['id']}:{row['content_hash']}\n".encode())
    assert digest.hexdigest() == meta["fingerprint"] == ResultSet.objects.get(pk=pk).fingerprint
    return meta, [json.loads(line) for line in lines[1:]]


def marks_now(rows: list[dict]) -> dict[int, str]:
    """What each manifest row's mark must be, from the articles as they read now."""
    live = {
        article.pk: article
        for article in Article.objects.published()
        .select_related("outlet")
        .filter(pk__in=[row["id"] for row in rows])
    }
    marks = {}
    for row in rows:
        article = live.get(row["id"])
        if article is None:
            marks[row["id"]] = "withdrawn"
            continue
        now = {
            "title": article.title,
            "body": article.body,
            "outlet": article.outlet.name if article.outlet else None,
            "published": article.published.isoformat() if article.published else None,
            "byline": article.byline,
            "source_url": article.source_url or None,
        }
        marks[row["id"]] = "unchanged" if content_hash(now) == row["content_hash"] else "changed"
    return marks


@pytest.fixture(scope="module")
def researcher(realistic, django_db_blocker) -> User:
    with django_db_blocker.unblock():
        User.objects.filter(username="realistic-researcher").delete()
        return User.objects.create_user(
            "realistic-researcher", password="pw", first_name="Rosalind", last_name="Franklin"
        )


@pytest.fixture
def as_researcher(researcher) -> Client:
    client = Client()
    client.force_login(researcher)
    return client


def freeze(client, **params) -> dict:
    response = client.post("/api/sets", {"title": "Realistic set", **params})
    assert response.status_code == 201, response.content
    return response.json()


def rerun(client, pk: int) -> dict:
    return client.get(f"/api/sets/{pk}/rerun").json()


def search_ids(client, **params) -> list[int]:
    return [json.loads(line)["id"] for line in lines_of(client.get("/export.jsonl", params))[1:]]


def test_a_set_of_the_whole_archive_checks_out_and_exports_complete(as_researcher, client, published):
    started = time.perf_counter()
    answer = freeze(as_researcher, sort="newest", visibility="public")
    print(f"\nfroze {answer['articles']} articles in {time.perf_counter() - started:.1f} s")
    meta, rows = manifest(client, answer["set"])
    assert meta["articles"] == len(rows) == published == client.get("/api/search").json()["total"]
    assert [row["id"] for row in rows] == search_ids(client, sort="newest")
    assert {row["since_frozen"] for row in rows} == {"unchanged"}
    exported = [json.loads(line) for line in lines_of(client.get(f"/sets/{answer['set']}/export.jsonl"))[1:]]
    assert [row["id"] for row in exported] == [row["id"] for row in rows]
    assert all(content_hash(row) == row["content_hash"] for row in exported)
    table = list(
        csv.reader(io.StringIO("\n".join(lines_of(client.get(f"/sets/{answer['set']}/export.csv")))))
    )
    assert len(table) - 1 == published and all(row[0] != "_error" for row in table)
    url = f"http://testserver/sets/{answer['set']}/"
    assert (
        url in answer["citation"]["text"]
        and answer["fingerprint"] in answer["citation"]["bibtex"]
        and url in answer["citation"]["bibtex"]
    )
    assert answer["fingerprint"] in client.get(f"/sets/{answer['set']}/").content.decode()


def test_a_set_survives_rebuild_index(as_researcher):
    answer = freeze(as_researcher, q="blair", collapse="1")
    call_command("rebuild_index")
    _, rows = manifest(as_researcher, answer["set"])
    assert {row["since_frozen"] for row in rows} == {"unchanged"} and len(rows) == answer[
        "articles"
    ] > answer["groups"] > 0
    again = rerun(as_researcher, answer["set"])
    assert (again["now"]["articles"], again["added"]["count"], again["withdrawn"]["count"]) == (
        answer["articles"],
        0,
        0,
    )


def test_a_set_survives_reprocess_articles_with_changed_articles_marked(as_researcher, client):
    answer = freeze(as_researcher, q="minister")
    _, before = manifest(as_researcher, answer["set"])
    sample = random.Random(20).sample([row["id"] for row in before], 25)
    call_command("reprocess_articles", *map(str, sample))
    _, after = manifest(as_researcher, answer["set"])
    assert [row["id"] for row in after] == [row["id"] for row in before]
    assert {row["id"]: row["since_frozen"] for row in after} == marks_now(before)
    again = rerun(as_researcher, answer["set"])
    live = search_ids(client, q="minister")
    assert again["now"]["articles"] == len(live)
    assert set(again["added"]["ids"]) == set(live) - {row["id"] for row in before}
    assert set(again["withdrawn"]["ids"]) == {row["id"] for row in before} - set(live)


def test_a_set_survives_an_entity_merge(as_researcher, client):
    entities = list(
        Entity.objects.filter(type=Entity.Type.PERSON)
        .annotate(n=Count("mentions", filter=Q(mentions__article__status="published")))
        .filter(n__gte=2, n__lte=4)
        .order_by("pk")[:2]
    )
    merged, kept = entities
    answer = freeze(as_researcher, entity=merged.slug)
    frozen = {row["id"] for row in manifest(as_researcher, answer["set"])[1]}
    assert len(frozen) == answer["articles"] >= 2
    entities_merge(keep=kept, others=[merged])
    _, rows = manifest(as_researcher, answer["set"])
    assert {row["since_frozen"] for row in rows} == {"unchanged"}
    again = rerun(as_researcher, answer["set"])
    mentioning = set(Article.objects.published().filter(mentions__entity=kept).values_list("pk", flat=True))
    assert again["followed"] == [{"kind": "entity", "from": merged.slug, "to": kept.slug, "name": kept.name}]
    assert (
        again["now"]["articles"] == len(mentioning)
        and set(again["added"]["ids"]) == mentioning - frozen
        and again["withdrawn"]["ids"] == []
    )
    assert as_researcher.get(f"/sets/{answer['set']}/").status_code == 200


def test_a_set_survives_reimports_changed_deleted_and_unchanged(as_researcher, client, tmp_path):
    answer = freeze(as_researcher, q="blair", visibility="public")
    _, before = manifest(as_researcher, answer["set"])
    bbc = sorted(
        Article.objects.filter(
            pk__in=[row["id"] for row in before],
            outlet__name="BBC",
            copy_group=None,
            source__regex=r"^(business|entertainment|politics|sport|tech)/",
        ).values_list("pk", "source")
    )[:3]
    (changed_id, changed_source), (deleted_id, deleted_source), (same_id, same_source) = bbc
    folder = tmp_path / "bbc"
    for source in (changed_source, deleted_source, same_source):
        (folder / source).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BBC / source, folder / source)
    original = (folder / changed_source).read_text(encoding="utf-8")
    (folder / changed_source).write_text(
        original.rstrip("\n") + "\n\nA paragraph added when the page was scraped again, years later.\n",
        encoding="utf-8",
    )
    Article.objects.get(pk=deleted_id).delete()
    report = articles_import([folder], outlet="BBC")
    assert (report.created, report.updated, report.skipped) == (1, 1, 1), report.summary
    reimported = Article.objects.get(source=deleted_source).pk
    _, rows = manifest(client, answer["set"])
    marks = {row["id"]: row["since_frozen"] for row in rows}
    assert marks == marks_now(before)
    assert (marks[changed_id], marks[deleted_id], marks[same_id]) == ("changed", "withdrawn", "unchanged")
    public = next(row for row in rows if row["id"] == deleted_id)
    assert (public["title"], public["content_hash"]) == (
        None,
        next(row for row in before if row["id"] == deleted_id)["content_hash"],
    )
    owner_view = {row["id"]: row for row in manifest(as_researcher, answer["set"])[1]}
    assert owner_view[deleted_id]["title"] == Article.objects.get(pk=reimported).title
    again = rerun(as_researcher, answer["set"])
    assert reimported in again["added"]["ids"] and deleted_id in again["withdrawn"]["ids"]
    page = client.get(f"/sets/{answer['set']}/", {"page": "1"}).content.decode()
    assert 'data-testid="set-item"' in page
    (folder / changed_source).write_text(
        original, encoding="utf-8"
    )  # the text as it was: the mark follows the content
    assert articles_import([folder], outlet="BBC").updated == 1
    assert {row["id"]: row["since_frozen"] for row in manifest(client, answer["set"])[1]}[
        changed_id
    ] == "unchanged"


def test_hidden_articles_are_withdrawn_and_only_their_owner_sees_what_they_were(
    as_researcher, client, realistic
):
    answer = freeze(as_researcher, q='"prime minister"', visibility="public")
    _, before = manifest(client, answer["set"])
    hidden = Article.objects.filter(pk__in=[row["id"] for row in before[:3]])
    articles_set_status(articles=hidden, status=Article.Status.HIDDEN)
    try:
        public = {row["id"]: row for row in manifest(client, answer["set"])[1]}
        owner = {row["id"]: row for row in manifest(as_researcher, answer["set"])[1]}
        for row in before[:3]:
            assert public[row["id"]] == {
                "id": row["id"],
                "url": None,
                "outlet": None,
                "published": None,
                "title": None,
                "content_hash": row["content_hash"],
                "since_frozen": "withdrawn",
            }
            assert (
                owner[row["id"]]["title"] == row["title"] and owner[row["id"]]["since_frozen"] == "withdrawn"
            )
        page = client.get(f"/sets/{answer['set']}/").content.decode()
        assert page.count('data-testid="mark-withdrawn"') == 3 and page.count('data-state="withdrawn"') == 3
        assert len(public) == answer["articles"]
    finally:
        articles_set_status(
            articles=Article.objects.filter(pk__in=[row["id"] for row in before[:3]]),
            status=Article.Status.PUBLISHED,
        )
    assert {row["since_frozen"] for row in manifest(client, answer["set"])[1]} == {"unchanged"}


def phrase_positions(text: str, words: tuple[str, ...]) -> list[int]:
    forms = [token.text for token in ANALYZER(text, positions=True)]
    return [i for i in range(len(forms) - len(words) + 1) if tuple(forms[i : i + len(words)]) == words]


def test_concordance_rows_of_a_phrase_are_the_phrase_exactly(client):
    meta, *rows = [
        json.loads(line) for line in lines_of(client.get("/concordance.jsonl", {"q": '"prime minister"'}))
    ]
    found = {(row["id"], row["field"], row["position"]) for row in rows}
    ids = search_ids(client, q='"prime minister"')
    expected = set()
    for article in Article.objects.filter(pk__in=ids):
        for field in ("title", "body"):
            expected.update(
                (article.pk, field, position)
                for position in phrase_positions(getattr(article, field), ("prime", "minist"))
            )
    assert found == expected and len(rows) == len(found) > 200
    assert meta["_meta"]["articles"] == len(ids) == len({row["id"] for row in rows})
    assert all(re.fullmatch(r"prime\W+minist\w*", row["match"].lower()) for row in rows)


def test_every_article_of_a_result_has_its_rows_and_the_exports_are_complete(client):
    api = client.get("/api/concordance", {"q": "blair", "page_size": "500"}).json()
    rows = [json.loads(line) for line in lines_of(client.get("/concordance.jsonl", {"q": "blair"}))[1:]]
    assert len(rows) == api["total"] and {row["id"] for row in rows} == set(search_ids(client, q="blair"))
    assert rows[: len(api["results"])] == api["results"]
    table = list(
        csv.reader(
            io.StringIO("\n".join(lines_of(client.get("/concordance.csv", {"q": "blair", "sort": "left"}))))
        )
    )
    assert len(table) - 1 == len(rows) and all(row[0] != "_error" for row in table)
    left = [
        json.loads(line)
        for line in lines_of(client.get("/concordance.jsonl", {"q": "blair", "sort": "left"}))[1:]
    ]
    assert sorted(map(json.dumps, left)) == sorted(map(json.dumps, rows))


def test_a_frozen_sets_concordance_is_the_live_one_while_nothing_changed(as_researcher, client):
    answer = freeze(as_researcher, q='"gordon brown"', visibility="public")
    live = [
        json.loads(line)
        for line in lines_of(client.get("/concordance.jsonl", {"q": '"gordon brown"', "width": "4"}))[1:]
    ]
    frozen = [
        json.loads(line)
        for line in lines_of(client.get(f"/sets/{answer['set']}/concordance.jsonl", {"width": "4"}))[1:]
    ]
    assert [{**row, "since_frozen": "unchanged"} for row in live] == frozen and frozen


def test_the_concordance_of_a_common_word_streams_fast(client):
    started = time.perf_counter()
    rows = len(lines_of(client.get("/concordance.jsonl", {"q": "the"}))) - 1
    rate = rows / (time.perf_counter() - started)
    print(f"\nconcordance of 'the': {rows:,} rows at {rate:,.0f} rows/s")
    assert (
        rows > 50_000 and rate >= 2_500
    )  # the target is 5,000 on an idle machine (see the README); shared CI machines are slower
