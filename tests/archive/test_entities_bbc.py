"""Entity quality on the 2,095 real BBC articles: no junk, and the most frequent entities look right."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from archive.ingestion.entities import FoundEntity, entities_extract, nlp_default
from archive.ingestion.resolver import EntityResolver
from tests.archive.pages import BBC

MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
PRONOUNS = {
    "i",
    "he",
    "she",
    "it",
    "we",
    "they",
    "him",
    "her",
    "us",
    "them",
    "his",
    "its",
    "our",
    "their",
    "you",
}
NAVIGATION = {
    "home",
    "menu",
    "search",
    "share",
    "subscribe",
    "login",
    "previous",
    "related",
    "advertisement",
}  # not "Next": a retailer

# Checked by hand: the 30 entities that appear in the most BBC articles, with their types.
TOP_30 = {
    ("United Kingdom", "place"),
    ("London", "place"),
    ("Europe", "place"),
    ("England", "place"),
    ("BBC", "organization"),
    ("United States", "place"),
    ("France", "place"),
    ("Tony Blair", "person"),
    ("Labour Party", "organization"),
    ("BBC News", "organization"),
    ("Scotland", "place"),
    ("Ireland", "place"),
    ("Michael Howard", "person"),
    ("Japan", "place"),
    ("New York", "place"),
    ("Wales", "place"),
    ("Germany", "place"),
    ("European Union", "organization"),
    ("China", "place"),
    ("Australia", "place"),
    ("Gordon Brown", "person"),
    ("Italy", "place"),
    ("Liberal Democrats", "organization"),
    ("India", "place"),
    ("Hollywood", "place"),
    ("Microsoft", "organization"),
    ("Iraq", "place"),
    ("Chelsea", "organization"),
    ("Russia", "place"),
    ("BBC Radio 4", "organization"),
}


@pytest.fixture(scope="module")
def bbc_entities() -> list[list[FoundEntity]]:
    texts = []
    for path in sorted(BBC.glob("*/*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        texts.append("\n\n".join(line.strip() for line in lines[1:] if line.strip()))
    return entities_extract(texts, nlp=nlp_default(), n_process=2)


def test_no_junk_entities(bbc_entities):
    names = {item.name for found in bbc_entities for item in found}
    for name in names:
        lowered = name.lower()
        assert lowered not in MONTHS | WEEKDAYS | PRONOUNS | NAVIGATION, name
        assert not re.fullmatch(r"[\d\s.,%£$€-]+", name), name
        assert len(name) > 1, name


def test_top_30_entities_look_right(bbc_entities, db):
    resolver = EntityResolver()
    articles: Counter[tuple[str, str]] = Counter()
    for (
        found
    ) in bbc_entities:  # resolved article by article, as an import does (what the archive knows grows)
        resolved = {resolution.entity for resolution in resolver.resolutions(found)} - {None}
        articles.update((entity.name, entity.type) for entity in resolved)
    top = {key for key, _ in articles.most_common(30)}
    assert top == TOP_30, "\n".join(
        f"{count:4} {name} ({entity_type})" for (name, entity_type), count in articles.most_common(40)
    )
