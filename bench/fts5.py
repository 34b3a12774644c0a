"""Baseline: SQLite FTS5 (porter tokenizer) over the same articles, facets by GROUP BY over join tables,
highlighting with `snippet()`.

Built from the archive's database (the same rows the archive indexed) into its own SQLite file, cached
under `var/bench/` by N and seed.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from archive.models import Article, Entity, Mention, Outlet

from .queries import BenchQuery

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
SCHEMA = """
CREATE TABLE outlet(id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE entity(id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE doc(id INTEGER PRIMARY KEY, outlet INTEGER, day INTEGER, month INTEGER);
CREATE TABLE doc_entity(doc INTEGER, entity INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');
"""
INDEXES = """
CREATE INDEX doc_entity_doc ON doc_entity(doc, entity);
CREATE INDEX doc_outlet ON doc(outlet);
CREATE INDEX doc_day ON doc(day);
"""


def fts5_build(path: Path) -> dict:
    """Write the FTS5 database; returns its build figures."""
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO outlet VALUES (?, ?)", Outlet.objects.values_list("id", "name"))
    db.executemany(
        "INSERT INTO entity VALUES (?, ?)", Entity.objects.values_list("id", "name").iterator(chunk_size=5000)
    )
    count = 0
    rows = (
        Article.objects.published()
        .values_list("id", "title", "body", "outlet_id", "published")
        .iterator(chunk_size=2000)
    )
    for pk, title, body, outlet, published in rows:
        day = published.toordinal() - EPOCH_ORDINAL if published else None
        db.execute(
            "INSERT INTO doc VALUES (?, ?, ?, ?)",
            (pk, outlet, day, published.year * 100 + published.month if published else None),
        )
        db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (pk, title, body))
        count += 1
    db.executemany(
        "INSERT INTO doc_entity VALUES (?, ?)",
        Mention.objects.values_list("article_id", "entity_id").iterator(chunk_size=20000),
    )
    db.executescript(INDEXES)
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    db.close()
    seconds = time.perf_counter() - started
    return {
        "articles": count,
        "seconds": round(seconds, 1),
        "articles_per_s": round(count / seconds, 1),
        "size_mb": round(path.stat().st_size / 2**20, 1),
    }


class Fts5Engine:
    name = "sqlite_fts5"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.outlets = {name: pk for pk, name in self.db.execute("SELECT id, name FROM outlet")}

    def _where(self, query: BenchQuery) -> tuple[str, list]:
        words = " ".join(f'"{word}"' for word in query.words)
        clauses, values = ["fts MATCH ?"], [f'"{" ".join(query.words)}"' if query.phrase else words]
        if query.date_from:
            clauses.append("doc.day BETWEEN ? AND ?")
            values += [query.date_from.toordinal() - EPOCH_ORDINAL, query.date_to.toordinal() - EPOCH_ORDINAL]
        if query.outlet:
            clauses.append("doc.outlet = ?")
            values.append(self.outlets.get(query.outlet, -1))
        return " AND ".join(clauses), values

    def run(self, query: BenchQuery, *, mode: str) -> tuple[int, float]:
        """Run one query in `mode`; returns the total and the milliseconds spent highlighting."""
        where, values = self._where(query)
        hits = "SELECT fts.rowid AS id FROM fts JOIN doc ON doc.id = fts.rowid WHERE " + where
        top = [row[0] for row in self.db.execute(hits + " ORDER BY rank LIMIT 10", values)]
        total = self.db.execute(f"SELECT count(*) FROM ({hits})", values).fetchone()[0]
        if mode != "plain":
            self.db.execute(
                f"SELECT outlet.name, count(*) FROM ({hits}) h JOIN doc ON doc.id = h.id JOIN outlet ON "
                "outlet.id = doc.outlet GROUP BY doc.outlet",
                values,
            ).fetchall()
            self.db.execute(
                f"SELECT entity.name, n FROM (SELECT de.entity AS e, count(*) AS n FROM ({hits}) h JOIN "
                "doc_entity de ON de.doc = h.id GROUP BY de.entity ORDER BY n DESC LIMIT 20) JOIN entity ON "
                "entity.id = e",
                values,
            ).fetchall()
            self.db.execute(
                f"SELECT doc.month, count(*) FROM ({hits}) h JOIN doc ON doc.id = h.id GROUP BY doc.month",
                values,
            ).fetchall()
        highlight_ms = 0.0
        if mode == "facets_highlight" and top:
            started = time.perf_counter()
            marks = ", ".join("?" * len(top))
            self.db.execute(
                "SELECT rowid, highlight(fts, 0, '<mark>', '</mark>'), snippet(fts, 1, '<mark>', '</mark>', "
                f"'…', 40) FROM fts WHERE fts MATCH ? AND rowid IN ({marks})",
                [values[0], *top],
            ).fetchall()
            highlight_ms = (time.perf_counter() - started) * 1000
        return total, highlight_ms
