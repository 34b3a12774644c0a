"""Manifests, HTML pages, encodings and furniture learned across an outlet's pages."""

from __future__ import annotations

import datetime as dt
import json

from archive.ingestion.cleaning import furniture_learn, page_parse
from archive.models import Article

LEDE = (
    "The council approved the harbour plan on Tuesday after a long debate in the town hall, officials said."
)
HTML = """<html><head><title>Harbour plan approved</title>
<meta property="og:site_name" content="The Coast Herald"><meta property="article:published_time" \
content="2005-03-14">
<meta name="author" content="Jane Doe"></head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Harbour plan approved</h1><p>{lede}</p><p>The mayor said the vote was close, and that work \
would start in spring.</p>
<p>Advertisement</p></article><aside><h3>Related stories</h3><ul><li><a href="/x">Storm warning issued for \
the coast</a></li></ul></aside>
<footer>© 2005 The Coast Herald. All rights reserved.</footer></body></html>"""


def test_folder_manifest_wins_over_extraction(tmp_path, import_paths):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(f"Wrong Outlet\n\nHarbour plan approved\n\n{LEDE}")
    (folder / "manifest.csv").write_text(
        "file,url,outlet,published,title\n"
        "a.txt,https://coastherald.example/harbour,The Coast Herald,2005-03-14,Harbour vote passes\n"
    )
    report = import_paths(folder)
    assert (report.created, report.rejected) == (1, 0)
    article = Article.objects.get(source="a.txt")
    assert (
        article.outlet.name,
        article.published,
        article.title,
        article.title_derived,
        article.source_url,
    ) == (
        "The Coast Herald",
        dt.date(2005, 3, 14),
        "Harbour vote passes",
        False,
        "https://coastherald.example/harbour",
    )


def test_manifest_option_and_changed_manifest_updates(tmp_path, import_paths):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(LEDE)
    manifest = tmp_path / "meta.jsonl"
    manifest.write_text(json.dumps({"file": "a.txt", "outlet": "Daily Ledger"}))
    assert import_paths(folder, manifest=manifest).created == 1
    assert Article.objects.get().outlet.name == "Daily Ledger"
    manifest.write_text(json.dumps({"file": "a.txt", "outlet": "Metro Wire"}))
    assert import_paths(folder, manifest=manifest).updated == 1
    assert Article.objects.get().outlet.name == "Metro Wire"


def test_bad_manifest_entry_is_named_and_files_still_import(tmp_path, import_paths):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(LEDE)
    (folder / "manifest.csv").write_text("file,published\na.txt,someday\n")
    report = import_paths(folder)
    assert report.created == 1
    assert report.problems == [
        ("manifest.csv:2", "field 'published' is not a date ('someday'); write it as YYYY-MM-DD")
    ]


def test_html_page_is_read_with_its_metadata(tmp_path, import_paths):
    page = tmp_path / "harbour.html"
    page.write_text(HTML.format(lede=LEDE))
    assert import_paths(page).created == 1
    article = Article.objects.get()
    assert article.raw_format == "html"
    assert (article.title, article.outlet.name, article.published, article.byline) == (
        "Harbour plan approved",
        "The Coast Herald",
        dt.date(2005, 3, 14),
        "Jane Doe",
    )
    assert article.body.startswith(LEDE)
    assert article.body.endswith("work would start in spring.")
    assert (
        "Storm warning" not in article.body
        and "Advertisement" not in article.body
        and "Home" not in article.body
    )


def test_html_without_text_is_rejected(tmp_path, import_paths):
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav>Home</nav></body></html>")
    report = import_paths(page)
    assert report.rejected == 1
    assert "no article text" in report.problems[0][1]


def test_latin1_file_decodes_right(tmp_path, import_paths):
    page = tmp_path / "latin1.txt"
    text = (
        "Le café de Zürich a augmenté ses prix de 5 £ cette année, selon le propriétaire de l'établissement."
    )
    page.write_bytes(text.encode("latin-1"))
    assert import_paths(page).created == 1
    assert Article.objects.get().body == text


def test_lines_repeated_across_an_outlets_pages_are_furniture(tmp_path, import_paths):
    folder = tmp_path / "herald"
    folder.mkdir()
    ledes = [
        "The council approved the harbour plan on Tuesday after a long debate in the town hall.",
        "Fishermen protested on the quay on Wednesday against new quotas set by the ministry.",
        "The new ferry timetable starts next month, the operator announced in a statement on Friday.",
    ]
    for number, lede in enumerate(ledes):
        (folder / f"{number}.txt").write_text(
            f"The Coast Herald\n\n{lede}\n\nThe Herald's reporters are on the ground across the region every "
            f"single day.\n\nOfficials said more details would follow in story {number}."
        )
    import_paths(folder)
    for article in Article.objects.all():
        assert "on the ground across the region" not in article.body
        assert article.body.startswith(tuple(ledes))


def test_background_paragraph_reused_mid_story_is_kept():
    background = (
        "Russia invaded Ukraine in February 2022, and the war has since killed tens of thousands of people."
    )
    pages = []
    for day in ("Monday", "Tuesday", "Wednesday"):
        details = "\n\n".join(
            f"Detail {n} of the {day} story was confirmed by officials on {day}." for n in range(1, 7)
        )
        first, rest = details.split("\n\n", 3)[:3], details.split("\n\n", 3)[3]
        pages.append(
            (
                "f",
                f"Outlet\n\nThe {day} story opened with news from the front line, reports said.\n\n"
                + "\n\n".join(first)
                + f"\n\n{background}\n\n{rest}",
            )
        )
    assert furniture_learn(pages) == {}
    for _, text in pages:
        assert background in page_parse(text).body
