"""Editors' decisions about entities, as plain functions the admin (or a script) calls.

Each decision is also written into the alias table, so later imports and re-extraction follow it, and
each touches the affected articles (their update time moves) and announces them, so the index and its
facet counts change as soon as the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F

from .linking import (
    copy_group_refresh,
    quote_group_for,
    quote_group_refresh,
    story_refresh,
)
from .models import (
    Article,
    CopyGroup,
    Entity,
    EntityAlias,
    FormerSlug,
    Mention,
    Outlet,
    OutletAlias,
    Quote,
    Story,
    alias_key,
)


class CurationError(ValueError):
    """A decision that cannot be carried out as asked; the message says why."""


def alias_set(name: str, *, entity: Entity | None = None) -> EntityAlias:
    """Record an editor's word on a surface form: it names `entity`, or (None) is never an entity."""
    alias, _ = EntityAlias.objects.update_or_create(
        key=alias_key(name),
        defaults={
            "name": name,
            "entity": entity,
            "blocked": entity is None,
            "origin": EntityAlias.Origin.EDITOR,
        },
    )
    return alias


def articles_touch(article_ids: Iterable[int]) -> None:
    """Re-index these articles (their update time moves; see `ArticleQuerySet.update`)."""
    Article.objects.filter(pk__in=set(article_ids)).update_announced()


def _articles_of(entities: Iterable[Entity]) -> set[int]:
    return set(Mention.objects.filter(entity__in=list(entities)).values_list("article_id", flat=True))


@transaction.atomic
def entities_merge(*, keep: Entity, others: Iterable[Entity]) -> int:
    """Fold `others` into `keep`: mentions move (counts add up in shared articles), their names and
    aliases become aliases of `keep`. Returns how many articles changed."""
    others = [entity for entity in others if entity.pk != keep.pk]
    affected = _articles_of(others)
    for mention in Mention.objects.filter(entity__in=others).select_for_update():
        updated = Mention.objects.filter(article_id=mention.article_id, entity=keep).update(
            count=F("count") + mention.count
        )
        if updated:
            mention.delete()
        else:
            mention.entity = keep
            mention.save(update_fields=["entity"])
    for other in others:
        EntityAlias.objects.filter(entity=other).update(entity=keep)
        FormerSlug.objects.filter(entity=other).update(entity=keep)
        FormerSlug.objects.update_or_create(
            kind=FormerSlug.Kind.ENTITY, slug=other.slug, defaults={"name": other.name, "entity": keep}
        )
        name = other.name
        other.delete()
        alias_set(name, entity=keep)
    articles_touch(affected)
    return len(affected)


@transaction.atomic
def entity_type_change(*, entities: Iterable[Entity], entity_type: str) -> int:
    """Give entities another type; their names keep resolving to them whatever the model says."""
    if entity_type not in Entity.Type.values:
        raise CurationError(f"'{entity_type}' is not a type; choose one of {', '.join(Entity.Type.values)}")
    entities = list(entities)
    for entity in entities:
        clash = Entity.objects.filter(name=entity.name, type=entity_type).exclude(pk=entity.pk).first()
        if clash is not None:
            raise CurationError(
                f"there is already a {entity_type} called “{entity.name}”; merge the two instead"
            )
        entity.type = entity_type
        entity.save(update_fields=["type"])
        alias_set(entity.name, entity=entity)
    affected = _articles_of(entities)
    articles_touch(affected)
    return len(affected)


@transaction.atomic
def entities_block(*, entities: Iterable[Entity]) -> int:
    """The entities' names (and the aliases that named them) are not entities: mentions go, and the
    forms never come back on re-extraction."""
    entities = list(entities)
    affected = _articles_of(entities)
    for entity in entities:
        forms = [entity.name, *entity.aliases.values_list("name", flat=True)]
        for slug in [entity.slug, *entity.former_slugs.values_list("slug", flat=True)]:
            FormerSlug.objects.update_or_create(
                kind=FormerSlug.Kind.ENTITY, slug=slug, defaults={"name": entity.name, "entity": None}
            )
        entity.delete()
        for form in forms:
            alias_set(form, entity=None)
    articles_touch(affected)
    return len(affected)


