"""Pages of shapes the cleaner was not written for, built around real BBC articles
(tests/archive/pages.py)."""

from __future__ import annotations

import pytest

from archive.ingestion.cleaning import page_parse
from tests.archive.pages import pages_generate
from tests.archive.quality import article_problems


@pytest.mark.parametrize("seed", [20221230, 7])
def test_generated_pages_read_right_at_least_95_percent(seed):
    pages = pages_generate(300, seed=seed)
    failures = [
        (truth, problems) for text, truth in pages if (problems := article_problems(page_parse(text), truth))
    ]
    assert len(failures) / len(pages) <= 0.05, failures[:5]


def test_every_dimension_is_exercised():
    """The generated set is only evidence if it really varies every dimension the cleaner handles."""
    pages = pages_generate(300)
    texts = [text for text, _ in pages]
    truths = [truth for _, truth in pages]
    assert any(text.startswith(" date ") for text in texts)
    assert any("Published" in text for text in texts) and any("Updated" in text for text in texts)
    assert any("(Reuters)" in text for text in texts)
    assert any(truth["outlet"] is None for truth in truths) and any(truth["outlet"] for truth in truths)
    assert any(truth["title"] is None for truth in truths) and any(truth["byline"] for truth in truths)
    assert any("Source: " in text for text in texts) and any("©" in text for text in texts)
    assert any("Advertisement" in text for text in texts)
