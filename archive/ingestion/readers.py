"""Read article files of every supported shape into `RawRecord`s.

A reader never raises for bad input: it yields a `Rejection` naming the file (or file:line) and the
reason, so one bad file or record does not stop a batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from django.conf import settings

from .dates import date_parse_strict
from .records import RawRecord, RejectedInput

SUPPORTED_SUFFIXES = {".txt", ".jsonl", ".csv", ".html", ".htm"}
RECORD_KEYS = ("title", "body", "outlet", "published", "byline", "source", "source_url")
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
MANIFEST_KEYS = ("url", "outlet", "published", "title")


@dataclass(frozen=True)
class Rejection:
    location: str
    reason: str


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_decode(data: bytes, *, location: str) -> str:
    """Decode bytes by detection, not guesswork: UTF-8 (with or without BOM) first, then the best guess
    of charset-normalizer; normalised to NFC, which keeps curly quotes as they are."""
    if b"\x00" in data[:8192]:
        raise RejectedInput(
            f"{location}: looks like a binary file (NUL bytes); import text, HTML, JSONL or CSV files"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _legacy_decode(data, location=location)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _legacy_decode(data: bytes, *, location: str) -> str:
    """Bytes that are not UTF-8. charset-normalizer ranks the candidate encodings by how garbled the text
    reads; single-byte encodings often tie, and then Windows-1252 (a superset of Latin-1's printable
    characters, and the usual legacy encoding of Western news pages) is preferred to an arbitrary one."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise RejectedInput(f"{location}: cannot detect the text encoding; save the file as UTF-8")
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return str(best)
    if mess_ratio(western, maximum_threshold=1.0) <= best.chaos + 0.01:
        return western
    return str(best)


def files_find(path: Path) -> list[Path]:
    """The importable files under `path` (a file or a folder, recursively), in a stable order."""
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in MANIFEST_NAMES
    )


def source_name(path: Path, root: Path) -> str:
    """An article's identity: its path relative to the folder given, or its name when a file was given."""
    if root.is_file():
        return path.name
    return path.relative_to(root).as_posix()


def _file_text(path: Path, *, location: str) -> str:
    try:
        size = path.stat().st_size
        if size > settings.ARCHIVE_MAX_FILE_BYTES:
            raise RejectedInput(
                f"{location}: the file is {size / 2**20:.1f} MB, over the limit of "
                f"{settings.ARCHIVE_MAX_FILE_BYTES / 2**20:.1f} MB (ARCHIVE_MAX_FILE_BYTES); split it or "
                "raise the limit"
            )
        data = path.read_bytes()
    except OSError as error:
        raise RejectedInput(f"{location}: cannot read the file ({error.strerror or error})") from None
    if not data.strip():
        raise RejectedInput(f"{location}: the file is empty")
    return text_decode(data, location=location)


def records_read(
    path: Path, *, root: Path, manifest: dict[str, dict[str, str]] | None = None
) -> Iterator[RawRecord | Rejection]:
    source = source_name(path, root)
    try:
        text = _file_text(path, location=source)
    except RejectedInput as error:
        yield Rejection(source, str(error).removeprefix(f"{source}: "))
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_records(text, source=source)
    elif suffix == ".csv":
        yield from _csv_records(text, source=source)
    else:
        stated = (manifest or {}).get(source) or (manifest or {}).get(path.name) or {}
        raw_format = "html" if suffix in {".html", ".htm"} else "page"
        fingerprint = text + ("\n" + json.dumps(stated, sort_keys=True) if stated else "")
        yield RawRecord(
            source=source,
            location=source,
            raw_text=text,
            raw_hash=text_hash(fingerprint),
            raw_format=raw_format,
            stated=stated,
        )


def _record_from_mapping(data: dict, *, file_source: str, line: int) -> RawRecord:
    location = f"{file_source}:{line}"
    fields = {key: str(data.get(key) or "").strip() for key in RECORD_KEYS}
    if not fields["body"]:
        raise RejectedInput(f"{location}: the record has no 'body'; every record needs the article text")
    source = fields.pop("source") or location
    raw = json.dumps({key: fields[key] for key in sorted(fields)}, ensure_ascii=False)
    return RawRecord(
        source=source, location=location, raw_text=raw, raw_hash=text_hash(raw), raw_format="record"
    )


def _jsonl_objects(text: str, *, source: str) -> Iterator[tuple[int, dict] | Rejection]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        location = f"{source}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejection(
                location,
                f"not valid JSON ({error.msg} at column {error.colno}); each line must be one JSON object",
            )
            continue
        if not isinstance(data, dict):
            yield Rejection(location, "each line must be a JSON object")
            continue
        yield number, data


def _csv_rows(
    text: str, *, source: str, required: str, keys: tuple[str, ...]
) -> Iterator[tuple[int, dict] | Rejection]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
        if required not in header:
            yield Rejection(
                source,
                f"the CSV header has no '{required}' column (found: {', '.join(header) or 'nothing'}); name "
                f"the columns {', '.join(keys)}",
            )
            return
        for row in reader:
            yield reader.line_num, {(key or "").strip().lower(): value for key, value in row.items() if key}
    except csv.Error as error:
        yield Rejection(f"{source}:{reader.line_num}", f"not readable as CSV ({error})")


def _records_from(
    rows: Iterator[tuple[int, dict] | Rejection], *, source: str
) -> Iterator[RawRecord | Rejection]:
    for row in rows:
        if isinstance(row, Rejection):
            yield row
            continue
        number, data = row
        try:
            yield _record_from_mapping(data, file_source=source, line=number)
        except RejectedInput as error:
            yield Rejection(f"{source}:{number}", str(error).removeprefix(f"{source}:{number}: "))


def _jsonl_records(text: str, *, source: str) -> Iterator[RawRecord | Rejection]:
    yield from _records_from(_jsonl_objects(text, source=source), source=source)


def _csv_records(text: str, *, source: str) -> Iterator[RawRecord | Rejection]:
    yield from _records_from(_csv_rows(text, source=source, required="body", keys=RECORD_KEYS), source=source)


def manifest_read(path: Path) -> tuple[dict[str, dict[str, str]], list[Rejection]]:
    """Per-file metadata from a manifest (CSV with a header, or JSON Lines): `file` plus any of
    `url`, `outlet`, `published`, `title`. Entries with a bad date are rejected, the rest kept."""
    location = path.name
    try:
        text = _file_text(path, location=location)
    except RejectedInput as error:
        return {}, [Rejection(location, str(error).removeprefix(f"{location}: "))]
    rows = (
        _jsonl_objects(text, source=location)
        if path.suffix.lower() == ".jsonl"
        else _csv_rows(text, source=location, required="file", keys=("file", *MANIFEST_KEYS))
    )
    entries: dict[str, dict[str, str]] = {}
    problems: list[Rejection] = []
    for row in rows:
        if isinstance(row, Rejection):
            problems.append(row)
            continue
        number, data = row
        name = str(data.get("file") or "").strip().replace("\\", "/")
        entry = {
            key: str(data.get(key) or "").strip() for key in MANIFEST_KEYS if str(data.get(key) or "").strip()
        }
        if not name:
            problems.append(
                Rejection(f"{location}:{number}", "the entry has no 'file'; name the file it describes")
            )
        elif "published" in entry and date_parse_strict(entry["published"]) is None:
            problems.append(
                Rejection(
                    f"{location}:{number}",
                    f"field 'published' is not a date ({entry['published']!r}); write it as YYYY-MM-DD",
                )
            )
        else:
            entries[name] = entry
    return entries, problems
