from __future__ import annotations

import gzip
import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from archive.ingestion.parsing import raw_parse
from archive.ingestion.records import ParsedArticle
from archive.ingestion.wires import AGENCIES, agency_key, wire_detect
from tests.conftest import DATA

SAMPLE = json.loads((DATA / "wire_sample.json").read_text())["items"]
ROOT = Path(settings.BASE_DIR)
REAL_PAGES = ROOT.parent / "shared/corpora/real-pages-dev"
REAL_TRUTH = json.loads((REAL_PAGES / "truth.json").read_text()) if REAL_PAGES.exists() else {}


def detect_page(text: str, **options) -> str | None:
    return wire_detect(raw_text=text, parsed=raw_parse(text, "page"), **options)


def body(*paragraphs: str) -> str:
    filler = (
        "The talks in the capital were the first of their kind in more than a decade, officials said on "
        "Friday."
    )
    return "\n\n".join([*paragraphs, filler, filler.replace("Friday", "Saturday")])


def test_every_agency_the_issue_names_is_registered():
    assert {a.key for a in AGENCIES} >= {
        "afp",
        "ap",
        "reuters",
        "xinhua",
        "tass",
        "pti",
        "ani",
        "dpa",
        "efe",
        "ansa",
        "kyodo",
        "yonhap",
        "bernama",
        "uni",
        "ians",
    }
    assert len({a.key for a in AGENCIES}) == len(AGENCIES)


HEAD = "Headline of the story\n\n"
LEDE = "The senate voted on Friday to pass the bill."


@pytest.mark.parametrize(
    ("page", "wire"),
    [
        (HEAD + "MOSCOW (Reuters) - " + body("Russia said on Friday it would cut output."), "reuters"),
        (
            HEAD + "BEIJING, Dec. 30 (Xinhua) -- " + body("China said on Friday it would cut output."),
            "xinhua",
        ),
        (HEAD + "MOSCOW, December 30. /TASS/. " + body("Russia said on Friday it would cut output."), "tass"),
        (
            HEAD + "AFP Staff Writers\n\nParis (AFP) Dec 30, 2022\n\n" + body("France said it would act."),
            "afp",
        ),
        (HEAD + "By Associated Press\n\n" + body(LEDE), "ap"),
        (HEAD + body(LEDE) + "\n\n— Reuters", "reuters"),
        (HEAD + body(LEDE) + "\n\nSource: Xinhua", "xinhua"),
        (HEAD + body(LEDE) + "\n\n(With inputs from PTI)", "pti"),
        (HEAD + body(LEDE) + "\n\nThe Associated Press contributed to this report.", "ap"),
    ],
)
def test_credits_in_the_articles_own_places(page, wire):
    assert detect_page(page) == wire


def test_credits_elsewhere_on_the_page_do_not_count():
    photo = HEAD + "The president speaks in Washington. (AP Photo/Evan Vucci)\n\nBy Jane Doe\n\n"
    assert detect_page(photo + body(LEDE)) is None
    beside_a_caption = HEAD + "• By Jane Doe\n\nTwo brothers, 26 and 19, in Boston.\n\nAP\n\n"
    assert detect_page(beside_a_caption + body(LEDE)) is None
    related = HEAD + body(LEDE) + "\n\nRelated Links\n\nOther story\n\nManila (AFP) Dec 29, 2022"
    assert detect_page(related) is None
    cited = HEAD + body("The minister told Reuters on Friday that talks would resume, according to AFP.")
    assert detect_page(cited + ' "We will go on," he told Reuters.') is None
    assert (
        detect_page(HEAD + "ISLAMABAD, Jan 5 (APP): " + body("Pakistan said on Friday it would act.")) is None
    )
    teasers = (
        "TEHRAN, Iran (AP) — Iran said on Sunday it had detained seven foreign nationals in the south.\n\n"
    )
    teasers += "SILVERSTONE, England (Reuters) - A tire failure wrecked the race.\n\n"
    assert detect_page(teasers + HEAD + "By Jane Doe\n\n" + body(LEDE)) is None


def test_editors_agencies_are_recognised_by_their_forms():
    page = "Headline of the story\n\nNEW YORK (Bloomberg) -- " + body(
        "Stocks rose on Friday as banks gained."
    )
    assert detect_page(page) is None
    assert detect_page(page, extra=[("Bloomberg News", ["Bloomberg", "Bloomberg News"])]) == agency_key(
        "Bloomberg News"
    )
    assert agency_key("Bloomberg News") == "bloomberg-news"


def test_a_record_without_raw_lines_is_read_from_its_body_and_byline():
    parsed = ParsedArticle(
        title="T",
        title_derived=False,
        body=body("LONDON (Reuters) - Shares fell on Friday."),
        outlet="",
        byline="",
        published=None,
    )
    assert wire_detect(raw_text=json.dumps({"body": parsed.body}), parsed=parsed) == "reuters"
    by_field = ParsedArticle(
        title="T",
        title_derived=False,
        body=body("Shares fell on Friday."),
        outlet="",
        byline="Associated Press",
        published=None,
    )
    assert wire_detect(raw_text="{}", parsed=by_field) == "ap"


