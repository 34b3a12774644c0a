"""Wire credits through every surface: the facet and filter, exports and the article API, admin
corrections, and what copies of a wire are called."""

from __future__ import annotations

import json
import shutil

import pytest
from django.contrib.auth.models import User

from archive.models import Article, WireAgency
from tests.conftest import DATA

PAGES = [
    "afp_staff_writers.txt",
    "afp_paris_emdash.txt",
    "reuters_caps_dateline.txt",
    "ap_by_associated_press.txt",
    "none_dateline_no_credit.txt",
]


@pytest.fixture
def wire_archive(import_paths, settings, tmp_path):
    settings.ARCHIVE_SPACY_MODEL = ""
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in PAGES:
        shutil.copy(DATA / "wire_pages" / name, folder / name)
    report = import_paths(folder)
    assert report.created == len(PAGES), report.problems
    return {article.source: article for article in Article.objects.all()}


def test_wire_facet_filter_and_exports(wire_archive, client):
    answer = client.get("/api/search").json()
    wires = {value["value"]: value["count"] for value in answer["facets"]["wire"]}
    assert wires == {"afp": 2, "reuters": 1, "ap": 1, "_none": 1}
    assert sum(wires.values()) == answer["total"]
    afp = client.get("/api/search", {"wire": "afp"}).json()
    assert afp["total"] == 2 and {r["wire"] for r in afp["results"]} == {"AFP"}
    assert client.get("/api/search", {"wire": "afp", "q": "wire:reuters"}).json()["total"] == 0
    rows = [
        json.loads(line)
        for line in b"".join(client.get("/export.jsonl", {"wire": "reuters"}).streaming_content)
        .decode()
        .splitlines()[1:]
    ]
    assert [row["wire"] for row in rows] == ["Reuters"]
    plain = wire_archive["none_dateline_no_credit.txt"]
    assert client.get(f"/api/articles/{plain.pk}").json()["wire"] is None
    assert "'wire' was given" not in client.get("/api/search", {"wire": ["afp", "ap"]}).content.decode()
    assert client.get("/api/search", {"wire": ["afp", "ap"]}).json()["total"] == 3  # any of them


def test_editors_correct_a_wire_and_add_an_agency(wire_archive, client, committed_db):
    from tests.archive.admin_forms import form_submission

    client.force_login(User.objects.create_superuser("ed", "ed@example.org", "pw"))
    article = wire_archive["none_dateline_no_credit.txt"]
    url = f"/admin/archive/article/{article.pk}/change/"
    data = form_submission(client.get(url).content.decode(), form_id="article_form")
    data["wire"] = ["reuters"]
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    article.refresh_from_db()
    assert article.wire == "reuters" and "wire" in article.curated_fields
    from django.core.management import call_command

    call_command("reprocess_articles", str(article.pk))
    article.refresh_from_db()
    assert article.wire == "reuters"  # an editor's word stays
    WireAgency.objects.create(name="Bloomberg News", forms="Bloomberg")
    client.post(
        "/admin/archive/article/",
        {"action": "reprocess_articles", "_selected_action": [a.pk for a in wire_archive.values()]},
    )
    names = {value["value"]: value["label"] for value in client.get("/api/search").json()["facets"]["wire"]}
    assert names["reuters"] == "Reuters" and "_none" not in names  # every article credits a wire now
