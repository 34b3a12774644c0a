"""How attributed quotes are scored against hand labels; shared by the quote tests and
scripts/quote_score.py."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord", "the"}


def _words(name: str) -> frozenset[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return frozenset(word for word in plain.replace("-", " ").replace("'", "").split() if word not in TITLES)


def speaker_matches(label: str, name: str) -> bool:
    """Whether the entity `name` is the labelled speaker: the same words, or one name inside the other
    ("Blair" for "Tony Blair", "Eddie O'Sullivan" for "O'Sullivan"). "A;B" labels a joint statement."""
    found = _words(name)
    return any(found and (found <= _words(one) or _words(one) <= found) for one in label.split(";"))


@dataclass(frozen=True)
class Scores:
    attributed: int  # quotes given a speaker
    right: int  # ... the labelled one
    named: int  # quotes whose article names their speaker
    named_right: int

    @property
    def precision(self) -> float:
        return self.right / max(1, self.attributed)

    @property
    def coverage(self) -> float:
        """The share of quotes that name their speaker attributed to that speaker."""
        return self.named_right / max(1, self.named)

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f} ({self.right}/{self.attributed} attributed), "
            f"named speakers found {self.coverage:.3f} ({self.named_right}/{self.named})"
        )


def attribution_score(pairs: Iterable[tuple[str | None, str | None]]) -> Scores:
    """Scores over (label, found speaker's name) pairs; a label of None means the article names nobody."""
    attributed = right = named = named_right = 0
    for label, found in pairs:
        correct = label is not None and found is not None and speaker_matches(label, found)
        attributed += found is not None
        right += correct
        named += label is not None
        named_right += correct
    return Scores(attributed=attributed, right=right, named=named, named_right=named_right)
