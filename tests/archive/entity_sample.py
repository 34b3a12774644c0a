"""The hand-labelled entity sample: drawing it from an archive and scoring what the rules make of it.

The model's output for every article is cached once (a spaCy DocBin), so a change of rules is measured by
re-running only the rules and the resolver over the cached docs, in import order, into the archive's own
database (its mentions, entities and learned aliases are rebuilt; built-in and editors' aliases stay).
That run also traces every mention from its place in the text to the entity it lands on, which is what
both the draw (contexts to label) and the score (what a labelled mention becomes now) follow.

`scripts/entity_sample.py` is the command line; the functions take the current Django database, so a
test tier that imported a realistic archive can call `docs_cache_build`, `rules_apply` and
`sample_score` on its own.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction

from archive.ingestion.entities import NER_COMPONENTS, entities_from_spans, entity_spans
from archive.ingestion.resolver import EntityResolver
from archive.models import Article, Entity, EntityAlias, Mention, alias_key

STRATA = ((1, 1), (2, 3), (4, 9), (10, 49), (50, None))
SAMPLE_SIZES = (80, 70, 60, 60, 40)
CONTEXT_CHARS = 160


@dataclass(frozen=True)
class TracedSpan:
    """A mention in an article's body and the entity it became (entity_id None: dropped by the resolver)."""

    start: int
    end: int
    surface: str
    entity_id: int | None
    name: str
    type: str
    via: str


Trace = dict[str, list[TracedSpan]]


