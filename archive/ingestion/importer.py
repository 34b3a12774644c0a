"""Import raw article files into the archive.

Each article is written in its own transaction, so a bad file or record is reported and the batch goes
on, and a failure leaves no half-written rows. Entities are extracted for a chunk of articles at a time
through `nlp.pipe`, which is where the import spends its time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction

from ..models import Article, Entity, Mention, Outlet
from ..signals import announce_articles_changed, announcements_batched
from .cleaning import outlet_name_normalise, page_parse, text_normalise, title_derive
from .dates import date_parse_strict
from .entities import FoundEntity, entities_extract, nlp_default
from .readers import RawRecord, Rejection, files_find, records_read
from .records import ParsedArticle, RejectedInput

CHUNK_SIZE = 64


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def reject(self, location: str, reason: str) -> None:
        self.rejected += 1
        self.problems.append((location, reason))

    @property
    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.skipped} skipped, {self.rejected} rejected"


def record_parse(record: RawRecord, *, outlet: str = "") -> ParsedArticle:
    """The clean article for one record: structured fields win over what the text says."""
    if record.structured:
        fields = record.fields
        body = text_normalise(fields["body"]).strip()
        parsed = ParsedArticle(
            title=fields["title"] or title_derive(body),
            title_derived=not fields["title"],
            body="\n\n".join(part.strip() for part in body.split("\n\n") if part.strip()),
            outlet=outlet_name_normalise(fields["outlet"]),
            byline=fields["byline"],
            published=_field_date(fields["published"], location=record.location),
            source_url=fields["source_url"],
        )
    else:
        parsed = page_parse(record.raw_text)
    if not parsed.body.strip():
        raise RejectedInput(f"{record.location}: no article text found; the file holds only page furniture or headings")
    if parsed.source_url:
        try:
            URLValidator()(parsed.source_url)
        except ValidationError:
            raise RejectedInput(f"{record.location}: field 'source_url' is not a URL ({parsed.source_url[:80]!r})") from None
    if not parsed.outlet and outlet:
        parsed = replace(parsed, outlet=outlet_name_normalise(outlet))
    return parsed


def _field_date(value: str, *, location: str) -> dt.date | None:
    if not value:
        return None
    parsed = date_parse_strict(value)
    if parsed is None:
        raise RejectedInput(f"{location}: field 'published' is not a date ({value!r}); write it as YYYY-MM-DD")
    return parsed


class _EntityCache:
    """Entities by (name, type) for the length of one import, so each is looked up once."""

    def __init__(self) -> None:
        self._entities: dict[tuple[str, str], Entity] = {}

    def get(self, found: FoundEntity) -> Entity:
        key = (found.name, found.type)
        entity = self._entities.get(key)
        if entity is None:
            entity, _ = Entity.objects.get_or_create(name=found.name, type=found.type)
            self._entities[key] = entity
        return entity

    def forget(self) -> None:
        """After a rolled-back transaction, cached rows may not exist."""
        self._entities.clear()


def outlet_for(name: str) -> Outlet | None:
    """The outlet called `name`; 'UrduPoint.com' and 'UrduPoint' land on the same one."""
    if not name:
        return None
    name = outlet_name_normalise(name)
    outlet = Outlet.objects.filter(name__iexact=name).first()
    if outlet is None:
        outlet, _ = Outlet.objects.get_or_create(name=name)
    return outlet


def article_save(record: RawRecord, parsed: ParsedArticle, found: list[FoundEntity], *, entities: _EntityCache) -> tuple[Article, bool]:
    """Write one article and its mentions; the caller holds the transaction."""
    article = Article.objects.filter(source=record.source).first()
    created = article is None
    if created:
        article = Article(source=record.source)
    article.outlet = outlet_for(parsed.outlet)
    article.title = parsed.title[:500]
    article.title_derived = parsed.title_derived
    article.byline = parsed.byline[:300]
    article.published = parsed.published
    article.body = parsed.body
    article.raw_text = record.raw_text
    article.raw_hash = record.raw_hash
    article.source_url = parsed.source_url
    article.full_clean(exclude=["outlet", "source", "raw_text", "body"])
    article.save()
    article.mentions.all().delete()
    Mention.objects.bulk_create(Mention(article=article, entity=entities.get(item), count=item.count) for item in found)
    return article, created


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def articles_import(
    paths: list[Path],
    *,
    outlet: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every supported file under `paths`; see the README for what the importer recognises."""
    report = ImportReport()
    files = [(file, root) for root in paths for file in files_find(root)]
    for root in paths:
        if not root.exists():
            report.reject(str(root), "no such file or folder")
    records = (item for file, root in files for item in records_read(file, root=root))
    entities = _EntityCache()
    done_files = set()
    with announcements_batched():
        for chunk in _chunks(records, CHUNK_SIZE):
            _chunk_import(chunk, report=report, outlet=outlet, dry_run=dry_run, entities=entities)
            if progress:
                done_files.update(item.location.split(":")[0] for item in chunk)
                progress(len(done_files), len(files))
    return report


def _chunk_import(chunk: list[RawRecord | Rejection], *, report: ImportReport, outlet: str, dry_run: bool, entities: _EntityCache) -> None:
    existing = dict(
        Article.objects.filter(source__in=[item.source for item in chunk if isinstance(item, RawRecord)]).values_list("source", "raw_hash")
    )
    todo: list[tuple[RawRecord, ParsedArticle]] = []
    skipped_sources = []
    for item in chunk:
        if isinstance(item, Rejection):
            report.reject(item.location, item.reason)
        elif existing.get(item.source) == item.raw_hash:
            report.skipped += 1
            skipped_sources.append(item.source)
        else:
            try:
                todo.append((item, record_parse(item, outlet=outlet)))
            except RejectedInput as error:
                report.reject(item.location, str(error).removeprefix(f"{item.location}: "))
    if skipped_sources and not dry_run:
        # Announced so that an article imported before a crash, but never indexed, is indexed now.
        announce_articles_changed(article_ids=Article.objects.filter(source__in=skipped_sources).values_list("pk", flat=True))
    if dry_run:
        for record, _ in todo:
            if record.source in existing:
                report.updated += 1
            else:
                report.created += 1
        return
    found_lists = entities_extract([parsed.body for _, parsed in todo], nlp=nlp_default())
    for (record, parsed), found in zip(todo, found_lists):
        try:
            with transaction.atomic():
                _, created = article_save(record, parsed, found, entities=entities)
        except (ValidationError, DatabaseError) as error:
            entities.forget()
            report.reject(record.location, _error_text(error))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"field '{name}': {' '.join(messages)}" for name, messages in error.message_dict.items())
    return f"could not be saved ({error})"
