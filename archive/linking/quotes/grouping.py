"""The same statement across articles, and an article's quotes stored in their groups.

The same statement in other articles — reprinted, translated differently, trimmed — is one group: quotes of
one speaker whose content words mostly overlap.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.lang.en.stop_words import STOP_WORDS

from ...models import Article, Entity, Quote, QuoteGroup
from .attributing import speakers_attribute, speakers_of
from .finding import WORD, quotes_find

GROUP_OVERLAP = 0.6


def quote_words(text: str) -> frozenset[str]:
    """Content words, with plural and -ise/-ize differences ironed out."""
    words = set()
    for word in WORD.findall(text.casefold().replace("’", "'")):
        if word in STOP_WORDS or len(word) < 3:
            continue
        word = re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", word)
        words.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return frozenset(words)


def same_statement(first: frozenset[str], second: frozenset[str]) -> bool:
    shared = len(first & second)
    return shared >= min(3, len(first), len(second)) and shared >= GROUP_OVERLAP * min(len(first), len(second))


def quote_group_for(text: str, *, speaker: Entity | None, article: Article) -> tuple[QuoteGroup, bool]:
    """The group of this statement by this speaker, or a new one (then True). Unattributed quotes are
    grouped only with quotes in the article's copies and story."""
    words = quote_words(text)
    if speaker is not None:
        candidates = QuoteGroup.objects.filter(speaker=speaker)
    else:
        related = Article.objects.none()
        if article.copy_group_id:
            related |= Article.objects.filter(copy_group_id=article.copy_group_id)
        if article.story_id:
            related |= Article.objects.filter(story_id=article.story_id)
        candidates = QuoteGroup.objects.filter(speaker=None, quotes__article__in=related.exclude(pk=article.pk)).distinct()
    best, best_overlap = None, 0.0
    for pk, group_words in candidates.values_list("pk", "words"):
        other = frozenset(group_words.split())
        if same_statement(words, other):
            overlap = len(words & other) / max(1, min(len(words), len(other)))
            if overlap > best_overlap:
                best, best_overlap = (pk, other), overlap
    if best is None:
        return QuoteGroup.objects.create(speaker=speaker, text=text, words=" ".join(sorted(words))), True
    QuoteGroup.objects.filter(pk=best[0]).update(words=" ".join(sorted(words | best[1])))
    return QuoteGroup(pk=best[0], speaker=speaker), False


def group_text_refresh(group: QuoteGroup) -> None:
    """A group shows its most carried wording (the longest of equals): a trimmed or paraphrased variant
    does not replace what most outlets printed."""
    wordings = Counter(group.quotes.values_list("text", flat=True))
    if wordings:
        text = max(wordings, key=lambda wording: (wordings[wording], len(wording)))
        QuoteGroup.objects.filter(pk=group.pk).update(text=text)


def quotes_link(article: Article) -> None:
    """Replace the article's quotes with those in its body; a speaker an editor chose for a quote with the
    same words is kept."""
    existing = list(article.quotes.select_related("speaker"))
    curated = [(quote_words(q.text), q.speaker) for q in existing if q.speaker_curated]
    found = quotes_find(article.body)
    speakers = speakers_attribute(article.body, found, speakers_of(article)) if found else []
    decided = [next((who for known, who in curated if same_statement(quote_words(quote.text), known)), False) for quote in found]
    speakers = [speaker if choice is False else choice for speaker, choice in zip(speakers, decided)]
    if [(q.text, q.start, q.end, q.speaker_id) for q in existing] == [(q.text, q.start, q.end, s.pk if s else None) for q, s in zip(found, speakers)]:
        return  # re-processing an unchanged article keeps its quotes and their groups
    if existing:
        _quotes_clear(article)
    rows, joined = [], []
    for quote, speaker, choice in zip(found, speakers, decided):
        group, new = quote_group_for(quote.text, speaker=speaker, article=article)
        rows.append(Quote(article=article, group=group, text=quote.text, start=quote.start, end=quote.end, speaker=speaker, speaker_curated=choice is not False))
        if not new:
            joined.append(group)
    Quote.objects.bulk_create(rows)
    for group in joined:  # a new group already shows its only wording
        group_text_refresh(group)


def _quotes_clear(article: Article) -> None:
    groups = set(article.quotes.values_list("group", flat=True))
    article.quotes.all().delete()
    QuoteGroup.objects.filter(pk__in=groups, quotes=None).delete()
    for group in QuoteGroup.objects.filter(pk__in=groups):
        group_text_refresh(group)
