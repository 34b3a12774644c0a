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

from .records import RawRecord, RejectedInput

SUPPORTED_SUFFIXES = {".txt", ".jsonl", ".csv"}
RECORD_KEYS = ("title", "body", "outlet", "published", "byline", "source", "source_url")
MANIFEST_NAMES = {"manifest.csv", "manifest.jsonl"}


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
        raise RejectedInput(f"{location}: looks like a binary file (NUL bytes); import text, JSONL or CSV files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        match = from_bytes(data).best()
        if match is None:
            raise RejectedInput(f"{location}: cannot detect the text encoding; save the file as UTF-8") from None
        text = str(match)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def files_find(path: Path) -> list[Path]:
    """The importable files under `path` (a file or a folder, recursively), in a stable order."""
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name not in MANIFEST_NAMES
    )


def source_name(path: Path, root: Path) -> str:
    """An article's identity: its path relative to the folder given, or its name when a file was given."""
    if root.is_file():
        return path.name
    return path.relative_to(root).as_posix()


def records_read(path: Path, *, root: Path) -> Iterator[RawRecord | Rejection]:
    source = source_name(path, root)
    try:
        data = path.read_bytes()
        if not data.strip():
            raise RejectedInput(f"{source}: the file is empty")
        text = text_decode(data, location=source)
    except OSError as error:
        yield Rejection(source, f"cannot read the file ({error.strerror or error})")
        return
    except RejectedInput as error:
        yield Rejection(source, str(error).removeprefix(f"{source}: "))
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_records(text, source=source)
    elif suffix == ".csv":
        yield from _csv_records(text, source=source)
    else:
        yield RawRecord(source=source, location=source, raw_text=text, raw_hash=text_hash(text))


def _record_from_mapping(data: dict, *, file_source: str, line: int) -> RawRecord:
    location = f"{file_source}:{line}"
    fields = {key: str(data.get(key) or "").strip() for key in RECORD_KEYS}
    if not fields["body"]:
        raise RejectedInput(f"{location}: the record has no 'body'; every record needs the article text")
    source = fields.pop("source") or location
    canonical = json.dumps({key: fields[key] for key in sorted(fields)}, ensure_ascii=False)
    body = unicodedata.normalize("NFC", fields["body"])
    return RawRecord(
        source=source, location=location, raw_text=body, raw_hash=text_hash(canonical), fields=fields, structured=True
    )


def _jsonl_records(text: str, *, source: str) -> Iterator[RawRecord | Rejection]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        location = f"{source}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejection(location, f"not valid JSON ({error.msg} at column {error.colno}); each line must be one JSON object")
            continue
        if not isinstance(data, dict):
            yield Rejection(location, "each line must be a JSON object with 'title', 'body', ... keys")
            continue
        try:
            yield _record_from_mapping(data, file_source=source, line=number)
        except RejectedInput as error:
            yield Rejection(location, str(error).removeprefix(f"{location}: "))


def _csv_records(text: str, *, source: str) -> Iterator[RawRecord | Rejection]:
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = reader.fieldnames or []
    except csv.Error as error:
        yield Rejection(source, f"not readable as CSV ({error})")
        return
    if "body" not in {name.strip().lower() for name in header}:
        yield Rejection(source, f"the CSV header has no 'body' column (found: {', '.join(header) or 'nothing'}); name the columns {', '.join(RECORD_KEYS)}")
        return
    try:
        for row in reader:
            line = reader.line_num
            cleaned = {(key or "").strip().lower(): value for key, value in row.items() if key}
            try:
                yield _record_from_mapping(cleaned, file_source=source, line=line)
            except RejectedInput as error:
                yield Rejection(f"{source}:{line}", str(error).removeprefix(f"{source}:{line}: "))
    except csv.Error as error:
        yield Rejection(f"{source}:{reader.line_num}", f"not readable as CSV ({error})")
