"""Editors see every frozen result set in admin (view only: a set is never edited)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def add(apps, schema_editor):
    config = apps.get_app_config("research")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="research", codename__startswith="view_"))


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="research"))


class Migration(migrations.Migration):
    dependencies = [("research", "0001_initial"), ("archive", "0004_editors_group")]
    operations = [migrations.RunPython(add, remove)]
