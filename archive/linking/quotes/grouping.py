"""The same statement across articles, and an article's quotes stored in their groups.

A statement is one group whatever each article attributes it to: the same wording (quote marks, spacing, case
and the punctuation around it aside) joins its group wherever it was printed, and a variant wording —
reprinted, translated differently, trimmed — joins a group whose content words it mostly shares when the group
holds a quote of the same speaker or from the article's copies or story (as does a short phrase's wording:
"in the near future" is said by many). Each quote keeps its own article's
attribution (`Quote.speaker`); the group's speaker is the one they agree on, and None where they disagree or
some do not say. An editor's choice of speaker for a quote (`Quote.speaker_curated`) is the group's word.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from spacy.lang.en.stop_words import STOP_WORDS

from ...models import Article, Entity, Quote, QuoteGroup
from .attributing import speakers_attribute, speakers_of
from .finding import WORD, FoundQuote, quotes_find

GROUP_OVERLAP = 0.6
STATEMENT_WORDS = 3  # content words a wording needs to be one statement wherever it is printed
QUOTE_MARKS = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)


def quote_words(text: str) -> frozenset[str]:
    """Content words, with plural and -ise/-ize differences ironed out."""
    words = set()
    for word in WORD.findall(text.casefold().replace("’", "'")):
        if word in STOP_WORDS or len(word) < 3:
            continue
        word = re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", word)
        words.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return frozenset(words)


def quote_wording(text: str) -> str:
    """A quote's wording as compared across articles: curly and straight marks alike, spacing collapsed,
    case and the punctuation and marks around it dropped ("“unprecedented Western pressure”." is
    "unprecedented western pressure")."""
    return " ".join(text.translate(QUOTE_MARKS).casefold().split()).strip(" \"'.,;:!?…()[]-–—")


def most_carried(wordings: Counter[str]) -> str:
    """The wording of a statement that most articles print (the longest of equals): a trimmed or
    paraphrased variant does not stand for what most outlets printed."""
    return max(wordings, key=lambda wording: (wordings[wording], len(wording)))


def same_statement(first: frozenset[str], second: frozenset[str]) -> bool:
    shared = len(first & second)
    return shared >= min(3, len(first), len(second)) and shared >= GROUP_OVERLAP * min(
        len(first), len(second)
    )


def wording_key(text: str) -> str:
    """The digest of a quote's wording (`Quote.wording_key`), by which the same wording is looked up."""
    return hashlib.sha1(quote_wording(text).encode("utf-8")).hexdigest()


def _same_wording_group(text: str, *, among: Q | None) -> int | None:
    """The group already holding this wording (among the quotes `among` selects, or all): one index lookup,
    whatever the archive's size. A wording without a word (marks only) joins no group."""
    if not re.search(r"[^\W_]", quote_wording(text)):
        return None
    quotes = Quote.objects.filter(wording_key=wording_key(text))
    if among is not None:
        quotes = quotes.filter(among)
    # The first printed (as quotes are ordered), chosen here: ordered by SQL, the lookup may skip the index.
    found = quotes.order_by().values_list("article_id", "start", "group_id")
    return min(found, default=(None, None, None))[2]


def quote_group_for(text: str, *, speaker: Entity | None, article: Article) -> tuple[QuoteGroup, bool]:
    """The group of this statement, or a new one (then True): the group holding the same wording, whoever
    said it where; else the group of a variant wording by the same speaker, or in the article's copies or
    story. A wording of fewer than three content words ("in the near future") is a phrase many people use:
    it joins the same wording only where a variant would."""
    words = quote_words(text)
    related = Article.objects.none()
    if article.copy_group_id:
        related |= Article.objects.filter(copy_group_id=article.copy_group_id)
    if article.story_id:
        related |= Article.objects.filter(story_id=article.story_id)
    near_quote = Q(article__in=related) | Q(article=article)
    if speaker is not None:
        near_quote |= Q(speaker=speaker) | Q(group__speaker=speaker)
    among = None if len(words) >= STATEMENT_WORDS else near_quote
    if (same := _same_wording_group(text, among=among)) is not None:
        return QuoteGroup.objects.get(pk=same), False
    near = Q(quotes__article__in=related.exclude(pk=article.pk))
    if speaker is not None:
        near |= Q(speaker=speaker) | Q(quotes__speaker=speaker)
    best, best_overlap = None, 0.0
    for pk, group_words in QuoteGroup.objects.filter(near).distinct().values_list("pk", "words"):
        other = frozenset(group_words.split())
        if same_statement(words, other):
            overlap = len(words & other) / max(1, min(len(words), len(other)))
            if overlap > best_overlap:
                best, best_overlap = (pk, other), overlap
    if best is None:
        return QuoteGroup.objects.create(speaker=speaker, text=text, words=" ".join(sorted(words))), True
    QuoteGroup.objects.filter(pk=best[0]).update(words=" ".join(sorted(words | best[1])))
    return QuoteGroup.objects.get(pk=best[0]), False


