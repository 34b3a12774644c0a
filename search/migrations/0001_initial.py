from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models

import search.models

POSTGRES_INDEXES = """
CREATE INDEX search_document_text ON search_document USING gin (text);
CREATE INDEX search_document_byline ON search_document USING gin (byline);
CREATE INDEX search_document_keys ON search_document USING gin (keys);
CREATE INDEX search_word_prefix ON search_word (field, word COLLATE "C");
CREATE SEQUENCE search_state_version;
"""


def indexes_create(apps, schema_editor) -> None:
    """The GIN indexes that make matching fast, byte-ordered words for prefixes, and the sequence versions
    are drawn from (never the same twice, also after a rollback) (PostgreSQL only)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_INDEXES)


def indexes_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in (
            "search_document_text",
            "search_document_byline",
            "search_document_keys",
            "search_word_prefix",
        ):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute("DROP SEQUENCE IF EXISTS search_state_version")


class Migration(migrations.Migration):
    initial = True

    dependencies = [("archive", "0011_forget_learned_aliases")]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="archive.article",
                    ),
                ),
                ("updated", models.TextField()),
                ("day", models.IntegerField()),
                ("copy_group", models.BigIntegerField(null=True)),
                ("keys", search.models.TextArrayField()),
                ("text", search.models.TsVectorField()),
                ("byline", search.models.TsVectorField()),
            ],
            options={"db_table": "search_document"},
        ),
        migrations.CreateModel(
            name="SearchState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "search_state"},
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.TextField()),
                ("word", models.TextField()),
            ],
            options={"db_table": "search_word"},
        ),
        migrations.AddConstraint(
            model_name="searchword",
            constraint=models.UniqueConstraint(fields=("field", "word"), name="search_word_unique"),
        ),
        migrations.RunPython(indexes_create, indexes_drop),
    ]
