from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article
from tests.conftest import admin_change_data


@pytest.fixture
def admin_client(client, committed_db):
    client.force_login(User.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_reprocess_improves_an_article_but_keeps_the_editors_correction(seeds, admin_client, capsys):
    article = seeds["004_735fed19aafc4c9a.txt"]
    # An editor corrects the byline in admin; the importer's older rules had left junk in the body.
    change_url = f"/admin/archive/article/{article.pk}/change/"
    data = admin_change_data(
        admin_client,
        change_url,
        outlet=article.outlet_id,
        published="2022-12-30",
        byline="M. Ali (desk)",
        status="published",
    )
    assert admin_client.post(change_url, data).status_code == 302
    article.refresh_from_db()
    assert article.curated_fields == ["byline"]
    Article.objects.filter(pk=article.pk).update(
        body=article.body + "\n\nRecent Stories\n\nPele, football king, passes away", title="Old title"
    )

    call_command("reprocess_articles", str(article.pk))

    article.refresh_from_db()
    assert "Pele" not in article.body
    assert article.title == "Putin Tells Xi He Wants To Ramp Up Military Cooperation"
    assert article.byline == "M. Ali (desk)"
    assert capsys.readouterr().out.strip() == "1 changed, 0 unchanged, 0 failed"


def test_reprocess_all_leaves_clean_articles_unchanged(seeds, capsys):
    call_command("reprocess_articles", "--all")
    assert capsys.readouterr().out.strip() == "0 changed, 5 unchanged, 0 failed"
    assert Article.objects.get(source="001_24224d28d160fde4.txt").published == dt.date(2022, 12, 30)


def test_reprocess_needs_ids_or_all(committed_db):
    with pytest.raises(CommandError, match="ids or --all"):
        call_command("reprocess_articles")
    with pytest.raises(CommandError, match="no article with id 999"):
        call_command("reprocess_articles", "999")


def test_admin_shows_clean_body_beside_raw_text_with_removed_lines(seeds, admin_client):
    article = seeds["002_259fda1996e3dcc7.txt"]
    html = admin_client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert "Clean body beside the raw text" in html
    assert 'line-through; color: #a33; background: #fff3f3;">Related Links</div>' in html
