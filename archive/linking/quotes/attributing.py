"""Who said each quote: the person or organisation the article's reporting names.

News reporting attributes a quote with a clause: a speech verb and its subject, nearest the quote on the same
side ("…,” said Mr Smith; “…,” Putin told Xi; Xi said: “…”; Mr Tanzi's statement said: “…”), else the
quote goes on with the voice of the quote before it, else the sentence before it names the speaker. Rules,
not a model, tried in the order `ATTRIBUTION_ORDER` states; the first that applies decides.

A clause's subject names its speaker in one of a few ways. A name resolves to a person or organisation the
article mentions, the head of its phrase ("Scotland doctor James Robson" is James Robson, "Mr Smith of the
BBC" is Mr Smith). A spokesman speaks for someone without being them: "Kremlin spokesman Dmitry Peskov" is
Peskov, "a BBC spokesman" the BBC, "a spokesman for Tony Blair" nobody the article names. A statement, letter
or headline is its author's ("Mr Crosby's statement said" is Mr Crosby). A pronoun is whoever the article
last introduced speaking, or the last quote's speaker if named again since, or the last sentence subject
(he/she kept apart where "Mr", "Ms" or an earlier pronoun tells). A role ("the Kremlin chief") is the person
the article introduced with those words ("Kremlin chief Vladimir Putin"), else like a pronoun. A speaker is
a person or organisation the article mentions as one: a name that is also a place in the article ("Jason
Scotland" when Scotland is mentioned) does not name a person, and a pronoun only means someone the article
has shown speaking. The rules were improved against hand labels (tests/data/quotes_bbc_checked.json, then a
random sample: tests/data/quotes_sample.json).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count
from spacy.lang.en.stop_words import STOP_WORDS

from ...models import Article, Entity
from .finding import CLOSING, OPENING, STRAIGHT, FoundQuote

VERBS = (
    r"said|says|say|told|tells|added|adds|stated|states|explained|explains|warned|warns|insisted|insists|noted|"
    r"notes|declared|declares|announced|argued|argues|claimed|claims|continued|continues|wrote|writes|asked|asks|ask|"
    r"replied|stressed|stresses|remarked|commented|underlined|emphasised|emphasized|admitted|admits|urged|urges|"
    r"recalled|acknowledged|suggested|confirmed|confirms|concluded|joked|pointed out|went on|tweeted|posted|"
    r"described|describes|described it as|called on|called for|calls on|calls for|promised|pledged|vowed|"
    r"predicted|revealed|conceded|observed|"
    r"observes|recounted|answered|points out|believes|believed|thinks|cautioned|reckons|reckoned|maintained|"
    r"maintains|saying|spoke|criticised|criticized|criticises|accused|accusing|accuses|written|writing|"
    r"hit out|defended|dismissed|complained|agreed|agrees|responded|responds|countered|counters|confessed|"
    r"quipped|testified|adding|telling|denied|denies|insisting|pressed|queried|demanded|wondered|inquired|"
    r"enquired|read|reads"
)
AUXILIARIES = (
    r"(?:(?:had|has|have|also|later|then|once|further|again|will|would|can|could|may|might|must|should|"
    r"(?:is|was|were|are)\s+quoted\s+as)\s+)*"
)
AFTER = re.compile(
    rf"^[\s,]*(?:(?:{VERBS}|according to)\s+(?P<subject_after_verb>[^,.;:!?“”\"]{{1,80}}?)"
    rf"(?=[,.;:!?]|$|\s+(?:in|on|at|to|who|when|as|after|before)\b|\s+of\b(?!\s+[A-Z]))"
    rf"|(?P<subject>[^.;:!?“”\"]{{1,160}}?)\s+{AUXILIARIES}(?:{VERBS})\b)"
)
BEFORE_VERB = re.compile(rf"\b(?:{VERBS})\b", re.IGNORECASE)
# "Putin said", "Burke, spoke", "Conlon - who … - said", "Peter Nielson, who is UKIP Scotland chairman, said",
# "Paul Trotter, news and features editor of PC Pro, said"
NEAR_VERB = re.compile(
    rf"(?:(?:\s+(?!(?:but|and|or|while|when|as|after|before|then)\b)\w+){{0,3}}?\s+|,\s*|,\s*(?:who|whose)\b[^,.]{{1,120}},\s*|(?:,\s*[^,.]{{1,30}})?,\s*who\s+"
    rf"|\s+[-–—][^-–—]{{1,120}}[-–—]\s*|,\s*[^,.;:“”\"]{{1,60}},\s*)\b(?:{VERBS})\b"
)
INVERTED = (
    r"said|says|added|adds|asked|asks|explained|continued|replied|observed|observes|insisted|insists|recalled|"
    r"warned|thinks|pressed|wondered"
)
VERB_BEFORE = re.compile(rf"\b(?:{INVERTED})\s+(?:(?:Mr|Mrs|Ms|Dr|the)\.?\s+)?$")  # "…,” said Mr Hadi."
ACCORDING = re.compile(r"\baccording to\s+(?P<subject>[^,.;:“”\"]{1,80})", re.IGNORECASE)
INDEFINITE = {"a", "an", "one", "another"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "they", "them", "i", "we"}
THING_PRONOUNS = {"it", "they", "them", "we"}
POSSESSIVE_PRONOUNS = {"his": "m", "her": "f", "its": None, "their": None}
ORGANIZATION_ROLES = {
    "broadcaster",
    "agency",
    "ministry",
    "company",
    "firm",
    "government",
    "department",
    "newspaper",
    "paper",
    "group",
    "bank",
    "council",
    "club",
    "union",
    "party",
    "office",
    "administration",
    "report",
    "study",
    "survey",
    "network",
    "channel",
    "station",
    "organisation",
    "organization",
    "association",
    "commission",
    "board",
    "court",
    "committee",
    "magazine",
    "body",
    "federation",
    "league",
    "regulator",
    "watchdog",
    "charity",
    "distributor",
    "studio",
    "label",
    "publisher",
    "retailer",
    "airline",
    "carrier",
    "insurer",
    "maker",
    "manufacturer",
    "operator",
    "bookmaker",
    "lender",
    "supplier",
    "chain",
    "giant",
    "broker",
    "brokerage",
}
PERSON_ROLES = {
    "leader",
    "president",
    "chief",
    "minister",
    "premier",
    "chancellor",
    "secretary",
    "head",
    "boss",
    "manager",
    "coach",
    "chairman",
    "chairwoman",
    "director",
    "king",
    "queen",
    "prince",
    "princess",
    "mayor",
    "governor",
    "senator",
    "ambassador",
    "star",
    "player",
    "singer",
    "actor",
    "actress",
    "author",
    "executive",
    "founder",
    "man",
    "woman",
    "father",
    "mother",
    "year-old",
    "striker",
    "captain",
    "judge",
    "diplomat",
    "envoy",
    "general",
    "commander",
    "officer",
    "economist",
    "analyst",
    "professor",
    "mp",
    "peer",
    "archbishop",
    "cardinal",
    "bishop",
    "international",
    "champion",
    "youngster",
    "defender",
    "midfielder",
    "veteran",
    "frenchman",
    "american",
}
# Who speaks for someone without being them: their words are their principal's only for an organisation.
PROXIES = {
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokesmen",
    "spokeswomen",
    "representative",
    "aide",
    "aides",
    "lawyer",
    "lawyers",
    "attorney",
    "solicitor",
    "publicist",
    "agent",
    "adviser",
    "advisor",
    "source",
    "sources",
    "official",
    "officials",
    "insider",
    "insiders",
}
# What speaks for its author: "Mr Crosby's statement said", "Marca's headline says it all".
VOICES = {
    "statement",
    "letter",
    "message",
    "headline",
    "website",
    "lawsuit",
    "blog",
    "tweet",
    "email",
    "e-mail",
    "note",
    "memo",
    "editorial",
    "release",
}
HONORIFICS = {"Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Dame", "Lady", "Lord", "Prof", "Professor"}
WORD = re.compile(r"[\w'’-]+")
NAME_WORD = re.compile(r"\b[A-Z][\w'’-]+")
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whose|whom)\b[^,]*(?:,|$)")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?][”\"’']?(?=\s+[A-Z“\"])|\n\n")  # not an initial: "John E. Kelly"
PERIOD = re.compile(r"(?<!\b[A-Z])[.!?][”\"]?(?=\s+[A-Z“\"])")
LEADING_CONJUNCTION = re.compile(r"^(?:but|and|meanwhile|however|later|then|now|also|yet)\s+", re.I)
CLAUSE_BREAK = re.compile(  # not "and" between names: "the MP for Sleaford and North Hykeham"
    r",\s|;\s|\s(?:and(?!\s+[A-Z])|but|after|when|while|because|although|though|before|since|whereas|that|where)\s"
)
PREPOSITION = re.compile(r"\s(?:of|for|at|from|with|in|on|to|by|about|against|over|under|into)\s")
DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "one"}
CLAUSE_OPENERS = {
    "In",
    "After",
    "During",
    "On",
    "At",
    "For",
    "With",
    "From",
    "Speaking",
    "Asked",
    "Following",
    "Despite",
    "Responding",
    "Commenting",
    "Writing",
    "Referring",
    "Before",
    "Since",
    "While",
    "When",
    "As",
    "Like",
    "Unlike",
}
VERB_WORDS = {
    "has",
    "have",
    "had",
    "is",
    "was",
    "were",
    "are",
    "will",
    "would",
    "can",
    "could",
    "did",
    "does",
    "do",
}
FUNCTION_WORDS = {
    "with",
    "to",
    "of",
    "by",
    "for",
    "from",
    "on",
    "at",
    "in",
    "and",
    "that",
    "after",
    "than",
    "as",
    "about",
    "against",
}
HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Lord|Lady|Dame)\.?\s+$")
FEMININE = {"Mrs", "Ms", "Miss", "Lady", "Dame"}
# nouns that, between two names, make the first describe the second ("Franz Ferdinand frontman Alex Kapranos")
DESCRIBES_A_PERSON = {
    "physio",
    "doctor",
    "legend",
    "frontman",
    "frontwoman",
    "guitarist",
    "drummer",
    "bassist",
    "rapper",
    "presenter",
    "host",
    "comedian",
    "producer",
    "writer",
    "novelist",
    "goalkeeper",
    "keeper",
    "winger",
    "forward",
    "scientist",
    "researcher",
    "expert",
    "full-back",
    "fly-half",
    "scrum-half",
    "centre",
    "wing",
    "flanker",
    "hooker",
    "batsman",
    "bowler",
    "sprinter",
    "runner",
    "boxer",
    "golfer",
    "driver",
    "jockey",
    "trainer",
    "skipper",
}
MODIFIES_A_NAME = re.compile(
    r"[\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+(?:[a-z][\w-]*\s+)?(?:"
    f"{'|'.join(sorted(PERSON_ROLES | PROXIES | DESCRIBES_A_PERSON))}"
    r")"
    r"\s+(?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]+"
)
OFFICE_MODIFIER = re.compile(r"\b(shadow|former|ex|deputy|vice|assistant|acting|interim)\b[\s-]+[a-z]", re.I)
AFTER_THE = re.compile(r"\b[Tt]he\s+(?:[a-z0-9][\w-]*\s+){0,2}$")
PARAGRAPHS_BACK = 3  # a pronoun's referent is someone shown speaking no more than this many paragraphs back


@dataclass(frozen=True)
class Speaker:
    """Who can be quoted: a person, or an organisation ("the Kremlin said")."""

    entity: Entity
    words: frozenset[str]  # the words that name it in the text: "Vladimir", "Putin"
    is_person: bool

    @property
    def name(self) -> str:
        return self.entity.name


@dataclass(frozen=True)
class Naming:
    """A speaker named in the body, or someone shown speaking without a name ("a BBC spokesman said": the
    BBC; "a spokesman for Tony Blair said": nobody the article names, `speaker` None)."""

    start: int
    speaker: Speaker | None
    is_subject: bool  # opens its sentence or stands by a speech verb: who the next "he" means
    speaks: bool = False  # stands by a speech verb ("Robin Cook said", "said Mr Hadi")
    is_person: bool = True  # a spokesman is a person, whoever they speak for
    sex: str | None = None  # "m" for a spokesman, "f" for a spokeswoman
    as_organisation: bool = False  # named after an organisation's role word: "company Scott Free"


@dataclass(frozen=True)
class Clause:
    """An attribution clause's subject as written ("Mr Smith", "he", "the broadcaster") and where it
    stands."""

    subject: str
    at: int


@dataclass(frozen=True)
class Attribution:
    """A strategy's decision about a quote: the speaker, or None when the clause it found names nobody the
    article knows as a speaker (and the next strategy is not tried)."""

    speaker: Speaker | None


def speakers_from(entities: Iterable[Entity], *, places: Iterable[str] = ()) -> list[Speaker]:
    """The speakers the article's people and organisations make. A word that is also a place the article
    mentions names no speaker ("Scotland" in "Jason Scotland"), and an entity whose name is part of another's
    is that other one ("Mr Cable" of "Vince Cable", "Panke" of "Helmut Panke"): NER splits a speaker in
    two."""
    place_words = {place for place in places if len(place.split()) == 1}
    named = []
    for entity in entities:
        words = frozenset(
            w
            for w in entity.name.split()
            if len(w) > 1 and w[0].isupper() and w not in HONORIFICS | place_words
        )
        titled = entity.name.split()[0] in HONORIFICS
        if words:
            named.append((entity, words, entity.type == Entity.Type.PERSON or titled))

    def folds_into(narrow: tuple, wide: tuple) -> bool:  # a person's surname, or an organisation's short name
        return narrow[1] < wide[1] and (narrow[2] or not wide[2])

    speakers = []
    for one in named:
        if len([other for other in named if folds_into(one, other)]) == 1:
            continue  # the wider one below stands for it
        folded = [o for o in named if folds_into(o, one) and [w for w in named if folds_into(o, w)] == [one]]
        speakers.append(
            Speaker(entity=one[0], words=one[1], is_person=one[2] or any(other[2] for other in folded))
        )
    return speakers


def speakers_of(article: Article) -> list[Speaker]:
    """The article's people and organisations, the speakers a quote can have. A place the archive knows
    from one article only is more likely a surname NER misread ("Rochus made the semi-finals") than the
    place that would make a person's name name nobody ("Scotland" of "Jason Scotland")."""
    mentioned = list(Entity.objects.filter(mentions__article=article).distinct())
    speakers = [e for e in mentioned if e.type in (Entity.Type.PERSON, Entity.Type.ORGANIZATION)]
    places = (
        Entity.objects.filter(pk__in=[e.pk for e in mentioned if e.type == Entity.Type.PLACE])
        .annotate(articles=Count("mentions"))
        .filter(articles__gt=1)
        .values_list("name", flat=True)
    )
    return speakers_from(speakers, places=places)


