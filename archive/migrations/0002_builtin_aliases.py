"""Well-known surface forms of a few entities, and forms that are never entities. Editors may change them."""

from django.db import migrations
from django.utils.text import slugify

CANONICAL = {
    ("United States", "place"): ["US", "U.S.", "USA", "U.S.A.", "United States of America", "America"],
    ("United Kingdom", "place"): ["UK", "U.K.", "Britain", "Great Britain"],
    ("European Union", "organization"): ["EU", "E.U."],
    ("United Nations", "organization"): ["UN", "U.N."],
    ("NATO", "organization"): ["Nato", "North Atlantic Treaty Organization"],
    ("Liberal Democrats", "organization"): ["Lib Dems", "Lib Dem", "Liberal Democrat"],
    ("Conservative Party", "organization"): ["Conservatives", "Tories", "Tory Party"],
    ("Labour Party", "organization"): ["Labour"],
}
BLOCKED = ["GMT", "BST", "UTC", "EST", "PST", "CET", "Oscar", "Oscars", "Grammy", "Grammys", "Bafta", "Baftas", "Emmy", "Emmys", "Internet", "Web"]


def key(name: str) -> str:
    text = " ".join(name.replace(".", "").replace("’", "'").split()).casefold()
    return text.removeprefix("the ").removesuffix("'s").removesuffix("'")


def add(apps, schema_editor):
    Entity = apps.get_model("archive", "Entity")
    EntityAlias = apps.get_model("archive", "EntityAlias")
    for (name, entity_type), forms in CANONICAL.items():
        entity = Entity.objects.filter(name=name, type=entity_type).first()
        if entity is None:
            slug = slugify(name)
            if Entity.objects.filter(slug=slug).exists():
                slug = f"{slug}-{entity_type}"
            entity = Entity.objects.create(name=name, type=entity_type, slug=slug)
        for form in forms:
            if not EntityAlias.objects.filter(key=key(form)).exists():
                EntityAlias.objects.create(name=form, key=key(form), entity=entity, origin="builtin")
    for form in BLOCKED:
        if not EntityAlias.objects.filter(key=key(form)).exists():
            EntityAlias.objects.create(name=form, key=key(form), blocked=True, origin="builtin")


def remove(apps, schema_editor):
    apps.get_model("archive", "EntityAlias").objects.filter(origin="builtin").delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
