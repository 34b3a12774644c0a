"""No query string, however odd, gets anything but an answer or a message."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.query import QuerySyntaxError, query_parse

QUERY_ALPHABET = st.sampled_from(
    list("abcxyz AND OR NOT ()\"*?~:-+[]{}^\\/!@#$%&=<>,.;'`|")
    + ["title:", "published:", "entity:", "TO", "é", "中", "\x00", "\n"]
)
queries = st.lists(QUERY_ALPHABET, max_size=30).map("".join) | st.text(max_size=60)


@settings(max_examples=500, deadline=None)
@given(queries)
def test_query_parser_raises_only_syntax_errors(text):
    try:
        query_parse(text)
    except QuerySyntaxError as error:
        assert str(error)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    queries,
    st.sampled_from(["/", "/api/search", "/export.csv", "/export.jsonl"]),
    st.sampled_from(
        [
            "q",
            "outlet",
            "entity",
            "from",
            "to",
            "sort",
            "page",
            "page_size",
            "entity_type",
            "entity_limit",
            "chart",
        ]
    ),
)
def test_no_url_answers_500(client, text, url, parameter):
    response = client.get(url, {parameter: text} if parameter != "q" else {"q": text})
    assert response.status_code in {200, 400}, (url, parameter, text)