Recency = Callable[[Speaker], int]  # where a speaker was last named: -1 if not yet


def _owner(
    word: str, speakers: Sequence[Speaker], *, persons: bool | None = None, recency: Recency | None = None
) -> Speaker | None:
    """The one speaker a word names. `persons` settles a word that names a person and an organisation ("Fox"
    in "a Fox spokesman"); `recency` a surname two people share: the one named last ("Sir Ian Blair has …
    Mr Blair said" is Sir Ian, after "Tony Blair …" it is Tony)."""
    owners = [speaker for speaker in speakers if word in speaker.words]
    if len(owners) > 1 and persons is not None:
        owners = [speaker for speaker in owners if speaker.is_person == persons]
    if len(owners) > 1 and recency is not None:
        latest = sorted(((recency(owner), owner.name) for owner in owners), reverse=True)
        if latest[0][0] >= 0 and latest[0][0] != latest[1][0]:
            return next(owner for owner in owners if owner.name == latest[0][1])
    return owners[0] if len(owners) == 1 else None


def _last_start(named: Sequence[Naming], speaker: Speaker) -> int:
    return next((naming.start for naming in reversed(named) if naming.speaker is speaker), -1)


def namings(body: str, speakers: Sequence[Speaker]) -> list[Naming]:
    """Where each speaker is named in the body, in order."""
    found = []
    for match in NAME_WORD.finditer(body):
        word = POSSESSIVE.sub("", match.group())
        following = re.match(r"\s([A-Z][\w'’-]+)", body[match.end() : match.end() + 40])
        if following is not None and (
            full := _owner(POSSESSIVE.sub("", following.group(1)), [s for s in speakers if word in s.words])
        ):
            owner = full  # "Charles Kennedy" after "Charles Clarke": the name goes on
        else:
            owner = _owner(word, speakers, recency=lambda speaker: _last_start(found, speaker))
        if owner is None or MODIFIES_A_NAME.match(body, match.end()):
            # "Olympic champion Kelly Holmes", "Wales physio Mark Davies": the head is the later name
            continue
        sentence_start = max(
            (m.end() for m in SENTENCE_END.finditer(body, max(0, match.start() - 300), match.start() + 1)),
            default=0,
        )
        if owner.is_person and AFTER_THE.search(body[max(0, match.start() - 30) : match.start()]):
            # "the Olympic champion", "the former Rangers boss": a person's name does not follow "the"
            continue
        lead_text = body[sentence_start : match.start()]
        if "," in lead_text:  # "On Monday, defence lawyer Reid Weingarten tried …": after an adverbial
            adverbial, rest = lead_text.rsplit(",", 1)
            if len(adverbial.split()) <= 3 or adverbial.split()[0] in CLAUSE_OPENERS:
                lead_text = rest
        lead = LEADING_CONJUNCTION.sub("", lead_text.strip()).split()  # "But Edu was …"
        lead_start = match.start() - len(lead_text)  # "In a statement through her attorney Rich Nichols,"
        named_before = any(n.is_person and n.start >= lead_start and n.speaker != owner for n in found)
        # "Former Labour MP Lord Janner", "Liverpool legend Phil Thompson": the sentence is about them
        # "Transport & General Worker's Union general secretary Tony Woodley": a title of any length
        title = (
            len(lead) <= 10
            and all(  # "Real Madrid director of sport Emilio Butragueno"
                w[:1].isupper()
                or w.casefold() in PERSON_ROLES | ORGANIZATION_ROLES | {"&", "of"}
                or before == "of"
                for before, w in zip(["", *lead], lead)
            )
        )
        opening = (
            not named_before
            and (len(lead) <= 5 or title)
            and "," not in " ".join(lead)
            and (title or not {w.casefold() for w in lead} & (FUNCTION_WORDS | VERB_WORDS))
            and BEFORE_VERB.search(" ".join(lead)) is None
            # "Manchester United's response came …": what the next "it" or "the club" means
            and (not POSSESSIVE.search(match.group()) or not owner.is_person)
        )
        before_verb = NEAR_VERB.match(body, match.end()) is not None
        after_verb = (
            VERB_BEFORE.search(body[max(0, match.start() - 30) : match.start()]) is not None
            and re.match(r"[\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*(?:[,.]|$)", body[match.end() : match.end() + 40])
            is not None
        )
        speaks = (before_verb or after_verb) and not POSSESSIVE.search(match.group())  # "said Mr Hadi."
        before_name = [w for w in lead_text.split()]
        while before_name and before_name[-1][:1].isupper() and not POSSESSIVE.search(before_name[-1]):
            before_name.pop()  # the name's own first words: "Scott" of "Scott Free"
        role = (
            before_name[-1].casefold() if before_name else ""
        )  # "director Ridley Scott", "company Scott Free"
        as_organisation = role in ORGANIZATION_ROLES
        honorific = HONORIFIC.search(body[max(0, match.start() - 6) : match.start()]) is not None
        # "Mr Pande" is a person, whatever type NER gave "Vinod Pande"
        is_person = role in PERSON_ROLES or honorific or (owner.is_person and not as_organisation)
        found.append(
            Naming(
                start=match.start(),
                speaker=owner,
                is_subject=opening or speaks,
                speaks=speaks,
                is_person=is_person,
                as_organisation=as_organisation,
            )
        )
    return found


