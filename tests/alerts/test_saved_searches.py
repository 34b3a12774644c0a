"""Saved searches: saving from the search page, counts now and new since the owner last looked (after an
import), opening one as its search, renaming, alerts on and off, deleting, and the API."""

from __future__ import annotations

import html
import re

from django.urls import NoReverseMatch, reverse

from alerts.models import SavedSearch
from archive.models import Article


def counts(client) -> dict[str, tuple[int, int]]:
    """Each saved search on /saved/: (matching now, new)."""
    html = client.get("/saved/").content.decode()
    rows = re.findall(
        r'data-testid="saved-open">([^<]+)</a>.*?data-testid="saved-total">(\d+)</td>\s*'
        r'<td class="text-end" data-testid="saved-new">(\d+)',
        html,
        re.S,
    )
    return {name: (int(total), int(new)) for name, total, new in rows}


def matching(word: str) -> int:
    return sum(
        1 for body in Article.objects.published().values_list("body", flat=True) if word in body.lower()
    )


def test_the_search_page_offers_to_save_it(seeds, users, login, client):
    assert 'data-testid="save-login"' in client.get("/", {"q": "putin"}).content.decode()
    html = login(users["ann"]).get("/", {"q": "putin", "outlet": "snn"}).content.decode()
    form = html[html.index('data-testid="save-search"') :]
    assert 'name="query" value="q=putin&amp;outlet=snn"' in form and 'action="/saved/"' in form


def test_new_matches_are_those_imported_since_the_owner_last_looked(seeds, users, login, import_records):
    client = login(users["ann"])
    assert client.post("/saved/", {"name": "Harbour", "query": "q=harbour"}).status_code == 302
    assert (
        client.post("/saved/", {"name": "Putin at SNN", "query": "q=putin&outlet=snn&page=3"}).status_code
        == 302
    )
    assert (
        SavedSearch.objects.get(name="Putin at SNN").query == "q=putin&outlet=snn"
    )  # the page is not part of a search
    assert counts(client) == {"Harbour": (0, 0), "Putin at SNN": (1, 0)}

    import_records(
        "The harbour council met.",
        "A storm hit the harbour.",
        "Nothing here.",
        "Putin spoke about the harbour.",
    )
    assert counts(client) == {
        "Harbour": (matching("harbour"), 3),
        "Putin at SNN": (1, 0),
    }  # Coast Herald is not SNN
    import_records("The harbour was dredged.")
    assert counts(client) == {"Harbour": (4, 4), "Putin at SNN": (1, 0)}

    saved = SavedSearch.objects.get(name="Harbour")
    opened = client.get(f"/saved/{saved.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/?q=harbour"
    assert counts(client)["Harbour"] == (4, 0)
    import_records("Harbour fees rise.")
    assert counts(client)["Harbour"] == (5, 1)


def test_hidden_articles_are_neither_matches_nor_new(seeds, users, login, import_records):
    client = login(users["ann"])
    client.post("/saved/", {"name": "Harbour", "query": "q=harbour"})
    import_records("The harbour council met.", "A storm hit the harbour.")
    hidden = Article.objects.get(body="A storm hit the harbour.")
    hidden.status = Article.Status.HIDDEN
    hidden.save()
    assert counts(client)["Harbour"] == (1, 1)


def test_rename_alerts_and_delete(seeds, users, login):
    client = login(users["ann"])
    client.post("/saved/", {"name": "Putin", "query": "q=putin"})
    saved = SavedSearch.objects.get()
    assert client.post(f"/saved/{saved.pk}/change", {"name": "  Putin   and Xi "}).status_code == 302
    assert client.post(f"/saved/{saved.pk}/change", {"alerts": "on"}).status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.alerts) == ("Putin and Xi", True)
    client.post("/saved/", {"name": "Other", "query": "q=xi"})
    refused = client.post(f"/saved/{saved.pk}/change", {"name": "other"})
    assert refused.status_code == 400 and "already have a saved search called" in refused.content.decode()
    assert client.post(f"/saved/{saved.pk}/delete").status_code == 302
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_what_cannot_be_saved_is_a_400_naming_it(seeds, users, login):
    client = login(users["ann"])
    for data, named in (
        ({"name": "", "query": "q=putin"}, "name"),
        ({"name": "Bad", "query": "q=(putin"}, "query"),
        ({"name": "Bad", "query": "sort=sideways"}, "sort"),
    ):
        response = client.post("/saved/", data)
        assert response.status_code == 400 and f"'{named}'" in html.unescape(response.content.decode()), data
    assert not SavedSearch.objects.exists()


def test_the_api_saves_lists_changes_and_deletes(seeds, users, login):
    client = login(users["ann"])
    created = client.post(
        "/api/saved", {"name": "Putin", "query": "q=putin", "alerts": "true"}, content_type="application/json"
    )
    assert created.status_code == 201
    item = created.json()
    assert (item["name"], item["query"], item["matches"], item["new"], item["alerts"]) == (
        "Putin",
        "q=putin",
        5,
        0,
        True,
    )
    assert item["search_url"] == "http://testserver/?q=putin"
    assert [row["id"] for row in client.get("/api/saved").json()["results"]] == [item["id"]]
    changed = client.post(
        f"/api/saved/{item['id']}", {"name": "Putin (all)", "alerts": False}, content_type="application/json"
    )
    assert (changed.json()["name"], changed.json()["alerts"]) == ("Putin (all)", False)
    bad = client.post(
        "/api/saved", {"name": "Broken", "query": "from=yesterday"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "'from'" in bad.json()["error"]
    assert client.delete(f"/api/saved/{item['id']}").json() == {"deleted": item["id"]}
    assert client.get(f"/api/saved/{item['id']}").status_code == 404


def test_a_saved_search_the_query_language_no_longer_reads_says_so(seeds, users, login):
    SavedSearch.objects.create(owner=users["ann"], name="Old", query="q=(putin")
    html = login(users["ann"]).get("/saved/").content.decode()
    assert "This search can no longer be run" in html


def test_the_account_page_lists_what_is_yours_and_links_to_sets(seeds, users, login):
    SavedSearch.objects.create(owner=users["ann"], name="Ann's", query="q=putin")
    SavedSearch.objects.create(owner=users["bob"], name="Bob's", query="q=xi")
    html = login(users["ann"]).get("/accounts/").content.decode()
    assert "Ann&#x27;s" in html and "Bob&#x27;s" not in html
    assert 'data-testid="logout"' in html
    try:  # result sets come with the research app, which this archive may not have
        assert f'href="{reverse("set_list")}" data-testid="sets-link"' in html
    except NoReverseMatch:
        assert 'data-testid="sets-link"' not in html and 'data-testid="sets-none"' in html
