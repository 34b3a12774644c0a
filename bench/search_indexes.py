"""The haystack baseline's index of articles, written as the django-haystack documentation teaches: a
document field for the text, faceted fields for the outlet, entities and date."""

from __future__ import annotations

from django.db.models import Prefetch
from haystack import indexes

from archive.models import Article, Mention


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title")
    outlet = indexes.CharField(faceted=True, null=True)
    entities = indexes.MultiValueField(faceted=True)
    published = indexes.DateField(model_attr="published", faceted=True, null=True)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return (
            Article.objects.published()
            .select_related("outlet")
            .prefetch_related(Prefetch("mentions", queryset=Mention.objects.select_related("entity")))
        )

    def prepare_text(self, article: Article) -> str:
        return f"{article.title}\n{article.body}"

    def prepare_outlet(self, article: Article) -> str | None:
        return article.outlet.name if article.outlet else None

    def prepare_entities(self, article: Article) -> list[str]:
        return [mention.entity.name for mention in article.mentions.all()]
