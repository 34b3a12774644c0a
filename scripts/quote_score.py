"""Score quote attribution on the hand-labelled sample (tests/data/quotes_sample.json).

Each sampled quote is attributed again by the code of the working tree, from its article's body and entities
in the archive it was drawn from (see scripts/quote_sample_draw.py), and compared with its label:

    ARCHIVE_DATA_DIR=/tmp/quotes-archive python scripts/quote_score.py      # both splits, and the old rules
    ARCHIVE_DATA_DIR=/tmp/quotes-archive python scripts/quote_score.py --misses dev

Precision is over the quotes given a speaker; coverage is the share of the quotes whose article names their
speaker that are given that speaker.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", metavar="SPLIT", help="list the disagreements of one split")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from archive.linking.quotes import quotes_find, speakers_attribute, speakers_of
    from archive.models import Article
    from tests.archive.attribution import attribution_score, speaker_matches

    items = json.loads((ROOT / "tests/data/quotes_sample.json").read_text())["items"]
    found: dict[int, str | None] = {}
    for source in sorted({item["source"] for item in items}):
        article = Article.objects.get(source=source)
        quotes = quotes_find(article.body)
        speakers = speakers_attribute(article.body, quotes, speakers_of(article))
        by_start = {quote.start: speaker for quote, speaker in zip(quotes, speakers)}
        by_text = {quote.text: speaker for quote, speaker in zip(quotes, speakers)}
        for item in items:
            if item["source"] == source:  # by its text where the body was cleaned otherwise when drawn
                speaker = by_start.get(item["start"]) or by_text.get(item["text"])
                found[item["id"]] = speaker.name if speaker else None
    for split in dict.fromkeys(item["split"] for item in items):
        chosen = [item for item in items if item["split"] == split]
        if any(item["speaker"] == "?" for item in chosen):
            print(f"{split} ({len(chosen)} quotes): not labelled yet")
            continue
        print(
            f"{split} ({len(chosen)} quotes), old rules: "
            f"{attribution_score((i['speaker'], i['speaker_old']) for i in chosen)}"
        )
        print(
            f"{split} ({len(chosen)} quotes), new rules: "
            f"{attribution_score((i['speaker'], found[i['id']]) for i in chosen)}"
        )
    for item in items:
        name = found[item["id"]]
        right = (name is None and item["speaker"] is None) or bool(
            item["speaker"] and name and speaker_matches(item["speaker"], name)
        )
        if item["split"] == options.misses and not right:
            print(
                f"  {item['id']:3d} {item['source']}: label {item['speaker']!r}, found {name!r}, old "
                f"{item['speaker_old']!r} | {item['text'][:60]!r}"
            )


if __name__ == "__main__":
    main()
