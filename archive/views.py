from __future__ import annotations

from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Article, Entity, Mention, Outlet
from .presentation import body_html, raw_lines


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published article; hidden ones do not exist outside admin."""
    article = get_object_or_404(Article.objects.published().select_related("outlet"), pk=pk)
    mentions = list(article.mentions.select_related("entity").order_by("entity__type", "-count", "entity__name"))
    context = {"article": article, "mentions": mentions, "body_html": body_html(article, mentions), "raw_lines": raw_lines(article)}
    return render(request, "archive/article_detail.html", context)


def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An outlet's coverage: its articles over time, the entities it mentions most, its latest articles."""
    outlet = get_object_or_404(Outlet, slug=slug)
    articles = Article.objects.published().filter(outlet=outlet)
    context = {
        "outlet": outlet,
        "article_count": articles.count(),
        "timeline": articles_per_month(articles),
        "top_entities": (
            Mention.objects.filter(article__in=articles).values("entity__name", "entity__slug", "entity__type")
            .annotate(n=Count("article_id")).order_by("-n", "entity__name")[:20]
        ),
        "latest": articles.order_by(F("published").desc(nulls_last=True), "-id")[:20],
    }
    return render(request, "archive/outlet_detail.html", context)


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An entity across the archive: coverage over time, who mentions it, who appears with it."""
    entity = get_object_or_404(Entity, slug=slug)
    articles = Article.objects.published().filter(mentions__entity=entity)
    context = {
        "entity": entity,
        "article_count": articles.count(),
        "timeline": articles_per_month(articles),
        "outlets": articles.values("outlet__name", "outlet__slug").annotate(n=Count("id")).order_by("-n", "outlet__name")[:15],
        "cooccurring": entity_cooccurring(entity),
        "latest": articles.select_related("outlet").order_by(F("published").desc(nulls_last=True), "-id")[:20],
        "aliases": entity.aliases.filter(blocked=False).order_by("name"),
    }
    return render(request, "archive/entity_detail.html", context)


def entity_cooccurring(entity: Entity, *, limit: int = 15):
    """The entities mentioned in the most published articles together with `entity`."""
    article_ids = Mention.objects.filter(entity=entity, article__status=Article.Status.PUBLISHED).values("article_id")
    return (
        Mention.objects.filter(article_id__in=article_ids).exclude(entity=entity)
        .values("entity__name", "entity__slug", "entity__type").annotate(n=Count("article_id")).order_by("-n", "entity__name")[:limit]
    )


def articles_per_month(articles) -> list[dict]:
    """Dated articles per month, each with its share of the busiest month, for a server-drawn bar chart."""
    rows = list(articles.exclude(published=None).annotate(month=TruncMonth("published")).values("month").annotate(n=Count("id")).order_by("month"))
    peak = max((row["n"] for row in rows), default=0) or 1
    return [{"label": row["month"], "n": row["n"], "percent": round(100 * row["n"] / peak)} for row in rows]
