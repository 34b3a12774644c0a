from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Article


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published article; hidden ones do not exist outside admin."""
    article = get_object_or_404(Article.objects.published().select_related("outlet"), pk=pk)
    mentions = article.mentions.select_related("entity").order_by("entity__type", "-count", "entity__name")
    return render(request, "archive/article_detail.html", {"article": article, "mentions": mentions})
