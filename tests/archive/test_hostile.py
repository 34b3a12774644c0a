"""Hostile input: every bad file is named with a reason, every good one imported, nothing half-written."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.ingestion.cleaning import page_parse
from archive.ingestion.readers import Rejection, records_read, text_decode
from archive.ingestion.records import RejectedInput
from archive.models import Article, Mention

GOOD = (
    "The council approved the harbour plan on Tuesday after a long debate in the town hall, officials said."
)


def hostile_batch(folder, *, count: int) -> tuple[set[str], set[str]]:
    """Write `count` files, most of them bad in one of many ways; returns (good names, bad names)."""
    rng = random.Random(1000)
    good, bad = set(), set()
    makers = [
        ("empty.txt", lambda: b""),
        ("blank.txt", lambda: b"   \n\n  "),
        ("binary.txt", lambda: bytes(rng.randrange(256) for _ in range(2000)) + b"\x00"),
        ("furniture.txt", lambda: b"Home | News | Sport | Business\nMenu\nSearch\nShare this article"),
        ("truncated.jsonl", lambda: b'{"title": "A", "body": "Text of the article here."'),
        ("notobject.jsonl", lambda: b"[1, 2, 3]\n42"),
        ("nobody.jsonl", lambda: json.dumps({"title": "No body"}).encode()),
        ("missing.csv", lambda: b"title,text\nA,B\n"),
        ("ragged.csv", lambda: b'title,body\n"unclosed,quote\n'),
        ("bomb.html", lambda: b"<html><body>" + b"<div>" * 50000 + b"</div>" * 50000 + b"</body></html>"),
        ("baddate.jsonl", lambda: json.dumps({"body": GOOD, "published": "31/31/2022"}).encode()),
    ]
    for number in range(count):
        if number % 25 == 0:
            name = f"good-{number}.txt"
            (folder / name).write_text(GOOD.replace("Tuesday", f"day {number}"))
            good.add(name)
        else:
            suffix, make = makers[number % len(makers)]
            name = f"bad-{number}-{suffix}"
            (folder / name).write_bytes(make())
            bad.add(name)
    big = folder / "huge.txt"
    with big.open("wb") as out:
        out.write((GOOD + "\n").encode() * (50 * 1024 * 1024 // len(GOOD)))
    bad.add("huge.txt")
    return good, bad


def test_a_thousand_hostile_files(tmp_path, import_paths):
    folder = tmp_path / "hostile"
    folder.mkdir()
    good, bad = hostile_batch(folder, count=1000)
    report = import_paths(folder)
    named = {location.split(":")[0] for location, _ in report.problems}
    assert bad <= named, sorted(bad - named)[:5]
    assert all(reason for _, reason in report.problems)
    assert set(Article.objects.values_list("source", flat=True)) == good
    assert report.created == len(good)
    assert Mention.objects.exclude(article__in=Article.objects.all()).count() == 0
    reasons = dict(report.problems)
    assert "over the limit" in reasons["huge.txt"] and "ARCHIVE_MAX_FILE_BYTES" in reasons["huge.txt"]


def test_body_limit(tmp_path, import_paths, settings):
    settings.ARCHIVE_MAX_BODY_CHARS = 50
    (tmp_path / "long.txt").write_text(GOOD)
    report = import_paths(tmp_path)
    assert report.rejected == 1 and "ARCHIVE_MAX_BODY_CHARS" in report.problems[0][1]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_page_parser_never_raises(text):
    article = page_parse(text)
    assert isinstance(article.body, str)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_decoding_raises_only_rejections(data):
    try:
        text_decode(data, location="x")
    except RejectedInput:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".jsonl", ".csv", ".html"]))
def test_readers_yield_records_or_rejections(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for item in records_read(path, root=tmp_path):
        assert isinstance(item, Rejection) or item.raw_text is not None
