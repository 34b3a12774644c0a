"""Import raw article files into the archive.

Each article is written in its own transaction, so a bad file or record is reported and the batch goes
on, and a failure leaves no half-written rows. Entities are extracted for a chunk of articles at a time
through `nlp.pipe`, which is where the import spends its time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from ..linking import Linker
from ..models import Article, Mention, Outlet, OutletAlias, WireAgency, alias_key
from ..runs import RunStatus, run_announced
from ..signals import announce_articles_changed, announcements_batched
from .cleaning import furniture_learn, outlet_name_normalise
from .entities import FoundEntity, T, entities_stream, nlp_default
from .parsing import Agencies, raw_parse
from .readers import (
    MANIFEST_NAMES,
    RawRecord,
    Rejection,
    files_find,
    manifest_read,
    records_read,
    source_name,
    text_decode,
)
from .records import ParsedArticle, RejectedInput
from .resolver import EntityResolver, gazetteer_from_archive

CHUNK_SIZE = 64
PARALLEL_FROM = 200  # below this many files, starting worker processes costs more than it saves


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
        return (
            f"{self.created} created, {self.updated} updated, {self.skipped} skipped, {self.rejected} "
            "rejected"
        )


def outlet_for(name: str) -> Outlet | None:
    """The outlet called `name`; 'UrduPoint.com' and 'UrduPoint' land on the same one."""
    if not name:
        return None
    name = outlet_name_normalise(name)
    alias = OutletAlias.objects.select_related("outlet").filter(key=alias_key(name)).first()
    if alias is not None:
        return alias.outlet
    return Outlet.objects.filter(name__iexact=name).first() or Outlet.objects.get_or_create(name=name)[0]


def article_fields_apply(article: Article, parsed: ParsedArticle) -> None:
    """Copy extracted values onto the article, except the fields an editor corrected."""
    values = {
        "outlet": outlet_for(parsed.outlet),
        "title": parsed.title[:500],
        "byline": parsed.byline[:300],
        "published": parsed.published,
        "source_url": parsed.source_url,
        "wire": parsed.wire,
    }
    for name, value in values.items():
        if name not in article.curated_fields:
            setattr(article, name, value)
    if "title" not in article.curated_fields:
        article.title_derived = parsed.title_derived
    article.body = parsed.body
    article.removed_lines = list(dict.fromkeys(line.strip() for line in parsed.removed if line.strip()))


def mentions_replace(article: Article, found: list[FoundEntity], *, entities: EntityResolver) -> None:
    article.mentions.all().delete()
    Mention.objects.bulk_create(
        Mention(article=article, entity=entity, count=count)
        for entity, count in entities.mentions(found).items()
    )


class ImportRun:
    """What one import or re-processing run keeps between articles: the entities and aliases resolved so
    far, the near-copy LSH and the entity counts behind story weights. These caches describe committed
    rows, so `article()` forgets them whenever an article's transaction rolls back (an error, or a
    re-processed article found unchanged)."""

    def __init__(self) -> None:
        self.entities = EntityResolver()
        self.linker = Linker()

    @contextmanager
    def article(self) -> Iterator[None]:
        """One article's transaction. After an error everything is read again; after a deliberate rollback
        (an unchanged article, whose body keeps its signature) only what the resolver created is gone."""
        try:
            with transaction.atomic():
                yield
                undone = transaction.get_rollback()
        except BaseException:
            self.entities.forget()
            self.linker.forget()
            raise
        if undone:
            self.entities.forget()


def article_save(
    record: RawRecord, parsed: ParsedArticle, found: list[FoundEntity], *, run: ImportRun
) -> bool:
    """Write one article, its mentions and links (the caller holds the transaction); True when created."""
    article = Article.objects.filter(source=record.source).first()
    created = article is None
    if created:
        article = Article(source=record.source)
    article_fields_apply(article, parsed)
    article.raw_text = record.raw_text
    article.raw_hash = record.raw_hash
    article.raw_format = record.raw_format
    article.stated = record.stated
    article.full_clean(exclude=["outlet", "source", "raw_text", "body"])
    article.save()
    mentions_replace(article, found, entities=run.entities)
    announce_articles_changed(article_ids=run.linker.link(article))
    return created


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _folder(source: str) -> str:
    return str(PurePosixPath(source).parent)


def _manifests(
    roots: list[Path], extra: Path | None, report: ImportReport
) -> dict[Path, dict[str, dict[str, str]]]:
    """Per root, the manifest entries that apply: its own manifest file, then --manifest on top."""
    given: dict[str, dict[str, str]] = {}
    if extra is not None:
        given, problems = manifest_read(extra)
        for problem in problems:
            report.reject(problem.location, problem.reason)
    result = {}
    for root in roots:
        entries: dict[str, dict[str, str]] = {}
        for name in MANIFEST_NAMES:
            if root.is_dir() and (root / name).is_file():
                found, problems = manifest_read(root / name)
                entries.update(found)
                for problem in problems:
                    report.reject(problem.location, problem.reason)
        entries.update(given)
        result[root] = entries
    return result


def _page_texts(files: list[tuple[Path, Path]]) -> Iterator[tuple[str, str]]:
    """(folder, text) of every readable scraped page, for learning the furniture the pages share."""
    for file, root in files:
        if file.suffix.lower() != ".txt":
            continue
        try:
            text = text_decode(file.read_bytes(), location=file.name)
        except (OSError, RejectedInput):
            continue
        yield _folder(source_name(file, root)), text


def editors_agencies() -> Agencies:
    """The wire agencies editors added, read once per run, as `raw_parse` takes them."""
    return tuple((agency.name, agency.written[1:]) for agency in WireAgency.objects.all())


def nlp_processes(work_items: int) -> int:
    """Worker processes for the model: both cores for real batches, none for a handful of files."""
    return (
        max(1, min(settings.ARCHIVE_NLP_PROCESSES, os.cpu_count() or 1)) if work_items >= PARALLEL_FROM else 1
    )


def entities_for(
    items: Iterable[tuple[str, T]], *, n_process: int = 1
) -> Iterator[tuple[list[FoundEntity], T]]:
    """Extraction with the configured model, or matching the archive's known names when there is none."""
    nlp = nlp_default()
    gazetteer = None if nlp is not None else gazetteer_from_archive()
    return entities_stream(items, nlp=nlp, gazetteer=gazetteer, n_process=n_process)


