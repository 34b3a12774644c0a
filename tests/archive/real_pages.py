"""Score the importer on the real-pages development set (../shared/corpora/real-pages-dev, not in the
repository).

The set holds 300 real news pages of 56 host names, each as the page's HTML (`html/NNNN.html.gz`) and as the
whole-page text a naive scraper gives (`txt/NNNN.txt`), with a person's copy of the article in `truth.json`.
Both folders go through the real importer (`articles_import`) into the current database, and each stored
article is compared with the truth:

- body: token F1 as the set's `score.py` computes it (lowercased `\\w+` tokens, multiset overlap), mean over
  the pages of a half; a page that was rejected counts 0;
- headline: right when it equals the truth's `title` once both are normalised by `headline_key`;
- date: wrong when it is more than a day from the truth's date (the set's dates come from addresses and
  metadata, which can differ by a day from the printed date: time zones); on a page whose date is unknown,
  wrong when it is more than a day from every date the article itself gives (`article_dates`), that is,
  when it came from navigation, a page banner or a related story.

The pages are split into two halves by site (`split_make`, committed in tests/data/real_pages_split.json):
the rules were developed on `develop` only, and `held_out` is the measurement. Run it from the repository:

    python -m tests.archive.real_pages                    # both halves; develop's worst pages; cleaning time
    python -m tests.archive.real_pages --held-out-misses  # held-out's worst pages: once the rules are frozen
"""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import json
import random
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SPLIT_FILE = Path(__file__).resolve().parents[1] / "data" / "real_pages_split.json"
SPLIT_SEED = 20240518
# Sites of one publisher that served their pages from one template go to the same half.
TEMPLATE_FAMILIES = {
    "vulture": "nymag",
    "foxbusiness": "foxnews",
    "jezebel": "gawker",
    "kotaku": "gawker",
    "joystiq": "engadget",
    "msn": "nbcnews",
}
TOKEN = re.compile(r"\w+")


def corpus_dir() -> Path:
    """The development set beside the repository (../shared/corpora/real-pages-dev)."""
    from django.conf import settings

    return Path(settings.BASE_DIR).parent / "shared" / "corpora" / "real-pages-dev"


def site_of(host: str) -> str:
    """The publisher a host name belongs to: 'news.bbc.co.uk' and 'www.bbc.com' are both 'bbc'."""
    labels = host.lower().split(".")
    second_level = {"co", "com", "org", "net", "ac", "gov"}
    country_second_level = len(labels) >= 3 and labels[-2] in second_level and len(labels[-1]) == 2
    name = labels[-3] if country_second_level else labels[-2]
    return TEMPLATE_FAMILIES.get(name, name)


