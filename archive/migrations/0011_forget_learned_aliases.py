from django.contrib.auth.management import create_permissions
from django.db import migrations


def forget_learned(apps, schema_editor):
    """Aliases learned by the old rules (one article's reading of "England", "Tony", "Kennedy") would still
    apply to new imports; the new rules learn again, more carefully, on `reprocess_articles --all`."""
    apps.get_model("archive", "EntityAlias").objects.filter(origin="learned").delete()


def editors_curate_wires(apps, schema_editor):
    """Editors may add wire agencies and see former slugs (as 0006 gave them the link models)."""
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    editors.permissions.add(*apps.get_model("auth", "Permission").objects.filter(content_type__app_label="archive"))


class Migration(migrations.Migration):
    dependencies = [("archive", "0010_wires")]
    operations = [
        migrations.RunPython(forget_learned, migrations.RunPython.noop),
        migrations.RunPython(editors_curate_wires, migrations.RunPython.noop),
    ]
