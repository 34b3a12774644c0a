"""Editors may curate copy groups, stories and quotes too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def add(apps, schema_editor):
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="archive"))


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_copies_stories_quotes")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