def quote_group_refresh(group: QuoteGroup) -> None:
    """A group shows its most carried wording (the longest of equals: a trimmed or paraphrased variant does
    not replace what most outlets printed) and the speaker its quotes agree on: the editors' choice where
    they made one, else the attribution every article gives, else None (they disagree, or some do not say)."""
    quotes = list(group.quotes.values_list("text", "speaker_id", "speaker_curated"))
    if not quotes:
        return
    text = most_carried(Counter(text for text, _, _ in quotes))
    curated = {speaker for _, speaker, chosen in quotes if chosen}
    speakers = curated or {speaker for _, speaker, _ in quotes}
    agreed = next(iter(speakers)) if len(speakers) == 1 else None
    QuoteGroup.objects.filter(pk=group.pk).update(text=text, speaker=agreed)


@dataclass(frozen=True)
class _Said:
    """Who a quote is by: the rules' attribution, or the editors' choice kept for a quote with its words."""

    speaker: Entity | None
    curated: bool


def _said_by(
    quote: FoundQuote, attributed: Entity | None, chosen: list[tuple[frozenset[str], Entity | None]]
) -> _Said:
    words = quote_words(quote.text)
    for known, speaker in chosen:
        if same_statement(words, known):
            return _Said(speaker=speaker, curated=True)
    return _Said(speaker=attributed, curated=False)


def quotes_link(article: Article) -> None:
    """Replace the article's quotes with those in its body, each in its statement's group; a speaker an
    editor chose for a quote with the same words is kept."""
    existing = list(article.quotes.select_related("speaker"))
    chosen = [(quote_words(q.text), q.speaker) for q in existing if q.speaker_curated]
    found = quotes_find(article.body)
    attributed = speakers_attribute(article.body, found, speakers_of(article)) if found else []
    said = [_said_by(quote, speaker, chosen) for quote, speaker in zip(found, attributed)]
    before = [(q.text, q.start, q.end, q.speaker_id, q.speaker_curated) for q in existing]
    after = [
        (q.text, q.start, q.end, s.speaker.pk if s.speaker else None, s.curated) for q, s in zip(found, said)
    ]
    if before == after:
        return  # re-processing an unchanged article keeps its quotes and their groups
    if existing:
        _quotes_clear(article)
    joined: dict[int, QuoteGroup] = {}
    for quote, who in zip(found, said):
        group, new = quote_group_for(quote.text, speaker=who.speaker, article=article)
        Quote.objects.create(  # one at a time: a later quote of the article finds this one's wording
            article=article,
            group=group,
            text=quote.text,
            wording_key=wording_key(quote.text),
            start=quote.start,
            end=quote.end,
            speaker=who.speaker,
            speaker_curated=who.curated,
        )
        if not new:
            joined[group.pk] = group
    for group in joined.values():  # a new group already shows its only wording and speaker
        quote_group_refresh(group)


def _quotes_clear(article: Article) -> None:
    groups = set(article.quotes.values_list("group", flat=True))
    article.quotes.all().delete()
    QuoteGroup.objects.filter(pk__in=groups, quotes=None).delete()
    for group in QuoteGroup.objects.filter(pk__in=groups):
        quote_group_refresh(group)
