"""Copies, stories and quotes in a real browser: collapsing from the Advanced disclosure, the article's
coverage card, the story page and quote search."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_collapse_copies_then_story_then_quotes(page, live_server, seeds):
    page.goto(live_server.url + '/?q="armed forces"')
    assert page.get_by_test_id("total").text_content() == "5"
    page.get_by_text("Advanced: dates, sorting, copies").click()
    page.get_by_label("Collapse copies: one result per syndicated text").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**collapse=1*")
    assert page.get_by_test_id("total").text_content() == "4"
    assert "near-copies counted once" in page.get_by_test_id("count-mode").text_content()
    copies = page.get_by_test_id("copies")
    assert copies.count() == 1 and "Also in 1 outlet" in copies.text_content()
    copies.locator("summary").click()
    copies.get_by_role("link").click()
    page.wait_for_url("**/articles/*/")
    assert page.get_by_test_id("near-copies").get_by_role("link").count() == 1
    assert page.get_by_test_id("quote").count() >= 3
    page.get_by_test_id("story-link").click()
    page.wait_for_url("**/stories/*/")
    assert page.get_by_test_id("story-article").count() == 5
    assert page.get_by_test_id("copy-badge").count() == 2
    page.get_by_test_id("story-quotes").get_by_role("link", name="every wording").first.click()
    page.wait_for_url("**/quotes/?group=*")
    assert page.get_by_test_id("quote-result").count() == 1
    assert page.get_by_test_id("quote-speaker").first.text_content() == "Vladimir Putin"


def test_quote_search_and_speaker_facet(page, live_server, seeds):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Quotes").click()
    page.wait_for_url("**/quotes/")
    page.fill("#quote-q", "cooperation")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=cooperation*")
    everyone = int(page.get_by_test_id("quote-total").text_content())
    page.get_by_test_id("facet-speaker").get_by_role("link", name="Xi Jinping").click()
    page.wait_for_url("**speaker=xi-jinping*")
    chosen = int(page.get_by_test_id("quote-total").text_content())
    assert 0 < chosen < everyone
    assert {text.strip() for text in page.get_by_test_id("quote-speaker").all_text_contents()} == {
        "Xi Jinping"
    }


def test_story_and_quotes_fit_a_narrow_screen(browser, live_server, seeds):
    from archive.models import Story

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for url in (Story.objects.get().get_absolute_url(), "/quotes/?q=armed", '/?q="armed forces"&collapse=1'):
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    context.close()
