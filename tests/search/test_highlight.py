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
    from search.highlight import Marks, spans_find

    text = (
        "U.S. officials stabilized the Colour of the colors; COUNCILS, councillors and Council's vote. "
        "2022 e.g. x.y.z"
    )
    for path in sorted((Path(__file__).parents[1] / "data" / "bbc").glob("*/*.txt"))[:40]:
        text += "\n" + path.read_text(encoding="utf-8")
    tokens = [
        (token.startchar, token.endchar, token.text) for token in ANALYZER(text, chars=True, mode="index")
    ]
    forms = sorted({form for _, _, form in tokens})
    for terms in ({"u.s", "colour", "council"}, set(forms[::37]), set(forms[5::101]), {"stabilis"}):
        expected = [token for token in tokens if token[2] in terms]
        assert spans_find(text, Marks(terms=frozenset(terms))) == expected


def _first(q: str):
    from search.searching import SearchParams, search_run

    return search_run(SearchParams(q=q)).hits[0]


def test_a_phrase_marks_its_occurrences_not_its_lone_words(committed_db):
    from archive.curation import articles_touch
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        title="Rates rise",
        body="The bank said rates would rise. Interest rates rose again, and interest was high.",
    )
    articles_touch([article.pk])
    hit = _first('"interest rates"')
    assert hit.snippet.count("<mark>") == 1 and "<mark>Interest rates</mark>" in hit.snippet
    assert "<mark>" not in hit.title_html  # the title holds "Rates" alone, not the phrase


def test_excluded_and_field_restricted_words_mark_only_where_they_matched(committed_db):
    from archive.curation import articles_touch
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        title="Harbour plan approved",
        body="The harbour plan was approved by the council; the mayor was absent.",
    )
    articles_touch([article.pk])
    hit = _first("council NOT title:mayor")  # "mayor" is in the body, but only as the excluded word
    assert "<mark>council</mark>" in hit.snippet and "mayor</mark>" not in hit.snippet
    hit = _first("title:harbour council")
    assert "<mark>Harbour</mark>" in hit.title_html
    assert "<mark>harbour</mark>" not in hit.snippet and "<mark>council</mark>" in hit.snippet
