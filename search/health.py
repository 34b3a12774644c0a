"""Is the index in step with the database? Compared by count and, fully, by a checksum of the ids and
update times of the published articles, which the index stores for each document."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace

from archive.models import Article
from archive.runs import RunStatus, runs_active

from .backend import IndexUnavailable, backend

REPAIR = "python manage.py rebuild_index"


@dataclass(frozen=True)
class IndexHealth:
    state: str  # "ok", "missing", "outdated", "corrupt" or "stale"
    indexed: int
    expected: int
    detail: str = ""
    runs: tuple[RunStatus, ...] = ()  # imports or re-processing going on now: the index is being filled

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def importing(self) -> bool:
        return bool(self.runs) and self.state != "corrupt"

    @property
    def quiet(self) -> bool:
        """Nothing to tell a researcher."""
        return self.ok and not self.runs

    @property
    def message(self) -> str:
        if self.importing:
            run = self.runs[0]
            what = "An import" if run.kind == "import" else "A re-processing run"
            unit = "files" if run.kind == "import" else "articles"
            return (
                f"{what} is in progress ({run.done:,} of {run.total:,} {unit} read); {self.indexed:,} "
                "articles are searchable so far."
            )
        if self.ok:
            return f"The search index is in step with the database ({self.indexed} articles)."
        what = {
            "missing": "The search index is missing",
            "corrupt": f"The search index cannot be read ({self.detail})",
            "outdated": f"The search index must be rebuilt: {self.detail}",
            "stale": (
                f"The search index is out of step with the database ({self.indexed} indexed, "
                f"{self.expected} published{self.detail})"
            ),
        }[self.state]
        return f"{what}. Repair it with: {REPAIR}"


def _checksum(pairs) -> str:
    digest = hashlib.sha256()
    for pk, updated in sorted(pairs):
        digest.update(f"{pk}:{updated}\n".encode())
    return digest.hexdigest()


def index_check(*, full: bool = False) -> IndexHealth:
    """Compare the index with the database; `full` also compares every id and update time. While an import
    runs the two differ by design, and the health says so instead of asking for a repair."""
    health = _compared(full=full)
    runs = tuple(runs_active())
    return replace(health, runs=runs) if runs else health


def _compared(*, full: bool) -> IndexHealth:
    expected = Article.objects.published().count()
    engine = backend()
    if not engine.exists():
        # A new archive has neither articles nor an index yet; the first write creates it.
        return IndexHealth("missing", 0, expected) if expected else IndexHealth("ok", 0, 0)
    try:
        with engine.snapshot() as snapshot:
            indexed = snapshot.count()
            stored = snapshot.stamps() if full else []
    except IndexUnavailable as error:
        if error.outdated:
            return IndexHealth("outdated", 0, expected, detail=str(error))
        return IndexHealth("corrupt", 0, expected, detail=f"{type(error).__name__}: {error}"[:200])
    except Exception as error:  # a damaged index raises whatever its files make Whoosh raise
        return IndexHealth("corrupt", 0, expected, detail=f"{type(error).__name__}: {error}"[:200])
    if indexed != expected:
        return IndexHealth("stale", indexed, expected)
    if full:
        database = [
            (pk, updated.isoformat())
            for pk, updated in Article.objects.published().values_list("pk", "updated_at")
        ]
        if _checksum(stored) != _checksum(database):
            return IndexHealth("stale", indexed, expected, detail="; ids or update times differ")
    return IndexHealth("ok", indexed, expected)


_cached: dict[str, tuple[float, IndexHealth]] = {}


def index_check_cached(*, seconds: float = 30.0, importing_seconds: float = 2.0) -> IndexHealth:
    """The quick check, at most every `seconds` per index (every `importing_seconds` while an import
    fills it), for the search page and API."""
    key = backend().location()
    now = time.monotonic()
    if key in _cached:
        checked, health = _cached[key]
        if now - checked <= (importing_seconds if health.runs else seconds):
            return health
    _cached[key] = (now, index_check())
    return _cached[key][1]
