from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article, Entity, Mention, Outlet
from tests.conftest import DATA, FIXTURES


def test_seeds_import_with_outlets_and_dates(seeds):
    assert len(seeds) == 5
    assert seeds["002_259fda1996e3dcc7.txt"].outlet.name == "SNN"
    assert seeds["004_735fed19aafc4c9a.txt"].outlet.name == "UrduPoint"
    for name in ("000_5d6324c78be22e1b.txt", "001_24224d28d160fde4.txt", "004_735fed19aafc4c9a.txt"):
        assert seeds[name].published == dt.date(2022, 12, 30)
    raw = (FIXTURES / "002_259fda1996e3dcc7.txt").read_text(encoding="utf-8")
    assert seeds["002_259fda1996e3dcc7.txt"].raw_text == raw
    assert len(seeds["002_259fda1996e3dcc7.txt"].raw_hash) == 64


def test_reimport_creates_nothing(seeds, import_paths):
    before = (
        Article.objects.count(),
        Entity.objects.count(),
        Mention.objects.count(),
        Outlet.objects.count(),
    )
    report = import_paths(FIXTURES)
    assert (report.created, report.updated, report.skipped, report.rejected) == (0, 0, 5, 0)
    assert (
        Article.objects.count(),
        Entity.objects.count(),
        Mention.objects.count(),
        Outlet.objects.count(),
    ) == before


def test_changed_file_is_updated(tmp_path, import_paths):
    folder = tmp_path / "pages"
    folder.mkdir()
    page = folder / "a.txt"
    page.write_text("The council approved the harbour plan on Tuesday after a long debate in the town hall.")
    assert import_paths(folder).created == 1
    page.write_text("The council rejected the harbour plan on Tuesday after a long debate in the town hall.")
    report = import_paths(folder)
    assert (report.created, report.updated) == (0, 1)
    assert "rejected" in Article.objects.get(source="a.txt").body


def test_malformed_file_is_rejected_with_its_name_and_the_rest_import(tmp_path, import_paths):
    folder = tmp_path / "batch"
    shutil.copytree(FIXTURES, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02binary junk")
    (folder / "empty.txt").write_text("")
    report = import_paths(folder)
    assert report.created == 5
    assert report.rejected == 2
    reasons = dict(report.problems)
    assert "binary" in reasons["broken.txt"]
    assert "empty" in reasons["empty.txt"]
    assert not Article.objects.filter(source__in=["broken.txt", "empty.txt"]).exists()


def test_jsonl_records_import_each_on_its_own(tmp_path, import_paths):
    path = tmp_path / "feed.jsonl"
    good = {
        "title": "Harbour plan approved",
        "body": "The council approved the harbour plan.",
        "outlet": "Coast Herald",
        "published": "2023-01-05",
        "byline": "Jane Doe",
        "source_url": "https://example.org/harbour",
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"title": "No body"}),
        json.dumps({**good, "source": "herald-2", "published": "someday"}),
    ]
    path.write_text("\n".join(lines))
    report = import_paths(path)
    assert report.created == 1
    assert report.rejected == 3
    reasons = dict(report.problems)
    assert "not valid JSON" in reasons["feed.jsonl:2"]
    assert "'body'" in reasons["feed.jsonl:3"]
    assert "'published'" in reasons["feed.jsonl:4"]
    article = Article.objects.get(source="feed.jsonl:1")
    assert (article.title, article.outlet.name, article.published, article.byline, article.title_derived) == (
        "Harbour plan approved",
        "Coast Herald",
        dt.date(2023, 1, 5),
        "Jane Doe",
        False,
    )


def test_csv_with_header_imports_and_uses_record_source(tmp_path, import_paths):
    path = tmp_path / "feed.csv"
    path.write_text(
        "source,title,body,outlet,published\n"
        'rec-1,Vote held,"The vote was held, and it passed.",Herald,2023-02-01\n'
    )
    report = import_paths(path)
    assert report.created == 1
    assert Article.objects.get(source="rec-1").published == dt.date(2023, 2, 1)


def test_csv_without_body_column_is_rejected(tmp_path, import_paths):
    path = tmp_path / "feed.csv"
    path.write_text("title,text\nA,B\n")
    report = import_paths(path)
    assert report.rejected == 1
    assert "no 'body' column" in report.problems[0][1]


def test_windows_1252_file_decodes_right(tmp_path, import_paths):
    folder = tmp_path / "enc"
    folder.mkdir()
    text = (
        "The minister’s “plan” for the café was approved by the council on Tuesday evening, officials said."
    )
    (folder / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("café", "harbour").encode("utf-8"))
    assert import_paths(folder).created == 2
    assert "’s “plan” for the café" in Article.objects.get(source="cp1252.txt").body
    assert Article.objects.get(source="bom.txt").raw_text.startswith("The minister")


def test_outlet_option_fills_files_that_name_none(tmp_path, import_paths):
    page = tmp_path / "a.txt"
    page.write_text("The council approved the harbour plan on Tuesday after a long debate in the town hall.")
    import_paths(page, outlet="Coast Herald")
    assert Article.objects.get(source="a.txt").outlet.name == "Coast Herald"


def test_dry_run_writes_nothing(import_paths):
    report = import_paths(FIXTURES, dry_run=True)
    assert report.created == 5
    assert Article.objects.count() == 0


def test_command_prints_summary_and_exits_1_on_rejection(tmp_path, committed_db, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "ok.txt").write_text(
        "The council approved the harbour plan on Tuesday after a long debate in the town hall."
    )
    call_command("import_articles", str(folder))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "1 created, 0 updated, 0 skipped, 0 rejected"
    (folder / "bad.txt").write_bytes(b"\x00\x00")
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", str(folder))
    assert raised.value.returncode == 1
    captured = capsys.readouterr()
    assert "rejected bad.txt:" in captured.err
    assert captured.out.strip().splitlines()[-1] == "0 created, 0 updated, 1 skipped, 1 rejected"


def test_missing_path_is_reported(tmp_path, import_paths):
    report = import_paths(tmp_path / "nowhere")
    assert report.rejected == 1
    assert "no such file" in report.problems[0][1]


def test_a_long_import_reports_progress_and_ends_with_the_summary(committed_db, settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.ARCHIVE_SPACY_MODEL = ""
    folder = tmp_path / "bbc"
    folder.mkdir()
    for path in sorted((DATA / "bbc" / "sport").glob("*.txt"))[:260]:
        (folder / path.name).write_bytes(path.read_bytes())
    out = io.StringIO()
    call_command("import_articles", str(folder), stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines[:-1]] == ["import: 250/260", "import: 260/260"]
    assert all(re.search(r"\(\d+\.\d/s, about \d+ s left\)$", line) for line in lines[:-1])
    assert lines[-1] == "260 created, 0 updated, 0 skipped, 0 rejected"
