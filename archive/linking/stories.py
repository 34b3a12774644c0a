"""Stories: articles about one event across outlets, found at import.

A candidate shares at least two entities with the article and was published within a few days of it
(an undated article is compared with any date). The score weighs shared entities by their rarity in the
archive (sharing "Vladimir Putin" and "Xi Jinping" says more than sharing "China") and adds the overlap
of the bodies' distinctive words. An article joins the story of its best candidate above the threshold;
near-copies are always in one story. An editor's split (`story` in curated fields) is never undone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter

from django.db.models import Count, Max, Min, Q
from spacy.lang.en.stop_words import STOP_WORDS

from ..models import Article, Mention, Story

WINDOW_DAYS = 3
MIN_SHARED_ENTITIES = 2
MAX_CANDIDATES = 20
COMMON_SHARE, COMMON_FLOOR = 0.02, 50  # names in more articles than this do not bring candidates
THRESHOLD = 0.35
UNDATED_THRESHOLD = 0.4  # no time window to narrow the candidates: a little more evidence
TERMS_KEPT = 40
CONTENT_WORD = re.compile(r"[a-z][a-z'-]{3,}")
NEWS_WORDS = {
    "said",
    "says",
    "told",
    "added",
    "year",
    "years",
    "people",
    "time",
    "would",
    "could",
    "also",
    "last",
    "first",
    "government",
}


def body_terms(body: str) -> Counter[str]:
    """The body's most frequent content words: what the article is about, beyond its names."""
    counts = Counter(
        word
        for word in CONTENT_WORD.findall(body.casefold())
        if word not in STOP_WORDS and word not in NEWS_WORDS
    )
    return Counter(dict(counts.most_common(TERMS_KEPT)))


def cosine(first: Counter[str], second: Counter[str]) -> float:
    shared = first.keys() & second.keys()
    if not shared:
        return 0.0
    dot = sum(first[w] * second[w] for w in shared)
    return dot / math.sqrt(sum(v * v for v in first.values()) * sum(v * v for v in second.values()))


def story_score(
    *,
    entities: set[int],
    other_entities: set[int],
    idf: dict[int, float],
    terms: Counter[str],
    other_terms: Counter[str],
) -> float:
    """Half the rarity-weighted Jaccard of the entities, half the cosine of the words.

    Measured on the seeds and 72 BBC articles: pairs about one event (the seeds, the BBC cold-call pieces)
    score 0.52-0.84, unrelated pairs that share two or more entities at most 0.24."""
    union = sum(idf.get(pk, 0.0) for pk in entities | other_entities)
    shared = sum(idf.get(pk, 0.0) for pk in entities & other_entities) / union if union else 0.0
    return 0.5 * shared + 0.5 * cosine(terms, other_terms)


class EntityCounts:
    """How many articles mention each entity, read once per run and kept current as articles are linked:
    the rarity weights without an aggregate query per article. One per import or re-processing run."""

    def __init__(self) -> None:
        self._counts: Counter[int] | None = None
        self._through = 0  # articles up to this id were counted when the counts were read
        self._added: set[int] = set()
        self.total = 0

    def of(self, article: Article, entities: set[int]) -> Counter[int]:
        if self._counts is None:
            self._counts = Counter(
                dict(Mention.objects.values("entity").annotate(n=Count("id")).values_list("entity", "n"))
            )
            self.total = Article.objects.count()
            self._through = Article.objects.aggregate(last=Max("pk"))["last"] or 0
        if article.pk > self._through and article.pk not in self._added:
            self._counts.update(entities)
            self.total += 1
            self._added.add(article.pk)
        return self._counts

    def forget(self) -> None:
        """After a rolled-back transaction: read again on next use."""
        self.__init__()


def story_link(article: Article, *, counts: EntityCounts) -> None:
    """Put a saved article (its mentions saved) in a story, or start none until a second article comes."""
    if "story" in article.curated_fields:
        return
    old_story = article.story_id
    article.story = _copy_story(article) or _best_story(article, counts=counts)
    Article.objects.filter(pk=article.pk).update(story=article.story)
    for story_id in {old_story, article.story_id} - {None}:
        story_refresh(story_id)


def _copy_story(article: Article) -> Story | None:
    if article.copy_group_id is None:
        return None
    copy = (
        Article.objects.filter(copy_group_id=article.copy_group_id, story__isnull=False)
        .exclude(pk=article.pk)
        .select_related("story")
        .first()
    )
    return copy.story if copy else None


def _best_story(article: Article, *, counts: EntityCounts) -> Story | None:
    entities = set(article.mentions.values_list("entity_id", flat=True))
    if len(entities) < MIN_SHARED_ENTITIES:
        return None
    frequency = counts.of(article, entities)
    total = counts.total
    # Candidates come through the rarer names: "United Kingdom" in a tenth of the archive would make the
    # lookup read a tenth of all mentions, and weighs next to nothing in the score anyway.
    rare = {pk for pk in entities if frequency.get(pk, 0) <= max(COMMON_FLOOR, COMMON_SHARE * total)}
    mentions = Mention.objects.filter(entity_id__in=rare).exclude(article=article)
    if article.published:  # undated articles are compared with any date: no join needed then
        window = dt.timedelta(days=WINDOW_DAYS)
        mentions = mentions.filter(
            Q(article__published__range=(article.published - window, article.published + window))
            | Q(article__published=None)
        )
    candidates = list(
        mentions.values("article")
        .annotate(shared=Count("id"))
        .filter(shared__gte=MIN_SHARED_ENTITIES)
        .order_by("-shared", "-article")
        .values_list("article", flat=True)[:MAX_CANDIDATES]
    )
    if not candidates:
        return None
    their_entities: dict[int, set[int]] = {pk: set() for pk in candidates}
    for pk, entity in Mention.objects.filter(article__in=candidates).values_list("article", "entity"):
        their_entities[pk].add(entity)
    everyone = entities.union(*their_entities.values())
    idf = {
        pk: math.log((total + 1) / max(1, frequency[pk])) for pk in everyone
    }  # an entity in every article weighs ~0
    terms = body_terms(article.body)
    best, best_score = None, THRESHOLD if article.published else UNDATED_THRESHOLD
    for other in (
        Article.objects.published().filter(pk__in=candidates).only("pk", "body", "story", "curated_fields")
    ):
        score = story_score(
            entities=entities,
            other_entities=their_entities[other.pk],
            idf=idf,
            terms=terms,
            other_terms=body_terms(other.body),
        )
        if score >= best_score and not (other.story_id is None and "story" in other.curated_fields):
            best, best_score = other, score
    if best is None:
        return None
    if best.story_id is None:
        story = Story.objects.create()
        Article.objects.filter(pk=best.pk).update_announced(story=story)
        return story
    return best.story


def story_refresh(story_id: int) -> None:
    """The first date of its published articles; a story left with one article (and no editor's decision)
    is dissolved. (Pages take the title from the earliest published article, unless an editor gave one.)"""
    members = Article.objects.filter(story_id=story_id)
    if members.count() < 2 and not members.any_curated("story"):
        members.update_announced(story=None)
        Story.objects.filter(pk=story_id).delete()
        return
    Story.objects.filter(pk=story_id).update(
        first_published=members.published().aggregate(day=Min("published"))["day"]
    )
