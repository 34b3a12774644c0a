"""The two hashes a frozen set is checked by, written so that anyone can recompute them.

**Content hash** of an article: sha256 (hex) of the UTF-8 bytes of the JSON array
`[title, body, outlet, published, byline, source_url]` written with `json.dumps(..., ensure_ascii=False,
separators=(",", ":"))`, each value as the archive's exports give it: the outlet's name or null, the date
as YYYY-MM-DD or null, the source URL or null, the byline as text ("" when none). A set's export carries
these fields, so a reader recomputes every content hash from it.

**Fingerprint** of a set: sha256 (hex) of the lines `"<id>:<content_hash>\n"` of its items in the set's
order (every line ends in a newline, the last one too): the manifest's rows, in its order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

HASHED_FIELDS = ("title", "body", "outlet", "published", "byline", "source_url")
CONTENT_HASH_RECIPE = (
    "sha256 of the UTF-8 JSON array [title, body, outlet, published, byline, source_url] written with "
    'json.dumps(..., ensure_ascii=False, separators=(",", ":")); '
    "outlet, published and source_url as the export gives them (null when absent)"
)
FINGERPRINT_RECIPE = 'sha256 of the lines "<id>:<content_hash>\\n", one per manifest row in its order'


def content_hash(
    *,
    title: str,
    body: str,
    outlet: str | None,
    published: dt.date | str | None,
    byline: str,
    source_url: str | None,
) -> str:
    if isinstance(published, dt.date):
        published = published.isoformat()
    values = [title, body, outlet or None, published or None, byline or "", source_url or None]
    return hashlib.sha256(
        json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ).hexdigest()


def fingerprint_line(article_id: int, digest: str) -> bytes:
    return f"{article_id}:{digest}\n".encode("ascii")


def fingerprint(items: Iterable[tuple[int, str]]) -> str:
    """The fingerprint of (article id, content hash) pairs in order."""
    digest = hashlib.sha256()
    for article_id, item_hash in items:
        digest.update(fingerprint_line(article_id, item_hash))
    return digest.hexdigest()
