"""Direct quotations in the clean body, who said them, and the same statement across articles.

Quotes are paired quotation marks (straight or curly); a quote may run over sentence breaks, and over a
paragraph break when the next paragraph opens with a quotation mark again (the newspaper convention).
The speaker comes from the attribution clause after the quote ("…,” Putin told Xi; “…,” said Mr Smith)
or before it (Putin said: “…”; Xi told Putin the ties were “…”). A name resolves to a person the article
mentions ("Putin" -> Vladimir Putin); a pronoun to the previous speaker or the last person named; a role
("the Kremlin chief") to the person the article introduces with those words ("Kremlin chief Vladimir
Putin"), else like a pronoun. A quote with no clause that opens a paragraph right after a quoted one
continues that speaker.

The same statement in other articles — reprinted, translated differently, trimmed — is one group:
quotes of one speaker whose content words mostly overlap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from ..models import Article, Entity, Quote, QuoteGroup

MIN_WORDS = 3
GROUP_OVERLAP = 0.6
OPENING, CLOSING, STRAIGHT = "“„«", "”»", '"'
VERBS = (
    r"said|says|say|told|tells|added|adds|stated|states|explained|explains|warned|warns|insisted|insists|noted|notes|"
    r"declared|declares|announced|argued|argues|claimed|claims|continued|continues|wrote|writes|asked|asks|replied|"
    r"stressed|stresses|remarked|commented|underlined|emphasised|emphasized|admitted|admits|urged|urges|recalled|"
    r"acknowledged|suggested|confirmed|confirms|concluded|joked|pointed out|went on|tweeted|posted|described|describes|"
    r"called|calls|described it as|promised|pledged|vowed|predicted|revealed|conceded|observed|recounted|answered"
)
AFTER = re.compile(
    rf"^[\s,]*(?:(?:{VERBS})\s+(?P<subject_after_verb>[^,.;:!?“”\"]{{1,80}}?)(?=[,.;:!?]|$|\s+(?:in|on|at|to|of|who|when|as)\b)"
    rf"|(?P<subject>[^,.;:!?“”\"]{{1,80}}?)\s+(?:(?:had|has|have|also|later|then|once|further|again)\s+)*(?:{VERBS})\b)"
)
BEFORE_VERB = re.compile(rf"\b(?:{VERBS})\b")
NEAR_VERB = re.compile(rf"[\w ]{{0,24}}?\b(?:{VERBS})\b")
ACCORDING = re.compile(r"\baccording to\s+(?P<subject>[^,.;:“”\"]{1,80})", re.IGNORECASE)
PERSON_PRONOUNS = {"he", "she", "him", "her", "they", "them", "i", "we"}
THING_PRONOUNS = {"it", "they", "them", "we"}
PERSON_ROLES = {
    "leader", "president", "chief", "minister", "spokesman", "spokeswoman", "spokesperson", "premier", "chancellor",
    "secretary", "official", "head", "boss", "manager", "coach", "chairman", "chairwoman", "director", "king", "queen",
    "prince", "princess", "mayor", "governor", "senator", "ambassador", "star", "player", "singer", "actor", "actress",
    "author", "executive", "founder", "man", "woman", "father", "mother", "year-old", "striker", "captain", "judge",
    "lawyer", "diplomat", "envoy", "general", "commander", "officer", "economist", "analyst", "professor", "mp",
}
WORD = re.compile(r"[\w'’-]+")
NAME_WORD = re.compile(r"\b[A-Z][\w'’-]+")
SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z“\"])|\n\n")


@dataclass(frozen=True)
class FoundQuote:
    text: str
    start: int
    end: int
    opens_paragraph: bool


def quotes_find(body: str) -> list[FoundQuote]:
    """Every quotation of at least three words, in order."""
    found: list[FoundQuote] = []
    opened: int | None = None
    position = 0
    while position < len(body):
        char = body[position]
        if opened is None:
            if char in OPENING or char == STRAIGHT:
                opened = position
        elif char in CLOSING or char == STRAIGHT:
            _add(found, body, opened, position)
            opened = None
        elif body.startswith("\n\n", position):
            following = body[position:].lstrip()
            if following[:1] and (following[0] in OPENING or following[0] == STRAIGHT):
                position = len(body) - len(following)  # the quote goes on in the next paragraph
            else:
                opened = None
        position += 1
    return found


def _add(found: list[FoundQuote], body: str, opened: int, closed: int) -> None:
    inside = body[opened + 1 : closed]
    text = " ".join(re.sub(r"\n\n\s*[“\"„«]", " ", inside).split()).strip(" ,.")
    if len(WORD.findall(text)) >= MIN_WORDS:
        opens = opened == 0 or body[:opened].rstrip(" ").endswith("\n")
        found.append(FoundQuote(text=text, start=opened, end=closed + 1, opens_paragraph=opens))


@dataclass(frozen=True)
class Person:
    """A possible speaker: a person, or an organisation ("the Kremlin said")."""

    entity: Entity
    words: frozenset[str]  # the name's words: "Vladimir", "Putin"

    @property
    def is_person(self) -> bool:
        return self.entity.type == Entity.Type.PERSON


@dataclass(frozen=True)
class Naming:
    start: int
    person: Person
    is_subject: bool  # opens its sentence or comes right before a speech verb: who the next "he" means


def namings(body: str, people: Sequence[Person]) -> list[Naming]:
    """Where each speaker is named in the body, in order."""
    found = []
    for match in NAME_WORD.finditer(body):
        word = match.group().rstrip("'’s")
        owners = [person for person in people if word in person.words]
        if len(owners) != 1:
            continue
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(body, max(0, match.start() - 300), match.start())), default=0)
        opening = len(body[sentence_start : match.start()].split()) <= 2
        found.append(Naming(start=match.start(), person=owners[0], is_subject=opening or NEAR_VERB.match(body, match.end()) is not None))
    return found


def _named(text: str, people: Sequence[Person]) -> Person | None:
    """The first speaker named in `text` (the subject: "Putin told Xi" is Putin), people before organisations."""
    named = [person for word in NAME_WORD.findall(text) for person in people if word.rstrip("'’s") in person.words]
    return next((p for p in named if p.is_person), named[0] if named else None)


def _role_person(role: str, body: str, people_named: list[Naming], *, persons: bool) -> Person | None:
    """The speaker the article introduces with the role's words ("the Kremlin chief" -> "Kremlin chief
    Vladimir Putin", "the broadcaster" -> "CCTV, China's state broadcaster"); None when none matches."""
    words = {w.casefold() for w in WORD.findall(role)} - STOP_WORDS - {"the"}
    scores: dict[Person, int] = {}
    for naming in people_named:
        if naming.person.is_person != persons:
            continue
        near = {w.casefold() for w in WORD.findall(body[max(0, naming.start - 60) : naming.start + 60])}
        scores[naming.person] = max(scores.get(naming.person, 0), len(words & near))
    best = max(scores.items(), key=lambda item: item[1], default=(None, 0))
    return best[0] if best[1] else None