def _genders(body: str, named: list[Naming]) -> dict[Speaker, str]:
    """ "Mr Hadi" is a he and "Ms Alexander" a she; people named without an honorific are either."""
    genders = {}
    for naming in named:
        if (match := HONORIFIC.search(body[max(0, naming.start - 6) : naming.start])) is not None:
            genders.setdefault(naming.speaker, "f" if match.group(1) in FEMININE else "m")
    return genders


def _speakers_in(
    text: str,
    speakers: Sequence[Speaker],
    *,
    possessive: bool = False,
    persons: bool | None = None,
    recency: Recency | None = None,
) -> list[Speaker]:
    """Speakers named in `text`, in order: not as a possessive and not after "the" ("the 55-year-old
    Frenchman"); or, `possessive`, only those named as one ("Tony Blair's", "Marca's")."""
    found = []
    for match in NAME_WORD.finditer(text):
        if bool(POSSESSIVE.search(match.group())) != possessive:
            continue
        word = POSSESSIVE.sub("", match.group())
        owner = _owner(word, _named_in_full(text, match, speakers), persons=persons, recency=recency)
        if owner is not None and owner.is_person and not possessive and _after_the(text, match.start()):
            continue  # "the 55-year-old Frenchman"; but "the Google team" is Google's
        if owner is not None and owner not in found:
            found.append(owner)
    return found


