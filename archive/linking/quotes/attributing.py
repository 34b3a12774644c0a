"""Who said each quote: the person or organisation the article's reporting structure names.

Rules, not a model, tried in the order `ATTRIBUTION_ORDER` states; the first that applies decides. A clause's
subject resolves to a speaker the article mentions: a name ("Putin" -> Vladimir Putin), a pronoun (whoever
the article last introduced speaking, or the last quote's speaker if named again since, or the last sentence
subject; he/she kept apart where "Mr", "Ms" or an earlier pronoun tells), or a role ("the Kremlin chief" ->
the person introduced as "Kremlin chief Vladimir Putin", else like a pronoun). Each rule was added for a miss
in hand-labelled BBC articles (tests/data/quotes_bbc_checked.json).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from ...models import Article, Entity
from .finding import FoundQuote

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
HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Lord|Lady|Dame)\.?\s+$")
FEMININE = {"Mrs", "Ms", "Miss", "Lady", "Dame"}


@dataclass(frozen=True)
class Speaker:
    """Who can be quoted: a person, or an organisation ("the Kremlin said")."""

    entity: Entity
    words: frozenset[str]  # the name's words: "Vladimir", "Putin"

    @property
    def is_person(self) -> bool:
        return self.entity.type == Entity.Type.PERSON


@dataclass(frozen=True)
class Naming:
    """A speaker named in the body."""

    start: int
    speaker: Speaker
    is_subject: bool  # opens its sentence or stands by a speech verb: who the next "he" means
    speaks: bool = False  # stands by a speech verb ("Robin Cook said", "said Mr Hadi")


@dataclass(frozen=True)
class Clause:
    """An attribution clause's subject as written ("Mr Smith", "he", "the broadcaster") and where it stands."""

    subject: str
    at: int


@dataclass(frozen=True)
class Attribution:
    """A strategy's decision about a quote: the speaker, or None when the clause it found names nobody the
    article knows as a speaker (the next strategy is not tried)."""

    speaker: Speaker | None


def speakers_of(article: Article) -> list[Speaker]:
    """The article's people and organisations, the speakers a quote can have."""
    entities = Entity.objects.filter(mentions__article=article, type__in=[Entity.Type.PERSON, Entity.Type.ORGANIZATION]).distinct()
    return [Speaker(entity=entity, words=frozenset(w for w in entity.name.split() if len(w) > 1 and w[0].isupper())) for entity in entities]


def namings(body: str, speakers: Sequence[Speaker]) -> list[Naming]:
    """Where each speaker is named in the body, in order."""
    found = []
    for match in NAME_WORD.finditer(body):
        word = POSSESSIVE.sub("", match.group())
        owners = [speaker for speaker in speakers if word in speaker.words]
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
        found.append(Naming(start=match.start(), speaker=owners[0], is_subject=opening or speaks, speaks=speaks))
    return found


def _genders(body: str, named: list[Naming]) -> dict[Speaker, str]:
    """"Mr Hadi" is a he and "Ms Alexander" a she; people named without an honorific are either."""
    genders = {}
    for naming in named:
        if (match := HONORIFIC.search(body[max(0, naming.start - 6) : naming.start])) is not None:
            genders.setdefault(naming.speaker, "f" if match.group(1) in FEMININE else "m")
    return genders


def _named(text: str, speakers: Sequence[Speaker]) -> Speaker | None:
    """The speaker a subject names: the first name, not a possessive, in its last part that names anyone
    ("Kidman's publicist Wendy Day" is Wendy Day; "Later, Dr Gibbons praised Ms Hutt" is Dr Gibbons),
    people before organisations."""
    text = RELATIVE_CLAUSE.sub("", text)  # "Mr Hague, who published a life of William Pitt, said"
    parts = [LEADING_CONJUNCTION.sub("", part.strip()) for part in re.split(r",\s|;\s|\s(?:and|but)\s", text)]
    # "In talks with Putin, Xi said": not the adverbial; "Mike McGuire, a director at Gartner, said": not the apposition
    heads = [part for part in parts if part[:1].isupper() and part.split()[0] not in CLAUSE_OPENERS]
    with_person = [part for part in heads if any(s.is_person for s in _speakers_in(part, speakers))]
    if with_person:
        text = with_person[-1]
    named = _speakers_in(text, speakers)
    return next((s for s in named if s.is_person), named[0] if named else None)


def _speakers_in(text: str, speakers: Sequence[Speaker]) -> list[Speaker]:
    """Speakers named in `text`; not a possessive, and not after "the" ("the 55-year-old Frenchman")."""
    words = [m.group() for m in NAME_WORD.finditer(text) if not POSSESSIVE.search(m.group()) and not re.search(r"\b[Tt]he\s+$", text[: m.start()])]
    return [speaker for word in words for speaker in speakers if word in speaker.words]


