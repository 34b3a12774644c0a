from __future__ import annotations

from django.db import migrations, models

# Every statement that writes documents moves the counts of their text words (the Django cascade of an
# article's deletion as much as `search.postgres`), after taking the writers' turn: upserts of the same
# words in different orders would deadlock. A rebuild writes the counts itself (`search.counts_written`).
POSTGRES_TRIGGERS = """
CREATE FUNCTION search_term_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('search.counts_written', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(6201796);
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO search_term AS t (word, documents)
    SELECT word, -count(*) FROM old_rows, unnest(tsvector_to_array(old_rows.text)) AS word GROUP BY word
    ORDER BY word ON CONFLICT (word) DO UPDATE SET documents = t.documents + EXCLUDED.documents;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_term AS t (word, documents)
    SELECT word, count(*) FROM new_rows, unnest(tsvector_to_array(new_rows.text)) AS word GROUP BY word
    ORDER BY word ON CONFLICT (word) DO UPDATE SET documents = t.documents + EXCLUDED.documents;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_term_inserted AFTER INSERT ON search_document REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_term_move();
CREATE TRIGGER search_term_updated AFTER UPDATE ON search_document
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_term_move();
CREATE TRIGGER search_term_deleted AFTER DELETE ON search_document REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_term_move();
"""

# The counts of the documents already written.
POSTGRES_BACKFILL = """
INSERT INTO search_term (word, documents)
SELECT word, count(*) FROM search_document, unnest(tsvector_to_array(text)) AS word GROUP BY word
"""


def terms_count(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKFILL)
        schema_editor.execute(POSTGRES_TRIGGERS)


def triggers_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS search_term_move() CASCADE")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_relevance_classes")]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("word", models.TextField(primary_key=True, serialize=False)),
                ("documents", models.IntegerField()),
            ],
            options={"db_table": "search_term"},
        ),
        migrations.RunPython(terms_count, triggers_drop),
    ]
