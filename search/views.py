"""Thin views over `search.searching`: the search page, the JSON API, exports and the query guide."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render

from archive.models import Article
from archive.ratelimits import limited
from archive.serializers import EXPORT_FIELDS, article_reference, article_row, articles_for_export

from .engine import IndexUnavailable
from .exports import FORMATS, export_lines, rows_for
from .highlight import snippet_html
from .forms import SearchForm
from .health import index_check, index_check_cached
from .query import QuerySyntaxError
from .searching import ParameterError, SearchOutcome, export_ids, export_meta, params_from_query, search_run

FACET_TITLES = [("outlet", "Outlets"), ("entity_type", "Entity types"), ("entity", "Entities")]
FACET_SHOWN = 8


def timeline_bars(outcome: SearchOutcome) -> list[dict]:
    """The date facet as bars for the server-drawn chart: raw counts, or each bucket's share of the
    outlets' own output when the page asks for it."""
    values = outcome.facets["date"]
    shares = outcome.shares if outcome.params.chart == "share" else []
    heights = shares or [value.count for value in values]
    peak = max(heights, default=0) or 1
    bars = []
    for value, height in zip(values, heights):
        scaled = max(round(100 * height / peak, 1), 1.0 if height else 0.0)
        bars.append({"value": value, "height": scaled, "top": round(100 - scaled, 1), "shown": f"{height:.1%}" if shares else str(value.count)})
    return bars


def search_page(request: HttpRequest) -> HttpResponse:
    error = ""
    outcome: SearchOutcome | None = None
    health = index_check_cached()
    status = 200
    try:
        params = params_from_query(request.GET)
        outcome = search_run(params, with_share=params.chart == "share")
    except (ParameterError, QuerySyntaxError) as problem:
        error, status = str(problem), 400
    except IndexUnavailable:
        error, status = index_check().message, 503
    hidden = [(k, v) for k, v in (outcome.params.query_items() if outcome else []) if k not in {"q", "sort", "from", "to", "collapse"}]
    context = {"form": SearchForm(request.GET or None, hidden=hidden), "outcome": outcome, "error": error, "q": request.GET.get("q", ""),
               "index_warning": "" if health.quiet else health.message}
    if outcome:
        context["prev_url"] = outcome.params.url(page=outcome.params.page - 1)
        context["next_url"] = outcome.params.url(page=outcome.params.page + 1)
        context["export_query"] = outcome.params.url(path="?").removeprefix("?")
        context["facet_groups"] = [(key, title, outcome.facets[key][:FACET_SHOWN], outcome.facets[key][FACET_SHOWN:]) for key, title in FACET_TITLES if key != "date"]
        context["timeline"] = timeline_bars(outcome)
        context["chart_width"] = max(10 * len(context["timeline"]), 240)  # a few bars stay bar-shaped
        context["chart_urls"] = {mode: replace(outcome.params, chart=mode).url(page=outcome.params.page) for mode in ("count", "share")}
        if outcome.params.date_from or outcome.params.date_to:
            context["dates_cleared_url"] = replace(outcome.params, date_from=None, date_to=None, page=1).url()
    return render(request, "search/search.html", context, status=status)


def hit_json(hit, *, request: HttpRequest) -> dict:
    article = hit.article
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.title,
        "title_html": hit.title_html,
        "outlet": article.outlet.name if article.outlet else None,
        "outlet_slug": article.outlet.slug if article.outlet else None,
        "published": article.published.isoformat() if article.published else None,
        "snippet": hit.snippet,
        "copies": [article_reference(copy, url=request.build_absolute_uri(copy.get_absolute_url())) for copy in hit.copies],
        "copies_count": len(hit.copies),
    }



def _bad_request(problem: Exception) -> JsonResponse:
    return JsonResponse({"error": str(problem)}, status=400)


@limited
def api_search(request: HttpRequest) -> JsonResponse:
    try:
        outcome = search_run(params_from_query(request.GET))
    except (ParameterError, QuerySyntaxError) as problem:
        return _bad_request(problem)
    except IndexUnavailable:
        return JsonResponse({"error": index_check().message}, status=503)
    return JsonResponse(
        {
            "total": outcome.total,
            "count": "groups" if outcome.params.counts_groups else "articles",
            "page": outcome.params.page,
            "pages": outcome.pages,
            "took_ms": round(outcome.took_ms, 2),
            "facets_date_bucket": outcome.date_bucket,
            "results": [hit_json(hit, request=request) for hit in outcome.hits],
            "facets": {name: [value.as_json() for value in values] for name, values in outcome.facets.items()},
            "index_status": _index_status(),
        }
    )


def _index_status() -> dict:
    """Whether the index is complete: "ok", "importing" (an import is filling it), or what is wrong."""
    health = index_check_cached()
    state = "importing" if health.importing else health.state
    return {"state": state, "indexed": health.indexed, "message": "" if health.quiet else health.message}


@limited
def api_article(request: HttpRequest, pk: int) -> JsonResponse:
    article = next(iter(articles_for_export(Article.objects.published().filter(pk=pk))), None)
    if article is None:
        raise Http404("No published article has this id.")
    return JsonResponse(article_row(article, base_url=_base_url(request)))


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _export(request: HttpRequest, format: str) -> HttpResponse:
    """The whole result set, streamed; the query runs before the response starts, so a bad one is a 400."""
    try:
        params = params_from_query(request.GET)
        outcome, ids, terms = export_ids(params)
    except (ParameterError, QuerySyntaxError) as problem:
        return _bad_request(problem)
    except IndexUnavailable:
        return JsonResponse({"error": index_check().message}, status=503)
    rows = rows_for(ids, base_url=_base_url(request), extra=lambda article, row: row.update(snippet=snippet_html(article.body, terms)))
    meta = export_meta(params, outcome=outcome, rows=len(ids))
    lines = export_lines(rows, format=format, fields=[*EXPORT_FIELDS, "snippet"], meta=meta)
    response = StreamingHttpResponse(lines, content_type=FORMATS[format].content_type)
    response["Content-Disposition"] = f'attachment; filename="archive-export.{format}"'
    response["X-Archive-Query"] = params.q.encode("unicode_escape").decode("ascii")
    response["X-Archive-Total"] = str(outcome.total)
    response["X-Archive-Rows"] = str(len(ids))
    return response


@limited
def export_jsonl(request: HttpRequest) -> HttpResponse:
    return _export(request, "jsonl")


@limited
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


QUERY_EXAMPLES = [
    ("putin xi", "articles with both words (every word must match)"),
    ('"armed forces"', "the exact phrase"),
    ("peskov OR cctv", "either word"),
    ("putin NOT xi", "the first without the second; -xi works too"),
    ("(putin OR xi) sanctions", "grouping with parentheses"),
    ("title:cooperation", "a word in the headline (also body:, byline:)"),
    ("outlet:snn", "an outlet, by the slug in its facet link"),
    ("entity:vladimir-putin", "an entity, by the slug in its facet link"),
    ("published:[2022-12-01 TO 2022-12-31]", "a date range"),
    ("sanction*", "words starting with sanction"),
    ("geopolitcal~", "words spelled nearly like this (fuzzy)"),
]


def help_search(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {"examples": QUERY_EXAMPLES})
