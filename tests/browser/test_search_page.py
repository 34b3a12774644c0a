"""The search page in a real browser, against a live server holding the five seed articles."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def total(page) -> int:
    return int(page.get_by_test_id("total").text_content())


def test_query_facet_chip_article_and_entity_link(page, live_server, seeds):
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "putin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=putin*")
    assert total(page) == 5
    assert page.get_by_test_id("result").count() == 5
    assert page.title().startswith("putin")

    page.click('[data-testid=facet-value][data-facet=outlet][data-value=snn]')
    page.wait_for_url("**outlet=snn*")
    assert total(page) == 1

    page.get_by_role("link", name="Remove filter SNN").click()
    page.wait_for_url(lambda url: "outlet=" not in url)
    assert total(page) == 5

    page.click('[data-testid=facet-value][data-facet=entity][data-value=dmitry-peskov]')
    page.wait_for_url("**entity=dmitry-peskov*")
    assert total(page) == 1

    page.get_by_test_id("result").first.get_by_role("link").click()
    page.wait_for_url("**/articles/*/")
    assert "Dmitry Peskov" in page.content()
    page.get_by_test_id("entity-link").filter(has_text="Xi Jinping").click()
    page.wait_for_url("**/entities/xi-jinping/")
    page.get_by_test_id("entity-search").click()
    page.wait_for_url("**entity=xi-jinping*")
    assert total(page) == 5


def test_broken_query_shows_a_message(page, live_server, seeds):
    page.goto(live_server.url + '/?q="armed+forces')
    assert "Unclosed quote" in page.get_by_role("alert").text_content()


def test_search_and_facets_work_without_javascript(page_without_js, live_server, seeds):
    page = page_without_js
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", '"armed forces"')
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    assert total(page) == 5
    page.click('[data-testid=facet-value][data-facet=outlet][data-value=urdupoint]')
    page.wait_for_url("**outlet=urdupoint*")
    assert total(page) == 1
