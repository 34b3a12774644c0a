"""Editors curate through the admin's own URLs; every action reaches search at once and is kept in history."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from archive.models import Article, Outlet
from tests.conftest import admin_change_data

CHANGELIST = "/admin/archive/article/"
PESKOV = "001_24224d28d160fde4.txt"


@pytest.fixture
def editor(client, committed_db):
    user = User.objects.create_user("ed", "ed@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def search(client, **params) -> dict:
    return client.get("/api/search", params).json()


def test_hide_then_publish_through_the_changelist(seeds, editor, client):
    article = seeds[PESKOV]
    assert search(client, q="Peskov")["total"] == 1
    response = editor.post(CHANGELIST, {"action": "hide_articles", "_selected_action": [article.pk]})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "hidden"
    editor.logout()
    assert search(client, q="Peskov")["total"] == 0
    assert search(client)["total"] == 4
    assert sum(v["count"] for v in search(client)["facets"]["outlet"]) == 4
    assert "Dmitry Peskov" not in {v["label"] for v in search(client, entity_limit="100")["facets"]["entity"]}
    assert client.get(f"/articles/{article.pk}/").status_code == 404
    assert client.get(f"/api/articles/{article.pk}").status_code == 404
    assert all(
        json.loads(line).get("id") != article.pk
        for line in b"".join(client.get("/export.jsonl").streaming_content).decode().splitlines()
    )
    assert client.get("/entities/dmitry-peskov/").status_code == 404  # only the hidden article mentions him

    user = User.objects.get(username="ed")
    client.force_login(user)
    assert (
        client.get(f"/admin/archive/article/{article.pk}/change/").status_code == 200
    )  # editors still see it
    client.post(CHANGELIST, {"action": "publish_articles", "_selected_action": [article.pk]})
    assert search(client, q="Peskov")["total"] == 1


def test_reprocess_action_keeps_corrections(seeds, editor):
    article = seeds[PESKOV]
    Article.objects.filter(pk=article.pk).update(
        body=article.body + "\n\nAdvertisement", curated_fields=["title"], title="Editor's title"
    )
    editor.post(CHANGELIST, {"action": "reprocess_articles", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert not article.body.endswith("Advertisement")
    assert article.title == "Editor's title"


@pytest.mark.whoosh
def test_reindex_action_puts_a_lost_document_back(seeds, editor, client):
    from search.engine import writer_open

    article = seeds[PESKOV]
    with writer_open() as writer:
        writer.delete_by_term("id", str(article.pk))
    assert search(client, q="Peskov")["total"] == 0
    editor.post(CHANGELIST, {"action": "reindex_articles", "_selected_action": [article.pk]})
    assert search(client, q="Peskov")["total"] == 1


def test_merge_outlets_with_confirmation_and_later_imports_follow(seeds, editor, client, tmp_path):
    snn, urdu = Outlet.objects.get(slug="snn"), Outlet.objects.get(slug="urdupoint")
    page = editor.post(
        "/admin/archive/outlet/", {"action": "merge_outlets", "_selected_action": [snn.pk, urdu.pk]}
    )
    assert 'name="keep"' in page.content.decode()
    editor.post(
        "/admin/archive/outlet/",
        {"action": "merge_outlets", "_selected_action": [snn.pk, urdu.pk], "post": "yes", "keep": urdu.pk},
    )
    outlets = {v["value"]: v["count"] for v in search(client)["facets"]["outlet"]}
    assert outlets["urdupoint"] == 2 and "snn" not in outlets
    (tmp_path / "new.txt").write_text(
        "SNN\n\nA new headline here\n\nThe council approved the harbour plan on Tuesday after a long debate "
        "in the town hall."
    )
    call_command("import_articles", str(tmp_path))
    assert Article.objects.get(source="new.txt").outlet == urdu


def test_history_records_who_changed_what(seeds, editor):
    article = seeds[PESKOV]
    url = f"/admin/archive/article/{article.pk}/change/"
    data = admin_change_data(editor, url, title="A corrected headline", status="published", outlet="")
    assert editor.post(url, data).status_code == 302
    latest = article.history.latest()
    assert latest.history_user.username == "ed"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.new) for c in delta.changes if c.field == "title"] == [
        ("title", "A corrected headline")
    ]
    history_page = editor.get(f"{url.removesuffix('change/')}history/").content.decode()
    changes = history_page[history_page.find('id="change-history"') :]
    assert "Title:" in changes and "&rarr;&nbsp;&nbsp;A corrected headline" in changes and ">ed<" in changes
    earlier = editor.get(f"{url.removesuffix('change/')}history/{latest.prev_record.history_id}/")
    assert earlier.status_code == 200


def test_reprocess_is_recorded_in_history(seeds):
    article = seeds[PESKOV]
    Article.objects.filter(pk=article.pk).update(title="Stale title")
    call_command("reprocess_articles", str(article.pk))
    assert article.history.latest().title != "Stale title"


def test_editors_cannot_manage_users(editor):
    assert editor.get("/admin/auth/user/").status_code == 403
    assert editor.get("/admin/auth/group/").status_code == 403
    assert editor.get("/admin/archive/entity/").status_code == 200


def test_anonymous_gets_the_login_page(client, committed_db):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_require_login_setting(client, committed_db, settings):
    assert client.get("/").status_code == 200
    settings.ARCHIVE_REQUIRE_LOGIN = True
    for url in ("/", "/compare", "/saved/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    for url in ("/api/search", "/export.csv", "/api/compare", "/compare.csv"):
        response = client.get(url)
        assert response.status_code == 401 and "log in" in response.json()["error"]
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/password_reset/").status_code == 200


def test_import_files_from_admin(editor):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "pages/a.txt",
            "The council approved the harbour plan on Tuesday after a long debate in the town hall.",
        )
        bundle.writestr(
            "../evil.txt",
            "The council approved the harbour plan on Tuesday after a long debate in the town hall.",
        )
    files = [
        SimpleUploadedFile("bundle.zip", archive.getvalue()),
        SimpleUploadedFile(
            "b.jsonl", b'{"title": "Vote held", "body": "The vote was held and it passed."}\n{broken'
        ),
    ]
    response = editor.post("/admin/archive/article/import/", {"files": files})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 created, 0 updated, 0 skipped, 2 rejected" in html
    assert "b.jsonl:2" in html and "outside the zip" in html
    assert Article.objects.filter(source="bundle/pages/a.txt").exists()


AFP, REPRINT = "002_259fda1996e3dcc7.txt", "004_735fed19aafc4c9a.txt"


def test_split_a_copy_group_survives_reprocessing(seeds, editor, client):
    reprint = seeds[REPRINT]
    assert search(client, q='"armed forces"', collapse="1")["total"] == 4
    response = editor.post(CHANGELIST, {"action": "split_copy_group", "_selected_action": [reprint.pk]})
    assert response.status_code == 302
    reprint.refresh_from_db()
    assert reprint.copy_group is None and "copy_group" in reprint.curated_fields
    assert Article.objects.exclude(copy_group=None).count() == 0  # a pair split in two is no group
    assert search(client, q='"armed forces"', collapse="1")["total"] == 5
    call_command("reprocess_articles", "--all", stdout=io.StringIO())
    assert Article.objects.exclude(copy_group=None).count() == 0
    assert search(client, q='"armed forces"', collapse="1")["total"] == 5


def test_split_a_story_survives_reprocessing(seeds, editor):
    peskov = seeds[PESKOV]
    editor.post(CHANGELIST, {"action": "split_story", "_selected_action": [peskov.pk]})
    peskov.refresh_from_db()
    assert peskov.story is None and "story" in peskov.curated_fields
    assert Article.objects.exclude(story=None).count() == 4
    call_command("reprocess_articles", "--all", stdout=io.StringIO())
    assert Article.objects.get(pk=peskov.pk).story is None
    assert Article.objects.exclude(story=None).count() == 4


def test_editor_moves_a_quote_to_another_speaker(seeds, editor):
    from archive.models import Entity, Quote

    quote = Quote.objects.filter(speaker__name="Vladimir Putin", article__source=PESKOV).first()
    xi = Entity.objects.get(name="Xi Jinping")
    url = f"/admin/archive/quote/{quote.pk}/change/"
    assert editor.get(url).status_code == 200
    assert editor.post(url, {"speaker": xi.pk}).status_code == 302
    quote.refresh_from_db()
    assert (quote.speaker, quote.speaker_curated, quote.group.speaker) == (xi, True, xi)
    call_command("reprocess_articles", "--all", stdout=io.StringIO())
    assert Quote.objects.get(article__source=PESKOV, text=quote.text).speaker == xi


def test_copy_groups_and_stories_have_admin_pages(seeds, editor):
    assert editor.get("/admin/archive/copygroup/").status_code == 200
    assert editor.get("/admin/archive/story/").status_code == 200
    assert editor.get("/admin/archive/quote/").status_code == 200


def _row(instance) -> dict:
    """Every stored value of a model instance, read afresh from the database."""
    fresh = type(instance).objects.get(pk=instance.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def _history_count(instance) -> int:
    return instance.history.count() if hasattr(instance, "history") else 0


def _admin_objects() -> list:
    from archive.models import CopyGroup, Entity, EntityAlias, Quote, Story

    return [
        Article.objects.get(source=PESKOV),
        Outlet.objects.get(slug="snn"),
        Entity.objects.get(slug="vladimir-putin"),
        EntityAlias.objects.filter(entity__isnull=False).first(),
        CopyGroup.objects.first(),
        Story.objects.first(),
        Quote.objects.first(),
    ]


def test_saving_every_change_form_unchanged_changes_nothing(seeds, editor):
    """What a browser sends back for an untouched form (CR LF line ends included) changes no value, adds no
    history entry and moves no update time."""
    from tests.archive.admin_forms import form_submission

    for instance in _admin_objects():
        meta = instance._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/{instance.pk}/change/"
        before, history = _row(instance), _history_count(instance)
        data = form_submission(editor.get(url).content.decode(), form_id=f"{meta.model_name}_form")
        response = editor.post(url, {**data, "_save": "Save"})
        assert response.status_code == 302, (url, response.content.decode()[:2000])
        assert _row(instance) == before, meta.model_name
        assert _history_count(instance) == history, meta.model_name


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("article", "byline", "Jane Editor"),
        ("outlet", "domain", "snn.example.org"),
        ("entity", "name", "Vladimir V. Putin"),
    ],
)
def test_changing_one_field_changes_only_that_field(seeds, editor, model, field, value):
    from tests.archive.admin_forms import form_submission

    instance = next(item for item in _admin_objects() if item._meta.model_name == model)
    url = f"/admin/archive/{model}/{instance.pk}/change/"
    before = _row(instance)
    data = form_submission(editor.get(url).content.decode(), form_id=f"{model}_form")
    data[field] = [value]
    assert editor.post(url, {**data, "_save": "Save"}).status_code == 302
    after = _row(instance)
    changed = {name for name in before if before[name] != after[name]} - {"updated_at"}
    expected = {field, "curated_fields"} if model == "article" else {field}
    assert changed == expected
    if model == "article":
        assert after["curated_fields"] == [field]
        assert after["body"] == before["body"]
    record = instance.history.first()
    assert [change.field for change in record.diff_against(record.prev_record).changes] == sorted(expected)
