"""The PostgreSQL engine's tables (`search.postgres`): one document per indexed article, the index words
(for prefixes, wildcards and fuzzy terms) and a version every write moves.

They exist on every database, so the schema has one history and Django's flush and cascades know them, but
only the `postgres` engine fills them; their PostgreSQL types and GIN indexes are made on PostgreSQL only
(plain text columns elsewhere, never read).
"""

from __future__ import annotations

from django.db import models

from archive.models import Article


class _PostgresType(models.TextField):
    """A column of a PostgreSQL type (`pg_type`), written and read by `search.postgres` in SQL."""

    pg_type = "text"

    def db_type(self, connection) -> str:
        return self.pg_type if connection.vendor == "postgresql" else "text"


class TsVectorField(_PostgresType):
    pg_type = "tsvector"


class TextArrayField(_PostgresType):
    pg_type = "text[]"


class SearchDocument(models.Model):
    """What the index holds of an article: the terms of its title and body (weights A and B, positions
    apart) and of its byline, its facet values as `field:value` keys, its day and copy group, and the update
    time it was made from (`check_index` compares it with the article's); for relevance, the number of its
    body's words and `boost`, a lexeme per term and class ("t:" in the title, "2:", "4:", "8:" at least that
    many times in the body) that a GIN index finds without reading `text` (`search.postgres`). No foreign key
    in the database: a rebuild replaces the table, and dropping one with a key would lock the articles' table
    against every read and deadlock with an edit under way; Django deletes an article's document with it."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    updated = models.TextField()
    day = models.IntegerField()
    copy_group = models.BigIntegerField(null=True)
    keys = TextArrayField()
    text = TsVectorField()
    byline = TsVectorField()
    boost = TsVectorField(default="")
    length = models.IntegerField(default=0)

    class Meta:
        db_table = "search_document"


class SearchWord(models.Model):
    """A word of a field in the index (no document holds it any more after a deletion, until a rebuild):
    what a prefix, wildcard or fuzzy term expands over, as Whoosh expands over its lexicon."""

    field = models.TextField()
    word = models.TextField()

    class Meta:
        db_table = "search_word"
        constraints = [models.UniqueConstraint(fields=["field", "word"], name="search_word_unique")]


class SearchState(models.Model):
    """One row: the version of the documents, drawn from a sequence by every write in the writer's
    transaction (so no two states share one, also after a rollback), by which a host knows when its facet
    columns are out of date."""

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_state"