def articles_import(
    paths: list[Path],
    *,
    outlet: str = "",
    manifest: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every supported file under `paths`; see the README for what the importer recognises."""
    report = ImportReport()
    for root in paths:
        if not root.exists():
            report.reject(str(root), "no such file or folder")
    roots = [root for root in paths if root.exists()]
    manifests = _manifests(roots, manifest, report)
    files = [(file, root) for root in roots for file in files_find(root)]
    furniture = (
        furniture_learn(_page_texts(files)) if sum(f.suffix.lower() == ".txt" for f, _ in files) >= 3 else {}
    )
    records = (
        item for file, root in files for item in records_read(file, root=root, manifest=manifests[root])
    )
    done: set[str] = set()
    status = RunStatus(kind="import", total=len(files))  # announced to other processes once writing starts

    def tick(record: RawRecord | Rejection) -> None:
        done.add(record.location.split(":")[0])
        status.advance(len(done))
        if progress:
            progress(len(done), len(files))

    todo = _records_to_write(
        records,
        report=report,
        outlet=outlet,
        furniture=furniture,
        agencies=editors_agencies(),
        dry_run=dry_run,
        tick=tick,
    )
    if dry_run:
        report.created += sum(1 for _ in todo)
        return report
    with run_announced(status), announcements_batched() as batch:
        run = ImportRun()
        for found, (record, parsed) in entities_for(
            ((parsed.body, (record, parsed)) for record, parsed in todo), n_process=nlp_processes(len(files))
        ):
            try:
                with run.article():
                    created = article_save(record, parsed, found, run=run)
            except (ValidationError, DatabaseError) as error:
                report.reject(record.location, _error_text(error))
                continue
            if created:
                report.created += 1
            else:
                report.updated += 1
            batch.flush()
    return report


def _furniture_of(record: RawRecord, furniture: dict[str, frozenset[str]]) -> frozenset[str]:
    if not furniture or record.raw_format != "page":
        return frozenset()
    return furniture.get(_folder(record.source), frozenset())


def _records_to_write(
    records: Iterable[RawRecord | Rejection],
    *,
    report: ImportReport,
    outlet: str,
    furniture: dict[str, frozenset[str]],
    agencies: Agencies,
    dry_run: bool,
    tick: Callable[[RawRecord | Rejection], None],
) -> Iterator[tuple[RawRecord, ParsedArticle]]:
    """New and changed records, parsed; rejections and unchanged sources are counted on the way.

    Looks up a chunk of sources at a time. In a dry run a changed source counts as updated here and the
    caller counts what is yielded as created.
    """
    for chunk in _chunks(records, CHUNK_SIZE):
        sources = [item.source for item in chunk if isinstance(item, RawRecord)]
        existing = dict(Article.objects.filter(source__in=sources).values_list("source", "raw_hash"))
        skipped = []
        for item in chunk:
            tick(item)
            if isinstance(item, Rejection):
                report.reject(item.location, item.reason)
                continue
            if existing.get(item.source) == item.raw_hash:
                report.skipped += 1
                skipped.append(item.source)
                continue
            try:
                parsed = raw_parse(
                    item.raw_text,
                    item.raw_format,
                    stated=item.stated,
                    outlet=outlet,
                    furniture=_furniture_of(item, furniture),
                    agencies=agencies,
                )
            except RejectedInput as error:
                report.reject(item.location, str(error))
                continue
            if dry_run and item.source in existing:
                report.updated += 1
                continue
            yield item, parsed
        if skipped and not dry_run:
            # Announced so that an article imported before a crash, but never indexed, is indexed now.
            announce_articles_changed(
                article_ids=Article.objects.filter(source__in=skipped).values_list("pk", flat=True)
            )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(
            f"field '{name}': {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return f"could not be saved ({error})"


@dataclass
class ReprocessReport:
    changed: int = 0
    unchanged: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"{self.changed} changed, {self.unchanged} unchanged, {len(self.failed)} failed"


def _article_state(article: Article) -> tuple:
    mentions = tuple(sorted(article.mentions.values_list("entity_id", "count")))
    quotes = tuple(article.quotes.values_list("text", "speaker_id", "group_id"))
    fields = (
        article.outlet_id,
        article.title,
        article.title_derived,
        article.byline,
        article.published,
        article.body,
        article.source_url,
        article.removed_lines,
        article.wire,
    )
    return (*fields, article.copy_group_id, article.story_id, mentions, quotes)


def articles_reprocess(
    articles: Iterable[Article], *, progress: Callable[[int, int], None] | None = None
) -> ReprocessReport:
    """Re-run cleaning, metadata and entities from the stored raw text, keeping editors' corrections.

    Furniture shared by an outlet's pages is learned again from the articles being reprocessed.
    """
    articles = list(articles)
    report = ReprocessReport()
    pages = [(_folder(a.source), a.raw_text) for a in articles if a.raw_format == "page"]
    furniture = furniture_learn(pages) if len(pages) >= 3 else {}
    run = ImportRun()
    with run_announced(RunStatus(kind="reprocess", total=len(articles))) as status, announcements_batched():
        for found, (article, parsed) in entities_for(
            (
                (parsed.body, (article, parsed))
                for article, parsed in _reparsed(
                    articles, furniture=furniture, agencies=editors_agencies(), report=report
                )
            ),
            n_process=nlp_processes(len(articles)),
        ):
            try:
                with run.article():
                    changed = article_refresh(article, parsed, found, run=run)
            except (ValidationError, DatabaseError) as error:
                report.failed.append((article.pk, _error_text(error)))
                continue
            if changed:
                report.changed += 1
            else:
                report.unchanged += 1
            done = report.changed + report.unchanged + len(report.failed)
            status.advance(done)
            if progress:
                progress(done, len(articles))
    return report


def article_refresh(
    article: Article, parsed: ParsedArticle, found: list[FoundEntity], *, run: ImportRun
) -> bool:
    """Re-extract one article (the caller holds the transaction); an unchanged article's transaction is
    rolled back, so the same body keeps its signature in the linker. True when it changed."""
    before = _article_state(article)
    article_fields_apply(article, parsed)
    mentions_replace(article, found, entities=run.entities)
    linked = run.linker.link(article)
    if _article_state(article) == before:
        transaction.set_rollback(True)
        return False
    article.save()
    announce_articles_changed(article_ids=linked)
    return True


def _reparsed(
    articles: list[Article],
    *,
    furniture: dict[str, frozenset[str]],
    agencies: Agencies,
    report: ReprocessReport,
) -> Iterator[tuple[Article, ParsedArticle]]:
    for article in articles:
        record = RawRecord(
            source=article.source,
            location=str(article.pk),
            raw_text=article.raw_text,
            raw_hash=article.raw_hash,
            raw_format=article.raw_format,
            stated=article.stated,
        )
        try:
            parsed = raw_parse(
                article.raw_text,
                article.raw_format,
                stated=article.stated,
                furniture=_furniture_of(record, furniture),
                agencies=agencies,
            )
        except RejectedInput as error:
            report.failed.append((article.pk, str(error)))
            continue
        if "body" in article.curated_fields:
            parsed = replace(parsed, body=article.body)
        yield article, parsed
