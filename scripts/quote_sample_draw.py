"""Draw the quote-attribution sample (tests/data/quotes_sample.json) from a realistic archive, before the
rules change.

The archive: a scratch data directory with the seeds and the 2,095 BBC articles imported with the default
spaCy model and linking on:

    export ARCHIVE_DATA_DIR=/tmp/quotes-archive
    python manage.py migrate && python manage.py import_articles fixtures/
    python manage.py import_articles tests/data/bbc --outlet BBC
    python scripts/quote_sample_draw.py > tests/data/quotes_sample.json

Each drawn quote keeps its article's source, its offsets and text, and the speaker the rules of the archive's
import gave it (`speaker_old`); `speaker` is filled in by hand afterwards from reading the article. 100 of the
240 are held out. `--fresh N --seed S` draws N more quotes, none drawn before, as a new split (`--split`,
default `fresh`) appended to the existing file: a measurement of rules that were already tuned, drawn after
they were frozen (or, drawn before the rules change again, of the rules that follow).

    python scripts/quote_sample_draw.py --fresh 100 --seed 1919 --rules <commit>
    python scripts/quote_sample_draw.py --fresh 200 --seed 2412 --split fresh2 --rules <commit>
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests/data/quotes_sample.json"
SIZE = 240
HELD_OUT = 100
SEED = 19


def item(n: int, quote, split: str, unlabelled: str | None) -> dict:
    return {
        "id": n,
        "source": quote.article.source,
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "speaker_old": quote.speaker.name if quote.speaker else None,
        "split": split,
        "speaker": unlabelled,
        "note": "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--fresh", type=int, default=0, help="append this many newly drawn quotes as split 'fresh'"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--split", default="fresh", help="the name of the appended split")
    parser.add_argument("--rules", default="", help="the commit whose rules the fresh split measures")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from archive.models import Quote

    quotes = list(Quote.objects.select_related("article", "speaker").order_by("article__source", "start"))
    rng = random.Random(options.seed)
    if options.fresh:
        data = json.loads(SAMPLE.read_text())
        drawn = {(i["source"], i["start"]) for i in data["items"]}
        unseen = [q for q in quotes if (q.article.source, q.start) not in drawn]
        first = max(i["id"] for i in data["items"]) + 1
        data["items"] += [
            item(first + n, q, options.split, "?") for n, q in enumerate(rng.sample(unseen, options.fresh))
        ]
        data["about"] += (
            f" Split '{options.split}': {options.fresh} more quotes drawn (seed {options.seed}) from those "
            f"not drawn before, at commit {options.rules} and before any later rule change, so no rule was "
            "tuned on it: it measures the rules on unseen quotes. A speaker of '?' is not labelled yet."
        )
        json.dump(data, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    drawn = rng.sample(quotes, SIZE)
    held_out = set(rng.sample(range(SIZE), HELD_OUT))
    items = [item(n, quote, "held_out" if n in held_out else "dev", None) for n, quote in enumerate(drawn)]
    about = (
        f"{SIZE} quotes drawn at random (seed {SEED}) from {len(quotes)} in an archive of the seeds and the "
        "BBC articles imported with the default model and linking on, before the attribution rules changed. "
        "'source' is the article's source (the BBC folder is tests/data/bbc/), 'start'/'end' the quote's "
        "offsets in the clean body, 'speaker_old' what the old rules said. 'speaker' is the hand label from "
        "reading the article: the speaker's canonical name (a person, or the organisation when only its "
        "spokesman or statement speaks), null when the article does not name who said it. Develop on split "
        "'dev'; 'held_out' is the measurement."
    )
    json.dump({"about": about, "seed": SEED, "items": items}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