def _role_holder(role: str, body: str, named: list[Naming], *, persons: bool, before: int) -> Speaker | None:
    """The speaker the article introduced earlier with the role's words ("the Kremlin chief" -> "Kremlin
    chief Vladimir Putin", "the broadcaster" -> "CCTV, China's state broadcaster"); None when none matches."""
    words = {w.casefold() for w in WORD.findall(role)} - STOP_WORDS - {"the"}
    scores: dict[Speaker, int] = {}
    for naming in named:
        if naming.speaker.is_person != persons or naming.start >= before:
            continue
        near = {w.casefold() for w in WORD.findall(body[max(0, naming.start - 60) : naming.start + 60])}
        scores[naming.speaker] = max(scores.get(naming.speaker, 0), len(words & near))
    best = max(scores.items(), key=lambda item: item[1], default=(None, 0))
    return best[0] if best[1] else None


def _sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(body, 0, start + 1)), default=0)
    right_match = SENTENCE_END.search(body, end)
    return left, right_match.start() if right_match else len(body)


def _introducer(body: str, left: int, right: int) -> Clause | None:
    """The subject of the speech verb that introduces a quote ("…, and Bates said: “…”" is Bates), else of
    the sentence's first speech verb ("Mr Clarke said he … but argued: “…”" is Mr Clarke; "Observes Mr
    Hadi: “…”" is Mr Hadi)."""
    text = body[left:right]
    if (match := ACCORDING.search(text)) is not None:
        return Clause(match.group("subject"), left + match.start())
    verbs = list(BEFORE_VERB.finditer(text))
    if not verbs:
        return None
    last = verbs[-1]
    if not text[last.end() :].strip(" :,\n") and len(verbs) > 1 and not last.group().endswith("ing"):  # "He said …, adding:" is his
        clause = text[: last.start()]
        parts = [part for part in re.split(r",\s|;\s|\s(?:and|but)\s", clause) if part.strip()]
        if parts and (NAME_WORD.search(parts[-1]) or {w.casefold() for w in WORD.findall(parts[-1])} & PERSON_PRONOUNS):
            return Clause(clause, left)
    first = verbs[0]
    if not re.search(r"\w", text[: first.start()]) and text[: first.start()].strip():
        return None  # "…”, adding: “…”": the last quote's speaker goes on
    before = text[: first.start()].split()
    if not before:  # the verb opens the sentence
        return Clause(" ".join(text[first.end() :].split()[:6]), left + first.end())
    clause = " ".join(before[-40:])
    return Clause(clause, left + first.start() - len(clause) - 1)


def _is_role(subject: str) -> bool:
    words = {w.casefold() for w in subject.split()}
    return len(words) <= 6 and bool(words & ({"the", "a", "an", "his", "her", "their", "its"} | PERSON_ROLES))


def _adjacent(body: str, first: FoundQuote, second: FoundQuote) -> bool:
    return body[first.end : second.start].count("\n\n") <= 1


@dataclass
class _Reading:
    """One article read quote by quote, remembering the last quote and who said it."""

    body: str
    speakers: Sequence[Speaker]
    named: list[Naming]
    genders: dict[Speaker, str]
    last_quote: FoundQuote | None = None
    last_speaker: Speaker | None = None

    def speaker(self, quote: FoundQuote) -> Speaker | None:
        for strategy in ATTRIBUTION_ORDER:
            if (attribution := strategy(self, quote)) is not None:
                return attribution.speaker
        return None

    def resolve(self, clause: Clause, *, quote: FoundQuote) -> Attribution:
        """The speaker a clause's subject means: a name, a pronoun or a role."""
        subject = clause.subject
        words = {w.casefold() for w in WORD.findall(subject)}
        named = _named(subject, self.speakers)
        head = subject.split()[-1].casefold() if subject.split() else ""
        if named is not None and not (not named.is_person and head in PERSON_ROLES - UNNAMED_ROLES):
            return Attribution(named)  # but "the Factory Records founder" is a person, not the label
        before = min(clause.at, quote.start)
        if words & (PERSON_PRONOUNS | THING_PRONOUNS):
            sex = "m" if words & {"he", "him", "his"} else "f" if words & {"she", "her"} else None
            referent = self.referent(quote, before=before, persons=not words & (THING_PRONOUNS - PERSON_PRONOUNS), sex=sex)
            if referent is not None and sex is not None:
                self.genders.setdefault(referent, sex)  # "she told reporters": a later "he" is someone else
            return Attribution(referent)
        if _is_role(subject):
            persons = not words & ORGANIZATION_ROLES
            holder = _role_holder(subject, self.body, self.named, persons=persons, before=before)
            return Attribution(holder or self.referent(quote, before=before, persons=persons))
        return Attribution(None)

    def last_clause_end(self) -> int:
        """Where the last quote and its attribution clause end ("“…,” Putin said." or just "“….”")."""
        if self.last_quote is None:
            return 0
        if self.body[self.last_quote.end - 2 : self.last_quote.end - 1] in (".", "!", "?"):
            return self.last_quote.end
        return _sentence_bounds(self.body, self.last_quote.start, self.last_quote.end)[1]

    def referent(self, quote: FoundQuote, *, before: int, persons: bool, sex: str | None = None) -> Speaker | None:
        """Who a pronoun or a role means: a speaker of that kind named as a subject since the last quote,
        else the last quote's speaker nearby, else the last subject (or anyone) named before."""

        def fits(speaker: Speaker) -> bool:
            return speaker.is_person == persons and (sex is None or self.genders.get(speaker, sex) == sex)

        since = self.last_clause_end()
        earlier = [n for n in self.named if n.start < before and fits(n.speaker)]
        recent = [n for n in earlier if n.start >= since]
        last_speaker = self.last_speaker if self.last_speaker is not None and fits(self.last_speaker) else None
        if speaking := [n for n in recent if n.speaks]:
            return speaking[-1].speaker  # "Robin Cook said …. “…,” he said"
        if last_speaker is not None and any(n.speaker == last_speaker for n in recent):
            return last_speaker  # named again since their last quote: the story is still theirs
        if subjects := [n for n in recent if n.is_subject]:
            return subjects[-1].speaker
        if last_speaker is not None and self.last_quote is not None and _adjacent(self.body, self.last_quote, quote):
            return last_speaker
        subjects = [n for n in earlier if n.is_subject]
        return (subjects or earlier)[-1].speaker if earlier else None


