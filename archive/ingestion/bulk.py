"""Load articles whose metadata and entities are already known, fast: the benchmark corpus, test corpora,
migrations from another archive.

It goes through the real models (outlets, entities, articles, mentions) with bulk inserts, a batch per
transaction, and announces each committed batch like any other change, so the real indexing code runs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction

from ..models import Article, Entity, Mention, Outlet, unique_slug
from ..signals import announce_articles_changed
from .readers import text_hash

BATCH = 1000


@dataclass(frozen=True)
class KnownArticle:
    source: str
    title: str
    body: str
    outlet: str = ""
    published: dt.date | None = None
    byline: str = ""
    entities: tuple[tuple[str, str, int], ...] = field(default_factory=tuple)  # (name, type, count)


class _Lookup:
    """Outlets and entities by name, created on first sight, kept for the run."""

    def __init__(self) -> None:
        self.outlets = {outlet.name: outlet for outlet in Outlet.objects.all()}
        self.entities = {(entity.name, entity.type): entity for entity in Entity.objects.all()}

    def outlet(self, name: str) -> Outlet | None:
        if not name:
            return None
        if name not in self.outlets:
            self.outlets[name] = Outlet.objects.create(name=name, slug=unique_slug(Outlet, name))
        return self.outlets[name]

    def entities_create(self, keys: set[tuple[str, str]]) -> None:
        missing = [key for key in keys if key not in self.entities]
        if not missing:
            return
        taken = set(Entity.objects.values_list("slug", flat=True))
        new = []
        for name, entity_type in missing:
            entity = Entity(
                name=name,
                type=entity_type,
                slug=unique_slug(Entity, name, suffix=entity_type, taken=taken.__contains__),
            )
            taken.add(entity.slug)
            new.append(entity)
        for entity in Entity.objects.bulk_create(new, batch_size=BATCH):
            self.entities[(entity.name, entity.type)] = entity


def _batches(items: Iterable[KnownArticle], size: int) -> Iterator[list[KnownArticle]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def articles_bulk_load(items: Iterable[KnownArticle], *, announce: bool = True) -> int:
    """Insert articles with their given entities, `BATCH` per transaction; returns how many.

    With `announce` the search index is updated after each batch commits; without it the caller
    rebuilds the index once at the end (faster for a whole corpus).
    """
    lookup = _Lookup()
    count = 0
    for batch in _batches(items, BATCH):
        with transaction.atomic():
            lookup.entities_create({(name, kind) for item in batch for name, kind, _ in item.entities})
            articles = Article.objects.bulk_create(
                [
                    Article(
                        source=item.source,
                        title=item.title[:500],
                        body=item.body,
                        raw_text=item.body,
                        raw_hash=text_hash(item.body),
                        raw_format=Article.RawFormat.PAGE,
                        outlet=lookup.outlet(item.outlet),
                        published=item.published,
                        byline=item.byline,
                    )
                    for item in batch
                ],
                batch_size=BATCH,
            )
            mentions = []
            for article, item in zip(articles, batch):
                counts: Counter[tuple[str, str]] = Counter()
                for name, kind, n in item.entities:
                    counts[(name, kind)] += n
                mentions += [
                    Mention(article=article, entity=lookup.entities[key], count=n)
                    for key, n in counts.items()
                ]
            Mention.objects.bulk_create(mentions, batch_size=BATCH * 10)
            if announce:
                announce_articles_changed(article_ids=[article.pk for article in articles])
        count += len(articles)
    return count
