"""Nobody reads or changes another researcher's saved searches through any URL: pages, API, methods.
Editors read everyone's and change only their own; visitors are sent to the login page (the API: 401)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from alerts.models import SavedSearch


@pytest.fixture
def anns(users) -> SavedSearch:
    return SavedSearch.objects.create(
        owner=users["ann"],
        name="Ann's private search",
        query="q=putin",
        alerts=True,
        seen_through=7,
        alerted_through=7,
    )


def state(saved: SavedSearch) -> tuple:
    saved.refresh_from_db()
    return (saved.name, saved.query, saved.alerts, saved.seen_through, saved.alerted_through, saved.seen_at)


def attempts(pk: int) -> list[tuple[str, str, dict]]:
    """Every way in to one saved search: each saved-search URL with every method it might take."""
    return [
        ("get", f"/saved/{pk}/", {}),
        ("post", f"/saved/{pk}/change", {"name": "Taken over", "alerts": "off"}),
        ("post", f"/saved/{pk}/delete", {}),
        ("get", f"/api/saved/{pk}", {}),
        ("post", f"/api/saved/{pk}", {"name": "Taken over", "alerts": "false"}),
        ("delete", f"/api/saved/{pk}", {}),
    ]


def test_every_saved_search_url_is_covered():
    """A new saved-search URL must be added to `attempts` (and so to these tests)."""
    routes = {
        str(pattern.pattern)
        for included in get_resolver().url_patterns
        if not str(included.pattern).startswith("admin/")  # the admin's own pages are for editors
        for pattern in getattr(included, "url_patterns", [])
        if "saved" in str(pattern.pattern)
    }
    assert routes == {
        "saved/",
        "saved/<int:pk>/",
        "saved/<int:pk>/change",
        "saved/<int:pk>/delete",
        "api/saved",
        "api/saved/<int:pk>",
    }


def test_another_researcher_gets_404_everywhere_and_changes_nothing(anns, users, login, seeds):
    before = state(anns)
    client = login(users["bob"])
    for method, url, data in attempts(anns.pk):
        response = getattr(client, method)(
            url,
            data,
            **({"content_type": "application/json"} if url.startswith("/api/") and method != "get" else {}),
        )
        assert response.status_code == 404, (method, url, response.status_code)
        if url.startswith("/api/"):
            assert "error" in response.json()
    assert state(anns) == before
    assert "Ann&#x27;s private search" not in client.get("/saved/").content.decode()
    assert client.get("/api/saved").json() == {"results": []}
    assert "Ann&#x27;s private search" not in client.get("/accounts/").content.decode()


def test_a_new_saved_search_always_belongs_to_whoever_saves_it(users, login, seeds):
    client = login(users["bob"])
    client.post(
        "/api/saved",
        {"name": "Mine", "query": "q=xi", "owner": users["ann"].pk, "owner_id": users["ann"].pk},
        content_type="application/json",
    )
    client.post("/saved/", {"name": "Mine too", "query": "q=xi", "owner": users["ann"].pk})
    assert set(SavedSearch.objects.values_list("owner__username", flat=True)) == {"bob"}


def test_editors_read_everyones_but_change_only_their_own(anns, users, login, seeds):
    before = state(anns)
    client = login(users["eve"])
    assert "Ann&#x27;s private search" in client.get("/saved/").content.decode()
    assert client.get(f"/api/saved/{anns.pk}").json()["owner"] == "ann"
    assert (
        client.get(f"/saved/{anns.pk}/")["Location"] == "/?q=putin"
    )  # opens it, without marking Ann's as seen
    for method, url, data in attempts(anns.pk)[1:]:
        if url == f"/api/saved/{anns.pk}" and method == "get":
            continue
        response = getattr(client, method)(
            url, data, **({"content_type": "application/json"} if url.startswith("/api/") else {})
        )
        assert response.status_code == 403, (method, url, response.status_code)
    assert state(anns) == before


def test_visitors_are_sent_to_log_in_and_the_api_answers_401(anns, client, seeds):
    before = state(anns)
    for method, url, data in [
        *attempts(anns.pk),
        ("get", "/saved/", {}),
        ("post", "/saved/", {"name": "x", "query": "q=x"}),
        ("get", "/api/saved", {}),
        ("post", "/api/saved", {"name": "x"}),
        ("get", "/accounts/", {}),
        ("get", "/accounts/invite/", {}),
    ]:
        response = getattr(client, method)(url, data)
        if url.startswith("/api/"):
            assert response.status_code == 401 and "log in" in response.json()["error"].lower(), url
        else:
            assert response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/?next="
            ), url
    assert state(anns) == before and SavedSearch.objects.count() == 1


def test_only_editors_invite(users, login):
    assert login(users["bob"]).get("/accounts/invite/").status_code == 403
    assert login(users["eve"]).get("/accounts/invite/").status_code == 200
