"""Saved searches and alerts over the realistic archive, late in the tier because it imports articles (and
removes them again): counts now equal the searches, new matches after an import are exactly the imported
articles that match, and each alert is sent once."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from archive.ingestion.importer import articles_import
from archive.models import Article

SAVED = {
    "ann": {"Yukos": "q=yukos", "Putin at the BBC": "q=putin&outlet=bbc"},
    "bob": {"Economy": "q=economy"},
}
RECORDS = [
    ("Yukos shares fall again", "Shares in Yukos fell on Monday as the auction neared.", "BBC"),
    ("Court hears Yukos case", "A court in Houston heard the Yukos bankruptcy case.", "Coast Herald"),
    ("Putin visits Yukos site", "Vladimir Putin visited a former Yukos oil field.", "BBC"),
    ("Putin meets ministers", "Putin met his ministers in Moscow on Tuesday.", "Coast Herald"),
    ("Economy grows", "The economy grew faster than forecast this quarter.", "BBC"),
    ("Harbour reopens", "The harbour reopened after the storm.", "BBC"),
]


def new_matching(word: str, outlet: str = "") -> int:
    """The imported records a saved search should count as new, read off the records themselves."""
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    return sum(
        1
        for title, body, source in RECORDS
        if (pattern.search(title) or pattern.search(body)) and outlet in ("", source)
    )


def total(client, query: str) -> int:
    return client.get(f"/api/search?{query}&count=articles").json()["total"]


def counts(client) -> dict[str, tuple[int, int]]:
    return {
        item["name"]: (item["matches"], item["new"]) for item in client.get("/api/saved").json()["results"]
    }


def send_alerts() -> str:
    out = StringIO()
    call_command("send_alerts", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def researchers(realistic, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        users = {
            name: User.objects.create_user(f"realistic-{name}", f"{name}@example.org", "pw-realistic-1")
            for name in SAVED
        }
        batch = tmp_path_factory.mktemp("alerts") / "batch.jsonl"
        yield {"users": users, "batch": batch}
        Article.objects.filter(source__startswith="realistic-alerts/").delete()
        User.objects.filter(pk__in=[user.pk for user in users.values()]).delete()


def test_saved_searches_count_an_import_and_alerts_go_out_once(client, researchers):
    mail.outbox = []
    users = researchers["users"]
    for name, searches in SAVED.items():
        client.force_login(users[name])
        for title, query in searches.items():
            assert client.post("/saved/", {"name": title, "query": query, "alerts": "1"}).status_code == 302
        assert counts(client) == {title: (total(client, query), 0) for title, query in searches.items()}
    assert "0 sent" in send_alerts() and mail.outbox == []

    lines = [
        json.dumps(
            {"title": t, "body": b, "outlet": o, "published": "2023-03-01", "source": f"realistic-alerts/{n}"}
        )
        for n, (t, b, o) in enumerate(RECORDS)
    ]
    researchers["batch"].write_text("\n".join(lines) + "\n")
    assert articles_import([researchers["batch"]]).created == len(RECORDS)

    expected = {
        "Yukos": new_matching("yukos"),
        "Putin at the BBC": new_matching("putin", "BBC"),
        "Economy": new_matching("economy"),
    }
    assert expected == {"Yukos": 3, "Putin at the BBC": 1, "Economy": 1}
    for name, searches in SAVED.items():
        client.force_login(users[name])
        assert counts(client) == {
            title: (total(client, query), expected[title]) for title, query in searches.items()
        }

    assert "2 sent (5 new matches)" in send_alerts()
    by_user = {message.to[0]: message.body for message in mail.outbox}
    assert (
        "Yukos: 3 new" in by_user["ann@example.org"]
        and "Putin at the BBC: 1 new" in by_user["ann@example.org"]
    )
    assert "Economy: 1 new" in by_user["bob@example.org"] and "Yukos" not in by_user["bob@example.org"]
    assert "0 sent" in send_alerts() and len(mail.outbox) == 2

    client.force_login(users["ann"])
    yukos = next(item for item in client.get("/api/saved").json()["results"] if item["name"] == "Yukos")
    assert client.get(f"/saved/{yukos['id']}/")["Location"] == "/?q=yukos"
    assert counts(client)["Yukos"] == (total(client, "q=yukos"), 0)
