"""What an article shares with others: its near-copies, its story, its quotes (and their groups).

Runs inside the article's own transaction after its mentions are saved, so a failed article leaves no
link behind. `ARCHIVE_LINKING = False` turns it off (the benchmark measures the import both ways).

The functions curation needs (refreshing a group or story after an editor's change, finding a quote's
statement) are this package's public interface; nothing outside it reaches into its modules.
"""

from __future__ import annotations

from django.conf import settings

from ..models import Article
from .copies import CopyFinder, copies_link
from .copies import group_refresh as copy_group_refresh
from .quotes import most_carried, quote_group_for, quote_group_refresh, quotes_link
from .stories import EntityCounts, story_link, story_refresh

__all__ = [
    "Linker",
    "copy_group_refresh",
    "most_carried",
    "quote_group_for",
    "quote_group_refresh",
    "story_refresh",
]


class Linker:
    """One per import or re-processing run: it holds the LSH of every article's signature and the entity
    counts behind the stories' rarity weights."""

    def __init__(self) -> None:
        self.enabled = settings.ARCHIVE_LINKING
        self.copies = CopyFinder()
        self.counts = EntityCounts()

    def link(self, article: Article) -> set[int]:
        """Link a saved article; the ids of other articles whose copy group changed (to re-index)."""
        if not self.enabled:
            return set()
        changed = copies_link(article, finder=self.copies)
        story_link(article, counts=self.counts)
        quotes_link(article)
        return changed

    def forget(self) -> None:
        self.copies.forget()
        self.counts.forget()
