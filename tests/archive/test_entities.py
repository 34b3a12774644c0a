from __future__ import annotations

import pytest

from archive.ingestion.entities import _short_form_target, name_acceptable, name_clean
from archive.models import Mention
from tests.conftest import SEEDS_TRUTH

SEEDS = {item["file"]: item for item in SEEDS_TRUTH["articles"]}


@pytest.mark.parametrize(
    ("surface", "entity_type", "expected"),
    [
        ("President Xi", "person", "Xi"),
        ("Mr Green", "person", "Green"),
        ("the United States", "place", "United States"),
        ("Russia’s", "place", "Russia"),
        ("U.S.", "place", "U.S."),
        ("Dr. Jane Roe", "person", "Jane Roe"),
    ],
)
def test_names_lose_titles_articles_and_possessives(surface, entity_type, expected):
    assert name_clean(surface, entity_type=entity_type) == expected


@pytest.mark.parametrize("name", ["he", "Friday", "December", "2022", "A", "ABOUT US", "Urdu - Muslim Names", "Contact Us", "x"])
def test_junk_is_never_an_entity(name):
    assert not name_acceptable(name)


@pytest.mark.parametrize("name", ["NATO", "CCTV", "Xi Jinping", "Wang Yi", "U.S."])
def test_real_names_are_acceptable(name):
    assert name_acceptable(name)


def test_short_forms_map_to_the_fullest_name():
    people = ["Vladimir Putin", "Xi Jinping", "Justin Green"]
    assert _short_form_target("Putin", people) == "Vladimir Putin"
    assert _short_form_target("Xi", people) == "Xi Jinping"
    assert _short_form_target("Green", people) == "Justin Green"
    assert _short_form_target("Peskov", people) is None


def test_ambiguous_short_form_is_left_alone():
    assert _short_form_target("Smith", ["John Smith", "Mary Smith"]) is None


def entity_names(article) -> set[str]:
    return set(Mention.objects.filter(article=article).values_list("entity__name", flat=True))


@pytest.mark.parametrize("name", SEEDS)
def test_seed_entities(seeds, name):
    found = entity_names(seeds[name])
    assert set(SEEDS[name]["entities_must"]) <= found
    assert not set(SEEDS[name]["entities_must_not"]) & found


def test_seed_entities_have_no_bare_short_forms(seeds):
    names = set(Mention.objects.values_list("entity__name", flat=True))
    assert not {"Putin", "Xi", "Chinese", "Western"} & names