# -- the strategies, in the order they are tried ------------------------------------------------------------

def clause_after_quote(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """“…,” Putin told Xi; “…,” said Mr Smith, the chief; “…” in Russian-Chinese ties, he said. Only when
    the quote does not end its own sentence, and only up to the next quotation mark."""
    body = reading.body
    right = _sentence_bounds(body, quote.start, quote.end)[1]
    after = re.split(r"[“\"„«]", body[quote.end : right])[0]
    if body[quote.end - 2 : quote.end - 1] == "." and after.strip()[:1].isupper():
        return None
    for offset in (0, after.find(", ") + 1 if ", " in after else -1):
        match = AFTER.match(after[offset:]) if offset >= 0 else None
        if match is not None and re.search(r"\w", subject := match.group("subject") or match.group("subject_after_verb")):
            return reading.resolve(Clause(subject, quote.end), quote=quote)
    return None


def clause_before_quote(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Xi said: “…”; Mr Clarke said he … but argued: “…”; according to X, “…”: the clause in the quote's
    sentence, no further back than the last quote."""
    left = _sentence_bounds(reading.body, quote.start, quote.end)[0]
    floor = reading.last_quote.end if reading.last_quote is not None else 0
    clause = _introducer(reading.body, max(left, floor), quote.start)
    return reading.resolve(clause, quote=quote) if clause is not None else None


def same_turn(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """A quote with no clause of its own right after a quoted sentence goes on with the same voice: nothing
    but the last quote's own clause stands between them, and nobody else is introduced speaking there."""
    last = reading.last_quote
    if last is None:
        return None
    ends = PERIOD.findall(reading.body, last.end, quote.start + 1)  # the opening mark shows a sentence ended
    others = [n for n in reading.named if last.end <= n.start < quote.start and n.speaks and n.speaker != reading.last_speaker]
    if _adjacent(reading.body, last, quote) and len(ends) <= 1 and quote.start - last.end < 160 and not others:
        return Attribution(reading.last_speaker)
    return None


def clause_of_previous_sentence(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Mr Hadi points out. “These guys …”: the speech verb of the sentence just before."""
    left, right = _sentence_bounds(reading.body, max(0, quote.start - 2), max(0, quote.start - 2))
    clause = _introducer(reading.body, left, right)
    return reading.resolve(clause, quote=quote) if clause is not None else None


def subject_of_previous_sentence(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Lewis-Francis still feels the frustration … “That was heartbreaking …”: the person the sentence before
    is about."""
    left, right = _sentence_bounds(reading.body, max(0, quote.start - 2), max(0, quote.start - 2))
    subjects = [n for n in reading.named if left <= n.start < right and n.is_subject and n.speaker.is_person]
    return Attribution(subjects[0].speaker if subjects else None)


Strategy = Callable[[_Reading, FoundQuote], Attribution | None]
ATTRIBUTION_ORDER: tuple[Strategy, ...] = (
    clause_after_quote,
    clause_before_quote,
    same_turn,
    clause_of_previous_sentence,
    subject_of_previous_sentence,
)


def speakers_attribute(body: str, quotes: Sequence[FoundQuote], speakers: Sequence[Speaker]) -> list[Entity | None]:
    """The speaker of each quote, in order (None when the article does not say)."""
    named = namings(body, speakers)
    reading = _Reading(body=body, speakers=speakers, named=named, genders=_genders(body, named))
    found: list[Entity | None] = []
    for quote in quotes:
        speaker = reading.speaker(quote)
        found.append(speaker.entity if speaker else None)
        reading.last_quote, reading.last_speaker = quote, speaker
    return found
