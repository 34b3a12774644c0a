"""What a concordance counts as a match: exactly what the index's own analysis makes of the text."""

from __future__ import annotations

import pytest

from search.analysis import ANALYZER
from search.concordance import matcher_build, tokens_of
from tests.conftest import DATA

TEXT = (
    "The Prime Minister met the prime ministers. A prime example; the minister left.\n\n"
    "He was stabilising prices (stabilized, say the Americans) in the U.S. and the UK. Prime\nminister again."
)


def whoosh_positions(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Occurrences of `words` (analysed forms) as consecutive positions, from Whoosh's own token stream:
    how the index records the text, independent of the concordance's tokenising."""
    forms = [token.text for token in ANALYZER(text, positions=True)]
    size = len(words)
    return [(i, i + size) for i in range(len(forms) - size + 1) if tuple(forms[i : i + size]) == words]


def spans(q: str, text: str, field: str = "body") -> list[tuple[int, int]]:
    return matcher_build(q).of(field).spans(tokens_of(text))


def words(text: str, found: list[tuple[int, int]]) -> list[str]:
    tokens = tokens_of(text)
    return [text[tokens.starts[first] : tokens.ends[last - 1]] for first, last in found]


def test_a_phrase_matches_as_a_whole_and_its_words_alone_do_not():
    found = spans('"prime minister"', TEXT)
    assert found == whoosh_positions(TEXT, ("prime", "minist"))
    assert [" ".join(w.split()).lower() for w in words(TEXT, found)] == [
        "prime minister",
        "prime ministers",
        "prime minister",
    ]


def test_words_under_not_are_never_matches():
    for q in ("prime NOT minister", "prime -minister", "prime AND NOT (minister OR example)"):
        matcher = matcher_build(q)
        assert matcher.of("body").terms == {"prime"} and not matcher.of("body").phrases, q
    assert words(TEXT, spans("example OR (prime NOT minister)", TEXT)) == [
        "Prime",
        "prime",
        "prime",
        "example",
        "Prime",
    ]


def test_stems_and_spelling_variants_match_as_the_index_analyses_them():
    found = spans("stabilizing", TEXT)
    assert words(TEXT, found) == ["stabilising", "stabilized"]
    assert found == whoosh_positions(TEXT, (next(ANALYZER("stabilizing")).text,))


def test_tokens_line_up_with_the_index_positions_on_real_text():
    """On BBC articles, each token's place and offsets are the ones the index's analyzer gives it."""
    for path in sorted((DATA / "bbc" / "politics").glob("*.txt"))[:60]:
        text = path.read_text(encoding="utf-8")
        indexed = [(token.pos, token.text) for token in ANALYZER(text, positions=True)]
        mine = tokens_of(text)
        assert len(mine) == len(indexed), path.name
        chars = [(token.startchar, token.endchar) for token in ANALYZER(text, chars=True)]
        assert list(zip(mine.starts, mine.ends)) == chars, path.name
        word = indexed[len(indexed) // 2][1]
        assert [first for first, _ in matcher_build(word).of("body").spans(mine)] == [
            pos for pos, form in indexed if form == word
        ], path.name


def test_a_field_query_matches_in_its_field_only():
    matcher = matcher_build("title:minister harbour")
    assert matcher.of("title").terms == {"minist", "harbour"} and matcher.of("body").terms == {"harbour"}
    assert not matcher_build("byline:minister").fields["body"] and not matcher_build("outlet:bbc")


@pytest.mark.parametrize("q", ["U.S.", '"the U.S."'])
def test_dotted_words_are_one_token_as_in_the_index(q):
    assert [" ".join(w.split()) for w in words(TEXT, spans(q, TEXT))] == (
        ["U.S"] if q == "U.S." else ["the U.S"]
    )
