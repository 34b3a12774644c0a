"""Named entities from the clean body: people, organisations and places, one entry per real entity.

spaCy finds the spans; the rules here decide what a span names. Within an article a short form is the
fullest name that contains it ("Putin" -> "Vladimir Putin", "President Xi" -> "Xi Jinping"); titles,
a leading "the" and possessives are not part of a name; pronouns, dates, numbers, single letters,
sentence-initial common words and navigation fragments are never entities.
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
    from spacy.tokens import Doc

T = TypeVar("T")
LABEL_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
NER_COMPONENTS = {"tok2vec", "ner"}
TITLES = {
    "president", "vice", "prime", "minister", "pm", "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame",
    "lord", "lady", "senator", "sen", "rep", "representative", "gov", "governor", "general", "gen", "chancellor",
    "secretary", "judge", "justice", "chairman", "chairwoman", "chief", "leader", "ambassador", "premier", "colonel",
    "col", "captain", "capt", "lt", "sgt", "king", "queen", "prince", "princess", "pope", "rev", "reverend", "mayor",
    "commissioner", "director", "spokesman", "spokeswoman", "foreign", "defence", "defense", "home", "finance", "state",
    "former", "chinese", "russian", "ukrainian", "us", "u.s.", "british", "french", "german", "american",
}
NEVER = {
    "i", "me", "he", "she", "it", "we", "they", "him", "her", "us", "them", "his", "hers", "its", "our", "their", "you",
    "your", "who", "this", "that", "these", "those", "mr", "mrs", "ms", "dr",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
    "tomorrow", "contact us", "about us", "home", "menu", "search", "share", "subscribe", "login", "sign in",
}
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


ORGANIZATION_WORDS = {
    "united", "city", "fc", "rovers", "athletic", "wanderers", "party", "council", "ministry", "bank", "group", "inc",
    "ltd", "corp", "corporation", "plc", "association", "union", "federation", "agency", "commission", "office",
    "department", "university", "college", "committee", "club", "institute", "foundation", "company", "airlines",
    "airways", "parliament", "assembly", "court", "police", "army", "navy", "news", "times", "post", "network",
}
ZONES_AND_NOISE = {"gmt", "bst", "utc", "est", "pst", "cet", "am", "pm", "tv", "ceo", "cctv footage"}


@dataclass(frozen=True)
class FoundEntity:
    """An entity of one article: its fullest name, type, mention count, and the other forms it was
    written as in that article ("Putin", "President Xi"), from which aliases are learned."""

    name: str
    type: str
    count: int
    surfaces: tuple[str, ...] = ()


COMPONENT = "archive_entities"


def _entities_component(doc: Doc) -> Doc:
    """Canonical entities computed inside the pipeline, so worker processes do this work too; stored as
    plain tuples because docs travel between processes as msgpack."""
    doc.user_data[COMPONENT] = [(e.name, e.type, e.count, list(e.surfaces)) for e in entities_from_doc(doc)]
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
    name = " ".join(text.split()).strip(" ,;:!?\"“”‘’()[]-–—")
    if not re.search(r"(?:^|[\s.])[A-Z]\.$", name):  # keep the last dot of "U.S."
        name = name.rstrip(".")
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    name = POSSESSIVE.sub("", name).strip()
    if entity_type == "person":
        tokens = name.split()
        while len(tokens) > 1 and tokens[0].lower().rstrip(".") in TITLES:
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
    if len(tokens) > 1 and all(token.isupper() and len(token) > 1 for token in tokens):  # "ABOUT US", shouted labels
        return False
    return True


def _is_sentence_initial_word(span, lowered_words: set[str]) -> bool:
    """A lone capitalised word at a sentence start that the text also uses in lower case ("Exit")."""
    if len(span) != 1:
        return False
    token = span[0]
    at_start = token.i == 0 or token.nbor(-1).text in {".", "!", "?", "\n", "\n\n", "“", '"'} or "\n" in token.nbor(-1).text
    return at_start and (token.is_stop or token.lower_ in lowered_words)


def _short_form_target(short: str, candidates: Iterable[str]) -> str | None:
    """The longer name whose tokens contain `short`'s tokens in a row; None if none or ambiguous."""
    short_tokens = short.split()
    matches = []
    for long in candidates:
        long_tokens = long.split()
        if len(long_tokens) <= len(short_tokens):
            continue
        width = len(short_tokens)
        if any(long_tokens[i : i + width] == short_tokens for i in range(len(long_tokens) - width + 1)):
            matches.append(long)
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


def entity_spans(doc: Doc) -> list[EntitySpan]:
    """Every span of `doc` that names an entity, with the canonical name and type it counts for."""
    lowered_words = {token.text for token in doc if token.is_lower}
    kept: list[tuple[object, str, str]] = []
    for span in doc.ents:
        entity_type = LABEL_TYPES.get(span.label_)
        if entity_type is None or _is_sentence_initial_word(span, lowered_words):
            continue
        name = name_clean(span.text, entity_type=entity_type)
        if name_acceptable(name):
            kept.append((span, name, entity_type))
    # One type per name in an article: the label spaCy gave it most often.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for _, name, entity_type in kept:
        votes[name][entity_type] += 1
    types = {name: type_correct(name, counter.most_common(1)[0][0]) for name, counter in votes.items()}
    people = [name for name, entity_type in types.items() if entity_type == "person"]
    canonical: dict[str, tuple[str, str]] = {}
    for name, entity_type in types.items():
        target = _short_form_target(name, people) if len(name.split()) <= 2 else None
        canonical[name] = (target, "person") if target else (name, entity_type)
    return [EntitySpan(span.start_char, span.end_char, name, *canonical[name]) for span, name, _ in kept]


def entities_from_doc(doc: Doc) -> list[FoundEntity]:
    """Canonical entities of one article with their mention counts."""
    return entities_from_spans(entity_spans(doc))


def entities_from_spans(spans: list[EntitySpan]) -> list[FoundEntity]:
    """One entry per canonical entity of an article's spans, with the other forms it was written as."""
    counts: Counter[tuple[str, str]] = Counter((span.name, span.type) for span in spans)
    forms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for span in spans:
        if span.surface != span.name:
            forms[(span.name, span.type)].add(span.surface)
    return [
        FoundEntity(name=name, type=entity_type, count=count, surfaces=tuple(sorted(forms[(name, entity_type)])))
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
        yield [FoundEntity(name, kind, count, tuple(surfaces)) for name, kind, count, surfaces in doc.user_data[COMPONENT]], context


def entities_extract(texts: list[str], *, nlp: Language | None, gazetteer: dict[str, tuple[str, str]] | None = None, n_process: int = 1) -> list[list[FoundEntity]]:
    """Entities for each of `texts`."""
    return [found for found, _ in entities_stream(((text, None) for text in texts), nlp=nlp, gazetteer=gazetteer, n_process=n_process)]


def entities_match(text: str, gazetteer: dict[str, tuple[str, str]]) -> list[FoundEntity]:
    """Known names found in `text` as whole words, longest first, each span counted once."""
    if not gazetteer:
        return []
    pattern = _gazetteer_pattern(tuple(sorted(gazetteer, key=len, reverse=True)))
    counts: Counter[tuple[str, str]] = Counter(gazetteer[match.group(0)] for match in pattern.finditer(text))
    return [FoundEntity(name=name, type=entity_type, count=count) for (name, entity_type), count in counts.most_common()]


@lru_cache(maxsize=8)
def _gazetteer_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)")