def split_make(truth: dict[str, dict], *, seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """Two halves of about equal size with every site's pages in one half, so that the held-out half is
    made of sites the rules were never tuned on. Sites are taken largest first (ties in a seeded shuffle)
    and each goes to the half that has fewer pages so far."""
    pages: dict[str, list[str]] = collections.defaultdict(list)
    for stem in sorted(truth):
        pages[site_of(truth[stem]["outlet_host"])].append(stem)
    sites = sorted(pages)
    random.Random(seed).shuffle(sites)
    halves: dict[str, list[str]] = {"develop": [], "held_out": []}
    for site in sorted(sites, key=lambda name: -len(pages[name])):
        half = min(halves, key=lambda name: (len(halves[name]), name == "held_out"))
        halves[half].extend(pages[site])
    return {name: sorted(stems) for name, stems in halves.items()}


def split_write(truth: dict[str, dict]) -> None:
    halves = split_make(truth)
    sites = {
        name: sorted({site_of(truth[stem]["outlet_host"]) for stem in stems})
        for name, stems in halves.items()
    }
    about = (
        "The real-pages development set split in two by site (tests/archive/real_pages.py, split_make, seed "
        f"{SPLIT_SEED}). The cleaner's rules are developed on 'develop' only; 'held_out' is the measurement."
    )
    split = {"about": about, "seed": SPLIT_SEED, "sites": sites, "halves": halves}
    SPLIT_FILE.write_text(json.dumps(split, indent=1) + "\n")


def split_load() -> dict[str, list[str]]:
    return json.loads(SPLIT_FILE.read_text(encoding="utf-8"))["halves"]


def tokens(text: str) -> collections.Counter:
    return collections.Counter(TOKEN.findall((text or "").lower()))


def token_prf(extracted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the extracted body's tokens against the truth's, as score.py has them."""
    found, wanted = tokens(extracted), tokens(truth)
    n_found, n_wanted = sum(found.values()), sum(wanted.values())
    overlap = sum((found & wanted).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / n_found, overlap / n_wanted
    return precision, recall, 2 * precision * recall / (precision + recall)


def headline_key(title: str) -> str:
    """A headline as compared with the truth: NFKC, case-folded, apostrophes dropped (some gold texts lost
    them), every run of other non-word characters one space."""
    title = unicodedata.normalize("NFKC", title or "").casefold()
    title = re.sub(r"['’‘`]", "", title)
    return " ".join(TOKEN.findall(title))


def dates_written(text: str) -> set[dt.date]:
    """Every date written in `text` (each year with the words before or after it)."""
    from archive.ingestion.dates import date_find

    found = set()
    for line in (text or "").split("\n"):
        for year in re.finditer(r"(?:19|20)\d{2}", line):
            for window in (
                line[max(0, year.start() - 25) : year.end()],
                line[year.start() : year.start() + 10],
            ):
                if (date := date_find(window)) is not None:
                    found.add(date)
    return found


def article_dates(page_text: str, truth: dict) -> set[dt.date]:
    """The dates the article itself gives: in its text, in the date stamps the truth cut from above its
    headline, and in the page's header of the article, from three lines above the headline (found by
    `headline_key`, else eight lines above the article) to the article's first line. A date anywhere
    else on the page (a menu's "today", a teaser, a comment) is not the article's."""
    lines = [line.strip() for line in page_text.split("\n") if line.strip()]
    opening = " ".join(TOKEN.findall(truth["body"].lower())[:8])
    keyed = [" ".join(TOKEN.findall(line.lower())) for line in lines]
    first = next((i for i, key in enumerate(keyed) if opening and opening in key), None)
    header: list[str] = []
    if first is not None:
        title = headline_key(truth["title"])
        above = range(first, max(-1, first - 60), -1)
        top = next((i for i in above if headline_key(lines[i]) == title), first - 8)
        header = lines[max(0, top - 3) : first + 4]
    stamps = truth.get("truth_removed_above_headline") or ""
    stamps = stamps if isinstance(stamps, str) else "\n".join(stamps)
    return dates_written("\n".join([truth["body"], stamps, *header]))


@dataclass(frozen=True)
class PageScore:
    stem: str
    kind: str
    precision: float
    recall: float
    f1: float
    headline_right: bool
    date_wrong: bool
    title: str
    published: dt.date | None


def page_score(stem: str, kind: str, extracted, truth: dict, *, page_text: str) -> PageScore:
    """One page's figures; `extracted` has the article's body, title and published date (a stored Article
    or a ParsedArticle), or is None when the page was rejected; `page_text` is the page's text dump."""
    if extracted is None:
        return PageScore(stem, kind, 0.0, 0.0, 0.0, False, False, "", None)
    precision, recall, f1 = token_prf(extracted.body, truth["body"])
    published = extracted.published
    accepted = (
        {dt.date.fromisoformat(truth["date"])} if truth.get("date") else article_dates(page_text, truth)
    )
    date_wrong = published is not None and all(abs((published - day).days) > 1 for day in accepted)
    headline_right = headline_key(extracted.title) == headline_key(truth["title"])
    return PageScore(
        stem, kind, precision, recall, f1, headline_right, date_wrong, extracted.title, published
    )


def html_unpacked(corpus: Path, into: Path) -> Path:
    """The importer reads `.html`, the set stores `.html.gz`: the pages unzipped into a folder of their
    own."""
    folder = into / "html"
    folder.mkdir(parents=True, exist_ok=True)
    for packed in sorted((corpus / "html").glob("*.html.gz")):
        (folder / packed.name.removesuffix(".gz")).write_bytes(gzip.decompress(packed.read_bytes()))
    return folder


def corpus_import_and_score(corpus: Path) -> list[PageScore]:
    """Import `txt/` and `html/` of the set through the importer and score every page of both folders.

    Needs a migrated database; the settings should have ARCHIVE_SPACY_MODEL empty and ARCHIVE_LINKING off,
    or the import takes minutes instead of seconds.
    """
    from archive.ingestion.importer import articles_import
    from archive.models import Article

    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="real-pages-") as scratch:
        html = html_unpacked(corpus, Path(scratch))
        report = articles_import([corpus / "txt", html])
    if report.created + report.updated + report.rejected == 0:
        raise RuntimeError(f"nothing was imported from {corpus}: {report.summary}")
    stored = {
        article.source: article for article in Article.objects.only("source", "body", "title", "published")
    }
    texts = {stem: (corpus / "txt" / f"{stem}.txt").read_text(encoding="utf-8") for stem in truth}
    return [
        page_score(stem, kind, stored.get(f"{stem}.{kind}"), truth[stem], page_text=texts[stem])
        for kind in ("txt", "html")
        for stem in sorted(truth)
    ]


def halves_summarise(scores: list[PageScore], halves: dict[str, list[str]]) -> dict[str, dict[str, dict]]:
    """Per input kind and half (and all pages): mean F1/P/R, pages under 0.30, headlines right, date
    errors."""
    summary: dict[str, dict[str, dict]] = {}
    for kind in sorted({score.kind for score in scores}):
        by_stem = {score.stem: score for score in scores if score.kind == kind}
        groups = {**halves, "all": sorted(by_stem)}
        summary[kind] = {}
        for name, stems in groups.items():
            rows = [by_stem[stem] for stem in stems]
            summary[kind][name] = {
                "pages": len(rows),
                "f1": sum(row.f1 for row in rows) / len(rows),
                "precision": sum(row.precision for row in rows) / len(rows),
                "recall": sum(row.recall for row in rows) / len(rows),
                "under_030": sum(row.f1 < 0.30 for row in rows),
                "headlines_right": sum(row.headline_right for row in rows) / len(rows),
                "date_errors": sum(row.date_wrong for row in rows),
            }
    return summary


def report_print(
    scores: list[PageScore],
    halves: dict[str, list[str]],
    truth: dict[str, dict],
    *,
    worst: int = 12,
    misses: str = "develop",
) -> None:
    """The halves' figures, and the worst pages and wrong headlines of one half: `develop` unless asked,
    so that a rule is not tuned on the pages that measure it."""
    summary = halves_summarise(scores, halves)
    for kind, groups in summary.items():
        print(f"\n{kind}")
        for name, m in groups.items():
            print(
                f"  {name:9} pages {m['pages']:3}  F1 {m['f1']:.4f}  P {m['precision']:.4f}  R "
                f"{m['recall']:.4f}  <0.30 {m['under_030']:2}  headlines {m['headlines_right']:.1%}  date "
                f"errors {m['date_errors']}"
            )
    half_of = {stem: name for name, stems in halves.items() for stem in stems}
    for kind in summary:
        rows = sorted((s for s in scores if s.kind == kind and half_of[s.stem] == misses), key=lambda s: s.f1)
        print(f"\nworst {misses} {kind} pages:")
        for row in rows[:worst]:
            host = truth[row.stem]["outlet_host"]
            print(f"  {row.stem}  F1 {row.f1:.3f}  P {row.precision:.3f}  R {row.recall:.3f}  {host}")
        wrong = [s for s in scores if s.kind == kind and not s.headline_right and half_of[s.stem] == misses]
        print(f"{misses} {kind} headlines wrong: {len(wrong)}")
        for row in wrong[:worst]:
            print(f"  {row.stem}  {row.title[:70]!r}  truth {truth[row.stem]['title'][:60]!r}")
        for row in (s for s in scores if s.kind == kind and s.date_wrong and half_of[s.stem] == misses):
            wanted = truth[row.stem].get("date")
            print(f"  date error {row.stem} ({half_of[row.stem]}): {row.published}, truth {wanted}")


def main(argv: list[str]) -> int:
    """Score the set at argv[0] (default corpus_dir()) in a scratch database; --write-split rewrites the
    split."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("ARCHIVE_SPACY_MODEL", "")
    os.environ.setdefault("ARCHIVE_LINKING", "0")
    with tempfile.TemporaryDirectory(prefix="real-pages-db-") as scratch:
        os.environ.setdefault("ARCHIVE_DATA_DIR", scratch)
        return _run(argv)


def _run(argv: list[str]) -> int:
    import django
    from django.core.management import call_command

    django.setup()
    write_split = "--write-split" in argv
    misses = "held_out" if "--held-out-misses" in argv else "develop"
    argv = [arg for arg in argv if arg not in ("--write-split", "--held-out-misses")]
    corpus = Path(argv[0]) if argv else corpus_dir()
    if not (corpus / "truth.json").is_file():
        print(f"no development set at {corpus} (expected truth.json, txt/ and html/ there)", file=sys.stderr)
        return 2
    if write_split:
        split_write(json.loads((corpus / "truth.json").read_text(encoding="utf-8")))
        print(f"wrote {SPLIT_FILE}")
        return 0
    call_command("migrate", verbosity=0)
    scores = corpus_import_and_score(corpus)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    report_print(scores, split_load(), truth, misses=misses)
    bbc = Path(__file__).resolve().parents[1] / "data" / "bbc"
    samples = {
        "the set's txt pages": sorted((corpus / "txt").glob("*.txt")),
        "BBC articles": sorted(bbc.glob("*/*.txt")),
    }
    for name, files in samples.items():
        print(f"\npage_parse on {len(files)} {name}: {cleaning_cpu_ms(files):.2f} ms of CPU a page")
    return 0


def cleaning_cpu_ms(files: list[Path]) -> float:
    """CPU time `page_parse` takes a page (the best of three passes; CPU time, as the machine is shared)."""
    import time

    from archive.ingestion.cleaning import page_parse

    texts = [file.read_text(encoding="utf-8") for file in files]
    page_parse(texts[0])  # reads the stop lists once
    passes = []
    for _ in range(3):
        started = time.process_time()
        for text in texts:
            page_parse(text)
        passes.append(time.process_time() - started)
    return 1000 * min(passes) / len(texts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
