"""Near-duplicates: syndicated copies of one text, found at import with MinHash LSH (datasketch).

A reprint is often trimmed (paragraphs dropped, a dateline changed, a sentence reworded, page furniture
added), so two bodies share a large part of the shorter one's word 4-shingles while their Jaccard
similarity can be low. LSH at a low Jaccard threshold only proposes candidates, one lookup per article;
the decision is the exact containment of the shorter body's shingles in the longer one's.

An editor's split (`copy_group` in the article's curated fields) is never undone: such an article keeps
its group, and groups holding one are never merged automatically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..models import Article, CopyGroup

SHINGLE_WORDS = 4
NUM_PERM = 128
LSH_THRESHOLD = 0.2  # Jaccard; a copy keeping a third of a long article still comes up as a candidate
# seeds: unrelated pairs under 0.25, the shortened AFP reprint 0.89; BBC follow-ups reusing background
# paragraphs reach 0.7
CONTAINMENT_THRESHOLD = 0.75
MAX_CANDIDATES = 50
SHINGLE_TOKEN = re.compile(r"\w+")


def body_shingles(body: str) -> set[bytes]:
    words = SHINGLE_TOKEN.findall(body.casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def shingles_minhash(shingles: Iterable[bytes]) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, seed=1)
    minhash.update_batch(list(shingles))
    return minhash


def minhash_bytes(minhash: MinHash) -> bytes:
    """Hash values fit in 32 bits (datasketch masks them), so a signature is 512 bytes."""
    return minhash.hashvalues.astype(np.uint32).tobytes()


def minhash_from_bytes(data: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, seed=1, hashvalues=np.frombuffer(bytes(data), dtype=np.uint32).astype(np.uint64)
    )


def containment(first: set[bytes], second: set[bytes]) -> float:
    """How much of the smaller shingle set is in the larger one."""
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


class CopyFinder:
    """The LSH over every stored signature, built on first use; one per import or re-processing run."""

    def __init__(self) -> None:
        self._lsh: MinHashLSH | None = None

    @property
    def lsh(self) -> MinHashLSH:
        if self._lsh is None:
            self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
            with self._lsh.insertion_session() as session:
                for pk, signature in (
                    Article.objects.exclude(signature=None)
                    .values_list("pk", "signature")
                    .iterator(chunk_size=2000)
                ):
                    session.insert(pk, minhash_from_bytes(signature), check_duplication=False)
        return self._lsh

    def candidates(self, minhash: MinHash, *, exclude: int) -> list[int]:
        return [pk for pk in self.lsh.query(minhash) if pk != exclude][:MAX_CANDIDATES]

    def remember(self, pk: int, minhash: MinHash) -> None:
        if pk in self.lsh.keys:
            self.lsh.remove(pk)
        self.lsh.insert(pk, minhash, check_duplication=False)

    def forget(self) -> None:
        """After a rolled-back transaction: rebuilt from the database on next use."""
        self._lsh = None


def copies_link(article: Article, *, finder: CopyFinder) -> set[int]:
    """Put a saved article in the copy group of its closest near-copy (or none); the ids of other articles
    whose group changed, to be re-indexed."""
    shingles = body_shingles(article.body)
    minhash = shingles_minhash(shingles)
    article.signature = minhash_bytes(minhash)
    changed: set[int] = set()
    old_group = article.copy_group_id
    if "copy_group" not in article.curated_fields:
        matches = _matches(article, shingles, finder.candidates(minhash, exclude=article.pk))
        changed = _group_join(article, matches)
    Article.objects.filter(pk=article.pk).update(
        signature=article.signature, copy_group=article.copy_group, copy_similarity=article.copy_similarity
    )
    for group_id in {old_group, article.copy_group_id} - {None}:
        changed |= group_refresh(group_id)
    finder.remember(article.pk, minhash)
    return changed


def _matches(article: Article, shingles: set[bytes], candidates: list[int]) -> list[tuple[float, Article]]:
    found = []
    for other in Article.objects.filter(pk__in=candidates).only(
        "pk", "body", "copy_group", "curated_fields", "copy_similarity"
    ):
        similarity = containment(shingles, body_shingles(other.body))
        if similarity >= CONTAINMENT_THRESHOLD:
            found.append((similarity, other))
    return sorted(found, key=lambda item: (-item[0], item[1].pk))


def _group_join(article: Article, matches: list[tuple[float, Article]]) -> set[int]:
    article.copy_group, article.copy_similarity = None, None
    changed: set[int] = set()
    for similarity, other in matches:
        if other.copy_group_id is None and "copy_group" in other.curated_fields:
            continue  # an editor took it out of its group; it stays alone
        if article.copy_group is None:
            group = CopyGroup(pk=other.copy_group_id) if other.copy_group_id else CopyGroup.objects.create()
            if other.copy_group_id is None:
                changed |= Article.objects.filter(pk=other.pk).update_announced(
                    copy_group=group, copy_similarity=similarity
                )
            elif other.copy_similarity is None:
                Article.objects.filter(pk=other.pk).update(copy_similarity=similarity)
            article.copy_group, article.copy_similarity = group, similarity
        elif other.copy_group_id not in (None, article.copy_group_id):
            changed |= _groups_merge(keep=article.copy_group, other=other.copy_group_id)
    return changed


def _groups_merge(*, keep: CopyGroup, other: int) -> set[int]:
    """Both groups' members are copies of one text; unless an editor split either group."""
    members = Article.objects.filter(copy_group__in=[keep.pk, other])
    if members.any_curated("copy_group"):
        return set()
    moved = Article.objects.filter(copy_group=other).update_announced(copy_group=keep)
    CopyGroup.objects.filter(pk=other).delete()
    return moved


def group_refresh(group_id: int) -> set[int]:
    """Keep `earliest` right; a group left with one article (and no editor's decision) is dissolved. The
    ids of articles that left a dissolved group."""
    members = Article.objects.filter(copy_group_id=group_id)
    if members.count() < 2 and not members.any_curated("copy_group"):
        left = members.update_announced(copy_group=None, copy_similarity=None)
        CopyGroup.objects.filter(pk=group_id).delete()
        return left
    earliest = members.earliest_first().first()
    CopyGroup.objects.filter(pk=group_id).update(earliest=earliest)
    return set()
