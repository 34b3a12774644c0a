from __future__ import annotations

import datetime as dt

import factory

from archive.models import Article, Entity, Mention, Outlet


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Article number {n}")
    body = "The council met on Tuesday to discuss the harbour plan."
    raw_text = factory.SelfAttribute("body")
    source = factory.Sequence(lambda n: f"factory/{n}.txt")
    raw_hash = factory.Sequence(lambda n: f"{n:064d}")
    published = dt.date(2022, 12, 30)


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"Person Number{n}")
    type = Entity.Type.PERSON


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    article = factory.SubFactory(ArticleFactory)
    entity = factory.SubFactory(EntityFactory)
    count = 1
