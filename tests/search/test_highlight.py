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


def _analysed(text: str) -> list[tuple[int, int, str]]:
    from search.analysis import ANALYZER

    return [
        (token.startchar, token.endchar, token.text) for token in ANALYZER(text, chars=True, mode="index")
    ]


def _bbc_text(opening: str, count: int = 40) -> str:
    from pathlib import Path

    paths = sorted((Path(__file__).parents[1] / "data" / "bbc").glob("*/*.txt"))[:count]
    return "\n".join([opening, *(path.read_text(encoding="utf-8") for path in paths)])


def test_marks_exactly_the_tokens_the_index_analyzer_matches():
    """The pattern-based marking finds the same tokens as running the analyzer over the whole text: words
    whose stem rewrites their end ("happy", "nobility") and American spellings that begin otherwise than
    their British form ("tire" is indexed as "tyre") included."""
    from search.highlight import Marks, spans_find

    text = _bbc_text(
        "U.S. officials stabilized the Colour of the colors; COUNCILS, councillors and Council's vote. "
        "2022 e.g. x.y.z. Happy nobility: a tire, two tyres, a plow."
    )
    tokens = _analysed(text)
    forms = sorted({form for _, _, form in tokens})
    for terms in (
        {"u.s", "colour", "council"},
        set(forms[::37]),
        set(forms[5::101]),
        {"stabilis"},
        {"happi", "nobl", "tyre", "plough"},
    ):
        expected = [token for token in tokens if token[2] in terms]
        assert expected
        assert spans_find(text, Marks(terms=frozenset(terms))) == expected


def test_marks_exactly_the_phrase_occurrences_of_the_analysed_tokens():
    """Each phrase is marked where its forms follow each other in the analysed token stream, occurrences
    that overlap ("the the" in "the the the") merged into one span."""
    from search.highlight import Marks, spans_find

    text = _bbc_text("The the the end. One of the one of the best.", count=20)
    tokens = _analysed(text)
    forms = [form for _, _, form in tokens]
    phrases = {
        tuple(forms[index : index + width]) for index in range(0, len(forms) - 3, 97) for width in (2, 3)
    }
    phrases |= {("the", "the"), ("of", "the", "on"), ("zzyzx", "the")}
    for phrase in sorted(phrases):
        width = len(phrase)
        starts = [i for i in range(len(forms) - width + 1) if tuple(forms[i : i + width]) == phrase]
        expected: list[tuple[int, int]] = []
        for i in starts:
            begin, end = tokens[i][0], tokens[i + width - 1][1]
            if expected and begin < expected[-1][1]:
                expected[-1] = (expected[-1][0], end)
            else:
                expected.append((begin, end))
        found = spans_find(text, Marks(phrases=(phrase,)))
        assert [(start, stop) for start, stop, _ in found] == expected, phrase
    assert [span[:2] for span in spans_find("the the the", Marks(phrases=(("the", "the"),)))] == [(0, 11)]


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
