"""The comparison in a real browser, at desktop and mobile widths: the chart draws a series per query with
its legend and the table of the same numbers, nothing overflows sideways, and a keyboard reaches the chart's
bars (each opens its query's search narrowed to its period). Screenshots of each width go to
test-artifacts/."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

URL = "/compare?q=putin&label=Putin&q=%22armed+forces%22&label=Armed+forces&q=cooperation&interval=day"


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "mobile"])
def test_the_chart_is_readable_and_keyboard_reachable(browser, live_server, seeds, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(live_server.url + URL)
        answer = page.request.get(live_server.url + URL.replace("/compare", "/api/compare")).json()
        legend = page.get_by_test_id("chart-legend").locator("li").all_text_contents()
        assert [text.strip() for text in legend] == [item["label"] for item in answer["queries"]]
        bars = page.get_by_test_id("chart-bar")
        assert bars.count() == len(answer["periods"]) * len(answer["queries"]) > 0
        assert page.get_by_test_id("compare-table").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"compare-{width}.png"), full_page=True)

        for _ in range(80):  # Tab through the page until a bar of the chart has the focus
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('data-testid')") == "chart-bar":
                break
        else:
            pytest.fail("no bar of the chart is reachable with the keyboard")
        label = page.evaluate("document.activeElement.getAttribute('aria-label')")
        count = page.evaluate("document.activeElement.getAttribute('data-count')")
        assert label.startswith(f"{answer['queries'][0]['label']}, ")
        page.keyboard.press("Enter")  # the bar opens its query's own search, narrowed to the bar's period
        page.wait_for_url("**/?q=putin&from=*")
        assert page.get_by_test_id("total").text_content() == count
    finally:
        context.close()
