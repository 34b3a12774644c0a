"""Reads for frozen sets: who may see which set, the items' state now, and the rows of manifests and exports.

Every read of a set goes through `set_visible`, so no URL shows a private set to anyone but its owner and
editors (staff). Items are read in chunks by position, so a manifest or an export of 100,000 articles
never sits in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from archive.models import Article
from archive.serializers import EXPORT_FIELDS
from search.exports import Row, rows_for

from .hashing import CONTENT_HASH_RECIPE, FINGERPRINT_RECIPE, content_hash
from .models import ResultSet, ResultSetItem

ITEM_CHUNK = 2000
HASH_CHUNK = 500
UNCHANGED, CHANGED, WITHDRAWN = "unchanged", "changed", "withdrawn"
MANIFEST_FIELDS = ["id", "url", "outlet", "published", "title", "content_hash", "since_frozen"]
SET_EXPORT_FIELDS = [*EXPORT_FIELDS, "content_hash", "since_frozen"]
HASH_VALUES = ("pk", "title", "body", "outlet__name", "published", "byline", "source_url", "updated_at")

Viewer = User | AnonymousUser


class Item(NamedTuple):
    """An item as streams read it: a tuple, not a model instance (building 100,000 of those costs seconds)."""

    position: int
    article_id: int
    content_hash: str
    updated_at: dt.datetime
    title: str
    outlet: str
    published: dt.date | None


def _items(queryset) -> list[Item]:
    return [Item(*values) for values in queryset.values_list(*Item._fields)]


def article_urls(base_url: str) -> Callable[[int], str]:
    """An article's address by id, reversed once per stream: `reverse` costs more than the rest of a row."""
    marker = 987654321
    head, tail = reverse("article_detail", args=[marker]).split(str(marker))
    return lambda pk: f"{base_url}{head}{pk}{tail}"


@dataclass(frozen=True)
class Hashed:
    """An article as a set keeps it: its content hash, update time and the metadata of a withdrawn row."""

    content_hash: str
    updated_at: object
    title: str
    outlet: str
    published: object


def articles_hashed(ids: Iterable[int], *, published_only: bool = True) -> dict[int, Hashed]:
    """Content hashes of these articles, computed from one query's values per chunk of ids."""
    articles = Article.objects.published() if published_only else Article.objects.all()
    found: dict[int, Hashed] = {}
    ids = list(ids)
    for start in range(0, len(ids), HASH_CHUNK):
        rows = articles.filter(pk__in=ids[start : start + HASH_CHUNK]).values_list(*HASH_VALUES)
        for pk, title, body, outlet, published, byline, source_url, updated_at in rows:
            digest = content_hash(
                title=title,
                body=body,
                outlet=outlet,
                published=published,
                byline=byline,
                source_url=source_url,
            )
            found[pk] = Hashed(
                content_hash=digest,
                updated_at=updated_at,
                title=title,
                outlet=outlet or "",
                published=published,
            )
    return found


# -- who sees what ---------------------------------------------------------------------------------------


def sets_visible(user: Viewer) -> QuerySet[ResultSet]:
    """The sets `user` may read: editors all of them, anyone else the public ones and their own."""
    sets = ResultSet.objects.select_related("owner")
    if user.is_staff:
        return sets
    if user.is_authenticated:
        return sets.filter(Q(visibility=ResultSet.Visibility.PUBLIC) | Q(owner=user))
    return sets.filter(visibility=ResultSet.Visibility.PUBLIC)


def set_visible(user: Viewer, pk: int) -> ResultSet | None:
    return sets_visible(user).filter(pk=pk).first()


def sees_withdrawn(user: Viewer, result_set: ResultSet) -> bool:
    """Whether `user` sees the metadata of the set's withdrawn articles (the public sees id and hash)."""
    return user.is_staff or (user.is_authenticated and user.pk == result_set.owner_id)


def corrections_visible(user: Viewer, result_set: ResultSet) -> list[ResultSet]:
    return list(sets_visible(user).filter(supersedes=result_set).order_by("created_at"))


# -- the items' state now --------------------------------------------------------------------------------


def items_marked(items: list[Item]) -> dict[int, str]:
    """Each item's state now, by article id: unchanged, changed (its content hash differs) or withdrawn
    (hidden or deleted). Only articles whose update time moved are hashed again."""
    ids = [item.article_id for item in items]
    live = dict(Article.objects.published().filter(pk__in=ids).values_list("pk", "updated_at"))
    moved = [
        item.article_id
        for item in items
        if item.article_id in live and live[item.article_id] != item.updated_at
    ]
    now = articles_hashed(moved)
    marks = {}
    for item in items:
        if item.article_id not in live:
            marks[item.article_id] = WITHDRAWN
        elif item.article_id in now and now[item.article_id].content_hash != item.content_hash:
            marks[item.article_id] = CHANGED
        else:
            marks[item.article_id] = UNCHANGED
    return marks


