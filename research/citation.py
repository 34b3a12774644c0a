"""How a frozen set is cited: a plain-text reference, BibTeX and CSL-JSON, each naming the set's permanent
URL and its fingerprint (which the manifest lets anyone recompute)."""

from __future__ import annotations

import re

from .models import ResultSet
from .selectors import owner_name

PUBLISHER = "News archive"
BIBTEX_SPECIAL = re.compile(r"[\\{}&%$#_^~]")
BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def _summary(result_set: ResultSet) -> str:
    counted = f"{result_set.articles:,} article{'s' if result_set.articles != 1 else ''}"
    if result_set.collapse:
        counted += f" in {result_set.groups:,} copy group{'s' if result_set.groups != 1 else ''}"
    query = f"query “{result_set.query}”" if result_set.query else "no query"
    return f"frozen search result: {counted}, {query}"


def _note(result_set: ResultSet) -> str:
    return (
        f"{_summary(result_set)}; parameters {result_set.parameters or '(none)'}; "
        f"fingerprint sha256:{result_set.fingerprint}; "
        f"archive {result_set.archive_version}, analyzer {result_set.analyzer_version}; "
        f"frozen {result_set.created_at:%Y-%m-%d}"
    )


def citation_text(result_set: ResultSet, *, url: str) -> str:
    return (
        f"{owner_name(result_set)} ({result_set.created_at:%Y}). "
        f"{result_set.title} [Data set; {_summary(result_set)}]. "
        f"{PUBLISHER}, result set {result_set.pk}, frozen {result_set.created_at:%Y-%m-%d}. {url} "
        f"(fingerprint sha256:{result_set.fingerprint})"
    )


def _bibtex(text: str) -> str:
    return BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES.get(match.group(), "\\" + match.group()), text)


def citation_key(result_set: ResultSet) -> str:
    return f"newsarchive-set-{result_set.pk}"


def citation_bibtex(result_set: ResultSet, *, url: str) -> str:
    fields = [
        ("author", "{" + _bibtex(owner_name(result_set)) + "}"),
        ("title", "{" + _bibtex(result_set.title) + "}"),
        ("year", str(result_set.created_at.year)),
        ("date", f"{result_set.created_at:%Y-%m-%d}"),
        ("publisher", _bibtex(PUBLISHER)),
        ("howpublished", _bibtex(f"{PUBLISHER}, result set {result_set.pk}")),
        ("url", url),
        ("version", _bibtex(f"sha256:{result_set.fingerprint}")),
        ("note", _bibtex(_note(result_set))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(result_set)},\n{body}\n}}\n"


def citation_csl(result_set: ResultSet, *, url: str) -> list[dict]:
    """CSL-JSON (a list of one item), as Zotero, Pandoc and citeproc read it."""
    created = result_set.created_at
    item = {
        "id": citation_key(result_set),
        "type": "dataset",
        "title": result_set.title,
        "author": [{"literal": owner_name(result_set)}],
        "issued": {"date-parts": [[created.year, created.month, created.day]]},
        "publisher": PUBLISHER,
        "number": str(result_set.pk),
        "URL": url,
        "version": f"sha256:{result_set.fingerprint}",
        "genre": "Frozen search result",
        "note": _note(result_set),
    }
    if result_set.description:
        item["abstract"] = result_set.description
    return [item]
