"""Editors curate entities through the admin's own URLs; every decision reaches search at once and
survives re-extraction."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Entity, EntityAlias, Mention


@pytest.fixture
def editor(client, committed_db):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def facet(client, name: str = "entity") -> dict[str, int]:
    data = client.get("/api/search", {"entity_limit": "100"}).json()
    return {item["label"]: item["count"] for item in data["facets"][name]}


def entity(name: str) -> Entity:
    return Entity.objects.get(name=name)


CHANGELIST = "/admin/archive/entity/"


def test_merge_asks_which_to_keep_then_moves_mentions_and_keeps_aliases(seeds, editor):
    asia, region = entity("Asia"), entity("Asia-Pacific region")
    page = editor.post(CHANGELIST, {"action": "merge_entities", "_selected_action": [asia.pk, region.pk]})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="keep"' in html and "Asia-Pacific region" in html and 'name="post" value="yes"' in html
    before = facet(editor)
    assert (before["Asia"], before["Asia-Pacific region"]) == (2, 1)

    response = editor.post(
        CHANGELIST,
        {
            "action": "merge_entities",
            "_selected_action": [asia.pk, region.pk],
            "post": "yes",
            "keep": asia.pk,
        },
    )
    assert response.status_code == 302
    after = facet(editor)
    assert after["Asia"] == 3
    assert "Asia-Pacific region" not in after
    assert EntityAlias.objects.get(key="asia-pacific region").entity == asia


def test_merge_respected_by_reprocess(seeds, editor):
    asia, region = entity("Asia"), entity("Asia-Pacific region")
    editor.post(
        CHANGELIST,
        {
            "action": "merge_entities",
            "_selected_action": [asia.pk, region.pk],
            "post": "yes",
            "keep": asia.pk,
        },
    )
    call_command("reprocess_articles", "--all")
    assert not Entity.objects.filter(name="Asia-Pacific region").exists()
    assert facet(editor)["Asia"] == 3


def test_change_type_through_confirmation(seeds, editor):
    kremlin = entity("Kremlin")
    page = editor.post(CHANGELIST, {"action": "change_entity_type", "_selected_action": [kremlin.pk]})
    assert 'name="type"' in page.content.decode()
    editor.post(
        CHANGELIST,
        {"action": "change_entity_type", "_selected_action": [kremlin.pk], "post": "yes", "type": "place"},
    )
    kremlin.refresh_from_db()
    assert kremlin.type == "place"
    call_command("reprocess_articles", "--all")
    assert list(Entity.objects.filter(name="Kremlin").values_list("type", flat=True)) == ["place"]
    labels = {item["label"]: item["type"] for item in editor.get("/api/search").json()["facets"]["entity"]}
    assert labels["Kremlin"] == "place"


def test_block_removes_and_stays_blocked_after_reprocess(seeds, editor):
    west = entity("West")
    assert "West" in facet(editor)
    editor.post(CHANGELIST, {"action": "block_entities", "_selected_action": [west.pk]})
    assert "West" not in facet(editor)
    call_command("reprocess_articles", "--all")
    assert not Entity.objects.filter(name="West").exists()
    assert "West" not in facet(editor)


def test_rename_keeps_the_old_name_as_an_alias(seeds, editor):
    nato = entity("NATO")
    response = editor.post(
        f"/admin/archive/entity/{nato.pk}/change/",
        {
            "name": "North Atlantic Treaty Organisation",
            "type": "organization",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    call_command("reprocess_articles", "--all")
    assert Mention.objects.filter(entity__name="North Atlantic Treaty Organisation").count() == 1
    assert not Entity.objects.filter(name="NATO").exists()


def test_entity_changelist_shows_counts_and_aliases(seeds, editor):
    html = editor.get(CHANGELIST, {"q": "Putin"}).content.decode()
    assert "Vladimir Putin" in html
    assert "Putin" in html  # the learned alias is listed and searchable


def test_builtin_aliases_make_one_united_states(seeds):
    assert Mention.objects.filter(entity__name="United States").count() == 1
    assert not Entity.objects.filter(name__in=["U.S.", "US"]).exists()


@pytest.mark.parametrize("slug", ["vladimir-putin", "kremlin", "moscow"])
def test_entity_page_renders_for_person_organisation_place(seeds, client, slug):
    response = client.get(f"/entities/{slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="timeline"' in html and "Dec 2022" in html
    assert "Appears most with" in html and "Outlets that mention it" in html
    assert f"/?entity={slug}" in html


def test_entity_page_ignores_hidden_articles(seeds, client):
    article = seeds["001_24224d28d160fde4.txt"]
    article.status = article.Status.HIDDEN
    article.save()
    assert client.get("/entities/dmitry-peskov/").status_code == 404  # only a hidden article mentions him


@pytest.fixture
def fed(editor):
    """Two names of one central bank in four indexed articles, as an import would leave them."""
    from archive.curation import articles_touch
    from tests.factories import ArticleFactory, EntityFactory, MentionFactory

    short, full = (
        EntityFactory(name="Fed", type="organization"),
        EntityFactory(name="US Federal Reserve", type="organization"),
    )
    articles = [ArticleFactory(body=f"Rates story {n} about the central bank.") for n in range(4)]
    for article in articles[:1]:
        MentionFactory(article=article, entity=short)
    for article in articles[1:]:
        MentionFactory(article=article, entity=full)
    articles_touch([a.pk for a in articles])  # mentions added after the save: the index must hear of them
    return short, full


def test_merge_offers_the_entity_in_most_articles_and_old_slugs_keep_working(fed, editor, client):
    short, full = fed
    page = editor.post(
        CHANGELIST, {"action": "merge_entities", "_selected_action": [short.pk, full.pk]}
    ).content.decode()
    assert f'value="{full.pk}" checked' in page.replace(
        "  ", " "
    )  # the one in three articles, not the first by name
    response = editor.post(
        CHANGELIST,
        {"action": "merge_entities", "_selected_action": [short.pk, full.pk], "post": "yes", "keep": full.pk},
        follow=True,
    )
    assert "now in 4 articles; 1 articles changed" in response.content.decode()
    redirect = client.get(f"/entities/{short.slug}/")
    assert redirect.status_code == 301 and redirect["Location"] == f"/entities/{full.slug}/"
    by_filter = client.get("/api/search", {"entity": short.slug}).json()
    assert by_filter["total"] == 4 and by_filter["followed"] == [
        {"kind": "entity", "from": short.slug, "to": full.slug, "name": "US Federal Reserve"}
    ]
    assert client.get("/api/search", {"q": f"entity:{short.slug}"}).json()["total"] == 4
    assert "was merged into" in client.get("/", {"entity": short.slug}).content.decode()


def test_a_blocked_entity_page_says_so(fed, editor, client):
    short, _ = fed
    editor.post(CHANGELIST, {"action": "block_entities", "_selected_action": [short.pk]})
    page = client.get(f"/entities/{short.slug}/")
    assert page.status_code == 410 and "An editor blocked “Fed”" in page.content.decode()
    answer = client.get("/api/search", {"entity": short.slug}).json()
    assert answer["total"] == 0 and answer["followed"][0]["to"] is None


def test_merged_outlet_slugs_redirect(seeds, editor, client):
    from archive.models import Outlet

    snn, urdu = Outlet.objects.get(slug="snn"), Outlet.objects.get(slug="urdupoint")
    editor.post(
        "/admin/archive/outlet/",
        {"action": "merge_outlets", "_selected_action": [snn.pk, urdu.pk], "post": "yes", "keep": urdu.pk},
    )
    response = client.get("/outlets/snn/")
    assert response.status_code == 301 and response["Location"] == "/outlets/urdupoint/"
    assert client.get("/api/search", {"outlet": "snn"}).json()["total"] == 2