def _bodies_digest(sources_bodies: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for source, body in sources_bodies:
        digest.update(source.encode() + b"\0" + body.encode() + b"\0")
    return digest.hexdigest()


def _archive_bodies() -> list[tuple[str, str]]:
    return list(Article.objects.order_by("pk").values_list("source", "body"))


def docs_cache_build(path: Path, *, model_name: str, n_process: int = 2) -> int:
    """Run the model (only tok2vec and ner, as the importer does) over every article body, in import order,
    and keep the docs; returns the number of docs."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.load(model_name)
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in NER_COMPONENTS])
    articles = _archive_bodies()
    docs = DocBin(store_user_data=False)
    for doc in nlp.pipe((body for _, body in articles), batch_size=32, n_process=n_process):
        docs.add(doc)
    path.mkdir(parents=True, exist_ok=True)
    docs.to_disk(path / "docs.spacy")
    meta = {
        "model": model_name,
        "sources": [source for source, _ in articles],
        "digest": _bodies_digest(articles),
    }
    (path / "meta.json").write_text(json.dumps(meta))
    return len(articles)


def docs_cache_load(path: Path) -> list[tuple[str, object]]:
    """The cached (source, doc) pairs; refuses a cache built from other article bodies."""
    import spacy
    from spacy.tokens import DocBin

    meta = json.loads((path / "meta.json").read_text())
    if meta["digest"] != _bodies_digest(_archive_bodies()):
        raise SystemExit(
            f"{path}: the cached docs were built from other article bodies; rebuild it with `cache`"
        )
    docs = DocBin().from_disk(path / "docs.spacy").get_docs(spacy.blank("en").vocab)
    return list(zip(meta["sources"], docs, strict=True))


def _entities_reset() -> None:
    """Forget what earlier rules decided: mentions, learned aliases and entities no other alias names."""
    Mention.objects.all().delete()
    EntityAlias.objects.filter(origin=EntityAlias.Origin.LEARNED).delete()
    Entity.objects.filter(aliases__isnull=True).delete()


def rules_apply(docs: list[tuple[str, object]], *, runs: tuple[int, ...] = ()) -> Trace:
    """The current rules and resolver over the cached docs, in import order, writing the archive's mentions.

    `runs` are the sizes of the import runs the archive was built with, in order (each import has its own
    resolver, and so its own memory of forms found ambiguous); the rest of the docs are one more run.
    """
    articles = dict(Article.objects.values_list("source", "pk"))
    starts = {sum(runs[:i]) for i in range(len(runs) + 1)}
    trace: Trace = {}
    with transaction.atomic():
        _entities_reset()
        for position, (source, doc) in enumerate(docs):
            if position in starts:
                resolver = EntityResolver()
            spans = entity_spans(doc)
            decided = {
                (r.item.name, r.item.type): r for r in resolver.resolutions(entities_from_spans(spans))
            }
            counts: Counter[int] = Counter()
            traced = []
            for span in spans:
                resolution = decided[(span.name, span.type)]
                entity = resolution.entity
                traced.append(
                    TracedSpan(
                        span.start,
                        span.end,
                        span.surface,
                        entity and entity.pk,
                        entity.name if entity else "",
                        entity.type if entity else "",
                        resolution.via,
                    )
                )
                if entity is not None:
                    counts[entity.pk] += 1
            Mention.objects.bulk_create(
                Mention(article_id=articles[source], entity_id=pk, count=n) for pk, n in counts.items()
            )
            trace[source] = traced
    return trace


def trace_save(trace: Trace, path: Path) -> None:
    path.write_text(json.dumps({source: [asdict(span) for span in spans] for source, spans in trace.items()}))


def trace_load(path: Path) -> Trace:
    return {
        source: [TracedSpan(**span) for span in spans]
        for source, spans in json.loads(path.read_text()).items()
    }


@dataclass
class EntityFacts:
    entity: Entity
    articles: list[str]  # sources, in import order
    forms: Counter[str]  # surface form -> articles it was written in for this entity


def entity_facts(trace: Trace) -> dict[int, EntityFacts]:
    """Every entity with a mention: its articles and the forms that led to it, from the trace."""
    entities = Entity.objects.in_bulk()
    facts: dict[int, EntityFacts] = {}
    for source, spans in trace.items():
        seen: dict[int, set[str]] = defaultdict(set)
        for span in spans:
            if span.entity_id is not None:
                seen[span.entity_id].add(span.surface)
        for pk, forms in seen.items():
            item = facts.setdefault(pk, EntityFacts(entities[pk], [], Counter()))
            item.articles.append(source)
            item.forms.update(forms)
    return facts


def _stratum(articles: int) -> int:
    return next(
        i for i, (low, high) in enumerate(STRATA) if articles >= low and (high is None or articles <= high)
    )


def _context(body: str, start: int, end: int) -> str:
    left = body[max(0, start - CONTEXT_CHARS) : start]
    right = body[end : end + CONTEXT_CHARS]
    return " ".join(f"{left}[[{body[start:end]}]]{right}".split())


def _mentions_chosen(
    facts: EntityFacts, trace: Trace, bodies: dict[str, str], rng: random.Random, *, limit: int
) -> list[dict]:
    """Up to `limit` articles of the entity, at random, preferring ones that show a form not yet shown (a
    wrong merge shows in its forms), each with one of its mentions there."""
    order = list(facts.articles)
    rng.shuffle(order)
    spans = {
        source: [span for span in trace[source] if span.entity_id == facts.entity.pk] for source in order
    }
    chosen: dict[str, TracedSpan] = {}
    shown: set[str] = set()
    for source in order:
        fresh = [span for span in spans[source] if span.surface not in shown]
        if fresh and len(chosen) < limit:
            chosen[source] = fresh[0]
            shown.update(span.surface for span in spans[source])
    for source in order:
        if len(chosen) < limit and source not in chosen:
            chosen[source] = spans[source][0]
    return [
        {
            "source": source,
            "start": span.start,
            "end": span.end,
            "surface": span.surface,
            "context": _context(bodies[source], span.start, span.end),
        }
        for source, span in chosen.items()
    ]


def _entity_record(
    facts: EntityFacts, trace: Trace, bodies: dict[str, str], rng: random.Random, *, limit: int
) -> dict:
    entity = facts.entity
    return {
        "name": entity.name,
        "type": entity.type,
        "articles": len(facts.articles),
        "aliases": sorted(f"{alias.name} ({alias.origin})" for alias in entity.aliases.all()),
        "forms": dict(facts.forms.most_common()),
        "mentions": _mentions_chosen(facts, trace, bodies, rng, limit=limit),
    }


def sample_draw(trace: Trace, *, seed: int, sizes: tuple[int, ...] = SAMPLE_SIZES, top: int = 100) -> dict:
    """A fixed-seed random sample of entities in strata of article count, and the `top` entities in full."""
    facts = entity_facts(trace)
    bodies = dict(Article.objects.values_list("source", "body"))
    rng = random.Random(seed)
    population: dict[int, list[EntityFacts]] = defaultdict(list)
    for item in sorted(facts.values(), key=lambda f: (f.entity.name, f.entity.type)):
        population[_stratum(len(item.articles))].append(item)
    sample = []
    for stratum, size in enumerate(sizes):
        for item in rng.sample(population[stratum], min(size, len(population[stratum]))):
            record = _entity_record(item, trace, bodies, rng, limit=3)
            sample.append({"id": f"s{len(sample) + 1:03}", "stratum": _stratum_label(stratum), **record})
    ranked = sorted(facts.values(), key=lambda f: (-len(f.articles), f.entity.name, f.entity.type))[:top]
    return {
        "seed": seed,
        "strata": {_stratum_label(i): len(population[i]) for i in range(len(STRATA))},
        "sample": sample,
        "top": [
            {"rank": i + 1, **_entity_record(item, trace, bodies, rng, limit=4)}
            for i, item in enumerate(ranked)
        ],
    }


def _stratum_label(stratum: int) -> str:
    low, high = STRATA[stratum]
    return str(low) if low == high else f"{low}+" if high is None else f"{low}-{high}"


def _outcome(spans: list[TracedSpan], start: int, end: int) -> TracedSpan | None:
    """The traced span that covers most of [start, end): what the rules now make of a labelled mention."""
    overlaps = [(min(end, span.end) - max(start, span.start), span) for span in spans]
    best = max(overlaps, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] > 0 else None


def _matches(span: TracedSpan | None, gold: dict | None) -> bool:
    """Whether a mention's outcome is its labelled reading: the right name and type, or dropped when the
    mention names no entity."""
    if gold is None or span is None or span.entity_id is None:
        return gold is None and (span is None or span.entity_id is None)
    return span.type in gold["types"] and alias_key(span.name) in {alias_key(name) for name in gold["names"]}


def _label_correct(label: dict, name: str, entity_type: str) -> bool:
    """Whether the labelled entity is right as named and typed: an entity, its name and type, no wrong
    merge."""
    names = {alias_key(n) for n in label["names"]}
    return (
        label["entity"] and not label["merge"] and entity_type in label["types"] and alias_key(name) in names
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def sample_unanchored(sample: dict) -> list[str]:
    """The sampled mentions whose place in the article's body no longer spells what was drawn (the cleaning
    changed the body since the draw): their scores would follow the wrong words."""
    bodies = dict(
        Article.objects.filter(
            source__in={m["source"] for i in sample["sample"] for m in i["mentions"]}
        ).values_list("source", "body")
    )
    return [
        f"{item['id']} {m['source']}: {m['surface']!r}"
        for item in sample["sample"]
        for m in item["mentions"]
        if m["surface"] not in " ".join(bodies.get(m["source"], "")[m["start"] : m["end"] + 2].split())
    ]


def sample_score(sample: dict, labels: dict, trace: Trace) -> dict:
    """What the traced rules make of every labelled mention of the sample, and the figures over it.

    An item counts in the facet when at least one of its mentions still lands on an entity; it is right
    when every mention that lands does so on its labelled entity (name and type) and no mention of another
    labelled referent lands on the same entity (a wrong merge). Items labelled right as drawn are "kept"
    when at least one mention still lands right and none lands wrong.
    """
    outcomes: dict[str, list[TracedSpan | None]] = {}
    referents: dict[int, set[str]] = defaultdict(set)
    for item in sample["sample"]:
        label = labels["sample"][item["id"]]
        outcomes[item["id"]] = spans = [
            _outcome(trace.get(m["source"], []), m["start"], m["end"]) for m in item["mentions"]
        ]
        for span, gold in zip(spans, label["mentions"], strict=True):
            if span is not None and span.entity_id is not None:
                referents[span.entity_id].add(alias_key(gold["names"][0]) if gold else "")
    merged = {pk for pk, seen in referents.items() if len(seen) > 1}
    rows = []
    for item in sample["sample"]:
        label = labels["sample"][item["id"]]
        landed = [
            (span, gold)
            for span, gold in zip(outcomes[item["id"]], label["mentions"], strict=True)
            if span is not None and span.entity_id is not None
        ]
        right = [span.entity_id not in merged and _matches(span, gold) for span, gold in landed]
        rows.append(
            {
                "id": item["id"],
                "stratum": item["stratum"],
                "drawn": f"{item['name']} ({item['type']})",
                "drawn_right": _label_correct(label, item["name"], item["type"]),
                "in_facet": bool(landed),
                "right": bool(landed) and all(right),
                "now": sorted(
                    {
                        f"{span.name} ({span.type})" + (" [merged]" if span.entity_id in merged else "")
                        for span, _ in landed
                    }
                ),
                "learned_wrong": [
                    f"{span.surface} -> {span.name}"
                    for (span, gold), ok in zip(landed, right)
                    if span.via == "learned" and not ok
                ],
                "learned": sum(span.via == "learned" for span, _ in landed),
            }
        )
    in_facet = [row for row in rows if row["in_facet"]]
    drawn_right = [row for row in rows if row["drawn_right"]]
    strata = sample.get("strata", {})
    by_stratum = {
        stratum: _ratio(
            sum(r["right"] for r in in_facet if r["stratum"] == stratum),
            sum(r["stratum"] == stratum for r in in_facet),
        )
        for stratum in strata
    }
    weighted = (
        sum(strata[s] * p for s, p in by_stratum.items() if p is not None)
        / sum(strata[s] for s, p in by_stratum.items() if p is not None)
        if strata
        else None
    )
    mentions_total = sum(len(label["mentions"]) for label in labels["sample"].values())
    mentions_right = sum(
        _matches(span, gold) and (span is None or span.entity_id not in merged)
        for item in sample["sample"]
        for span, gold in zip(outcomes[item["id"]], labels["sample"][item["id"]]["mentions"], strict=True)
    )
    return {
        "items": len(rows),
        "in_facet": len(in_facet),
        "precision": _ratio(sum(r["right"] for r in in_facet), len(in_facet)),
        "precision_by_stratum": by_stratum,
        "precision_weighted_by_population": round(weighted, 3) if weighted is not None else None,
        "mentions_right": _ratio(mentions_right, mentions_total),
        "drawn_right": len(drawn_right),
        "kept": _ratio(sum(r["right"] for r in drawn_right), len(drawn_right)),
        "learned_mentions": sum(r["learned"] for r in rows),
        "learned_wrong": [f"{r['id']}: {w}" for r in rows for w in r["learned_wrong"]],
        "wrong": [r for r in in_facet if not r["right"]],
        "lost": [r for r in drawn_right if not r["right"]],
    }


def top_score(trace: Trace, top_labels: dict, *, top: int = 100, stray_share: float = 0.05) -> dict:
    """The `top` entities by article count under the traced rules, judged by the labels of the top entities.

    Labels are keyed "name (type)". An entity is right when its label says so and the articles labelled as
    naming something else are at most `stray_share` of its articles; articles it gained since its label was
    made are listed as unreviewed, and an entity without a label is listed, so that no judgement is guessed.
    """
    ranked = sorted(
        entity_facts(trace).values(), key=lambda f: (-len(f.articles), f.entity.name, f.entity.type)
    )[:top]
    rows = []
    for rank, facts in enumerate(ranked, 1):
        key = f"{facts.entity.name} ({facts.entity.type})"
        label = top_labels.get(key)
        if label is None:
            rows.append(
                {"rank": rank, "entity": key, "articles": len(facts.articles), "verdict": "unlabelled"}
            )
            continue
        articles = set(facts.articles)
        strays = len(articles & set(label.get("wrong", [])))
        unreviewed = sorted(articles - set(label["reviewed"])) if "reviewed" in label else []
        right = (
            _label_correct({**label, "merge": False}, facts.entity.name, facts.entity.type)
            and (not label["merge"] or bool(label.get("wrong")))
            and strays <= stray_share * len(articles)
        )
        rows.append(
            {
                "rank": rank,
                "entity": key,
                "articles": len(articles),
                "strays": strays,
                "unreviewed": unreviewed,
                "verdict": "right" if right else "wrong",
            }
        )
    judged = [row for row in rows if row["verdict"] != "unlabelled"]
    return {
        "precision": _ratio(sum(row["verdict"] == "right" for row in judged), len(judged)),
        "judged": len(judged),
        "unlabelled": [row["entity"] for row in rows if row["verdict"] == "unlabelled"],
        "unreviewed": {row["entity"]: row["unreviewed"] for row in judged if row.get("unreviewed")},
        "rows": rows,
    }


def report_text(report: dict) -> str:
    """The figures of `sample_score` (and `top_score` under "top") as a reader wants them first."""
    lines = []
    sample = report.get("sample")
    if sample:
        lines += [
            f"sample: {sample['items']} entities, {sample['in_facet']} still in the facet",
            f"  precision {sample['precision']} (by stratum {sample['precision_by_stratum']}, "
            f"weighted by stratum size {sample['precision_weighted_by_population']}); mentions right "
            f"{sample['mentions_right']}",
            f"  kept {sample['kept']} of the {sample['drawn_right']} entities that were right as drawn",
            f"  learned aliases: {sample['learned_mentions']} mentions, wrong: "
            f"{sample['learned_wrong'] or 'none'}",
        ]
        lines += [
            f"  wrong  {row['id']} {row['drawn']} -> {', '.join(row['now'])}" for row in sample["wrong"]
        ]
        lines += [
            f"  lost   {row['id']} {row['drawn']} -> {', '.join(row['now']) or 'dropped'}"
            for row in sample["lost"]
        ]
    top = report.get("top")
    if top:
        lines.append(
            f"top {top['judged']} judged: precision {top['precision']}; unlabelled: "
            f"{top['unlabelled'] or 'none'}"
        )
        lines += [
            f"  wrong  #{row['rank']} {row['entity']} ({row['articles']} articles, {row['strays']} strays)"
            for row in top["rows"]
            if row["verdict"] == "wrong"
        ]
        lines += [
            f"  unreviewed {entity}: {len(sources)} articles" for entity, sources in top["unreviewed"].items()
        ]
    return "\n".join(lines)
