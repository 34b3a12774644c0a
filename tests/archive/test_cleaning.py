"""The seed pages read as a careful editor reads them (tests/data/seeds_truth.json)."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.ingestion.cleaning import (
    outlet_name_normalise,
    page_parse,
    text_normalise,
    title_derive,
)
from tests.archive.quality import article_problems
from tests.conftest import FIXTURES, SEEDS_TRUTH

SEEDS = {item["file"]: item for item in SEEDS_TRUTH["articles"]}


def parsed(name: str):
    return page_parse((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SEEDS)
def test_seed_reads_as_an_editor_reads_it(name):
    assert article_problems(parsed(name), SEEDS[name]) == []


def test_sub_headings_and_quotes_stay_in_the_body():
    body = parsed("000_5d6324c78be22e1b.txt").body
    assert "What did Putin say?" in body
    assert "What did Xi say?" in body
    assert "“We aim to strengthen cooperation between the armed forces of Russia and China,”" in body


def test_headline_printed_twice_is_not_body_text():
    assert (
        "Putin tells Xi he wants to ramp up military cooperation"
        not in parsed("004_735fed19aafc4c9a.txt").body
    )


def test_dateline_is_metadata_not_body():
    article = parsed("004_735fed19aafc4c9a.txt")
    assert "UrduPoint / Pakistan Point News" not in article.body
    assert any("Pakistan Point News" in line for line in article.removed)


def test_removed_lines_are_kept_for_editors():
    removed = parsed("002_259fda1996e3dcc7.txt").removed
    assert "Related Links" in removed
    assert "Exit mobile version" in removed


def test_glued_closing_quote_gets_its_space():
    assert text_normalise("our principled positions”Putin said") == "our principled positions” Putin said"
    assert text_normalise("Russia’s war") == "Russia’s war"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("UrduPoint.com", "UrduPoint"),
        ("www.spacewar.com", "spacewar"),
        ("News Beast", "News Beast"),
        ("SNN", "SNN"),
    ],
)
def test_outlet_names_normalise(raw, expected):
    assert outlet_name_normalise(raw) == expected


def test_title_derived_from_first_sentence_is_cut_at_a_word():
    title = title_derive("Short lede here. Second sentence.")
    assert title == "Short lede here"
    long = title_derive("word " * 60)
    assert long.endswith("…") and len(long) <= 120


def test_page_with_byline_and_written_date():
    page = (
        "Home | World | Business | Sport\n\nHarbour plan approved after long night\n\n"
        "By Jane Doe | The Coast Herald\nUpdated 14 March 2005\n\n"
        "The harbour plan was approved by the council after a debate that ran past midnight, members said on "
        "Tuesday.\n\nAdvertisement\n\nThe mayor said the vote was close.\n\nShare this article\n"
        "© 2005 The Coast Herald. All rights reserved."
    )
    article = page_parse(page)
    assert article.title == "Harbour plan approved after long night"
    assert article.byline == "Jane Doe"
    assert article.published == dt.date(2005, 3, 14)
    assert article.outlet == "The Coast Herald"
    assert article.body == (
        "The harbour plan was approved by the council after a debate that ran past midnight, members said on "
        "Tuesday.\n\nThe mayor said the vote was close."
    )


B1 = "The council approved the harbour plan on Tuesday after a long debate in the town hall, officials said."
B2 = "The mayor said the vote was close and that construction would begin in the spring, weather permitting."


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            f"Harbour plan approved\n\nBy JANE DOE, Associated Press\n\nWASHINGTON (AP) — {B1}\n\n{B2}\n\n"
            "Copyright 2023 The Associated Press. All rights reserved.",
            {"byline": "Jane Doe", "published": None, "outlet": "The Associated Press"},
        ),
        (
            f"Harbour plan approved\nPosted on March 3, 2023 by Jane Doe\n{B1}\n{B2}\nFollow us on Twitter\n"
            "Click to share on Facebook (Opens in new window)",
            {"byline": "Jane Doe", "published": dt.date(2023, 3, 3)},
        ),
        (
            "Home > News > Local\nHarbour plan approved\nJane Doe, Staff Reporter\n"
            f"Last updated: 14:05, 3 March 2023\n{B1}\nPhoto: Jane Doe/Coast Herald\n{B2}\n"
            "Related Articles\nStorm warning issued for the coast",
            {"byline": "Jane Doe", "published": dt.date(2023, 3, 3)},
        ),
        (
            f"Published: 2023-03-03T10:00:00Z\nHarbour plan approved\n{B1}\n{B2}\nComments (12)\n"
            "Joe: great news for the town!",
            {"published": dt.date(2023, 3, 3)},
        ),
        (
            f"Coast Herald — March 3, 2023\nHarbour plan approved\n{B1}\n{B2}\nAdvertisement\n"
            "You might also like\nStorm warning issued",
            {"published": dt.date(2023, 3, 3), "outlet": "Coast Herald"},
        ),
        (
            f"Harbour plan approved\nMarch 3, 2023 8:15 AM UTC\nLONDON, March 3 (Reuters) - {B1}\n{B2}\n"
            "Reporting by Jane Doe; Editing by Tom Baker\n"
            "Our Standards: The Thomson Reuters Trust Principles.",
            {"published": dt.date(2023, 3, 3)},
        ),
        (f"Harbour plan approved\n03/14/2023\n{B1}\n{B2}", {"published": dt.date(2023, 3, 14)}),
        (
            f"Harbour plan approved\n{B1}\nGetty Images\n{B2}\nImage source, Getty Images\n"
            "More on this story",
            {},
        ),
    ],
    ids=[
        "ap-wire",
        "posted-by",
        "breadcrumbs-staff-reporter",
        "iso-timestamp",
        "outlet-and-date-line",
        "reuters",
        "us-numeric",
        "photo-credits",
    ],
)
def test_common_page_shapes(page, expected):
    article = page_parse(page)
    assert article.title == "Harbour plan approved"
    assert article.body == f"{B1}\n\n{B2}"
    for name, value in expected.items():
        assert getattr(article, name) == value