def test_an_html_page_is_read_around_its_extracted_body():
    html = (
        "<html><body><h1>Shares fall</h1><p>By Jane Doe</p><figure><figcaption>Traders. (AP Photo/Richard "
        "Drew)</figcaption></figure><p>Shares fell sharply on Friday as investors worried about rates.</p>"
        "<p>The index lost two percent by the close of trading in New York.</p><p>— Reuters</p>"
        "<ul><li>Other story (AFP)</li></ul></body></html>"
    )
    parsed = ParsedArticle(
        title="Shares fall",
        title_derived=False,
        outlet="",
        byline="Jane Doe",
        published=None,
        body="Shares fell sharply on Friday as investors worried about rates.\n\n"
        "The index lost two percent by the close of trading in New York.",
    )
    assert wire_detect(raw_text=html, parsed=parsed) == "reuters"


# -- the hand-labelled sample (tests/data/wire_sample.json, drawn by scripts/wire_sample_draw.py) -----------


@cache
def sample_page(item_id: str, raw_format: str = "page") -> tuple[str, ParsedArticle]:
    """A sampled article's raw text and what the importer's parser makes of it (each read once per run)."""
    item = next(item for item in SAMPLE if item["id"] == item_id)
    if raw_format == "html":
        html = (REAL_PAGES / "html" / f"{item['path']}.html.gz").read_bytes()
        raw = gzip.decompress(html).decode("utf-8", "replace")
    else:
        path = REAL_PAGES / "txt" / f"{item['path']}.txt" if item["kind"] == "real" else ROOT / item["path"]
        raw = path.read_text(encoding="utf-8")
    return raw, raw_parse(raw, raw_format)


def detect_as_imported(item: dict) -> str | None:
    """What the import would find: the page through the cleaner, then the credit around its body."""
    raw, parsed = sample_page(item["id"])
    return wire_detect(raw_text=raw, parsed=parsed)


def detect_around_true_body(item: dict) -> str | None:
    """The credit around the body a person copied out of the real page (real-pages-dev truth.json): the
    detector's own errors, apart from the cleaner's."""
    raw, parsed = sample_page(item["id"])
    paragraphs = [line for line in REAL_TRUTH[item["path"]]["body"].split("\n") if line.strip()]
    return wire_detect(raw_text=raw, parsed=replace(parsed, body="\n\n".join(paragraphs)))


def detect_from_html(item: dict) -> str | None:
    """The same real page imported from its HTML (trafilatura's body), the markup read around it."""
    raw, parsed = sample_page(item["id"], "html")
    return wire_detect(raw_text=raw, parsed=parsed)


def sample_scores(items: list[dict], detect) -> tuple[float, float, list[tuple[str, str | None, str | None]]]:
    """Precision among the articles given a wire, recall among those labelled with one (a wrong agency is
    both a false positive and a miss), and the disagreements."""
    found = [(item, detect(item)) for item in items]
    given = [(item, wire) for item, wire in found if wire is not None]
    right = sum(1 for item, wire in given if wire == item["wire"])
    labelled = sum(1 for item in items if item["wire"] is not None)
    misses = [(item["id"], item["wire"], wire) for item, wire in found if wire != item["wire"]]
    return right / max(1, len(given)), right / max(1, labelled), misses


def sample_check(
    kinds: set[str], detect, *, precision_floor: float = 0.98, recall_floor: float = 0.90
) -> None:
    for split in ("dev", "held_out"):
        items = [item for item in SAMPLE if item["kind"] in kinds and item["split"] == split]
        precision, recall, misses = sample_scores(items, detect)
        credited = sum(1 for item in items if item["wire"])
        print(
            f"wire credits ({detect.__name__}), {'/'.join(sorted(kinds))} {split}: {len(items)} articles, "
            f"{credited} credit a wire: precision {precision:.3f}, recall {recall:.3f}; misses {misses}"
        )
        assert precision >= precision_floor and recall >= recall_floor, (split, misses)


def test_the_sample_is_big_enough_and_labelled():
    assert len(SAMPLE) >= 150 and sum(1 for item in SAMPLE if item["wire"]) >= 50
    assert {item["wire"] for item in SAMPLE} - {None} <= {a.key for a in AGENCIES}
    assert {item["split"] for item in SAMPLE} == {"dev", "held_out"}


def test_wire_credits_on_the_repository_sample():
    """The seeds, 60 BBC articles and the pages written around real credit formats, as imported."""
    sample_check({"seed", "bbc", "written"}, detect_as_imported)


@pytest.mark.skipif(
    not REAL_PAGES.exists(), reason=f"the real pages are read in place from {REAL_PAGES}: absent"
)
def test_wire_credits_on_the_real_pages():
    """All 300 real pages of real-pages-dev, labelled by hand (their text stays outside the repository).

    From the HTML both targets hold. Around the true body every credit found is right, but credits that
    stand only in an image ("[service_ap]") or far above the body are missed. From the naive text the
    cleaner often takes navigation or a neighbouring story for the body; those figures are printed, with
    only a floor under them, until the cleaner is better.
    """
    sample_check({"real"}, detect_from_html)
    sample_check({"real"}, detect_around_true_body, recall_floor=0.70)
    sample_check({"real"}, detect_as_imported, precision_floor=0.90, recall_floor=0.55)
