from __future__ import annotations

from django.db import migrations, models

import search.models

# Kept out of the row (toast_tuple_target): the heap that matching visits stays narrow; only `boost`'s GIN
# index reads it. The facet keys, stamp and byline stay in the row.
POSTGRES_STORAGE = """
ALTER TABLE search_document SET (toast_tuple_target = 128);
ALTER TABLE search_document ALTER boost SET STORAGE EXTERNAL, ALTER keys SET STORAGE MAIN,
    ALTER updated SET STORAGE MAIN, ALTER byline SET STORAGE MAIN;
"""

# The classes of the documents already written, from their tsvectors (as `search.postgres._boost` makes them
# from the terms; a word's count is of the positions a tsvector keeps, at most 256).
POSTGRES_BACKFILL = """
UPDATE search_document d SET (boost, length) = (
  SELECT COALESCE(array_to_tsvector(array_agg(k || ':' || lexeme) FILTER (WHERE keep)), ''::tsvector),
         COALESCE(sum(body) FILTER (WHERE k = 't'), 0)
  FROM (SELECT u.lexeme, b.body, v.k, v.keep FROM unnest(d.text) u,
        LATERAL (SELECT count(*) FILTER (WHERE w = 'B') AS body, bool_or(w = 'A') AS title
                 FROM unnest(u.weights) w) b,
        LATERAL (VALUES ('t', b.title), ('2', b.body >= 2), ('4', b.body >= 4), ('8', b.body >= 8)) v(k, keep)
  ) c
);
"""


def classes_create(apps, schema_editor) -> None:
    """PostgreSQL only: the storage, the classes of existing documents and their GIN index."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_STORAGE)
        schema_editor.execute(POSTGRES_BACKFILL)
        schema_editor.execute("CREATE INDEX search_document_boost ON search_document USING gin (boost)")


def classes_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_boost")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchdocument", name="boost", field=search.models.TsVectorField(default="")
        ),
        migrations.AddField(model_name="searchdocument", name="length", field=models.IntegerField(default=0)),
        migrations.RunPython(classes_create, classes_drop),
    ]
