"""Direct quotations in the clean body, who said them, and the same statement across articles.

Quotes are paired quotation marks (straight or curly); a quote may run over sentence breaks, and over a
paragraph break when the next paragraph opens with a quotation mark again (the newspaper convention).
The speaker comes from the attribution clause after the quote ("…,” Putin told Xi; “…,” said Mr Smith)
or before it (Putin said: “…”; Xi told Putin the ties were “…”). A name resolves to a person (or an
organisation) the article mentions ("Putin" -> Vladimir Putin); a pronoun to whoever the article last
introduced speaking, or the last quote's speaker if named again since, or the last sentence subject
(he/she kept apart where "Mr", "Ms" or an earlier pronoun tells); a role ("the Kremlin chief") to the
person the article introduced with those words ("Kremlin chief Vladimir Putin"), else like a pronoun. A
quote with no clause right after a quoted sentence continues that voice. Rules, not a model: each was
added for a miss in hand-labelled BBC articles (tests/data/quotes_bbc_checked.json).

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

MIN_WORDS = 4  # shorter ones are scare quotes and slogans ("dear friend", "Back the Bid"), not statements
GROUP_OVERLAP = 0.6
OPENING, CLOSING, STRAIGHT = "“„«", "”»", '"'
VERBS = (
    r"said|says|say|told|tells|added|adds|stated|states|explained|explains|warned|warns|insisted|insists|noted|notes|"
    r"declared|declares|announced|argued|argues|claimed|claims|continued|continues|wrote|writes|asked|asks|replied|"
    r"stressed|stresses|remarked|commented|underlined|emphasised|emphasized|admitted|admits|urged|urges|recalled|"
    r"acknowledged|suggested|confirmed|confirms|concluded|joked|pointed out|went on|tweeted|posted|described|describes|"
    r"called|calls|described it as|promised|pledged|vowed|predicted|revealed|conceded|observed|observes|recounted|answered|"
    r"points out|believes|believed|cautioned|reckons|reckoned|maintained|maintains|saying|spoke|"
    r"criticised|criticized|criticises|accused|accusing|accuses|written|writing|hit out|defended|dismissed|complained|"
    r"agreed|agrees|responded|responds|countered|counters|confessed|quipped|testified|adding|telling|denied|denies|insisting"
)
AFTER = re.compile(
    rf"^[\s,]*(?:(?:{VERBS})\s+(?P<subject_after_verb>[^,.;:!?“”\"]{{1,80}}?)(?=[,.;:!?]|$|\s+(?:in|on|at|to|of|who|when|as|after|before)\b)"
    rf"|(?P<subject>[^.;:!?“”\"]{{1,160}}?)\s+(?:(?:had|has|have|also|later|then|once|further|again)\s+)*(?:{VERBS})\b)"
)
BEFORE_VERB = re.compile(rf"\b(?:{VERBS})\b", re.IGNORECASE)
NEAR_VERB = re.compile(rf"(?:[\w ]{{0,24}}?|,\s*|\s+[-–—][^-–—]{{1,120}}[-–—]\s*)\b(?:{VERBS})\b")  # "Putin said", "Burke, spoke", "Conlon - who … - said"
INVERTED = r"said|says|added|adds|asked|asks|explained|continued|replied|observed|observes|insisted|insists|recalled|warned"
VERB_BEFORE = re.compile(rf"\b(?:{INVERTED})\s+(?:(?:Mr|Mrs|Ms|Dr|the)\.?\s+)?$")  # "…,” said Mr Hadi."
ACCORDING = re.compile(r"\baccording to\s+(?P<subject>[^,.;:“”\"]{1,80})", re.IGNORECASE)
PERSON_PRONOUNS = {"he", "she", "him", "her", "they", "them", "i", "we"}
THING_PRONOUNS = {"it", "they", "them", "we"}
ORGANIZATION_ROLES = {
    "broadcaster", "agency", "ministry", "company", "firm", "government", "department", "newspaper", "paper", "group",
    "bank", "council", "club", "union", "party", "office", "administration", "report", "statement", "study", "survey",
    "network", "channel", "station", "organisation", "organization", "association", "commission", "board", "court",
}
UNNAMED_ROLES = {"spokesman", "spokeswoman", "spokesperson", "official", "source", "statement"}  # "a BBC spokesman": the BBC
PERSON_ROLES = {
    "leader", "president", "chief", "minister", "spokesman", "spokeswoman", "spokesperson", "premier", "chancellor",
    "secretary", "official", "head", "boss", "manager", "coach", "chairman", "chairwoman", "director", "king", "queen",
    "prince", "princess", "mayor", "governor", "senator", "ambassador", "star", "player", "singer", "actor", "actress",
    "author", "executive", "founder", "man", "woman", "father", "mother", "year-old", "striker", "captain", "judge",
    "lawyer", "diplomat", "envoy", "general", "commander", "officer", "economist", "analyst", "professor", "mp",
}
WORD = re.compile(r"[\w'’-]+")
NAME_WORD = re.compile(r"\b[A-Z][\w'’-]+")
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whose|whom)\b[^,]*(?:,|$)")
SENTENCE_END = re.compile(r"[.!?][”\"]?(?=\s+[A-Z“\"])|\n\n")
PERIOD = re.compile(r"[.!?][”\"]?(?=\s+[A-Z“\"])")
LEADING_CONJUNCTION = re.compile(r"^(?:But|And|Meanwhile|However|Later|Then|Now|Also|Yet)\s+")
CLAUSE_OPENERS = {
    "In", "After", "During", "On", "At", "For", "With", "From", "Speaking", "Asked", "Following", "Despite", "Responding",
    "Commenting", "Writing", "Referring", "Before", "Since", "While", "When", "As", "Like", "Unlike",
}
FUNCTION_WORDS = {"with", "to", "of", "by", "for", "from", "on", "at", "in", "and", "that", "after", "than", "as", "about", "against"}


@dataclass(frozen=True)
class FoundQuote:
    text: str
    start: int
    end: int


def _mark(body: str, at: int) -> str | None:
    """Whether the character at `at` opens or closes a quotation: curly marks say so; a straight mark
    opens after a space or an opening bracket or colon, and closes after a word or punctuation."""
    char = body[at]
    if char in OPENING:
        return "open"
    if char in CLOSING:
        return "close"
    if char != STRAIGHT:
        return None
    before = body[at - 1] if at else " "
    after = body[at + 1] if at + 1 < len(body) else " "
    if before.isspace() or before in "([{:—–-":
        return None if after.isspace() else "open"
    if before in ".!?" and after.isupper():  # 'the red carpet."It's unlike …': a space went missing
        return "open"
    return "close"


def quotes_find(body: str) -> list[FoundQuote]:
    """Every quotation of at least four words, in order.

    An opening mark inside an open quotation continues it: the newspaper convention reopens a quote at
    each new paragraph without closing the last, and scraped text often runs the paragraphs together.
    """
    found: list[FoundQuote] = []
    opened: int | None = None
    for at, char in enumerate(body):
        if char == "\n" and opened is not None and body.startswith("\n\n", at):
            if not body[at:].lstrip().startswith(tuple(OPENING + STRAIGHT)):
                opened = None  # an unclosed mark at a paragraph's end that does not go on: not a quote
            continue
        mark = _mark(body, at)
        if mark == "open" and opened is None:
            opened = at
        elif mark == "close" and opened is not None:
            _add(found, body, opened, at)
            opened = None
    return found


def _add(found: list[FoundQuote], body: str, opened: int, closed: int) -> None:
    inside = re.sub(r"(?:(?<=[.!?,])|\n\n)\s*[“\"„«]", " ", body[opened + 1 : closed])
    text = " ".join(inside.split()).strip(" ,.")
    if len(WORD.findall(text)) >= MIN_WORDS:
        found.append(FoundQuote(text=text, start=opened, end=closed + 1))


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
    is_subject: bool  # opens its sentence or stands by a speech verb: who the next "he" means
    speaks: bool = False  # stands by a speech verb ("Robin Cook said", "said Mr Hadi")


HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Lord|Lady|Dame)\.?\s+$")
FEMININE = {"Mrs", "Ms", "Miss", "Lady", "Dame"}


def namings(body: str, people: Sequence[Person]) -> list[Naming]:
    """Where each speaker is named in the body, in order."""
    found = []
    for match in NAME_WORD.finditer(body):
        word = POSSESSIVE.sub("", match.group())
        owners = [person for person in people if word in person.words]
        if len(owners) != 1:
            continue
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(body, max(0, match.start() - 300), match.start() + 1)), default=0)
        if owners[0].is_person and re.search(r"\b[Tt]he\s+$", body[max(0, match.start() - 4) : match.start()]):
            continue  # "the Olympic champion": a person's name does not follow "the"
        lead = body[sentence_start : match.start()].split()
        # "Former Labour MP Lord Janner", "Liverpool legend Phil Thompson": the sentence is about them
        opening = (
            len(lead) <= 5 and "," not in " ".join(lead) and not {w.casefold() for w in lead} & FUNCTION_WORDS
            and BEFORE_VERB.search(" ".join(lead)) is None and not POSSESSIVE.search(match.group())
        )
        before_verb = NEAR_VERB.match(body, match.end()) is not None
        after_verb = VERB_BEFORE.search(body[max(0, match.start() - 30) : match.start()]) is not None and re.match(r"[\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*(?:[,.]|$)", body[match.end() : match.end() + 40]) is not None
        speaks = (before_verb or after_verb) and not POSSESSIVE.search(match.group())  # "said Mr Hadi."
        found.append(Naming(start=match.start(), person=owners[0], is_subject=opening or speaks, speaks=speaks))
    return found


def _genders(body: str, people_named: list[Naming]) -> dict[Person, str]:
    """"Mr Hadi" is a he and "Ms Alexander" a she; people named without an honorific are either."""
    genders = {}
    for naming in people_named:
        if (match := HONORIFIC.search(body[max(0, naming.start - 6) : naming.start])) is not None:
            genders.setdefault(naming.person, "f" if match.group(1) in FEMININE else "m")
    return genders


def _named(text: str, people: Sequence[Person]) -> Person | None:
    """The speaker a subject names: the first name, not a possessive, in its last part that names anyone
    ("Kidman's publicist Wendy Day" is Wendy Day; "Later, Dr Gibbons praised Ms Hutt" is Dr Gibbons),
    people before organisations."""
    text = RELATIVE_CLAUSE.sub("", text)  # "Mr Hague, who published a life of William Pitt, said"
    parts = [LEADING_CONJUNCTION.sub("", part.strip()) for part in re.split(r",\s|;\s|\s(?:and|but)\s", text)]
    # "In talks with Putin, Xi said": not the adverbial; "Mike McGuire, a director at Gartner, said": not the apposition
    heads = [part for part in parts if part[:1].isupper() and part.split()[0] not in CLAUSE_OPENERS]
    with_person = [part for part in heads if any(p.is_person for p in _speakers_in(part, people))]
    if with_person:
        text = with_person[-1]
    named = _speakers_in(text, people)
    return next((p for p in named if p.is_person), named[0] if named else None)


def _speakers_in(text: str, people: Sequence[Person]) -> list[Person]:
    """Speakers named in `text`; not a possessive, and not after "the" ("the 55-year-old Frenchman")."""
    words = [m.group() for m in NAME_WORD.finditer(text) if not POSSESSIVE.search(m.group()) and not re.search(r"\b[Tt]he\s+$", text[: m.start()])]
    return [person for word in words for person in people if word in person.words]


def _role_person(role: str, body: str, people_named: list[Naming], *, persons: bool, before: int) -> Person | None:
    """The speaker the article introduced earlier with the role's words ("the Kremlin chief" -> "Kremlin
    chief Vladimir Putin", "the broadcaster" -> "CCTV, China's state broadcaster"); None when none matches."""
    words = {w.casefold() for w in WORD.findall(role)} - STOP_WORDS - {"the"}
    scores: dict[Person, int] = {}
    for naming in people_named:
        if naming.person.is_person != persons or naming.start >= before:
            continue
        near = {w.casefold() for w in WORD.findall(body[max(0, naming.start - 60) : naming.start + 60])}
        scores[naming.person] = max(scores.get(naming.person, 0), len(words & near))
    best = max(scores.items(), key=lambda item: item[1], default=(None, 0))
    return best[0] if best[1] else None