def _sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(body, 0, start)), default=0)
    right_match = SENTENCE_END.search(body, end)
    return left, right_match.start() if right_match else len(body)


def _subject(body: str, quote: FoundQuote) -> tuple[str, int] | None:
    """The attribution clause's subject as written and where it is, or None when the sentence has none."""
    left, right = _sentence_bounds(body, quote.start, quote.end)
    after = body[quote.end : right]
    for offset in (0, after.find(", ") + 1 if ", " in after else -1):  # "…” in Russian-Chinese ties, he said"
        if offset >= 0 and (match := AFTER.match(after[offset:])) is not None:
            return match.group("subject") or match.group("subject_after_verb"), quote.end
    before = body[left : quote.start]
    if (match := ACCORDING.search(before)) is not None:
        return match.group("subject"), left + match.start()
    verbs = list(BEFORE_VERB.finditer(before))
    if verbs:
        clause = re.split(r"[,;:]\s", before[: verbs[-1].start()])[-1]
        words = clause.split()[-6:]
        return (" ".join(words), left + verbs[-1].start() - len(" ".join(words)) - 1) if words else None
    return None


def speakers_attribute(body: str, quotes: Sequence[FoundQuote], people: Sequence[Person]) -> list[Entity | None]:
    """The speaker of each quote, in order (None when the article does not say)."""
    people_named = namings(body, people)
    speakers: list[Entity | None] = []
    previous: tuple[FoundQuote, Person | None] | None = None
    for quote in quotes:
        found = _subject(body, quote)
        person: Person | None = None
        if found is not None:
            subject, where = found
            words = {w.casefold() for w in WORD.findall(subject)}
            person = _named(subject, people)
            if person is None and words & (PERSON_PRONOUNS | THING_PRONOUNS):
                persons = not words & (THING_PRONOUNS - PERSON_PRONOUNS)
                person = _previous_speaker(body, previous, quote, persons=persons) or _last_subject(people_named, before=min(where, quote.start), persons=persons)
            elif person is None and _is_role(subject):
                persons = bool(words & PERSON_ROLES)
                person = _role_person(subject, body, people_named, persons=persons) or _last_subject(people_named, before=min(where, quote.start), persons=persons)
        elif previous is not None and quote.opens_paragraph and _adjacent(body, previous[0], quote):
            person = previous[1]
        speakers.append(person.entity if person else None)
        previous = (quote, person)
    return speakers


