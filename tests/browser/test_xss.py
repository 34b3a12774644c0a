"""50 script-injection payloads in every field and in the query: none runs in Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser

TEMPLATES = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "'><body onload=window.__xss=1>",
    '" onmouseover="window.__xss=1" x="',
    "javascript:window.__xss=1",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "</textarea><script>window.__xss=1</script>",
    '<a href="javascript:window.__xss=1">x</a>',
    "{{7*7}}<details open ontoggle=window.__xss=1>",
]
PAYLOADS = [
    f"{prefix}{template}" for prefix in ("", "Harbour ", "<b>", "&lt;", "\u202e") for template in TEMPLATES
]


@pytest.fixture
def poisoned(committed_db):
    from archive.linking.quotes import quotes_link
    from archive.models import Article, Entity, Mention, Outlet

    articles = []
    for number, payload in enumerate(PAYLOADS):
        outlet, _ = Outlet.objects.get_or_create(
            name=f"{payload} outlet {number}", defaults={"slug": f"evil-outlet-{number}"}
        )
        article = Article.objects.create(
            title=f"{payload} harbour title {number}",
            body=(
                f"The harbour council {payload} met again today, number {number}. “We will fight {payload} "
                f"at the harbour,” Person {number} said."
            ),
            byline=payload,
            raw_text=payload,
            source=f"evil/{number}",
            raw_hash=str(number),
            outlet=outlet,
            published=dt.date(2023, 1, 1),
        )
        entity = Entity.objects.create(
            name=f"{payload} Person {number}", type="person", slug=f"evil-person-{number}"
        )
        Mention.objects.create(article=article, entity=entity, count=1)
        quotes_link(article)  # the quote, attributed to the payload-named person, is marked on pages
        article.save()  # re-announce with its mention
        articles.append(article)
    return articles


def test_no_payload_executes(page, live_server, poisoned):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = ["/?q=harbour&entity_limit=100", "/?q=harbour&page=2&entity_limit=100"]
    urls += [f"/?q={payload}" for payload in PAYLOADS[:10]]
    urls += [f"/articles/{article.pk}/" for article in poisoned[::5]]
    urls += [f"/entities/evil-person-{n}/" for n in range(0, 50, 7)]
    urls += [f"/outlets/evil-outlet-{n}/" for n in range(0, 50, 7)]
    urls += ["/quotes/", *[f"/quotes/?q={payload}" for payload in PAYLOADS[:5]]]
    for url in urls:
        page.goto(live_server.url + url)
        # Fire the events a planted attribute would wait for on every element.
        page.evaluate(
            "document.querySelectorAll('*').forEach(e => ['mouseover', 'focus', 'toggle'].forEach(t => "
            "e.dispatchEvent(new Event(t))))"
        )
        assert page.evaluate("window.__xss") is None, url
    assert dialogs == []


def test_state_changing_forms_need_csrf(live_server, committed_db):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        live_server.url + "/admin/login/", data=b"username=a&password=b", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
