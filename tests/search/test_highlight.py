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


def test_marks_exactly_the_tokens_the_index_analyzer_matches():
    """The pattern-based marking finds the same tokens as running the analyzer over the whole text."""
    from pathlib import Path

    from search.analysis import ANALYZER
    from search.highlight import _spans

    text = "U.S. officials stabilized the Colour of the colors; COUNCILS, councillors and Council's vote. 2022 e.g. x.y.z"
    for path in sorted((Path(__file__).parents[1] / "data" / "bbc").glob("*/*.txt"))[:40]:
        text += "\n" + path.read_text(encoding="utf-8")
    tokens = [(token.startchar, token.endchar, token.text) for token in ANALYZER(text, chars=True, mode="index")]
    forms = sorted({form for _, _, form in tokens})
    for terms in ({"u.s", "colour", "council"}, set(forms[::37]), set(forms[5::101]), {"stabilis"}):
        expected = [token for token in tokens if token[2] in terms]
        assert _spans(text, frozenset(terms)) == expected
