"""The BBC failures of issue 17, each through the real pipeline (model and importer): what one article must
not teach the archive, and the types and names the facet showed wrongly. Real BBC articles where the failure
was seen, small texts where a second article has to show what was (not) learned."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.models import Article, EntityAlias, Mention
from tests.archive.pages import BBC


def entities_of(source: str) -> set[tuple[str, str]]:
    return set(Mention.objects.filter(article__source=source).values_list("entity__name", "entity__type"))


def names_of(source: str) -> set[str]:
    return {name for name, _ in entities_of(source)}


@pytest.fixture
def write(tmp_path):
    def page(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return page


def bbc(tmp_path, relative: str) -> Path:
    """A copy of a real BBC article, so that its source name stays short and alone in its folder."""
    path = tmp_path / Path(relative).name
    path.write_text((BBC / relative).read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_tudor_england_does_not_absorb_england(tmp_path, write, import_paths):
    import_paths(bbc(tmp_path, "entertainment/levy-takes-whitbread-novel-prize.txt"))
    import_paths(
        write(
            "rugby.txt",
            "England will face Wales in Cardiff on Saturday. England coach Andy Robinson named an unchanged "
            "side.",
        )
    )
    assert ("England", "place") in entities_of("rugby.txt")
    assert not EntityAlias.objects.filter(key="england").exists()
    assert (
        not Mention.objects.filter(entity__type="person", entity__name__endswith="England")
        .exclude(article__source="levy-takes-whitbread-novel-prize.txt")
        .exists()
    )


def test_jason_scotland_does_not_absorb_scotland(tmp_path, write, import_paths):
    import_paths(bbc(tmp_path, "sport/dundee-utd-4-1-aberdeen.txt"))
    import_paths(
        write(
            "six-nations.txt",
            "Scotland lost to Ireland at Murrayfield. Scotland coach Matt Williams said his side had been "
            "unlucky.",
        )
    )
    assert ("Scotland", "place") in entities_of("six-nations.txt")
    assert "Jason Scotland" not in names_of("six-nations.txt")
    assert not EntityAlias.objects.filter(key="scotland").exists()


BLAIR = (
    "Prime Minister Tony Blair spoke in London on Monday. Later Tony said the election had not been "
    "called and Mr Blair left."
)


def test_a_given_name_is_never_learned(write, import_paths):
    import_paths(write("a.txt", BLAIR), write("b.txt", BLAIR.replace("Monday", "Tuesday")))
    import_paths(
        write(
            "c.txt",
            "Tony said the new rules would hurt small builders like him, the plumber from Leeds added.",
        )
    )
    assert "Tony Blair" in names_of("a.txt")
    assert Article.objects.filter(source="c.txt").exists() and "Tony Blair" not in names_of("c.txt")
    assert not EntityAlias.objects.filter(key="tony").exists()


KENNEDY = (
    "Liberal Democrat leader Charles Kennedy spoke in {}. Mr Kennedy said his party would scrap "
    "tuition fees if elected."
)


def test_a_surname_is_not_carried_to_other_people(write, import_paths):
    import_paths(write("a.txt", KENNEDY.format("Harrogate")), write("b.txt", KENNEDY.format("Bath")))
    import_paths(
        write(
            "lineup.txt",
            "London Irish: Horak, Ojo, Kennedy, Casey; Gustard, Dawson, Murphy. Replacements: Paul, Hatley.",
        ),
        write(
            "history.txt",
            "President Kennedy was shot in Dallas in 1963, the historian told the audience in Boston.",
        ),
    )
    assert "Charles Kennedy" in names_of("a.txt") and "Charles Kennedy" in names_of("b.txt")
    assert Article.objects.filter(source__in=["lineup.txt", "history.txt"]).count() == 2
    assert "Charles Kennedy" not in names_of("lineup.txt") | names_of("history.txt")


def test_yukos_is_an_organisation(tmp_path, write, import_paths):
    import_paths(bbc(tmp_path, "business/china-had-role-in-yukos-split-up.txt"))
    import_paths(
        write(
            "a.txt",
            "Russian oil firm Yukos has asked a US court to halt the sale of its main unit, the company "
            "said.",
        ),
        write(
            "b.txt",
            "Shares in oil company Yukos fell sharply in Moscow on Monday after the tax ruling, traders "
            "said.",
        ),
    )
    import_paths(write("c.txt", "Yukos said on Monday it would appeal against the ruling in Moscow."))
    for source in ("china-had-role-in-yukos-split-up.txt", "a.txt", "b.txt", "c.txt"):
        assert ("Yukos", "organization") in entities_of(source), source
    assert not Mention.objects.filter(entity__name="Yukos", entity__type="person").exists()


def test_budget_and_bank_are_not_organisations(tmp_path, write, import_paths):
    import_paths(
        bbc(tmp_path, "business/golden-rule-boost-for-chancellor.txt"),
        bbc(tmp_path, "business/bank-holds-interest-rate-at-4-75.txt"),
    )
    import_paths(
        write(
            "a.txt",
            "Gordon Brown will deliver the Budget on 16 March. The Bank kept interest rates on hold at "
            "4.75%.",
        )
    )
    assert Article.objects.count() == 3
    assert not Mention.objects.filter(entity__name__in=["Budget", "Bank"]).exists()


def test_mr_brown_is_gordon_brown_or_no_one(tmp_path, write, import_paths):
    import_paths(
        bbc(tmp_path, "politics/blair-and-brown-criticised-by-mps.txt"),
        bbc(tmp_path, "politics/brown-comes-out-shooting.txt"),
    )
    import_paths(
        write(
            "alone.txt",
            "Mr Brown said the figures were encouraging and that he expected growth to continue this year.",
        )
    )
    for source in ("blair-and-brown-criticised-by-mps.txt", "brown-comes-out-shooting.txt"):
        names = entities_of(source)
        assert ("Gordon Brown", "person") in names, source
        assert not {name for name, entity_type in names if "Brown" in name and entity_type != "person"}, (
            source
        )
    assert Article.objects.filter(source="alone.txt").exists()
    assert not {name for name in names_of("alone.txt") if "Brown" in name}


def test_roles_are_not_part_of_names(tmp_path, import_paths):
    import_paths(bbc(tmp_path, "politics/blair-and-brown-criticised-by-mps.txt"))
    names = names_of("blair-and-brown-criticised-by-mps.txt")
    assert "Stephen Pound" in names
    assert not {name for name in names if name.startswith("Backbencher")}
