"""The importer on real news pages: ../shared/corpora/real-pages-dev, read in place (its licences are not
ours).

Both folders of the set (whole-page text dumps and the same pages' HTML) go through `articles_import` once
per module, in a transaction that is rolled back. The thresholds sit a little under the figures measured
when the cleaner was built (README, "What the importer takes from a page"), so that a real regression
fails; `held_out` is the half of the set whose sites the rules were not developed on.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from django.db import transaction
from django.test import override_settings

from tests.archive.real_pages import (
    corpus_dir,
    corpus_import_and_score,
    halves_summarise,
    site_of,
    split_load,
    split_make,
    token_prf,
)

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (CORPUS / "truth.json").is_file(),
    reason=(
        f"the real-pages development set is not at {CORPUS} (it lives beside the repository, in "
        "shared/corpora)"
    ),
)


@pytest.fixture(scope="module")
def truth() -> dict[str, dict]:
    return json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summary(django_db_setup, django_db_blocker) -> dict[str, dict[str, dict]]:
    with django_db_blocker.unblock(), override_settings(ARCHIVE_SPACY_MODEL="", ARCHIVE_LINKING=False):
        with transaction.atomic():
            scores = corpus_import_and_score(CORPUS)
            transaction.set_rollback(True)
    return halves_summarise(scores, split_load())


def test_the_committed_split_is_the_seeded_split_by_site(truth):
    halves = split_load()
    assert halves == split_make(truth)
    assert sorted(halves["develop"] + halves["held_out"]) == sorted(truth)
    sites = [
        {site_of(truth[stem]["outlet_host"]) for stem in halves[name]} for name in ("develop", "held_out")
    ]
    assert not sites[0] & sites[1]
    assert abs(len(halves["develop"]) - len(halves["held_out"])) <= 10


def test_token_f1_is_the_one_the_set_scores_with(truth):
    """The scorer here agrees with the set's own score.py on real extractions and edge cases."""
    spec = importlib.util.spec_from_file_location("real_pages_score", CORPUS / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    bodies = [truth[stem]["body"] for stem in sorted(truth)[:20]]
    for extracted, wanted in [
        *zip(bodies, bodies[1:] + bodies[:1]),
        ("", bodies[0]),
        (bodies[0][:200], bodies[0]),
    ]:
        assert token_prf(extracted, wanted) == pytest.approx(score.prf(extracted, wanted))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("half", "f1", "under_030", "headlines", "date_errors"),
    [("held_out", 0.88, 5, 0.71, 8), ("develop", 0.92, 4, 0.80, 1), ("all", 0.90, 8, 0.76, 9)],
)
def test_whole_page_text_dumps(summary, half, f1, under_030, headlines, date_errors):
    figures = summary["txt"][half]
    assert figures["pages"] == (300 if half == "all" else 150)
    assert figures["f1"] >= f1, figures
    assert figures["under_030"] <= under_030, figures
    assert figures["headlines_right"] >= headlines, figures
    assert figures["date_errors"] <= date_errors, figures


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("half", "f1", "headlines"), [("held_out", 0.93, 0.92), ("develop", 0.96, 0.97), ("all", 0.95, 0.95)]
)
def test_html_pages(summary, half, f1, headlines):
    figures = summary["html"][half]
    assert figures["f1"] >= f1, figures
    assert figures["headlines_right"] >= headlines, figures