def _after_the(text: str, start: int) -> bool:
    """Whether the capitalised run a name word stands in follows "the" ("the Birchfield Harrier")."""
    run = re.search(r"(?:[A-Z][\w'’-]*\s+)*$", text[max(0, start - 60) : start])
    at = start - len(run.group()) if run else start
    return AFTER_THE.search(text[max(0, at - 30) : at]) is not None


def _named_in_full(text: str, match: re.Match[str], speakers: Sequence[Speaker]) -> Sequence[Speaker]:
    """The speakers a name word can mean: those the whole capitalised run around it names, when one does
    ("Party" of "The Green Party" is the Green Party, not the party named last)."""
    before = re.search(r"(?:[A-Z][\w'’-]*\s+)*$", text[: match.start()]).group().split()
    after = re.match(r"(?:\s+[A-Z][\w'’-]*)*", text[match.end() :]).group().split()
    run = {POSSESSIVE.sub("", w) for w in before + after} - {"The", "A", "An"} - HONORIFICS
    word = POSSESSIVE.sub("", match.group())
    if not run and word.casefold() in GENERIC_NAME_WORDS:
        # "A Department for Work and Pensions spokeswoman" is not the Department of Employment
        return [speaker for speaker in speakers if speaker.words == {word}]
    full = [speaker for speaker in speakers if run and run <= speaker.words]
    return full or speakers


GENERIC_NAME_WORDS = ORGANIZATION_ROLES | {"university", "house", "institute", "centre", "college", "school"}


def _subject_phrase(subject: str, speakers: Sequence[Speaker]) -> str:
    """The noun phrase of a clause's subject next to its verb: not a relative clause, an apposition ("Mike
    McGuire, a director at Gartner, said", "CCTV, China's state broadcaster, said"), an adverbial ("In talks
    with Putin, Xi said") or an earlier clause ("His assurances came after Sir Digby Jones said")."""
    text = RELATIVE_CLAUSE.sub(",", subject)
    parts = [LEADING_CONJUNCTION.sub("", part.strip()) for part in CLAUSE_BREAK.split(text)]
    parts = [part for part in parts if part]
    parts = [part for part in parts if part.split()[0] not in CLAUSE_OPENERS] or parts[
        -1:
    ]  # "As she left she told"
    for index in range(len(parts) - 1, 0, -1):
        if _plural_people(parts[index]):
            return parts[index]  # "…, economists said": a subject of its own, not a description
        first = parts[index].split()[0]
        earlier = _speakers_in(parts[index - 1], speakers)
        describes = (
            first[:1].islower() and first not in PERSON_PRONOUNS | THING_PRONOUNS
        ) or POSSESSIVE.search(first)
        # "Paul Randle, Microsoft Windows Client product manager, said": a person's title, not a second
        # subject
        own = _speakers_in(parts[index], speakers)
        titles_a_person = any(s.is_person for s in earlier) and not any(s.is_person for s in own)
        if not ((describes and earlier) or titles_a_person):
            return parts[index]
    return parts[0] if parts else ""


def _plural_people(phrase: str) -> bool:
    """ "economists", "the players", "Labour activists": many people, none of whom the quote names."""
    words = phrase.split()
    head = words[-1] if words else ""
    if not head.islower() or not head.endswith("s") or head in PERSON_PRONOUNS | THING_PRONOUNS:
        return False
    return head[:-1] in PERSON_ROLES | DESCRIBES_A_PERSON or head.endswith(PLURAL_PEOPLE)


PLURAL_PEOPLE = ("ists", "ians", "ants", "ents", "ers", "ors")


def _is_role(phrase: str) -> bool:
    """ "the Kremlin chief", "the company", "the 34-year-old": a description with a common noun ("the US" is
    a name)."""
    words = phrase.split()
    folded = {w.casefold() for w in words}
    common = [w for w in words if (w[:1].islower() or w[:1].isdigit()) and w.casefold() not in DETERMINERS]
    roles = PERSON_ROLES | ORGANIZATION_ROLES
    return len(words) <= 8 and bool(common or folded & roles) and bool(folded & (DETERMINERS | roles))


NAME_ONLY = re.compile(r"(?:[A-Z][\w'’.-]*\s+(?:of\s+)?)+[A-Z][\w'’.-]*")  # "Lord Nicholls of Birkenhead"


def _unknown_subject(subject: str, speakers: Sequence[Speaker]) -> bool:
    """Whether a part of a clause's subject between its commas that is all name is a name of nobody we know
    ("Theresa May" of "Theresa May, shadow secretary for the family,", "Dr John E. Kelly" of "In a
    statement, Dr John E. Kelly, IBM senior vice president, Technology and Intellectual Property,")."""
    parts = [LEADING_CONJUNCTION.sub("", part.strip()) for part in subject.split(",")[:-1]]
    return any(_names_unknown(part, speakers) for part in parts if NAME_ONLY.fullmatch(part))


def _names_unknown(phrase: str, speakers: Sequence[Speaker]) -> bool:
    """Whether a subject ends in a proper name of nobody the article's entities know ("Lord Harris", "Mr
    Slattery", "… strategy” Lord Rennard" when NER missed them): such a subject speaks, but for no
    speaker of ours, so neither its words nor a later "he said" may go to whoever else is near. Role
    words, even capitalised ("the Prime Minister"), are no name, nor is a lone capitalised word ("Police",
    "Officials")."""
    run = re.search(r"(?:[A-Z][\w'’.-]*\s+(?:of\s+)?)*[A-Z][\w'’.-]*\W*$", phrase)
    if run is None or _speakers_in(run.group(), speakers):
        return False
    words = [POSSESSIVE.sub("", w).rstrip(".") for w in run.group().split() if w != "of"]
    words = [w for w in words if w.casefold() not in DETERMINERS]
    if any(word in speaker.words for speaker in speakers for word in words):
        return False  # a name of ours, if ambiguous here ("Mr Blair" beside Tony and Cherie Blair)
    if words and words[0].casefold() in STOP_WORDS:
        return False  # "On Monday", "In March": an adverbial, not a name
    known = PERSON_ROLES | ORGANIZATION_ROLES | PROXIES | VOICES
    unknown = [w for w in words if w.casefold() not in known and w not in HONORIFICS]
    return bool(unknown) and len(words) > 1


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    """ "director" and "direct", "broadcaster" and "broadcasts" alike: roles are named by their verbs too."""
    return re.sub(r"(?:ors?|ers?|ing|ed|s)$", "", word) if len(word) > 4 else word


