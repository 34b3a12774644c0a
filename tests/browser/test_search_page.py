"""The search interface in a real browser (Debian's Chromium via Playwright) against a live server
holding the five seed articles. Each test leaves a screenshot in test-artifacts/."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.browser


def total(page) -> int:
    return int(page.get_by_test_id("total").text_content())


def facet(name: str, value: str) -> str:
    return f"[data-testid=facet-value][data-facet={name}][data-value={value}]"


def test_query_facets_chips_article_and_entity(page, live_server, seeds):
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "putin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=putin*")
    assert total(page) == 5
    assert page.get_by_test_id("result").count() == 5
    assert page.title().startswith("putin")

    page.click(facet("outlet", "snn"))
    page.wait_for_url("**outlet=snn*")
    assert total(page) == 1
    page.get_by_role("link", name="Remove filter SNN").click()
    page.wait_for_url(lambda url: "outlet=" not in url)
    assert total(page) == 5

    page.locator("#facet-entity").locator("xpath=..").get_by_text("More").click()  # long facets fold
    page.click(facet("entity", "dmitry-peskov"))
    page.wait_for_url("**entity=dmitry-peskov*")
    assert total(page) == 1
    assert page.get_by_test_id("chip").count() == 1

    page.get_by_test_id("result").first.get_by_role("link").click()
    page.wait_for_url("**/articles/*/")
    assert page.get_by_test_id("article-body").locator("a.mention", has_text="Peskov").count() >= 1
    page.get_by_test_id("entity-link").filter(has_text="Xi Jinping").click()
    page.wait_for_url("**/entities/xi-jinping/")
    page.get_by_test_id("entity-search").click()
    page.wait_for_url("**entity=xi-jinping*")
    assert total(page) == 5


def test_timeline_bar_narrows_the_dates_and_share_mode(page, live_server, seeds):
    page.goto(live_server.url + "/?q=putin")
    timeline = page.get_by_test_id("timeline")
    assert timeline.is_visible()
    timeline.get_by_test_id("timeline-bar").first.click()
    page.wait_for_url("**from=2022-12-30&to=2022-12-30*")
    assert total(page) == 3
    page.get_by_role("link", name="Share of output").click()
    page.wait_for_url("**chart=share*")
    assert "share of each outlet" in page.get_by_test_id("timeline").text_content()


def test_export_csv_from_the_results_page(page, live_server, seeds):
    page.goto(live_server.url + '/?q="armed+forces"')
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0][0] == "id" and len(rows) == 6


def test_keyboard_only_query_facet_result(page, live_server, seeds):
    page.goto(live_server.url + "/")
    page.keyboard.type("kremlin")  # the query box has focus on arrival
    page.keyboard.press("Enter")
    page.wait_for_url("**q=kremlin*")
    before = total(page)

    def tab_to(predicate: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"never reached {predicate}")

    tab_to(
        "document.activeElement.dataset.facet === 'outlet' && document.activeElement.dataset.value === 'snn'"
    )
    assert (
        page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    )  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**outlet=snn*")
    assert total(page) < before
    tab_to("document.activeElement.closest('[data-testid=result]') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/*/")


def test_narrow_screen_has_no_horizontal_scroll(browser, live_server, seeds, request):
    from tests.browser.conftest import ARTIFACTS

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for url in (
        "/?q=putin",
        "/articles/{}/".format(seeds["004_735fed19aafc4c9a.txt"].pk),
        "/entities/vladimir-putin/",
        "/outlets/urdupoint/",
    ):
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto(live_server.url + "/?q=putin")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def test_broken_query_shows_a_message(page, live_server, seeds):
    page.goto(live_server.url + '/?q="armed+forces')
    assert "Unclosed quote" in page.get_by_role("alert").text_content()


def test_search_facets_and_paging_work_without_javascript(page_without_js, live_server, seeds):
    page = page_without_js
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", '"armed forces"')
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    assert total(page) == 5
    page.click(facet("outlet", "urdupoint"))
    page.wait_for_url("**outlet=urdupoint*")
    assert total(page) == 1
    page.goto(live_server.url + "/?q=putin&page_size=2")
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2*")
    assert page.get_by_test_id("result").count() == 2


def test_undated_articles_are_counted_and_a_date_filter_says_what_it_leaves_out(page, live_server, seeds):
    """Two of the seeds carry no date: the chart says so, a date filter names how many matching undated
    articles it leaves out, and its link brings them back beside the dated ones."""
    page.goto(live_server.url + "/?q=putin")
    assert total(page) == 5
    note = page.get_by_test_id("undated-note").text_content()
    assert note.startswith("2 undated articles are not in the chart")
    page.get_by_test_id("timeline").get_by_test_id("timeline-bar").first.click()
    page.wait_for_url("**from=2022-12-30&to=2022-12-30*")
    assert total(page) == 3
    assert "leave out 2 matching undated articles" in page.get_by_test_id("undated-excluded").text_content()
    page.get_by_test_id("include-undated").click()
    page.wait_for_url("**undated=include*")
    assert total(page) == 5
    assert page.get_by_test_id("undated-excluded").count() == 0
