from __future__ import annotations

import datetime as dt

import pytest

from search.fields import FACETS
from search.params import SearchParams

PARAMS = [
    SearchParams(),
    SearchParams(q="putin & xi", page=3),
    SearchParams(
        q="gas",
        outlets=("bbc", "the-guardian"),
        entities=("tony-blair",),
        entity_types=("person",),
        wires=("afp",),
        date_from=dt.date(2004, 1, 1),
        undated="include",
        sort="newest",
        page_size=50,
        collapse=True,
        count="articles",
        chart="share",
    ),
    SearchParams(queries=("oil", "gas"), labels=("Oil", ""), interval="week", entity_limit=5),
]


@pytest.mark.parametrize("params", PARAMS)
def test_links_are_the_urls_of_the_changed_parameters(params):
    links = params.links(path="/x/")
    for facet in FACETS:
        for value in ("bbc", "tony-blair", "person", "afp", "a b&c", *getattr(params, facet.attribute)):
            assert links.toggle(facet.name, value) == params.toggled(facet.name, value).url(path="/x/")
    changes = [
        {"date_from": dt.date(2005, 2, 1), "date_to": dt.date(2005, 2, 28), "undated": ""},
        {"date_from": None, "date_to": None},
        {"undated": "only"},
        {"sort": "relevance", "chart": "count"},
        {"outlets": ()},  # not a single-valued parameter: the long way, same answer
    ]
    for change in changes:
        assert links.changed(**change) == params.changed(**change).url(path="/x/")
