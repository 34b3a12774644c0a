"""Thin views over `search.searching`: the search page and the JSON API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .forms import SearchForm
from .query import QuerySyntaxError
from .searching import ParameterError, SearchOutcome, params_from_query, search_run


def search_page(request: HttpRequest) -> HttpResponse:
    error = ""
    outcome: SearchOutcome | None = None
    try:
        params = params_from_query(request.GET)
        outcome = search_run(params)
    except (ParameterError, QuerySyntaxError) as problem:
        error = str(problem)
    hidden = [(k, v) for k, v in (outcome.params.query_items() if outcome else []) if k not in {"q", "sort"}]
    form = SearchForm(request.GET or None, hidden=hidden)
    context = {"form": form, "outcome": outcome, "error": error, "q": request.GET.get("q", "")}
    if outcome:
        context["prev_url"] = outcome.params.url(page=outcome.params.page - 1)
        context["next_url"] = outcome.params.url(page=outcome.params.page + 1)
    return render(request, "search/search.html", context, status=400 if error else 200)


def hit_json(hit, *, request: HttpRequest) -> dict:
    article = hit.article
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.title,
        "outlet": article.outlet.name if article.outlet else None,
        "outlet_slug": article.outlet.slug if article.outlet else None,
        "published": article.published.isoformat() if article.published else None,
        "snippet": hit.snippet,
    }


def api_search(request: HttpRequest) -> JsonResponse:
    try:
        outcome = search_run(params_from_query(request.GET))
    except (ParameterError, QuerySyntaxError) as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    return JsonResponse(
        {
            "total": outcome.total,
            "page": outcome.params.page,
            "pages": outcome.pages,
            "took_ms": round(outcome.took_ms, 2),
            "results": [hit_json(hit, request=request) for hit in outcome.hits],
            "facets": {name: [value.as_json() for value in values] for name, values in outcome.facets.items()},
        }
    )
