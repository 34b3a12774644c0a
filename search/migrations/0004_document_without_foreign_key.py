"""The documents' table without a foreign key to the articles': a rebuild replaces the table, and dropping a
table with one locks the articles' table against every read, which deadlocked a rebuild with an edit under
way (`tests/search/test_backends.py`). Django's delete still takes an article's document with it."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0012_quote_wording_key"),
        ("search", "0003_text_index_rum"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchdocument",
            name="article",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="+",
                serialize=False,
                to="archive.article",
            ),
        ),
    ]