def _is_role(subject: str) -> bool:
    words = {w.casefold() for w in subject.split()}
    return len(words) <= 6 and bool(words & ({"the", "a", "an", "his", "her", "their", "its"} | PERSON_ROLES))


def _previous_speaker(body: str, previous: tuple[FoundQuote, Person | None] | None, quote: FoundQuote, *, persons: bool) -> Person | None:
    """"…,” the broadcaster said. “…,” it added": the speaker of the quote just before, if of that kind."""
    if previous is None or previous[1] is None or previous[1].is_person != persons or not _adjacent(body, previous[0], quote):
        return None
    return previous[1]


def _last_subject(people_named: list[Naming], *, before: int, persons: bool) -> Person | None:
    """Who a pronoun or a role means: the last speaker of that kind named as a sentence's subject before
    it, else the last one named at all."""
    earlier = [n for n in people_named if n.start < before and n.person.is_person == persons]
    subjects = [n for n in earlier if n.is_subject]
    chosen = (subjects or earlier)[-1:]
    return chosen[0].person if chosen else None


def _adjacent(body: str, first: FoundQuote, second: FoundQuote) -> bool:
    return body[first.end : second.start].count("\n\n") <= 1


# -- the same statement across articles ------------------------------------------------------------------

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


def quote_group_for(text: str, *, speaker: Entity | None, article: Article) -> QuoteGroup:
    """The group of this statement by this speaker, or a new one. Unattributed quotes are grouped only
    with quotes in the article's copies and story."""
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
    for group in candidates.only("pk", "words", "text"):
        other = frozenset(group.words.split())
        if same_statement(words, other):
            overlap = len(words & other) / max(1, min(len(words), len(other)))
            if overlap > best_overlap:
                best, best_overlap = group, overlap
    if best is None:
        return QuoteGroup.objects.create(speaker=speaker, text=text, words=" ".join(sorted(words)))
    QuoteGroup.objects.filter(pk=best.pk).update(words=" ".join(sorted(words | frozenset(best.words.split()))))
    return best


def group_text_refresh(group: QuoteGroup) -> None:
    """A group shows its most carried wording (the longest of equals): a trimmed or paraphrased variant
    does not replace what most outlets printed."""
    wordings = Counter(group.quotes.values_list("text", flat=True))
    if wordings:
        text = max(wordings, key=lambda wording: (wordings[wording], len(wording)))
        QuoteGroup.objects.filter(pk=group.pk).update(text=text)


def people_of(article: Article) -> list[Person]:
    """The article's people and organisations, the speakers a quote can have."""
    speakers = Entity.objects.filter(mentions__article=article, type__in=[Entity.Type.PERSON, Entity.Type.ORGANIZATION]).distinct()
    return [Person(entity=entity, words=frozenset(w for w in entity.name.split() if len(w) > 1 and w[0].isupper())) for entity in speakers]


def quotes_link(article: Article) -> None:
    """Replace the article's quotes with those in its body; a speaker an editor chose for a quote with the
    same words is kept."""
    curated = [(quote_words(q.text), q.speaker) for q in article.quotes.filter(speaker_curated=True).select_related("speaker")]
    found = quotes_find(article.body)
    speakers = speakers_attribute(article.body, found, people_of(article))
    decided = [next((who for known, who in curated if same_statement(quote_words(quote.text), known)), False) for quote in found]
    speakers = [speaker if choice is False else choice for speaker, choice in zip(speakers, decided)]
    existing = list(article.quotes.values_list("text", "start", "end", "speaker_id"))
    if existing == [(q.text, q.start, q.end, s.pk if s else None) for q, s in zip(found, speakers)]:
        return  # re-processing an unchanged article keeps its quotes and their groups
    _quotes_clear(article)
    for quote, speaker, choice in zip(found, speakers, decided):
        group = quote_group_for(quote.text, speaker=speaker, article=article)
        Quote.objects.create(
            article=article, group=group, text=quote.text, start=quote.start, end=quote.end, speaker=speaker, speaker_curated=choice is not False
        )
        group_text_refresh(group)


def _quotes_clear(article: Article) -> None:
    groups = set(article.quotes.values_list("group", flat=True))
    article.quotes.all().delete()
    QuoteGroup.objects.filter(pk__in=groups, quotes=None).delete()
    for group in QuoteGroup.objects.filter(pk__in=groups):
        group_text_refresh(group)
