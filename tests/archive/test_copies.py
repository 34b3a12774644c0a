from __future__ import annotations

import itertools
import random

import pytest

from archive.linking.copies import CopyFinder, body_shingles, containment, copies_link
from archive.models import Article, CopyGroup
from tests.conftest import DATA, SEEDS_TRUTH
from tests.factories import ArticleFactory

from .reprints import reprint

BBC = DATA / "bbc"
# BBC pages that are versions of one text (an updated story under a new headline), read side by side:
# true near-copies beside the 34 identical-body pairs. Follow-ups that only reuse background paragraphs
# (e.g. goldsmith-denies-war-advice-claim / goldsmith-i-was-not-leant-on, 0.70) are not.
BBC_VERSIONS = [
    ("politics/stalemate-in-pension-strike-talks.txt", "politics/talks-aim-to-avert-pension-strike.txt"),
    ("business/mixed-reaction-to-man-utd-offer.txt", "business/shares-rise-on-new-man-utd-offer.txt"),
    ("sport/roddick-into-san-jose-final.txt", "sport/roddick-to-face-saulnier-in-final.txt"),
    ("sport/dogged-federer-claims-dubai-crown.txt", "sport/federer-claims-dubai-crown.txt"),
    ("tech/domain-system-opens-door-to-scams.txt", "tech/domain-system-scam-fear.txt"),
    ("politics/child-access-law-shake-up-planned.txt", "politics/child-access-laws-shake-up.txt"),
    ("sport/hewitt-falls-to-dent-in-adelaide.txt", "sport/hewitt-falls-to-dent.txt"),
]


def test_containment_decides_where_jaccard_cannot():
    long = " ".join(f"word{i}" for i in range(400))
    short = " ".join(f"word{i}" for i in range(100, 220))
    first, second = body_shingles(long), body_shingles(short)
    assert containment(first, second) == 1.0
    assert len(first & second) / len(first | second) < 0.35


def test_seeds_002_and_004_are_copies_of_each_other_and_nothing_else(seeds):
    ((first, second),) = SEEDS_TRUTH["near_duplicates"]
    group = seeds[first].copy_group
    assert group is not None and seeds[second].copy_group == group
    assert set(group.articles.values_list("source", flat=True)) == {first, second}
    assert Article.objects.exclude(copy_group=None).count() == 2
    assert group.earliest.source == second  # 004 is dated 30 December 2022; 002 has no date
    assert 0.8 < seeds[first].copy_similarity <= 1.0


def _bbc_bodies() -> dict[str, str]:
    bodies = {}
    for path in sorted(BBC.glob("*/*.txt")):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        bodies[str(path.relative_to(BBC))] = body.strip()
    return bodies


def _pairs(groups: dict[str, int | None]) -> set[frozenset[str]]:
    members: dict[int, list[str]] = {}
    for source, group in groups.items():
        if group is not None:
            members.setdefault(group, []).append(source)
    return {frozenset(pair) for sources in members.values() for pair in itertools.combinations(sources, 2)}


def _truth(bodies: dict[str, str], copies: dict[str, str]) -> set[frozenset[str]]:
    """Pairs within the true groups: identical bodies, hand-checked versions, and each reprint with its
    original (and so with the original's identical twin)."""
    parent = {source: source for source in bodies}

    def root(source: str) -> str:
        while parent[source] != source:
            source = parent[source]
        return source

    def join(a: str, b: str) -> None:
        parent[root(a)] = root(b)

    by_body: dict[str, str] = {}
    for source, body in bodies.items():
        if body in by_body:
            join(source, by_body[body])
        by_body.setdefault(body, source)
    for a, b in [*BBC_VERSIONS, *copies.items()]:
        join(a, b)
    return _pairs({source: hash(root(source)) for source in bodies})


@pytest.mark.django_db
def test_bbc_with_injected_reprints_precision_and_recall():
    """All 2,095 BBC articles (same-topic articles galore, 34 identical-body pairs) plus reprints of 200
    of them: near-duplicate pairs found with precision and recall of at least 0.95."""
    rng = random.Random(20221230)
    bodies = _bbc_bodies()
    originals = rng.sample(sorted(s for s, b in bodies.items() if b.count("\n\n") >= 2), 200)
    copies = {f"reprint/{source}": source for source in originals}
    for copy, source in copies.items():
        bodies[copy] = reprint(bodies[source], rng)
    order = list(bodies)
    rng.shuffle(order)
    finder = CopyFinder()
    for source in order:
        article = ArticleFactory(source=source, body=bodies[source], outlet=None)
        copies_link(article, finder=finder)
    found = _pairs(dict(Article.objects.values_list("source", "copy_group_id")))
    truth = _truth(bodies, copies)
    hits = len(found & truth)
    precision, recall = hits / len(found), hits / len(truth)
    print(
        f"near-duplicates on BBC + 200 reprints: precision {precision:.3f}, recall {recall:.3f} "
        f"({len(found)} found, {len(truth)} true)"
    )
    assert precision >= 0.95
    assert recall >= 0.95
    for group in CopyGroup.objects.all():  # the earliest copy is a member
        assert group.earliest.copy_group_id == group.pk


@pytest.mark.django_db
def test_adding_an_article_is_a_lookup_not_a_comparison_with_every_article(
    django_assert_max_num_queries, search_engine
):
    """The LSH is read from the database once per run; then each article costs a fixed number of queries
    (and the PostgreSQL engine's fixed 8 for writing its document in the same transaction)."""
    finder = CopyFinder()
    for index in range(30):
        copies_link(ArticleFactory(body=f"unrelated text number {index} " * 20), finder=finder)
    article = ArticleFactory(body="another unrelated body of text " * 20)  # its save (and index) not counted
    with django_assert_max_num_queries(8 if search_engine == "whoosh" else 16):
        copies_link(article, finder=finder)


@pytest.mark.django_db
def test_leaving_a_group_dissolves_a_pair():
    body = (
        "The council met on Tuesday to discuss the harbour plan and the new ferry timetable for the island. "
        * 8
    )
    finder = CopyFinder()
    first, second = ArticleFactory(body=body), ArticleFactory(body=body)
    copies_link(first, finder=finder)
    copies_link(second, finder=finder)
    assert second.copy_group_id is not None
    second.body = "An entirely different story about a football match in the rain, with two late goals. " * 8
    copies_link(second, finder=finder)
    assert not CopyGroup.objects.exists()
    assert Article.objects.exclude(copy_group=None).count() == 0


def test_linking_to_articles_of_an_earlier_import_keeps_the_index_in_step(import_paths, tmp_path):
    """Copies and stories found by a later import change articles the earlier import indexed: those must
    reach the index too (a bare QuerySet.update moves no update time and announces nothing)."""
    import shutil

    from search.health import index_check
    from tests.conftest import FIXTURES

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for number, page in enumerate(sorted(FIXTURES.glob("*.txt"))):
        shutil.copy(page, (first if number == 0 else second) / page.name)
    import_paths(first)
    import_paths(second)
    assert (
        Article.objects.exclude(copy_group=None).count() == 2
        and Article.objects.exclude(story=None).count() == 5
    )
    health = index_check(full=True)
    assert health.ok, health.message
    from search.searching import SearchParams, search_run

    assert (
        search_run(SearchParams(collapse=True)).total == 4
    )  # the copy of the first import's article collapses with it
