"""Named entities from the clean body: people, organisations and places, one entry per real entity.

spaCy finds the spans; the rules here decide what a span names. Within an article a person's short form
(a given name or surname, never a middle part or a "Jr") is the fullest name of the article that starts
or ends with it ("Putin" -> "Vladimir Putin", "President Xi" -> "Xi Jinping"), and a place or organisation
never becomes a person that way ("England" is not "Tudor England"). Titles, roles, a leading "the" and
possessives are not part of a name; pronouns, dates, numbers, single letters, sentence-initial common
words, navigation fragments, events, lone generic words ("Budget", "Bank") and nationalities are never
entities. A word before the name that says what it is ("band Kasabian", "firm Sophos", "spokesman Glyn
Davies") and an honorific ("Mr Brown") outweigh the model's type. A one-word person name the article does
not resolve is passed on marked as such (bare, honorific or in a list), for the resolver to judge
against the whole archive.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

T = TypeVar("T")
LABEL_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
NER_COMPONENTS = {"tok2vec", "ner"}
TITLES = {
    "president",
    "vice",
    "prime",
    "minister",
    "pm",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "senator",
    "sen",
    "rep",
    "representative",
    "gov",
    "governor",
    "general",
    "gen",
    "chancellor",
    "secretary",
    "judge",
    "justice",
    "chairman",
    "chairwoman",
    "chief",
    "leader",
    "ambassador",
    "premier",
    "colonel",
    "col",
    "captain",
    "capt",
    "lt",
    "sgt",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "reverend",
    "mayor",
    "commissioner",
    "director",
    "spokesman",
    "spokeswoman",
    "foreign",
    "defence",
    "defense",
    "home",
    "finance",
    "state",
    "former",
    "chinese",
    "russian",
    "ukrainian",
    "us",
    "u.s.",
    "british",
    "french",
    "german",
    "american",
}
NEVER = {
    "i",
    "me",
    "he",
    "she",
    "it",
    "we",
    "they",
    "him",
    "her",
    "us",
    "them",
    "his",
    "hers",
    "its",
    "our",
    "their",
    "you",
    "your",
    "who",
    "this",
    "that",
    "these",
    "those",
    "mr",
    "mrs",
    "ms",
    "dr",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tomorrow",
    "contact us",
    "about us",
    "home",
    "menu",
    "search",
    "share",
    "subscribe",
    "login",
    "sign in",
}
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


ORGANIZATION_WORDS = {
    "united",
    "city",
    "fc",
    "rovers",
    "athletic",
    "wanderers",
    "party",
    "council",
    "ministry",
    "bank",
    "group",
    "inc",
    "ltd",
    "corp",
    "corporation",
    "plc",
    "association",
    "union",
    "federation",
    "agency",
    "commission",
    "office",
    "department",
    "university",
    "college",
    "committee",
    "club",
    "institute",
    "foundation",
    "company",
    "airlines",
    "airways",
    "parliament",
    "assembly",
    "court",
    "police",
    "army",
    "navy",
    "news",
    "times",
    "post",
    "network",
    "rugby",
    "records",
    "pictures",
    "motors",
    "holdings",
    "securities",
}
ZONES_AND_NOISE = {"gmt", "bst", "utc", "est", "pst", "cet", "am", "pm", "tv", "ceo", "cctv footage"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "prof", "professor"}
# Titles that, written before a one-word name, make it a person's title and surname ("President Kennedy").
TITLE_WORDS = HONORIFICS | {
    "president",
    "minister",
    "senator",
    "sen",
    "governor",
    "gov",
    "chancellor",
    "secretary",
    "judge",
    "justice",
    "ambassador",
    "premier",
    "colonel",
    "general",
    "captain",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "mayor",
    "rev",
    "reverend",
    "commissioner",
    "chairman",
    "spokesman",
    "spokeswoman",
}
# Occupations written before a name; part of no name ("Backbencher Stephen Pound", "Novelist Andrea Levy").
ROLES = {
    "backbencher",
    "novelist",
    "author",
    "writer",
    "poet",
    "playwright",
    "singer",
    "songwriter",
    "rapper",
    "actor",
    "actress",
    "comedian",
    "presenter",
    "broadcaster",
    "journalist",
    "correspondent",
    "editor",
    "reporter",
    "columnist",
    "photographer",
    "artist",
    "designer",
    "producer",
    "composer",
    "economist",
    "analyst",
    "strategist",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "winger",
    "coach",
    "manager",
    "boss",
    "referee",
    "skipper",
    "mp",
    "mep",
    "msp",
    "tycoon",
    "tycoons",
    "businessman",
    "businesswoman",
    "entrepreneur",
    "executive",
    "lawyer",
    "barrister",
    "solicitor",
    "campaigner",
    "activist",
    "veteran",
    "star",
    "ex",
}
# Words that say the next name is an organisation ("band Kasabian", "airline Virgin Blue", "firm Sophos").
ORGANIZATION_CLASSIFIERS = {
    "band",
    "group",
    "quartet",
    "quintet",
    "trio",
    "duo",
    "orchestra",
    "choir",
    "label",
    "firm",
    "company",
    "airline",
    "carrier",
    "retailer",
    "bank",
    "lender",
    "insurer",
    "network",
    "channel",
    "newspaper",
    "magazine",
    "giant",
    "operator",
    "provider",
    "supermarket",
    "chain",
    "brewer",
    "club",
    "unit",
    "subsidiary",
    "conglomerate",
    "manufacturer",
    "outfit",
}
PERSON_CLASSIFIERS = ROLES - {"star", "ex", "veteran"} | {
    "spokesman",
    "spokeswoman",
    "chairman",
    "chairwoman",
}
GENERATIONAL = {"jr", "sr", "ii", "iii", "iv"}
# Nationalities no place name spells out ("Welsh"); the regular ones ("Bangladeshi") the resolver derives
# from the archive's places.
DEMONYMS = {
    "welsh",
    "scottish",
    "scots",
    "english",
    "british",
    "irish",
    "french",
    "dutch",
    "swiss",
    "greek",
    "thai",
    "afghan",
    "filipino",
    "basque",
    "flemish",
    "cypriot",
    "maltese",
    "danish",
    "swedish",
    "finnish",
    "polish",
    "spanish",
    "turkish",
    "kurdish",
    "arab",
    "arabs",
    "jewish",
    "muslim",
    "muslims",
    "christian",
    "christians",
    "catholic",
}
# A name ending in one of these is an event or an award, not a person, organisation or place.
EVENT_WORDS = {
    "championship",
    "championships",
    "festival",
    "games",
    "olympics",
    "cup",
    "awards",
    "award",
    "prize",
    "indoors",
    "marathon",
    "expo",
    "fair",
    "tournament",
    "slam",
    "open",
    "prix",
    "show",
    "summit",
    "election",
    "elections",
    "war",
    "wars",
    "week",
}
# One of these alone names no one institution ("the Budget", "the Bank", "Education Secretary").
GENERIC_WORDS = {
    "bank",
    "budget",
    "house",
    "court",
    "government",
    "council",
    "party",
    "committee",
    "union",
    "office",
    "ministry",
    "department",
    "agency",
    "commission",
    "club",
    "company",
    "group",
    "university",
    "college",
    "school",
    "hospital",
    "police",
    "army",
    "navy",
    "board",
    "authority",
    "association",
    "federation",
    "institute",
    "foundation",
    "corporation",
    "firm",
    "team",
    "league",
    "network",
    "city",
    "united",
    "times",
    "post",
    "news",
    "state",
    "fund",
    "trust",
    "church",
    "centre",
    "center",
    "county",
    "town",
    "assembly",
    "education",
    "defence",
    "defense",
    "health",
    "transport",
    "environment",
    "culture",
    "media",
    "sport",
    "trade",
    "industry",
    "energy",
    "justice",
    "foreign",
    "interior",
    "agriculture",
    "employment",
    "science",
}
# Technologies and formats the model takes for organisations.
TECHNOLOGIES = {
    "rss",
    "usb",
    "vga",
    "gps",
    "dvd",
    "dvds",
    "cd",
    "cds",
    "hd",
    "hdtv",
    "pc",
    "pcs",
    "vhs",
    "drm",
    "gsm",
    "3g",
    "4g",
    "wi-fi",
    "wifi",
    "mp3",
    "mp3s",
    "sms",
    "html",
    "http",
    "xml",
    "lcd",
    "voip",
    "iptv",
    "pdf",
    "dsl",
    "adsl",
    "bluetooth",
}
LEADING_NOISE = {
    "said",
    "says",
    "added",
    "told",
    "asked",
    "according",
    "meanwhile",
    "however",
    "nevertheless",
}
LIST_PUNCTUATION = {",", ";", ":", "(", ")", "/", "."}


@dataclass(frozen=True)
class FoundEntity:
    """An entity of one article: its fullest name, type, mention count, and the other forms it was
    written as in that article ("Putin", "President Xi"), from which aliases are learned."""

    name: str
    type: str
    count: int
    surfaces: tuple[str, ...] = ()
    # For a one-word person name the article does not resolve: "bare" ("Putin said"), "honorific" ("Mr
    # Brown", "President Xi") or "listed" (a team sheet); "" for every other entity.
    form: str = ""


COMPONENT = "archive_entities"


def _entities_component(doc: Doc) -> Doc:
    """Canonical entities computed inside the pipeline, so worker processes do this work too; stored as
    plain tuples because docs travel between processes as msgpack."""
    doc.user_data[COMPONENT] = [
        (e.name, e.type, e.count, list(e.surfaces), e.form) for e in entities_from_doc(doc)
    ]
    return doc


@lru_cache(maxsize=4)
def nlp_load(model_name: str) -> Language | None:
    """The spaCy pipeline with only what NER needs plus the archive's canonicalisation, loaded once per
    process; None runs without a model."""
    if not model_name:
        return None
    import spacy
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.component(COMPONENT, func=_entities_component)
    nlp = spacy.load(model_name)
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in NER_COMPONENTS])
    nlp.add_pipe(COMPONENT, last=True)
    return nlp


def nlp_default() -> Language | None:
    return nlp_load(settings.ARCHIVE_SPACY_MODEL)


def name_clean(text: str, *, entity_type: str) -> str:
    """The name a span spells, without a leading "the", a possessive, or (for people) a title."""
    name = " ".join(text.split()).strip(' ,;:!?"“”‘’()[]-–—')
    if not re.search(r"(?:^|[\s.])[A-Z]\.$", name):  # keep the last dot of "U.S."
        name = name.rstrip(".")
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    name = POSSESSIVE.sub("", name).strip()
    if entity_type == "person":
        tokens = name.split()
        while len(tokens) > 1 and tokens[0].lower().rstrip(".") in TITLES | ROLES:
            tokens.pop(0)
        name = " ".join(tokens)
    return name


def name_acceptable(name: str) -> bool:
    """Whether a cleaned name can be an entity at all."""
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) < 2 or name.lower() in NEVER or name.lower() in ZONES_AND_NOISE or not name[:1].isupper():
        return False
    if sum(ch.isdigit() for ch in name) > 0 and sum(ch.isdigit() for ch in name) >= len(letters) / 2:
        return False
    if re.search(r"\s[-|•/]\s|[|•@#]|\.\.|&\s.*\s-\s", name):  # navigation and link-list fragments
        return False
    tokens = name.split()
    if len(tokens) > 6:
        return False
    if len(tokens) > 1 and all(
        token.isupper() and len(token) > 1 for token in tokens
    ):  # "ABOUT US", shouted labels
        return False
    return True


def _short_form_target(short: str, candidates: Iterable[str]) -> str | None:
    """The longer name that starts or ends with `short`'s tokens (a given name or a surname, not a middle
    part or a "Jr"); None if none or ambiguous."""
    short_tokens = short.split()
    if short_tokens[-1].lower().rstrip(".") in GENERATIONAL:
        return None
    width = len(short_tokens)
    matches = [
        long
        for long in candidates
        if len(long.split()) > width and short_tokens in (long.split()[:width], long.split()[-width:])
    ]
    if not matches:
        return None
    longest = max(len(m.split()) for m in matches)
    best = {m for m in matches if len(m.split()) == longest}
    return best.pop() if len(best) == 1 else None


@dataclass(frozen=True)
class EntitySpan:
    """One mention in the text (character offsets into the body) and the canonical entity it counts for;
    what the sample scorer follows from an article's text to the archive's entity."""

    start: int
    end: int
    surface: str
    name: str
    type: str
    form: str = ""


@dataclass(frozen=True)
class _Reading:
    """What one span says before the article is read as a whole: its cleaned name, its type, whether a
    word around it decided the type, and how a one-word person name was written."""

    span: Span
    name: str
    type: str
    decided: bool
    form: str


def _at_sentence_start(token: Token) -> bool:
    return (
        token.i == 0 or token.nbor(-1).text in {".", "!", "?", "“", '"', ":"} or "\n" in token.nbor(-1).text
    )


def _is_sentence_initial_word(span: Span, lowered_words: set[str]) -> bool:
    """A lone capitalised word at a sentence start that the text also uses in lower case ("Exit")."""
    return (
        len(span) == 1
        and _at_sentence_start(span[0])
        and (span[0].is_stop or span[0].lower_ in lowered_words)
    )


def _span_trim(span: Span) -> Span:
    """Without a sentence-opening word the model swept into the name ("Said Wales", "Nevertheless Franz
    Ferdinand"), and with the initials it left out ("G Gregan" on a team sheet, "JP Morgan")."""
    while (
        len(span) > 1
        and _at_sentence_start(span[0])
        and span[0].lower_ != "the"
        and (span[0].is_stop or span[0].lower_ in LEADING_NOISE)
    ):
        span = span[1:]
    before = span.doc[span.start - 1] if span.start > 0 else None
    initials = before is not None and before.ent_iob_ == "O" and not before.is_stop
    if (
        initials
        and re.fullmatch(r"[A-Z]{1,2}\.?", before.text)
        and (before.i == 0 or not before.nbor(-1).text[:1].isupper())
    ):
        span = span.doc[span.start - 1 : span.end]  # "G Gregan", "JP Morgan"
    return span


def _word_before(span: Span) -> str:
    return span.doc[span.start - 1].lower_ if span.start > 0 else ""


def _span_read(span: Span, *, lowered_words: set[str], nationalities: set[str]) -> _Reading | None:
    """The reading of one span, or None when it names no person, organisation or place."""
    entity_type = LABEL_TYPES.get(span.label_)
    if entity_type is None or _is_sentence_initial_word(span, lowered_words):
        return None
    span = _span_trim(span)
    first = span[0].lower_.rstrip(".")
    before = _word_before(span)
    honorific = first in HONORIFICS or before.rstrip(".") in TITLE_WORDS
    decided = True
    if honorific or re.fullmatch(r"[A-Z]\.? \S+", span.text):
        entity_type = "person"
    elif len(span) <= 3 and (before in ORGANIZATION_CLASSIFIERS or before.endswith("maker")):
        entity_type = "organization"
    elif len(span) <= 3 and before in PERSON_CLASSIFIERS:
        entity_type = "person"
    elif (
        entity_type == "person"
        and first == "the"
        and span[-1].lower_.endswith("s")
        and span[-1].lower_ not in TITLES
    ):
        entity_type = "organization"  # "the Beatles": a group, not a person
    else:
        decided = False
    name = name_clean(span.text, entity_type=entity_type)
    if not name_acceptable(name) or not _names_an_entity(name, entity_type, nationalities):
        return None
    form = ""
    if entity_type == "person" and len(name.split()) == 1:
        doc = span.doc
        listed = (
            0 < span.start
            and span.end < len(doc)
            and doc[span.start - 1].text in LIST_PUNCTUATION
            and doc[span.end].text in LIST_PUNCTUATION
        )
        form = "listed" if listed else "honorific" if honorific or len(span.text.split()) > 1 else "bare"
    return _Reading(span, name, entity_type, decided, form)


def _names_an_entity(name: str, entity_type: str, nationalities: set[str]) -> bool:
    """Events, lone generic words, nationalities, technologies, shouted words and lists are no one's name."""
    tokens = name.lower().split()
    if (
        tokens[-1] in EVENT_WORDS
        or name.lower() in DEMONYMS | TECHNOLOGIES
        or (len(tokens) == 1 and tokens[0] in GENERIC_WORDS | GENERATIONAL)
    ):
        return False
    if entity_type == "person":
        shouted = len(tokens) == 1 and name.isupper() and len(name) > 2
        return not (name in nationalities or "&" in name or "," in name or shouted)
    return True


def _ents_joined(doc: Doc) -> list[Span]:
    """The model's spans, with a one-word place written right before an organisation's name made part of
    it ("UK" + "Independence Party")."""
    joined: list[Span] = []
    for span in doc.ents:
        previous = joined[-1] if joined else None
        if (
            span.label_ == "ORG"
            and previous is not None
            and previous.label_ == "GPE"
            and len(previous) == 1
            and previous.end == span.start
            and not span[0].is_lower
        ):
            joined[-1] = type(span)(doc, previous.start, span.end, label="ORG")
        else:
            joined.append(span)
    return joined


def entity_spans(doc: Doc) -> list[EntitySpan]:
    """Every span of `doc` that names an entity, with the canonical name and type it counts for."""
    lowered_words = {token.text for token in doc if token.is_lower}
    nationalities = {" ".join(span.text.split()) for span in doc.ents if span.label_ == "NORP"}
    read = (
        _span_read(span, lowered_words=lowered_words, nationalities=nationalities)
        for span in _ents_joined(doc)
    )
    readings = [reading for reading in read if reading is not None]
    # One type per name in an article: what a word around it decided, else the label spaCy gave it most often.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    decided: dict[str, Counter[str]] = defaultdict(Counter)
    for reading in readings:
        (decided if reading.decided else votes)[reading.name][reading.type] += 1
    types = {
        name: type_correct(name, (decided[name] or votes[name]).most_common(1)[0][0])
        for name in {r.name for r in readings}
    }
    people = [
        name for name, entity_type in types.items() if entity_type == "person" and len(name.split()) > 1
    ]
    canonical: dict[str, tuple[str, str]] = {}
    for name, entity_type in types.items():
        target = _short_form_target(name, people) if len(name.split()) <= 2 else None
        if target and entity_type == "place" and target.split()[: len(name.split())] != name.split():
            target = (
                None  # a place is a person's given name at most ("Gavin"), never "England" of "Tudor England"
            )
        canonical[name] = (target, "person") if target else (name, entity_type)
    forms: dict[str, set[str]] = defaultdict(set)
    for reading in readings:
        forms[reading.name].add(reading.form)
    return [
        EntitySpan(
            r.span.start_char,
            r.span.end_char,
            r.name,
            *canonical[r.name],
            form=_form(canonical[r.name], r.name, forms),
        )
        for r in readings
    ]


def _form(target: tuple[str, str], name: str, forms: dict[str, set[str]]) -> str:
    """How an unresolved one-word person name was written in the article, the most telling way first."""
    if target[0] != name or target[1] != "person" or len(name.split()) > 1:
        return ""
    return next((form for form in ("bare", "listed", "honorific") if form in forms[name]), "bare")


def entities_from_doc(doc: Doc) -> list[FoundEntity]:
    """Canonical entities of one article with their mention counts."""
    return entities_from_spans(entity_spans(doc))


def entities_from_spans(spans: list[EntitySpan]) -> list[FoundEntity]:
    """One entry per canonical entity of an article's spans, with the other forms it was written as."""
    counts: Counter[tuple[str, str]] = Counter((span.name, span.type) for span in spans)
    forms: dict[tuple[str, str], set[str]] = defaultdict(set)
    written: dict[tuple[str, str], str] = {}
    for span in spans:
        if span.surface != span.name:
            forms[(span.name, span.type)].add(span.surface)
        written[(span.name, span.type)] = span.form
    return [
        FoundEntity(
            name=name,
            type=entity_type,
            count=count,
            surfaces=tuple(sorted(forms[(name, entity_type)])),
            form=written[(name, entity_type)],
        )
        for (name, entity_type), count in counts.most_common()
    ]


def type_correct(name: str, entity_type: str) -> str:
    """A name ending in an organisation word ("Manchester United", "Home Office") names an organisation."""
    if entity_type == "person" and name.split()[-1].lower() in ORGANIZATION_WORDS and len(name.split()) > 1:
        return "organization"
    return entity_type


def entities_stream(
    items: Iterable[tuple[str, T]],
    *,
    nlp: Language | None,
    gazetteer: dict[str, tuple[str, str]] | None = None,
    n_process: int = 1,
    batch_size: int = 32,
) -> Iterator[tuple[list[FoundEntity], T]]:
    """Entities for a stream of (text, context) pairs, in order, through one `nlp.pipe`.

    With `n_process` > 1 spaCy runs the model and the canonicalisation in worker processes while the
    caller writes results; the contexts stay in this process. Without a model (ARCHIVE_SPACY_MODEL
    empty) the archive's known names and aliases (`gazetteer`: surface form -> (name, type)) are matched
    in the text instead, for very small installs.
    """
    if nlp is None:
        for text, context in items:
            yield entities_match(text, gazetteer or {}), context
        return
    for doc, context in nlp.pipe(items, as_tuples=True, batch_size=batch_size, n_process=n_process):
        rows = doc.user_data[COMPONENT]
        yield (
            [
                FoundEntity(name, kind, count, tuple(surfaces), form)
                for name, kind, count, surfaces, form in rows
            ],
            context,
        )


def entities_extract(
    texts: list[str],
    *,
    nlp: Language | None,
    gazetteer: dict[str, tuple[str, str]] | None = None,
    n_process: int = 1,
) -> list[list[FoundEntity]]:
    """Entities for each of `texts`."""
    return [
        found
        for found, _ in entities_stream(
            ((text, None) for text in texts), nlp=nlp, gazetteer=gazetteer, n_process=n_process
        )
    ]


def entities_match(text: str, gazetteer: dict[str, tuple[str, str]]) -> list[FoundEntity]:
    """Known names found in `text` as whole words, longest first, each span counted once."""
    if not gazetteer:
        return []
    pattern = _gazetteer_pattern(tuple(sorted(gazetteer, key=len, reverse=True)))
    counts: Counter[tuple[str, str]] = Counter(gazetteer[match.group(0)] for match in pattern.finditer(text))
    return [
        FoundEntity(name=name, type=entity_type, count=count)
        for (name, entity_type), count in counts.most_common()
    ]


@lru_cache(maxsize=8)
def _gazetteer_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)")