def _role_holder(role: str, body: str, named: list[Naming], *, persons: bool, before: int) -> Speaker | None:
    """The speaker the article introduced earlier with the role's words, in the same sentence ("the Kremlin
    chief" -> "Kremlin chief Vladimir Putin", "the broadcaster" -> "CCTV, China's state broadcaster", "the
    director" -> "with Ridley Scott set to direct"); None when none matches. A person's role falls back on a
    name NER typed as an organisation unless the text calls it one ("Ridley Scott" is no company)."""
    stop = {_stem(w) for w in STOP_WORDS | {"the"}}
    words = {_stem(w.casefold()) for w in WORD.findall(role)} - stop
    generic = {_stem(w) for w in PERSON_ROLES | ORGANIZATION_ROLES | PROXIES}
    head = PREPOSITION.split(f" {role} ", maxsplit=1)[0]  # "the judge" of "the judge in the case"
    # "Sale" of "the Sale player", "Kremlin" of "the Kremlin chief"
    distinctive = {_stem(w.casefold()) for w in WORD.findall(head)} - stop - generic

    def best(candidates: list[Naming], *, attached: bool = False) -> Speaker | None:
        scores: dict[Speaker, tuple[int, int]] = {}
        for naming in candidates:
            if {_stem(w.casefold()) for w in naming.speaker.words} <= words:
                continue  # an entity named like the role itself ("Cardinal"): NER took the title for a name
            left, right = _sentence_bounds(body, naming.start, naming.start)
            window = body[max(left, naming.start - 60) : min(right, naming.start + 60)]
            if {m.group(1).casefold() for m in OFFICE_MODIFIER.finditer(window)} - set(
                role.casefold().split()
            ):
                continue  # "shadow chancellor Oliver Letwin" is not "the chancellor"
            near = {_stem(w.casefold()) for w in WORD.findall(window)}
            if distinctive and not distinctive & near:
                continue
            lead = WORD.findall(body[max(left, naming.start - 40) : naming.start])[-3:]
            titled = {_stem(w.casefold()) for w in lead}
            close = titled | {_stem(w.casefold()) for w in WORD.findall(body[naming.start : right])[:6]}
            if (attached or not distinctive) and not words & close:
                continue  # "the club" is who the text calls a club ("club Arsenal"), not any club near one
            score = len(words & near) + len(
                words & titled
            )  # "Arsenal boss Arsene Wenger" over "his Arsenal rival"
            scores[naming.speaker] = max(scores.get(naming.speaker, (0, 0)), (score, naming.start))
        top = max(scores.items(), key=lambda item: item[1], default=(None, (0, 0)))
        return top[0] if top[1][0] else None  # equal evidence: the one named last

    earlier = [naming for naming in named if naming.start < before and naming.speaker is not None]
    found = best([naming for naming in earlier if naming.is_person == persons])
    if found is None and persons:  # not the organisation the role names: "the Labour peer" is no party
        found = best(
            [
                naming
                for naming in earlier
                if not naming.is_person
                and not naming.as_organisation
                and not {_stem(w.casefold()) for w in naming.speaker.words} & distinctive
            ],
            attached=True,  # "director Ridley Scott", "Ridley Scott set to direct": the role is on the name
        )
    return found


@lru_cache(maxsize=8)
def _sentence_breaks(body: str) -> tuple[list[int], list[int], list[int]]:
    """The body's sentence breaks: where each starts and ends, and where the capital that shows a sentence
    ends is (a break counts before a point only once that capital is seen)."""
    breaks = list(SENTENCE_END.finditer(body))
    seen = [
        m.end() if m.group() == "\n\n" else m.end() + re.match(r"\s+.", body[m.end() :]).end() for m in breaks
    ]
    return [m.start() for m in breaks], [m.end() for m in breaks], seen


def _sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding body[start:end]."""
    starts, ends, seen = _sentence_breaks(body)
    candidates = zip(ends[: bisect_right(starts, start + 1)], seen)
    left = max((e for e, shown in candidates if shown <= start + 1), default=0)
    after = bisect_left(starts, end)
    return left, (starts[after] if after < len(starts) else len(body))


def _introducer(body: str, left: int, right: int, speakers: Sequence[Speaker]) -> Clause | None:
    """The subject of the speech verb that introduces a quote ("…, and Bates said: “…”" is Bates), else of
    the sentence's first speech verb: a later verb whose subject is no speaker reports what the first one
    said ("He added the government had pledged “…”" is his; "Mr Clarke said he … but argued: “…”" is Mr
    Clarke's; "Observes Mr Hadi: “…”" is Mr Hadi's)."""
    text = body[left:right]
    if (match := ACCORDING.search(text)) is not None:
        return Clause(match.group("subject"), left + match.start())
    verbs = [
        verb
        for verb in BEFORE_VERB.finditer(text)
        if not _is_noun(text, verb)
        and not (ASKED_IF.match(text[verb.start() :]) and not text[: verb.start()].strip())
    ]  # "Asked if he would welcome BNP voters he told the BBC:": "he" speaks, not the asking
    if not verbs:
        return None
    last = verbs[-1]
    if not text[last.end() :].strip(" :,\n") and len(verbs) > 1 and not last.group().endswith("ing"):
        between = _subject_phrase(
            text[verbs[-2].end() : last.start()], speakers
        )  # "He said …, adding:" is his
        own = [w.casefold() for w in WORD.findall(between)]
        if _speakers_in(between, speakers) or (
            own and own[0] in PERSON_PRONOUNS | THING_PRONOUNS and len(own) <= 3
        ):
            return Clause(between, left + verbs[-2].end())
    if (who := WHO_BEFORE.search(text[: last.start()])) is not None:
        return Clause(who.group(1), left + who.start())  # "… rejected by Mr Blair, who said: “…”"
    first = verbs[0]
    if not re.search(r"\w", text[: first.start()]) and text[: first.start()].strip():
        return None  # "…”, adding: “…”": the last quote's speaker goes on
    before = text[: first.start()].split()
    if not before:  # the verb opens the sentence
        return Clause(" ".join(text[first.end() :].split()[:6]), left + first.end())
    clause = " ".join(before[-40:])
    return Clause(clause, left + first.start() - len(clause) - 1)


ASKED_IF = re.compile(r"(?:asked|asks|told)\s+(?:if|whether|about|what|how|why|when|to)\b", re.I)
AUXILIARY_WORDS = {"has", "had", "have", "was", "were", "is", "are", "also", "once", "later", "then"}
NOUN_BEFORE = DETERMINERS | {"to", "of", "for", "in", "on", "with", "by", "from", "about", "amid", "despite"}


def _is_noun(text: str, verb: re.Match[str]) -> bool:
    """ "responding to calls for …", "the claims", "his notes": a speech verb's plural-noun twin; "the show
    described as": a participle, nobody's speech."""
    before = WORD.findall(text[: verb.start()])[-1:]
    if not before:
        return False
    if verb.group().startswith("described") and re.match(r"\s+as\b", text[verb.end() :]):
        return before[0][:1].islower() and before[0].casefold() not in PERSON_PRONOUNS | AUXILIARY_WORDS
    return verb.group().split()[0].endswith("s") and before[0].casefold() in NOUN_BEFORE


# "Pullman, who had told him that …": the name a relative clause's speech verb belongs to
WHO_BEFORE = re.compile(r"((?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*),\s*who\s+(?:(?:had|has|have|also)\s+)*$")


def _adjacent(body: str, first: FoundQuote, second: FoundQuote) -> bool:
    return body[first.end : second.start].count("\n\n") <= 1


def _proxy_principal(
    phrase: str, proxy: str, speakers: Sequence[Speaker], recency: Recency | None = None
) -> tuple[bool, Speaker | None]:
    """Whom a spokesman's words are attributed to, and whether the phrase settles it: the named holder after
    the role ("spokesman Dmitry Peskov"), else the organisation they speak for ("a BBC spokesman", "a
    spokeswoman for Human Rights Watch"), else nobody the article names ("a spokesman for Tony Blair", "the
    rapper's aide"); unsettled when they speak for an organisation named by its role ("for the firm")."""
    at = re.search(rf"\b{re.escape(proxy)}\b", phrase, re.I)
    holder = re.match(r"[\s,]*((?:[A-Z][\w'’-]*\s*){1,4})", phrase[at.end() :])
    if holder is not None and (
        named := _speakers_in(holder.group(1), speakers, persons=True, recency=recency)
    ):
        return True, named[0]
    principals = _speakers_in(phrase, speakers, persons=False, recency=recency)
    principals += _speakers_in(phrase, speakers, persons=False, recency=recency, possessive=True)
    if principals:
        organisations = [s for s in principals if not s.is_person or _named_as_organisation(phrase, s)]
        return True, organisations[0] if organisations else None
    return not set(WORD.findall(phrase.casefold())) & ORGANIZATION_ROLES, None


