"""The entity sample's scorer on a hand-made trace, and the committed draws and labels that measure the
rules."""

from __future__ import annotations

import json

import pytest

from tests.archive.entity_sample import STRATA, TracedSpan, sample_score
from tests.conftest import DATA


def span(
    start: int, end: int, surface: str, pk: int | None, name: str = "", entity_type: str = "", via: str = ""
) -> TracedSpan:
    return TracedSpan(start, end, surface, pk, name, entity_type, via)


def mention(source: str, start: int, end: int) -> dict:
    return {"source": source, "start": start, "end": end}


def gold(name: str, entity_type: str) -> dict:
    return {"names": [name], "types": [entity_type]}


def label(
    name: str | None, entity_type: str | None, mentions: list[dict | None], *, merge: bool = False
) -> dict:
    return {
        "entity": name is not None,
        "names": [name] if name else [],
        "types": [entity_type] if entity_type else [],
        "merge": merge,
        "mentions": mentions,
    }


def test_score_follows_each_labelled_mention_to_what_it_became():
    sample = {
        "strata": {"1": 30, "2-3": 10},
        "sample": [
            {"id": "a", "stratum": "1", "name": "England", "type": "place", "mentions": [mention("x", 0, 7)]},
            {
                "id": "b",
                "stratum": "1",
                "name": "Tudor England",
                "type": "person",
                "mentions": [mention("y", 10, 17), mention("z", 0, 13)],
            },
            {
                "id": "c",
                "stratum": "2-3",
                "name": "Budget",
                "type": "organization",
                "mentions": [mention("x", 20, 26)],
            },
            {
                "id": "d",
                "stratum": "2-3",
                "name": "Reynolds",
                "type": "person",
                "mentions": [mention("x", 30, 38)],
            },
            {
                "id": "e",
                "stratum": "2-3",
                "name": "Paul Reynolds",
                "type": "person",
                "mentions": [mention("y", 0, 13)],
            },
        ],
    }
    labels = {
        "sample": {
            "a": label("England", "place", [gold("England", "place")]),
            "b": label("England", "place", [gold("England", "place"), None], merge=True),
            "c": label(None, None, [None]),
            "d": label("Paul Reynolds", "person", [gold("Paul Reynolds", "person")]),
            "e": label("Paul Reynolds (BBC)", "person", [gold("Paul Reynolds (BBC)", "person")]),
        }
    }
    trace = {
        "x": [
            span(0, 7, "England", 1, "England", "place"),
            span(30, 38, "Reynolds", 3, "Paul Reynolds", "person", "learned"),
        ],
        "y": [
            span(0, 13, "Paul Reynolds", 3, "Paul Reynolds", "person"),
            span(10, 17, "England", 1, "England", "place", "learned"),
        ],
        "z": [span(0, 13, "Tudor England", 2, "Tudor England", "person")],
    }
    report = sample_score(sample, labels, trace)
    # a is right; b lands once right and once on a non-entity; c is dropped; d and e are two people on one
    # entity.
    assert report["in_facet"] == 4
    assert report["precision"] == 0.25
    assert report["precision_by_stratum"] == {"1": 0.5, "2-3": 0.0}
    assert report["precision_weighted_by_population"] == round((30 * 0.5 + 10 * 0.0) / 40, 3)
    assert report["drawn_right"] == 1 and report["kept"] == 1.0  # only a was right as drawn, and it still is
    assert report["learned_mentions"] == 2
    assert report["learned_wrong"] == ["d: Reynolds -> Paul Reynolds"]
    assert {row["id"] for row in report["wrong"]} == {"b", "d", "e"}
    assert report["mentions_right"] == round(3 / 6, 3)  # a, b's first, c dropped as it should be


@pytest.mark.parametrize(
    ("draw", "labels", "at_least"),
    [
        ("entity_sample.json", "entity_sample_labels.json", 300),
        ("entity_sample_fresh.json", "entity_sample_fresh_labels.json", 100),
    ],
)
def test_every_drawn_entity_is_labelled(draw, labels, at_least):
    sample = json.loads((DATA / draw).read_text())
    labelled = json.loads((DATA / labels).read_text())["sample"]
    assert len(sample["sample"]) >= at_least
    assert set(sample["strata"]) == {item["stratum"] for item in sample["sample"]} and len(
        sample["strata"]
    ) == len(STRATA)
    for item in sample["sample"]:
        label = labelled[item["id"]]
        assert len(label["mentions"]) == len(item["mentions"]) >= 1, item["id"]
        assert label["entity"] == bool(label["names"]) == bool(label["types"]), item["id"]


def test_the_top_entities_are_labelled_with_the_articles_reviewed():
    top = json.loads((DATA / "entity_sample_labels.json").read_text())["top"]
    assert len(top) >= 100
    for key, label in top.items():
        assert set(label["wrong"]) <= set(label["reviewed"]), key
