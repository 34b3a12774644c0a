from __future__ import annotations

from search.highlight import snippet_html


def test_html_in_text_is_escaped_and_matches_marked():
    html = snippet_html('<script>alert(1)</script> The councils voted "yes".', frozenset({"council"}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>councils</mark>" in html


def test_window_moves_to_the_matches():
    text = "filler " * 100 + "the zeppelin arrived " + "filler " * 100
    html = snippet_html(text, frozenset({"zeppelin"}))
    assert "<mark>zeppelin</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 320


def test_no_match_gives_the_opening():
    assert snippet_html("Opening words of the article.", frozenset()) == "Opening words of the article."
