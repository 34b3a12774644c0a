"""From extracted names to the archive's entities, following every decision editors made.

An extracted name is looked up in the alias table first (editors' merges, renames and type changes,
built-in forms such as "U.S." -> United States, and forms learned from articles); a blocked form is
dropped; otherwise the entity of that name and type is used or created. Short forms an article resolves
to a fuller name ("Putin" -> Vladimir Putin) are learned as aliases, so an article that says only
"Putin" lands on the same person. A learned form that later points at two entities ("Smith") is
forgotten rather than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ..models import Entity, EntityAlias, alias_key
from .entities import FoundEntity


@dataclass(frozen=True)
class Resolution:
    """What one found entity became: the archive's entity (None: blocked), and the origin of the alias that
    decided it ("" when the name itself did), so a measurement can tell learned decisions apart."""

    item: FoundEntity
    entity: Entity | None
    via: str


class EntityResolver:
    """One per import or re-extraction run; call `forget()` after a rolled-back transaction."""

    def __init__(self) -> None:
        self._aliases: dict[str, EntityAlias] = {}
        self._entities: dict[tuple[str, str], Entity] = {}
        self._ambiguous: set[str] = set()
        self.forget()

    def forget(self) -> None:
        self._aliases = {alias.key: alias for alias in EntityAlias.objects.select_related("entity")}
        self._entities = {}

    def mentions(self, found: list[FoundEntity]) -> Counter[Entity]:
        """Mention counts per entity for one article (two names of one entity add up)."""
        counts: Counter[Entity] = Counter()
        for resolution in self.resolutions(found):
            if resolution.entity is not None:
                counts[resolution.entity] += resolution.item.count
        return counts

    def resolutions(self, found: list[FoundEntity]) -> list[Resolution]:
        """The entity each of one article's found entities lands on (None: blocked), learning as it goes."""
        result = []
        for item in found:
            alias = self._aliases.get(alias_key(item.name))
            entity = self.resolve(item)
            if entity is not None:
                self._learn(item, entity)
            result.append(Resolution(item, entity, alias.origin if alias is not None else ""))
        return result

    def resolve(self, item: FoundEntity) -> Entity | None:
        alias = self._aliases.get(alias_key(item.name))
        if alias is not None:
            return None if alias.blocked else alias.entity
        key = (item.name, item.type)
        entity = self._entities.get(key)
        if entity is None:
            entity, _ = Entity.objects.get_or_create(name=item.name, type=item.type)
            self._entities[key] = entity
        return entity

    def _learn(self, item: FoundEntity, entity: Entity) -> None:
        for surface in item.surfaces:
            key = alias_key(surface)
            if key == alias_key(entity.name) or key in self._ambiguous:
                continue
            existing = self._aliases.get(key)
            if existing is None:
                try:
                    with transaction.atomic():
                        self._aliases[key] = EntityAlias.objects.create(name=surface, entity=entity, origin=EntityAlias.Origin.LEARNED)
                except IntegrityError:  # another import learned it a moment ago
                    self._aliases[key] = EntityAlias.objects.select_related("entity").get(key=key)
            elif existing.origin == EntityAlias.Origin.LEARNED and existing.entity_id != entity.pk:
                existing.delete()
                del self._aliases[key]
                self._ambiguous.add(key)


def written_forms(name: str) -> list[str]:
    """The ways a name is written in text: an acronym with and without dots ("US", "U.S."), as alias
    keys treat them alike."""
    letters = name.replace(".", "")
    if re.fullmatch(r"[A-Z]{2,5}", letters):
        return [letters, ".".join(letters) + "."]
    return [name]


def gazetteer_from_archive() -> dict[str, tuple[str, str]]:
    """Every known name and alias (surface form -> canonical name and type), for model-less extraction."""
    names = {form: (entity.name, entity.type) for entity in Entity.objects.all() for form in written_forms(entity.name)}
    for alias in EntityAlias.objects.filter(blocked=False).select_related("entity"):
        names.update({form: (alias.entity.name, alias.entity.type) for form in written_forms(alias.name)})
    return names