def _named_as_organisation(phrase: str, speaker: Speaker) -> bool:
    """ "a spokesman for distributor Toho": the role word before the name says what it is, whatever NER
    said."""
    words = "|".join(re.escape(word) for word in speaker.words)
    return any(
        match.group(1).casefold() in ORGANIZATION_ROLES
        for match in re.finditer(rf"\b([\w-]+)\s+(?:{words})\b", phrase)
    )


OPENER = re.compile(
    rf"\s*((?:(?:{'|'.join(HONORIFICS)})\.?\s+)?[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+)+(?=,|\s+[a-z]))"
)


def _unknown_openers(body: str, speakers: Sequence[Speaker]) -> list[Naming]:
    """Sentences about someone NER missed ("Piers Freelove is senior benefit officer …", "Lord Janner, a
    member of …,"): who the next "he said" means, and none of our speakers."""
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(body)]
    found = []
    for start in starts:
        opener = OPENER.match(body, start)
        if opener is not None and _names_unknown(opener.group(1), speakers):
            found.append(Naming(start=opener.start(1), speaker=None, is_subject=True))
    return found


def _shown_speaking(
    body: str, quotes: Sequence[FoundQuote], speakers: Sequence[Speaker], named: list[Naming]
) -> list[Naming]:
    """Speech clauses whose subject is no name: a spokesman or official ("A spokeswoman for Human Rights
    Watch said …"), or a role the article introduced ("The director said he was thrilled"). Who speaks
    there is who a later "she added" means."""
    inside = [(quote.start, quote.end) for quote in quotes]
    found = []
    for verb in BEFORE_VERB.finditer(body):
        if any(start <= verb.start() < end for start, end in inside):
            continue
        left = _sentence_bounds(body, verb.start(), verb.start())[0]
        phrase = _subject_phrase(body[left : verb.start()], speakers)
        words = [w.casefold() for w in WORD.findall(phrase)]
        if not words or len(words) > 8:
            continue
        if proxy := next((w for w in words if w in PROXIES), None):
            settled, speaker = _proxy_principal(phrase, proxy, speakers)
            if not settled:
                speaker = _role_holder(phrase, body, named, persons=False, before=verb.start())
            sex = "f" if proxy.startswith("spokeswom") else "m" if proxy.startswith("spokesm") else None
            found.append(
                Naming(start=verb.start() - 1, speaker=speaker, is_subject=True, speaks=True, sex=sex)
            )
        elif _names_unknown(phrase, speakers) or _unknown_subject(body[left : verb.start()], speakers):
            # "Lord Harris said", "Theresa May, shadow secretary for the family, told": none of our speakers
            found.append(Naming(start=verb.start() - 1, speaker=None, is_subject=True, speaks=True))
        elif words[0] in DETERMINERS and not _speakers_in(phrase, speakers) and _is_role(phrase):
            persons = not set(words) & ORGANIZATION_ROLES
            if (
                holder := _role_holder(phrase, body, named, persons=persons, before=verb.start())
            ) is not None:
                found.append(
                    Naming(
                        start=verb.start() - 1,
                        speaker=holder,
                        is_subject=True,
                        speaks=True,
                        is_person=persons,
                    )
                )
    return found