def items_chunked(result_set: ResultSet, *, by_date: bool = False) -> Iterator[list[Item]]:
    """The set's items a chunk at a time, in the set's order (or by date, undated last, then id)."""
    items = ResultSetItem.objects.filter(result_set=result_set)
    if by_date:
        ordered = items.order_by(F("published").asc(nulls_last=True), "article_id").values_list(*Item._fields)
        chunk: list[Item] = []
        for values in ordered.iterator(chunk_size=ITEM_CHUNK):
            chunk.append(Item(*values))
            if len(chunk) == ITEM_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        return
    last = 0
    while chunk := _items(items.filter(position__gt=last).order_by("position")[:ITEM_CHUNK]):
        yield chunk
        last = chunk[-1].position


def items_page(result_set: ResultSet, *, start: int, size: int) -> list[tuple[Item, str, Article | None]]:
    """One page of items with their state and, unless withdrawn, the live article."""
    items = _items(
        ResultSetItem.objects.filter(
            result_set=result_set, position__gt=start, position__lte=start + size
        ).order_by("position")
    )
    marks = items_marked(items)
    articles = (
        Article.objects.published().select_related("outlet").in_bulk([item.article_id for item in items])
    )
    return [(item, marks[item.article_id], articles.get(item.article_id)) for item in items]


# -- rows of the manifest and the export -----------------------------------------------------------------


def _withdrawn_row(item: Item, fields: list[str], *, full: bool) -> Row:
    """A withdrawn article's row: its id and content hash, and for its owner and editors what the set kept."""
    row: Row = dict.fromkeys(fields)
    row.update(id=item.article_id, content_hash=item.content_hash, since_frozen=WITHDRAWN)
    if full:
        row.update(
            title=item.title,
            outlet=item.outlet or None,
            published=item.published.isoformat() if item.published else None,
        )
    return row


def item_row(item: Item, mark: str, *, url: Callable[[int], str], full: bool) -> Row:
    """An item as the manifest and the API list it: id, url, outlet, date and title as frozen, content
    hash, state now (a withdrawn article's metadata only for its owner and editors)."""
    if mark == WITHDRAWN:
        return _withdrawn_row(item, MANIFEST_FIELDS, full=full)
    return {
        "id": item.article_id,
        "url": url(item.article_id),
        "outlet": item.outlet or None,
        "published": item.published.isoformat() if item.published else None,
        "title": item.title,
        "content_hash": item.content_hash,
        "since_frozen": mark,
    }


def manifest_rows(result_set: ResultSet, *, base_url: str, full: bool) -> Iterator[Row]:
    """One row per item, in the set's order."""
    url = article_urls(base_url)
    for chunk in items_chunked(result_set):
        marks = items_marked(chunk)
        yield from (item_row(item, marks[item.article_id], url=url, full=full) for item in chunk)


def export_rows(result_set: ResultSet, *, base_url: str, full: bool) -> Iterator[Row]:
    """The set's articles as the archive's export rows (as they read now), each with its frozen content hash
    and state; a withdrawn article keeps its place as a row of its own."""
    for chunk in items_chunked(result_set):
        marks = items_marked(chunk)
        live = [item.article_id for item in chunk if marks[item.article_id] != WITHDRAWN]
        rows = {row["id"]: row for row in rows_for(live, base_url=base_url)}
        for item in chunk:
            row = rows.get(item.article_id)
            if row is None:  # withdrawn, or hidden since the marks were read
                yield _withdrawn_row(item, SET_EXPORT_FIELDS, full=full)
            else:
                yield {**row, "content_hash": item.content_hash, "since_frozen": marks[item.article_id]}


def set_url(result_set: ResultSet, *, base_url: str) -> str:
    return base_url + result_set.get_absolute_url()


def owner_name(result_set: ResultSet) -> str:
    return result_set.owner.get_full_name() or result_set.owner.get_username()


def set_meta(result_set: ResultSet, *, base_url: str) -> dict:
    """What a set is, as the `_meta` of its manifest, exports and concordance and its API answer: the
    search as given, the counts, the versions, who and when, and how to check it."""
    return {
        "set": result_set.pk,
        "url": set_url(result_set, base_url=base_url),
        "title": result_set.title,
        "description": result_set.description,
        "owner": owner_name(result_set),
        "visibility": result_set.visibility,
        "supersedes": result_set.supersedes_id,
        "query": result_set.query,
        "filters": result_set.filters,
        "parameters": result_set.parameters,
        "sort": result_set.sort,
        "collapse": result_set.collapse,
        "count": result_set.count,
        "total": result_set.total,
        "articles": result_set.articles,
        "groups": result_set.groups,
        "frozen_at": result_set.created_at.isoformat(timespec="seconds"),
        "archive_version": result_set.archive_version,
        "analyzer_version": result_set.analyzer_version,
        "fingerprint": result_set.fingerprint,
        "fingerprint_recipe": FINGERPRINT_RECIPE,
        "content_hash_recipe": CONTENT_HASH_RECIPE,
    }


def rerun_shown(
    result_set: ResultSet, *, added: list[int], withdrawn: list[int]
) -> tuple[list[Article], list[tuple[ResultSetItem, Article | None]]]:
    """What a re-run page lists: the added articles, and the set's items no longer in the result with the
    article where it is still published."""
    live = Article.objects.published().select_related("outlet").in_bulk([*added, *withdrawn])
    gone = {item.article_id: item for item in result_set.items.filter(article_id__in=withdrawn)}
    return [live[pk] for pk in added if pk in live], [
        (gone[pk], live.get(pk)) for pk in withdrawn if pk in gone
    ]