@transaction.atomic
def entity_rename(*, entity: Entity, old_name: str) -> None:
    """After an editor renamed an entity: the old name stays an alias of it. The index holds slugs, which
    do not change, so no article needs re-indexing."""
    if alias_key(old_name) != alias_key(entity.name):
        alias_set(old_name, entity=entity)
    EntityAlias.objects.filter(key=alias_key(entity.name)).exclude(entity=entity).delete()


# -- articles and outlets ---------------------------------------------------------------------------------


@transaction.atomic
def articles_set_status(*, articles: Iterable[Article], status: str) -> int:
    """Hide or publish; each article is saved, so its history records who did it."""
    changed = 0
    for article in articles:
        if article.status != status:
            article.status = status
            article.save(update_fields=["status", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def outlets_merge(*, keep: Outlet, others: Iterable[Outlet]) -> int:
    """Move the others' articles to `keep`; their names and aliases become aliases of `keep`, so later
    imports that name them land on it. Returns how many articles moved."""
    others = [outlet for outlet in others if outlet.pk != keep.pk]
    moved = 0
    for other in others:
        for article in other.articles.all():
            article.outlet = keep
            article.save(update_fields=["outlet", "updated_at"])
            moved += 1
        names = [other.name, *other.aliases.values_list("name", flat=True)]
        FormerSlug.objects.filter(outlet=other).update(outlet=keep)
        FormerSlug.objects.update_or_create(
            kind=FormerSlug.Kind.OUTLET, slug=other.slug, defaults={"name": other.name, "outlet": keep}
        )
        other.delete()
        for name in names:
            OutletAlias.objects.update_or_create(key=alias_key(name), defaults={"name": name, "outlet": keep})
    return moved


# -- copies, stories and quotes ----------------------------------------------------------------------------


def _split(
    articles: list[Article],
    *,
    field: str,
    model: type[CopyGroup] | type[Story],
    refresh: Callable[[int], set[int] | None],
    **cleared: object,
) -> None:
    """Take `articles` out of their copy groups or stories (`field`): together they become one of their
    own (one article stands alone), and `field` is curated so re-processing and later imports keep it."""
    old = {getattr(a, f"{field}_id") for a in articles} - {None}
    new = model.objects.create() if len(articles) > 1 else None
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(**{field: new}, **cleared)
    for article in articles:
        if field not in article.curated_fields:
            Article.objects.filter(pk=article.pk).update(
                curated_fields=sorted({*article.curated_fields, field})
            )
    affected = {a.pk for a in articles}
    for pk in old | ({new.pk} if new else set()):
        affected |= refresh(pk) or set()  # a dissolved copy group changes its other article's index document
    articles_touch(affected)


@transaction.atomic
def copy_group_split(articles: Iterable[Article]) -> int:
    """Split articles off their copy groups (see `_split`); returns how many moved."""
    articles = list(articles)
    _split(articles, field="copy_group", model=CopyGroup, refresh=copy_group_refresh, copy_similarity=None)
    return len(articles)


@transaction.atomic
def story_split(articles: Iterable[Article]) -> int:
    """Split articles off their stories (see `_split`); returns how many moved."""
    articles = list(articles)
    _split(articles, field="story", model=Story, refresh=story_refresh)
    return len(articles)


@transaction.atomic
def quote_speaker_set(quote: Quote, *, speaker: Entity | None) -> Quote:
    """An editor's speaker for a quote: it moves to that speaker's group for the statement, and
    re-processing keeps the choice."""
    old_group = quote.group
    quote.speaker, quote.speaker_curated = speaker, True
    quote.group, _ = quote_group_for(quote.text, speaker=speaker, article=quote.article)
    quote.save()
    quote_group_refresh(quote.group)
    if not old_group.quotes.exists():
        old_group.delete()
    elif old_group.pk != quote.group_id:
        quote_group_refresh(old_group)
    return quote


def article_links_refresh(*, before: dict, article: Article) -> None:
    """After an editor moved an article to another copy group or story in its form: both sides stay
    consistent (earliest copy, story title) and the index learns the new group."""
    affected = {article.pk}
    for group_id in {before.get("copy_group"), article.copy_group_id} - {None}:
        affected |= copy_group_refresh(group_id)
    for story_id in {before.get("story"), article.story_id} - {None}:
        story_refresh(story_id)
    articles_touch(affected)