def _sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(body, 0, start + 1)), default=0)
    right_match = SENTENCE_END.search(body, end)
    return left, right_match.start() if right_match else len(body)


def _subject(body: str, quote: FoundQuote, *, floor: int) -> tuple[str, int] | None:
    """The attribution clause's subject as written and where it is, or None when the sentence has none.

    After the quote only when the quote does not end its own sentence ("…,” he said; not "….” Next …"),
    and only up to the next quotation mark; before it, no further back than the previous quote."""
    left, right = _sentence_bounds(body, quote.start, quote.end)
    after = re.split(r"[“\"„«]", body[quote.end : right])[0]
    ends_sentence = body[quote.end - 2 : quote.end - 1] == "." and after.strip()[:1].isupper()
    for offset in (0, after.find(", ") + 1 if ", " in after else -1):  # "…” in Russian-Chinese ties, he said"
        match = AFTER.match(after[offset:]) if not ends_sentence and offset >= 0 else None
        if match is not None and re.search(r"\w", subject := match.group("subject") or match.group("subject_after_verb")):
            return subject, quote.end
    return _introducer(body, max(left, floor), quote.start)


def _introducer(body: str, left: int, right: int) -> tuple[str, int] | None:
    """The subject of the speech verb that introduces a quote ("…, and Bates said: “…”" is Bates), else of
    the sentence's first speech verb ("Mr Clarke said he … but argued: “…”" is Mr Clarke; "Observes Mr
    Hadi: “…”" is Mr Hadi)."""
    text = body[left:right]
    if (match := ACCORDING.search(text)) is not None:
        return match.group("subject"), left + match.start()
    verbs = list(BEFORE_VERB.finditer(text))
    if not verbs:
        return None
    last = verbs[-1]
    if not text[last.end() :].strip(" :,\n") and len(verbs) > 1 and not last.group().endswith("ing"):  # "He said …, adding:" is his
        clause = text[: last.start()]
        named = [part for part in re.split(r",\s|;\s|\s(?:and|but)\s", clause) if part.strip()]
        if named and (NAME_WORD.search(named[-1]) or {w.casefold() for w in WORD.findall(named[-1])} & PERSON_PRONOUNS):
            return clause, left
    first = verbs[0]
    if not re.search(r"\w", text[: first.start()]) and text[: first.start()].strip():
        return None  # "…”, adding: “…”": the last quote's speaker goes on
    before = text[: first.start()].split()
    if not before:  # the verb opens the sentence
        return " ".join(text[first.end() :].split()[:6]), left + first.end()
    clause = " ".join(before[-40:])
    return clause, left + first.start() - len(clause) - 1


