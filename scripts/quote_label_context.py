"""Print the quotes of one split of tests/data/quotes_sample.json with the article text around them, for
labelling by hand: the reader sees the reporting, not what any rules said.

    ARCHIVE_DATA_DIR=/tmp/quotes-archive python scripts/quote_label_context.py fresh2 > /tmp/fresh2.txt
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
BEFORE = 1500
AFTER = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("split")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from archive.models import Article

    items = json.loads((ROOT / "tests/data/quotes_sample.json").read_text())["items"]
    for item in (item for item in items if item["split"] == options.split):
        article = Article.objects.get(source=item["source"])
        body, start, end = article.body, item["start"], item["end"]
        print(f"===== quote {item['id']} | {article.title}")
        print(body[max(0, start - BEFORE) : start] + "⟦" + body[start:end] + "⟧" + body[end : end + AFTER])
        print()


if __name__ == "__main__":
    main()
