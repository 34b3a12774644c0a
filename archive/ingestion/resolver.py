"""From extracted names to the archive's entities, following every decision editors made.

An extracted name is looked up in the alias table first: editors' merges, renames, type changes and
blocks, and the built-in forms ("U.S." -> United States), always win. Otherwise the entity of that name
and type is used or created, with these exceptions, which keep what one article says from deciding for
the whole archive:

- A one-word person name its article does not resolve ("Putin said", "Mr Brown", a team sheet's
  "Miller") is the known place or organisation of that name when there is one ("Yukos", "Glasgow"); a
  nationality of a known place is no one ("Bangladeshi"); an honorific form stays unresolved (it names
  "the person of its article", and there is none); a bare surname follows a learned alias; a name the
  archive knows as someone's given name or surname is no one; anything else is a person of that name.
- A learned alias maps a surname to a person only when an article resolves it to a person that another
  article already names, no other person in the archive has that surname or given name, and it is no
  known place or organisation. Given names are never learned. A learned alias applies only where
  the model's reading has its type (a place never becomes a person through learning), and is forgotten
  as soon as a namesake, or a place or organisation of that name, enters the archive.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count

from ..models import Entity, EntityAlias, Mention, alias_key
from .entities import FoundEntity

PERSON = Entity.Type.PERSON
LEARNED = EntityAlias.Origin.LEARNED
DEMONYM_ENDINGS = ("ese", "ian", "an", "n", "i", "ish")


@dataclass(frozen=True)
class Resolution:
    """What one found entity became: the archive's entity (None: dropped), and the origin of the alias that
    decided it ("" when none did), so a measurement can tell learned decisions apart."""

    item: FoundEntity
    entity: Entity | None
    via: str


class EntityResolver:
    """One per import or re-extraction run; call `forget()` after a rolled-back transaction.

    What it knows of the archive's names (people's given names and surnames, places and organisations)
    is read once and kept up to date as entities are created; a rolled-back article may leave a name in
    it, which only makes later decisions more cautious.
    """

    def __init__(self) -> None:
        self._aliases: dict[str, EntityAlias] = {}
        self._entities: dict[tuple[str, str], Entity] = {}
        self._ambiguous: set[str] = set()
        self._given: dict[str, set[str]] = defaultdict(set)  # given-name key -> full names of people
        self._surnames: dict[str, set[str]] = defaultdict(set)  # surname key -> full names of people
        self._named: dict[str, tuple[str, str]] = {}  # key -> (name, type) of a place or organisation
        self._places: set[str] = set()
        self._articles: Counter[tuple[str, str]] = Counter()  # (name, type) -> articles that mention it
        for name, entity_type, articles in Entity.objects.annotate(articles=Count("mentions")).values_list(
            "name", "type", "articles"
        ):
            self._articles[(name, entity_type)] = articles
        for name, entity_type in Entity.objects.values_list("name", "type"):
            self._index(name, entity_type)
        self.forget()

    def forget(self) -> None:
        self._aliases = {alias.key: alias for alias in EntityAlias.objects.select_related("entity")}
        self._entities = {}
        for alias in self._aliases.values():
            if alias.origin != LEARNED and alias.entity is not None and alias.entity.type != PERSON:
                self._name_known(alias.key, alias.entity)

    def mentions(self, found: list[FoundEntity]) -> Counter[Entity]:
        """Mention counts per entity for one article (two names of one entity add up)."""
        counts: Counter[Entity] = Counter()
        for resolution in self.resolutions(found):
            if resolution.entity is not None:
                counts[resolution.entity] += resolution.item.count
        return counts

    def resolutions(self, found: list[FoundEntity]) -> list[Resolution]:
        """The entity each of one article's found entities lands on (None: dropped), learning as it goes."""
        result = []
        for item in found:
            entity, via = self._resolve(item)
            if entity is not None and entity.type == PERSON:
                self._learn(item, entity)
            result.append(Resolution(item, entity, via))
        self._articles.update({(e.name, e.type) for e in (r.entity for r in result) if e is not None})
        return result

    def resolve(self, item: FoundEntity) -> Entity | None:
        return self._resolve(item)[0]

    def _resolve(self, item: FoundEntity) -> tuple[Entity | None, str]:
        key = alias_key(item.name)
        alias = self._aliases.get(key)
        if alias is not None and alias.origin != LEARNED:
            return (None if alias.blocked else alias.entity), alias.origin
        learned = alias if alias is not None and alias.entity.type == item.type else None
        if item.form and self._better_known(key, item.name):
            return self._entity(*self._named[key]), ""  # a known place or organisation, not a person
        if item.type != Entity.Type.PLACE and len(item.name.split()) <= 2 and self._is_nationality(key):
            return None, ""
        if item.form:
            return self._one_word_person(item, key, learned)
        if learned is not None:
            return learned.entity, LEARNED
        return self._entity(item.name, self._archive_type(item.name, item.type)), ""

    def _one_word_person(
        self, item: FoundEntity, key: str, learned: EntityAlias | None
    ) -> tuple[Entity | None, str]:
        """A one-word person name its article does not resolve (see the module's docstring)."""
        if item.form == "honorific":
            return None, ""
        if item.form == "bare" and learned is not None:
            return learned.entity, LEARNED
        if self._given.get(key) or self._surnames.get(key):
            return None, ""
        return self._entity(item.name, PERSON), ""

    def _better_known(self, key: str, name: str) -> bool:
        """Whether a one-word "person" is rather the place or organisation of that name: one the archive
        names in more articles (at least two), and no one's given name or surname."""
        known = self._named.get(key)
        if known is None or self._given.get(key) or self._surnames.get(key):
            return False
        articles = self._articles[known]
        return articles >= 2 and articles > self._articles[(name, PERSON)]

    def _archive_type(self, name: str, entity_type: str) -> str:
        """For a place or organisation, the other of the two when the archive clearly gives the name that
        type (in at least two articles, more than twice as many): the model reads "Gazprom" as a place now
        and then, the archive knows the company. People keep the reading of their own article."""
        other = {
            Entity.Type.PLACE: Entity.Type.ORGANIZATION,
            Entity.Type.ORGANIZATION: Entity.Type.PLACE,
        }.get(entity_type)
        if other is None:
            return entity_type
        articles = self._articles[(name, other)]
        return other if articles >= 2 and articles > 2 * self._articles[(name, entity_type)] else entity_type

    def _is_nationality(self, key: str) -> bool:
        """Whether `key` is how people of a known place are called ("Bangladeshi", "Sri Lankan",
        "Chinese")."""
        bases = [key[: -len(ending)] for ending in DEMONYM_ENDINGS if key.endswith(ending)] + [key]
        return any({base, base + "a", base + "y"} & self._places for base in bases if len(base) > 2)

    def _entity(self, name: str, entity_type: str) -> Entity:
        key = (name, entity_type)
        entity = self._entities.get(key)
        if entity is None:
            entity, created = Entity.objects.get_or_create(name=name, type=entity_type)
            self._entities[key] = entity
            if created:
                self._index(name, entity_type)
                self._namesakes_forget(entity)
        return entity

    def _name_known(self, key: str, entity: Entity) -> None:
        self._named.setdefault(key, (entity.name, entity.type))
        if entity.type == Entity.Type.PLACE:
            self._places.add(key)

    def _index(self, name: str, entity_type: str) -> None:
        tokens = [alias_key(token) for token in name.split()]
        if entity_type != PERSON:
            self._name_known(alias_key(name), Entity(name=name, type=entity_type))
        elif len(tokens) > 1:
            self._given[tokens[0]].add(name)
            self._surnames[tokens[-1]].add(name)

    def _namesakes_forget(self, entity: Entity) -> None:
        """A new place or organisation, or a new person sharing a learned surname or given name, ends the
        learned aliases that form no longer names uniquely."""
        tokens = entity.name.split()
        keys = (
            {alias_key(entity.name)}
            if entity.type != PERSON
            else {alias_key(tokens[0]), alias_key(tokens[-1])}
        )
        for key in keys:
            alias = self._aliases.get(key)
            if alias is not None and alias.origin == LEARNED and alias.entity_id != entity.pk:
                self._alias_forget(key)

    def _alias_forget(self, key: str) -> None:
        alias = self._aliases.pop(key, None)
        if alias is not None:
            alias.delete()
        self._ambiguous.add(key)

    def _learn(self, item: FoundEntity, entity: Entity) -> None:
        """Learn the surnames this article resolved to `entity`, when the evidence holds across articles:
        the person is already named in another article and no one else in the archive shares the form."""
        tokens = entity.name.split()
        for surface in item.surfaces:
            key = alias_key(surface)
            if (
                key == alias_key(entity.name)
                or key in self._ambiguous
                or surface.split() != tokens[-len(surface.split()) :]
            ):
                continue  # given names and other parts of a name are never learned
            existing = self._aliases.get(key)
            if existing is not None:
                if existing.origin == LEARNED and existing.entity_id != entity.pk:
                    self._alias_forget(key)
            elif self._unique_surname(key, entity) and Mention.objects.filter(entity=entity).exists():
                self._alias_learn(surface, key, entity)

    def _unique_surname(self, key: str, entity: Entity) -> bool:
        return (
            key not in self._named
            and not self._given.get(key)
            and self._surnames.get(key, set()) <= {entity.name}
        )

    def _alias_learn(self, surface: str, key: str, entity: Entity) -> None:
        try:
            with transaction.atomic():
                self._aliases[key] = EntityAlias.objects.create(name=surface, entity=entity, origin=LEARNED)
        except IntegrityError:  # another import learned it a moment ago
            self._aliases[key] = EntityAlias.objects.select_related("entity").get(key=key)


def written_forms(name: str) -> list[str]:
    """The ways a name is written in text: an acronym with and without dots ("US", "U.S."), as alias
    keys treat them alike."""
    letters = name.replace(".", "")
    if re.fullmatch(r"[A-Z]{2,5}", letters):
        return [letters, ".".join(letters) + "."]
    return [name]


def gazetteer_from_archive() -> dict[str, tuple[str, str]]:
    """Every known name and alias (surface form -> canonical name and type), for model-less extraction."""
    names = {
        form: (entity.name, entity.type)
        for entity in Entity.objects.all()
        for form in written_forms(entity.name)
    }
    for alias in EntityAlias.objects.filter(blocked=False).select_related("entity"):
        names.update({form: (alias.entity.name, alias.entity.type) for form in written_forms(alias.name)})
    return names