@dataclass
class _Reader:
    """Reads one article's quotes in order, remembering who spoke last."""

    body: str
    people: Sequence[Person]
    people_named: list[Naming]
    genders: dict[Person, str]
    previous: tuple[FoundQuote, Person | None] | None = None

    def speaker(self, quote: FoundQuote) -> Person | None:
        found = _subject(self.body, quote, floor=self.previous[0].end if self.previous else 0)
        if found is not None:
            return self.resolve(*found, quote=quote)
        if self.previous is not None and _continues(self.body, self.previous[0], quote, self.people_named, self.previous[1]):
            return self.previous[1]
        left, right = _sentence_bounds(self.body, max(0, quote.start - 2), max(0, quote.start - 2))
        if (introduced := _introducer(self.body, left, right)) is not None:
            return self.resolve(*introduced, quote=quote)  # "Mr Hadi points out. “These guys …”"
        # "Lewis-Francis still feels the frustration … “That was heartbreaking …”": the last sentence's subject
        subjects = [n for n in self.people_named if left <= n.start < right and n.is_subject and n.person.is_person]
        return subjects[0].person if subjects else None

    def resolve(self, subject: str, where: int, *, quote: FoundQuote) -> Person | None:
        """The speaker a clause's subject means: a name, a pronoun or a role."""
        words = {w.casefold() for w in WORD.findall(subject)}
        person = _named(subject, self.people)
        head = subject.split()[-1].casefold() if subject.split() else ""
        if person is not None and not (not person.is_person and head in PERSON_ROLES - UNNAMED_ROLES):
            return person  # but "the Factory Records founder" is a person, not the label
        before = min(where, quote.start)
        if words & (PERSON_PRONOUNS | THING_PRONOUNS):
            sex = "m" if words & {"he", "him", "his"} else "f" if words & {"she", "her"} else None
            person = self.referent(quote, before=before, persons=not words & (THING_PRONOUNS - PERSON_PRONOUNS), sex=sex)
            if person is not None and sex is not None:
                self.genders.setdefault(person, sex)  # "she told reporters": a later "he" is someone else
            return person
        if _is_role(subject):
            persons = not words & ORGANIZATION_ROLES
            return _role_person(subject, self.body, self.people_named, persons=persons, before=before) or self.referent(quote, before=before, persons=persons)
        return None

    def previous_clause_end(self) -> int:
        """Where the last quote and its attribution clause end ("“…,” Putin said." or just "“….”")."""
        if self.previous is None:
            return 0
        quote = self.previous[0]
        if self.body[quote.end - 2 : quote.end - 1] in (".", "!", "?"):
            return quote.end
        return _sentence_bounds(self.body, quote.start, quote.end)[1]

    def referent(self, quote: FoundQuote, *, before: int, persons: bool, sex: str | None = None) -> Person | None:
        """Who a pronoun or a role means: a speaker of that kind named as a subject since the last quote,
        else the last quote's speaker nearby, else the last subject (or anyone) named before."""

        def fits(person: Person) -> bool:
            return person.is_person == persons and (sex is None or self.genders.get(person, sex) == sex)

        since = self.previous_clause_end()
        earlier = [n for n in self.people_named if n.start < before and fits(n.person)]
        recent = [n for n in earlier if n.start >= since]
        last_speaker = self.previous[1] if self.previous is not None and self.previous[1] is not None and fits(self.previous[1]) else None
        if speaking := [n for n in recent if n.speaks]:
            return speaking[-1].person  # "Robin Cook said …. “…,” he said"
        if last_speaker is not None and any(n.person == last_speaker for n in recent):
            return last_speaker  # named again since their last quote: the story is still theirs
        if subjects := [n for n in recent if n.is_subject]:
            return subjects[-1].person
        if self.previous is not None and self.previous[1] is not None and fits(self.previous[1]) and _adjacent(self.body, self.previous[0], quote):
            return self.previous[1]
        subjects = [n for n in earlier if n.is_subject]
        return (subjects or earlier)[-1].person if earlier else None


