from __future__ import annotations

import pytest

from archive.ingestion.entities import _short_form_target, name_acceptable, name_clean
from archive.models import Article, Entity, EntityAlias, Mention
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


@pytest.mark.parametrize(
    "name", ["he", "Friday", "December", "2022", "A", "ABOUT US", "Urdu - Muslim Names", "Contact Us", "x"]
)
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


def test_a_surname_is_learned_across_articles_and_resolves_another(tmp_path, import_paths):
    (tmp_path / "a.txt").write_text(
        "Russian President Vladimir Putin spoke on Friday. Putin said the talks had gone well for both sides."
    )
    (tmp_path / "b.txt").write_text(
        "Vladimir Putin flew to Minsk. There Putin said the union state would be strengthened this year."
    )
    (tmp_path / "c.txt").write_text(
        "In Moscow on Saturday, Putin met the governor to discuss the regional budget for next year."
    )
    import_paths(tmp_path / "a.txt")
    assert not EntityAlias.objects.filter(key="putin").exists()  # one article is no evidence
    import_paths(tmp_path / "b.txt")
    import_paths(tmp_path / "c.txt")
    assert EntityAlias.objects.get(key="putin").entity.name == "Vladimir Putin"
    assert entity_names(Article.objects.get(source="c.txt")) >= {"Vladimir Putin"}
    assert not Entity.objects.filter(name="Putin").exists()


def test_a_learned_surname_is_forgotten_when_a_namesake_arrives(committed_db):
    from archive.ingestion.entities import FoundEntity
    from archive.ingestion.resolver import EntityResolver

    resolver = EntityResolver()
    john = resolver.resolve(FoundEntity("John Smith", "person", 1))
    Mention.objects.create(
        article=Article.objects.create(title="t", body="b", raw_text="b", source="x"), entity=john
    )
    resolver.mentions([FoundEntity("John Smith", "person", 2, surfaces=("Smith",))])
    assert EntityAlias.objects.get(key="smith").entity.name == "John Smith"
    resolver.mentions([FoundEntity("Mary Smith", "person", 2, surfaces=("Smith",))])
    assert not EntityAlias.objects.filter(key="smith").exists()
    assert resolver.resolve(FoundEntity("Smith", "person", 1, form="bare")) is None


def test_without_a_model_known_names_and_aliases_are_matched(settings, tmp_path, import_paths):
    settings.ARCHIVE_SPACY_MODEL = ""
    page = tmp_path / "a.txt"
    page.write_text(
        "Officials in the U.S. and the EU said NATO would meet on Friday to discuss the plan in detail."
    )
    import_paths(page)
    assert entity_names(Article.objects.get()) == {"United States", "European Union", "NATO"}


def test_organisation_shaped_names_are_organisations():
    from archive.ingestion.entities import type_correct

    assert type_correct("Manchester United", "person") == "organization"
    assert type_correct("Home Office", "person") == "organization"
    assert type_correct("Tony Blair", "person") == "person"