@dataclass
class _Reading:
    """One article read quote by quote, remembering the last quote and who said it."""

    body: str
    speakers: Sequence[Speaker]
    named: list[Naming]  # the speakers' names in the body
    heard: list[Naming]  # those names and the unnamed subjects of speech clauses, in order
    genders: dict[Speaker, str]
    last_quote: FoundQuote | None = None
    last_speaker: Speaker | None = None

    def speaker(self, quote: FoundQuote) -> Speaker | None:
        for strategy in ATTRIBUTION_ORDER:
            if (attribution := strategy(self, quote)) is not None:
                return attribution.speaker
        return None

    def resolve(self, clause: Clause, *, quote: FoundQuote) -> Attribution:
        """The speaker a clause's subject means: a proxy's principal, a voice's author, a name, a pronoun or
        a role."""
        phrase = _subject_phrase(clause.subject, self.speakers)
        if not WORD.search(phrase):
            return Attribution(None)
        before = min(clause.at, quote.start)
        recency = self.recency_before(before)
        words = [w.casefold() for w in WORD.findall(phrase)]
        if _unknown_subject(clause.subject, self.speakers):
            return Attribution(None)  # "Dr John E. Kelly, IBM senior vice president, …," when NER missed him
        if proxy := next((w for w in words if w in PROXIES), None):
            settled, speaker = _proxy_principal(phrase, proxy, self.speakers, recency)
            return Attribution(speaker if settled else self.referent(quote, before=before, persons=False))
        if voice := next((w for w in words if w in VOICES), None):
            return self.voice_author(phrase, voice, quote=quote, before=before)
        in_phrase = _speakers_in(phrase, self.speakers)
        if words[0] in INDEFINITE and not in_phrase:
            return Attribution(None)  # "one Bombay trader said": someone new the article does not name
        if words[-1] in PERSON_PRONOUNS and len(words) > 1 and not any(s.is_person for s in in_phrase):
            # "Asked if he would welcome BNP voters he told": the pronoun next to the verb
            return self.pronoun_referent({words[-1]}, quote=quote, before=before)
        if (named := self.head_named(phrase, recency)) is not None:
            return Attribution(named)
        pronouns = set(words) & (PERSON_PRONOUNS | THING_PRONOUNS)
        if pronouns and (len(words) <= 3 or words[-1] in pronouns):  # "Laying into the Tory record he said:"
            said_by = {words[-1]} if words[-1] in pronouns else pronouns
            return self.pronoun_referent(said_by, quote=quote, before=before)
        if _plural_people(phrase):
            return Attribution(None)  # "economists said", "the players said": no one speaker
        if _names_unknown(phrase, self.speakers):
            return Attribution(None)  # "Lord Harris, who chairs the board," when NER missed him
        if _is_role(phrase):
            persons = not set(words) & ORGANIZATION_ROLES
            if set(words) <= DETERMINERS | ORGANIZATION_ROLES and (
                about := self.subject_before(before, persons)
            ):
                return Attribution(about)  # "Manchester United's response came … “…,” the club said"
            if holder := _role_holder(phrase, self.body, self.named, persons=persons, before=before):
                return Attribution(holder)
            # a role the text gives nobody is the last speaker going on ("… he said. The 55-year-old
            # Frenchman told the website: “…”"), else someone new ("the judge", "the host")
            referent = self.referent(quote, before=before, persons=persons)
            return Attribution(referent if referent is not None and referent == self.last_speaker else None)
        return Attribution(None)

    def subject_before(self, at: int, persons: bool) -> Speaker | None:
        """The speaker of that kind the sentence before `at` is about, if one."""
        previous, own = _this_and_previous_sentence(self.body, at)
        about = {n.speaker for n in self.named if previous <= n.start < own and n.is_subject}
        about = {speaker for speaker in about if speaker is not None and speaker.is_person == persons}
        return about.pop() if len(about) == 1 else None

    def pronoun_referent(self, pronouns: set[str], *, quote: FoundQuote, before: int) -> Attribution:
        """Whom the pronouns of a clause mean, remembering the sex they give the referent."""
        sex = "m" if pronouns & {"he", "him"} else "f" if pronouns & {"she", "her"} else None
        persons = not pronouns & (THING_PRONOUNS - PERSON_PRONOUNS)
        referent = self.referent(quote, before=before, persons=persons, sex=sex)
        if referent is not None and sex is not None:
            self.genders.setdefault(referent, sex)  # "she told reporters": a later "he" is someone else
        return Attribution(referent)

    def recency_before(self, at: int) -> Recency:
        earlier = self.named[: bisect_left([naming.start for naming in self.named], at)]
        return lambda speaker: _last_start(earlier, speaker)

    def head_named(self, phrase: str, recency: Recency) -> Speaker | None:
        """The speaker heading a noun phrase: a person named before any prepositional phrase ("Mr Smith of
        the BBC", "Scotland doctor James Robson"), else the person ending a title written first ("Director
        of rugby Warren Gatland", "National Bureau of Statistics chief Li Deshui"), else an organisation
        before any prepositional phrase, unless a person's role follows it ("the Factory Records founder" is
        a person). A description ("the Tory MP for Sleaford") is a role, whatever its prepositions name."""
        head = PREPOSITION.split(f" {phrase} ", maxsplit=1)[0]
        named = _speakers_in(head, self.speakers, recency=recency)
        if people := [s for s in named if s.is_person]:
            return people[-1]
        ending = re.search(r"([A-Z][\w'’-]*)\W*$", phrase)
        if phrase.split()[0].casefold() not in DETERMINERS and ending:
            if (
                owner := _owner(ending.group(1), self.speakers, recency=recency)
            ) is not None and owner.is_person:
                return owner
        if named and phrase.split()[-1].casefold() not in PERSON_ROLES | DESCRIBES_A_PERSON:
            return named[-1]  # "the Sale full-back" is a person of Sale's
        return None

    def voice_author(self, phrase: str, voice: str, *, quote: FoundQuote, before: int) -> Attribution:
        """A statement's author: its possessor ("Mr Tanzi's statement", "Marca's headline"; "his message" is
        the man last shown speaking), else who the article said made it ("In a statement the RSPCA said …
        “…,” said the statement"); else the article does not say."""
        recency = self.recency_before(before)
        if possessors := _speakers_in(phrase, self.speakers, recency=recency, possessive=True):
            return Attribution(possessors[-1])
        if named := _speakers_in(phrase, self.speakers, recency=recency):
            return Attribution(named[-1])  # "the Cabinet Office statement"
        owner = next((w for w in WORD.findall(phrase.casefold()) if w in POSSESSIVE_PRONOUNS), None)
        if owner is not None:
            persons = True if owner in ("his", "her") else None
            return Attribution(
                self.referent(quote, before=before, persons=persons, sex=POSSESSIVE_PRONOUNS[owner])
            )
        floor = _paragraphs_back(self.body, before, PARAGRAPHS_BACK)
        for mention in reversed(list(re.finditer(rf"\b{re.escape(voice)}\b", self.body[floor:before], re.I))):
            left, right = _sentence_bounds(self.body, floor + mention.start(), floor + mention.end())
            makers = [n.speaker for n in self.named if left <= n.start < right and (n.is_subject or n.speaks)]
            if makers:
                return Attribution(makers[0])
        return Attribution(None)

    def last_clause_end(self) -> int:
        """Where the last quote and its attribution clause end ("“…,” Putin said." or just "“….”")."""
        if self.last_quote is None:
            return 0
        if self.body[self.last_quote.end - 2 : self.last_quote.end - 1] in (".", "!", "?"):
            return self.last_quote.end
        return _sentence_bounds(self.body, self.last_quote.start, self.last_quote.end)[1]

    def referent(
        self, quote: FoundQuote, *, before: int, persons: bool | None, sex: str | None = None
    ) -> Speaker | None:
        """Who a pronoun or a role means: someone of that kind (`persons` None: either) shown speaking since
        the last quote, else the last quote's speaker if named again since, else the last subject since,
        else the last quote's speaker nearby, else the last subject named no more than a few paragraphs
        back among the speakers the article shows speaking."""

        def fits(kind_is_person: bool, gender: str | None) -> bool:
            return (persons is None or kind_is_person == persons) and (sex is None or (gender or sex) == sex)

        def naming_fits(naming: Naming) -> bool:
            gender = naming.sex or (self.genders.get(naming.speaker) if naming.speaker else None)
            return fits(naming.is_person, gender)

        since = self.last_clause_end()
        floor = _paragraphs_back(self.body, before, PARAGRAPHS_BACK)
        earlier = [n for n in self.heard if floor <= n.start < before and naming_fits(n)]
        recent = [n for n in earlier if n.start >= since]
        last = self.last_speaker
        last_speaker = last if last is not None and fits(last.is_person, self.genders.get(last)) else None
        previous, own = _this_and_previous_sentence(self.body, before)
        if closest := [n for n in recent if n.is_subject and previous <= n.start < own]:
            return closest[0].speaker  # "… Pearce is keen to wait. He added: “…”": the main subject
        if speaking := [n for n in recent if n.speaks]:
            return speaking[-1].speaker  # "Robin Cook said …. “…,” he said"
        if last_speaker is not None and any(n.speaker == last_speaker for n in recent):
            return last_speaker  # named again since their last quote: the story is still theirs
        if subjects := [n for n in recent if n.is_subject]:
            return subjects[-1].speaker
        if (
            last_speaker is not None
            and self.last_quote is not None
            and _adjacent(self.body, self.last_quote, quote)
        ):
            return last_speaker
        shown_speaking = {n.speaker for n in self.heard if n.speaks}
        subjects = [n for n in earlier if n.is_subject and n.speaker in shown_speaking]
        if subjects:
            return subjects[-1].speaker
        people = {n.speaker for n in earlier if n.is_subject and n.speaker is not None}
        return people.pop() if len(people) == 1 and not shown_speaking else None


def _this_and_previous_sentence(body: str, at: int) -> tuple[int, int]:
    """Where the sentence before the one holding `at` starts, and where that one starts."""
    own = _sentence_bounds(body, at, at)[0]
    previous = _sentence_bounds(body, max(0, own - 2), max(0, own - 2))[0] if own else own
    return previous, own


def _paragraphs_back(body: str, at: int, count: int) -> int:
    start = at
    for _ in range(count + 1):
        start = body.rfind("\n\n", 0, start)
        if start < 0:
            return 0
    return start


# -- the strategies, in the order they are tried ------------------------------------------------------------


