"""The archive's own pages: an article and a story. Hidden articles do not exist outside admin."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Story
from .presentation import body_html, raw_lines
from .selectors import article_page, story_page


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = article_page(pk)
    if context is None:
        raise Http404("No published article has this id.")
    context.update(
        body_html=body_html(context["article"], context["mentions"], context["quotes"]),
        raw_lines=raw_lines(context["article"]),
    )
    return render(request, "archive/article_detail.html", context)


def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = story_page(get_object_or_404(Story, pk=pk))
    if not context["rows"]:
        raise Http404("This story has no published articles.")
    return render(request, "archive/story_detail.html", context)