def speakers_attribute(body: str, quotes: Sequence[FoundQuote], people: Sequence[Person]) -> list[Entity | None]:
    """The speaker of each quote, in order (None when the article does not say)."""
    people_named = namings(body, people)
    reader = _Reader(body=body, people=people, people_named=people_named, genders=_genders(body, people_named))
    speakers: list[Entity | None] = []
    for quote in quotes:
        person = reader.speaker(quote)
        speakers.append(person.entity if person else None)
        reader.previous = (quote, person)
    return speakers


def _is_role(subject: str) -> bool:
    words = {w.casefold() for w in subject.split()}
    return len(words) <= 6 and bool(words & ({"the", "a", "an", "his", "her", "their", "its"} | PERSON_ROLES))


def _adjacent(body: str, first: FoundQuote, second: FoundQuote) -> bool:
    return body[first.end : second.start].count("\n\n") <= 1


def _continues(body: str, first: FoundQuote, second: FoundQuote, people_named: list[Naming], speaker: Person | None) -> bool:
    """A quote with no clause right after a quoted sentence goes on with the same voice: nothing but the
    first quote's own clause stands between them, and nobody else is introduced speaking there."""
    ends = PERIOD.findall(body, first.end, second.start + 1)  # the opening mark shows a sentence ended
    others = [n for n in people_named if first.end <= n.start < second.start and n.speaks and n.person != speaker]
    return _adjacent(body, first, second) and len(ends) <= 1 and second.start - first.end < 160 and not others


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


def people_of(article: Article) -> list[Person]:
    """The article's people and organisations, the speakers a quote can have."""
    speakers = Entity.objects.filter(mentions__article=article, type__in=[Entity.Type.PERSON, Entity.Type.ORGANIZATION]).distinct()
    return [Person(entity=entity, words=frozenset(w for w in entity.name.split() if len(w) > 1 and w[0].isupper())) for entity in speakers]


def quotes_link(article: Article) -> None:
    """Replace the article's quotes with those in its body; a speaker an editor chose for a quote with the
    same words is kept."""
    existing = list(article.quotes.select_related("speaker"))
    curated = [(quote_words(q.text), q.speaker) for q in existing if q.speaker_curated]
    found = quotes_find(article.body)
    speakers = speakers_attribute(article.body, found, people_of(article)) if found else []
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