def clause_after_quote(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """“…,” Putin told Xi; “…,” said Mr Smith, the chief; “…” in Russian-Chinese ties, he said. Only when
    the quote does not end its own sentence, and only up to the next quotation mark; a clause ending in a
    colon there introduces the next quote ("… LTA chief executive, John Crowther, added: “…”")."""
    body = reading.body
    right = _sentence_bounds(body, quote.start, quote.end)[1]
    after = re.split(rf"[{OPENING}{CLOSING}{STRAIGHT}]", body[quote.end : right])[0]
    inside_end = body[quote.start + 1 : quote.end - 1].rstrip("'’ ")[-1:]
    if (inside_end == "." and after.strip()[:1].isupper()) or after.rstrip().endswith(":"):
        return None
    for offset in (0, after.find(", ") + 1 if ", " in after else -1):
        match = AFTER.match(after[offset:]) if offset >= 0 else None
        subject = (match.group("subject") or match.group("subject_after_verb")) if match is not None else ""
        if not re.search(r"\w", LEADING_CONJUNCTION.sub("", subject.strip() + " ")):
            continue  # "…” and noted that …": the sentence's subject, before the quote, speaks
        goes_on = re.match(r"\s*[\w(]", after[offset + match.end() :]) is not None
        if inside_end in "?!" and (len(subject.split()) > 6 or (match.group("subject") and goes_on)):
            # "“…?” All the parties are campaigning …, although Tony Blair has not confirmed", "“…?” The
            # Electoral Commission said it was satisfied": a new sentence; "“…?” Mr Weingarten pressed." ends
            return None
        named_next = re.match(r"[^,]{0,60},\s*((?:[A-Z][\w'’-]*\s*){1,4})\W*$", after[offset + match.end() :])
        if (
            match.group("subject_after_verb")
            and named_next
            and not any(s.is_person for s in _speakers_in(subject, reading.speakers))
        ):
            subject = named_next.group(1)  # "…,” said BA director of commercial planning, Robert Boyle.
        if subject.strip().casefold() in PERSON_PRONOUNS and (named := clause_before_quote(reading, quote)):
            if named.speaker is not None:  # "David Laws said: “…,” he said.": the name, not a guess
                return named
        return reading.resolve(Clause(subject, quote.end), quote=quote)
    return None


def clause_before_quote(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Xi said: “…”; Mr Clarke said he … but argued: “…”; according to X, “…”: the clause in the quote's
    sentence, no further back than the last quote."""
    left = _sentence_bounds(reading.body, quote.start, quote.end)[0]
    floor = reading.last_quote.end if reading.last_quote is not None else 0
    clause = _introducer(reading.body, max(left, floor), quote.start, reading.speakers)
    return reading.resolve(clause, quote=quote) if clause is not None else None


def same_turn(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """A quote with no clause of its own right after a quoted sentence goes on with the same voice: nothing
    but the last quote's own clause stands between them, and nobody else is introduced speaking there."""
    last = reading.last_quote
    if last is None:
        return None
    ends = PERIOD.findall(reading.body, last.end, quote.start + 1)  # the opening mark shows a sentence ended
    since = reading.last_clause_end()  # not the last quote's own clause ("…,” X, secretary of Y, told AFP.)
    others = [
        n
        for n in reading.heard
        if since <= n.start < quote.start and n.speaks and n.speaker != reading.last_speaker
    ]
    if (
        _adjacent(reading.body, last, quote)
        and len(ends) <= 1
        and quote.start - last.end < 160
        and not others
        and not _someone_else_named(reading.body[since : quote.start], reading.last_speaker)
    ):
        return Attribution(reading.last_speaker)
    return None


NAME_RUN = re.compile(
    rf"\b(?:(?:{'|'.join(HONORIFICS)})\.?\s+[A-Z][\w'’-]+|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+)"
)


def _someone_else_named(gap: str, speaker: Speaker | None) -> bool:
    """Whether the text between two quotes names a person other than the last speaker ("Double try scorer
    Martyn Williams was keen …", "In an e-mail, Dan Lane calls it “…”"), known to NER or not: the turn
    has passed, whoever the next quote is."""
    own = speaker.words if speaker is not None else frozenset()
    for run in NAME_RUN.finditer(gap):
        words = {POSSESSIVE.sub("", w) for w in run.group().split()} - HONORIFICS
        if words - own and not {w.casefold() for w in words} <= PERSON_ROLES | ORGANIZATION_ROLES:
            return True
    return False


def _sentence_before(body: str, quote: FoundQuote) -> tuple[int, int]:
    """The sentence before the one the quote stands in."""
    left = _sentence_bounds(body, quote.start, quote.end)[0]
    if body[left : quote.start].strip():  # the quote stands inside its sentence: "His message was: “…”"
        return _sentence_bounds(body, max(0, left - 2), max(0, left - 2))
    return _sentence_bounds(body, max(0, quote.start - 2), max(0, quote.start - 2))


def someone_else_in_own_sentence(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Mr Slattery called himself a customer who “…”: a quote inside a sentence about someone named, with
    no speech verb, is not the sentence before's speaker's; the article does not say it is its subject's
    either (a title, a scare quote), so nobody."""
    body = reading.body
    left = _sentence_bounds(body, quote.start, quote.end)[0]
    lead = body[left : quote.start]
    named = [n for n in reading.named if left <= n.start < quote.start and n.is_subject]
    if named or _someone_else_named(lead, None):
        return Attribution(None)
    return None


def clause_of_previous_sentence(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Mr Hadi points out. “These guys …”: the speech verb of the sentence just before."""
    clause = _introducer(reading.body, *_sentence_before(reading.body, quote), reading.speakers)
    return reading.resolve(clause, quote=quote) if clause is not None else None


def subject_of_previous_sentence(reading: _Reading, quote: FoundQuote) -> Attribution | None:
    """Lewis-Francis still feels the frustration … “That was heartbreaking …”: the person the sentence before
    is about, named or (“He tried university in the US …”) a pronoun."""
    left, right = _sentence_before(reading.body, quote)
    subjects = [n for n in reading.named if left <= n.start < right and n.is_subject and n.is_person]
    if subjects:
        return Attribution(subjects[0].speaker)
    opening = reading.body[left:right].split()[:1]
    if opening and opening[0] in ("He", "She"):
        sex = "m" if opening[0] == "He" else "f"
        return Attribution(reading.referent(quote, before=left + 1, persons=True, sex=sex))
    return Attribution(None)


Strategy = Callable[[_Reading, FoundQuote], Attribution | None]
ATTRIBUTION_ORDER: tuple[Strategy, ...] = (
    clause_after_quote,
    clause_before_quote,
    same_turn,
    someone_else_in_own_sentence,
    clause_of_previous_sentence,
    subject_of_previous_sentence,
)


def speakers_attribute(
    body: str, quotes: Sequence[FoundQuote], speakers: Sequence[Speaker]
) -> list[Entity | None]:
    """The speaker of each quote, in order (None when the article does not say)."""
    named = namings(body, speakers)
    heard = sorted(
        named + _shown_speaking(body, quotes, speakers, named) + _unknown_openers(body, speakers),
        key=lambda naming: naming.start,
    )
    reading = _Reading(body=body, speakers=speakers, named=named, heard=heard, genders=_genders(body, named))
    found: list[Entity | None] = []
    for quote in quotes:
        speaker = reading.speaker(quote)
        found.append(speaker.entity if speaker else None)
        reading.last_quote, reading.last_speaker = quote, speaker
    return found
