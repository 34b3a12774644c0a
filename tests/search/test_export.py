from __future__ import annotations

import csv
import io
import json

from django.core.management import call_command

from archive.models import Article


def test_export_jsonl_has_every_field_and_hidden_articles(seeds, capsys):
    hidden = seeds["003_11a5f76fff9e7341.txt"]
    hidden.status = Article.Status.HIDDEN
    hidden.save()
    call_command("export_articles")
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 5
    assert set(rows[0]) == {
        "id",
        "url",
        "source",
        "source_url",
        "outlet",
        "published",
        "title",
        "title_derived",
        "byline",
        "body",
        "entities",
        "status",
        "near_duplicates",
        "story",
        "quotes",
        "wire",
    }
    by_source = {row["source"]: row for row in rows}
    assert by_source["003_11a5f76fff9e7341.txt"]["status"] == "hidden"
    urdu = by_source["004_735fed19aafc4c9a.txt"]
    assert (urdu["outlet"], urdu["published"], urdu["byline"]) == ("UrduPoint", "2022-12-30", "Mohammad Ali")
    assert {"name": "Vladimir Putin", "type": "person", "count": urdu["entities"][0]["count"]} in urdu[
        "entities"
    ]
    assert urdu["url"] == f"/articles/{urdu['id']}/"


def test_export_query_csv(seeds, capsys):
    call_command("export_articles", "--query", "Peskov", "--format", "csv")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:3] == ["id", "url", "source"]
    assert len(rows) == 2
    assert rows[1][2] == "001_24224d28d160fde4.txt"
    assert "Dmitry Peskov" in rows[1][10].split("; ")
