"""Thin views over the search kit: the search page and API, exports, entity and outlet pages (views of a
filtered search, so their counts, charts and lists agree with the search's), quote search, the guide."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render

from archive.models import Article, Entity, FormerSlug, Outlet, Story
from archive.selectors import slugs_followed, story_title
from archive.serializers import (
    EXPORT_FIELDS,
    article_reference,
    article_row,
    articles_for_export,
)

from .backend import IndexUnavailable
from .compare import (
    CSV_FIELDS,
    compare_form,
    compare_params,
    comparison_from,
    comparison_json,
    comparison_page,
    comparison_rows,
    comparison_run,
)
from .exports import FORMATS, export_lines, rows_for
from .forms import SearchForm
from .health import index_check, index_check_cached
from .highlight import snippet_html
from .params import ParameterError, SearchParams
from .presentation import ChartSeries, chart_build, chips, dates_cleared_url, facet_panels, page_links
from .query import QuerySyntaxError, QueryTimeout
from .quotes import (
    QUOTE_EXPORT_FIELDS,
    QuoteSearch,
    quote_params,
    quote_rows,
    quotes_search,
)
from .searching import (
    SEARCH,
    SearchOutcome,
    emptied_by,
    export_ids,
    export_meta,
    params_from_query,
    search_run,
)
from .stories import STORIES, StorySummary, stories_list, story_detail_rows, story_params

PROBLEMS = (ParameterError, QuerySyntaxError)


def query_data(request: HttpRequest) -> QueryDict:
    """The query string, or a ParameterError for one too long to read (thousands of repeated parameters)."""
    try:
        return request.GET
    except TooManyFieldsSent:
        raise ParameterError(
            f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} parameters; send fewer."
        ) from None


def _bad_request(problem: Exception) -> JsonResponse:
    return JsonResponse({"error": str(problem)}, status=400)


def _unavailable(problem: Exception | None = None) -> JsonResponse:
    """503: the index cannot be read, or the query ran past its time budget."""
    return JsonResponse(
        {"error": str(problem) if isinstance(problem, QueryTimeout) else index_check().message}, status=503
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def search_page(request: HttpRequest) -> HttpResponse:
    error, status, outcome, data = "", 200, None, QueryDict()
    try:
        data = query_data(request)
        params = params_from_query(data)
        outcome = search_run(params, with_share=params.chart == "share")
    except PROBLEMS as problem:
        error, status = str(problem), 400
    except IndexUnavailable:
        error, status = index_check().message, 503
    except QueryTimeout as problem:
        error, status = str(problem), 503
    health = index_check_cached()
    form = SearchForm(data or None, params=outcome.params if outcome else None)
    context = {
        "form": form,
        "outcome": outcome,
        "error": error,
        "q": data.get("q", ""),
        "index_warning": "" if health.quiet else health.message,
    }
    if outcome:
        params = outcome.params
        shares = outcome.shares if params.chart == "share" else None
        context.update(
            links=page_links(params, outcome.pagination),
            panels=facet_panels(outcome.facets),
            chips=chips(outcome.facets),
            chart=chart_build(ChartSeries(outcome.facets["date"], shares=shares), bucket=outcome.date_bucket),
            chart_urls={
                mode: params.changed(chart=mode, page=params.page).url(page=params.page)
                for mode in ("count", "share")
            },
            export_query=params.query_string(),
            dates_cleared_url=dates_cleared_url(params),
            include_undated_url=params.changed(undated="include").url() if outcome.undated_excluded else "",
            emptied=emptied_by(params) if not outcome.total else [],
            compare_url=comparison_from(params).url(),
        )
    return render(request, "search/search.html", context, status=status)


# -- the comparison -------------------------------------------------------------------------------------


def compare_page(request: HttpRequest) -> HttpResponse:
    """Several queries side by side; without any, the form alone."""
    error, status, comparison, params, data = "", 200, None, None, QueryDict()
    try:
        data = query_data(request)
        params = compare_params(data)
        comparison = comparison_run(params) if params.queries else None
    except PROBLEMS as problem:
        error, status = str(problem), 400
    except IndexUnavailable:
        error, status = index_check().message, 503
    except QueryTimeout as problem:
        error, status = str(problem), 503
    context = {"params": params, "comparison": comparison, "error": error, **compare_form(data, params)}
    if comparison:
        context.update(comparison_page(comparison))
    return render(request, "search/compare.html", context, status=status)


def _compared(request: HttpRequest):
    """The comparison the request asks for, or the JSON error answer."""
    try:
        return comparison_run(compare_params(query_data(request))), None
    except PROBLEMS as problem:
        return None, _bad_request(problem)
    except (IndexUnavailable, QueryTimeout) as problem:
        return None, _unavailable(problem)


def api_compare(request: HttpRequest) -> JsonResponse:
    comparison, failure = _compared(request)
    return failure or JsonResponse(comparison_json(comparison, absolute=request.build_absolute_uri))


def compare_csv(request: HttpRequest) -> HttpResponse:
    comparison, failure = _compared(request)
    if failure:
        return failure
    lines = export_lines(iter(comparison_rows(comparison)), format="csv", fields=CSV_FIELDS)
    headers = {"X-Archive-Interval": comparison.interval, "X-Archive-Queries": str(len(comparison.queries))}
    return _streamed(lines, format="csv", name="archive-compare", headers=headers)


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
        "copies": [
            article_reference(copy, url=request.build_absolute_uri(copy.get_absolute_url()))
            for copy in hit.copies
        ],
        "copies_count": len(hit.copies),
        "wire": hit.wire or None,
    }


def outcome_json(outcome: SearchOutcome, *, request: HttpRequest) -> dict:
    return {
        "total": outcome.total,
        "count": "groups" if outcome.params.counts_groups else "articles",
        "page": outcome.params.page,
        "pages": outcome.pages,
        "took_ms": round(outcome.took_ms, 2),
        "facets_date_bucket": outcome.date_bucket,
        "undated_excluded": outcome.undated_excluded,
        "followed": [item.as_json() for item in outcome.followed],
        "results": [hit_json(hit, request=request) for hit in outcome.hits],
        "facets": {name: [value.as_json() for value in values] for name, values in outcome.facets.items()},
        "index_status": _index_status(),
    }


def api_search(request: HttpRequest) -> JsonResponse:
    try:
        outcome = search_run(params_from_query(query_data(request)))
    except PROBLEMS as problem:
        return _bad_request(problem)
    except (IndexUnavailable, QueryTimeout) as problem:
        return _unavailable(problem)
    return JsonResponse(outcome_json(outcome, request=request))


def _index_status() -> dict:
    """Whether the index is complete: "ok", "importing" (an import is filling it), or what is wrong."""
    health = index_check_cached()
    state = "importing" if health.importing else health.state
    return {"state": state, "indexed": health.indexed, "message": "" if health.quiet else health.message}


def api_article(request: HttpRequest, pk: int) -> JsonResponse:
    article = next(iter(articles_for_export(Article.objects.published().filter(pk=pk))), None)
    if article is None:
        raise Http404("No published article has this id.")
    return JsonResponse(article_row(article, base_url=_base_url(request)))


def _streamed(lines, *, format: str, name: str, headers: dict[str, str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=FORMATS[format].content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    for header, value in headers.items():
        response[header] = value
    return response


def _export(request: HttpRequest, format: str) -> HttpResponse:
    """The whole result set, streamed; the query runs before the response starts, so a bad one is a 400."""
    try:
        params = params_from_query(query_data(request))
        outcome, ids, terms = export_ids(params)
    except PROBLEMS as problem:
        return _bad_request(problem)
    except (IndexUnavailable, QueryTimeout) as problem:
        return _unavailable(problem)
    rows = rows_for(
        ids,
        base_url=_base_url(request),
        extra=lambda article, row: row.update(snippet=snippet_html(article.body, terms)),
    )
    lines = export_lines(
        rows,
        format=format,
        fields=[*EXPORT_FIELDS, "snippet"],
        meta=export_meta(params, outcome=outcome, rows=len(ids)),
    )
    headers = {
        "X-Archive-Query": params.q.encode("unicode_escape").decode("ascii"),
        "X-Archive-Total": str(outcome.total),
        "X-Archive-Rows": str(len(ids)),
    }
    return _streamed(lines, format=format, name="archive-export", headers=headers)


def export_jsonl(request: HttpRequest) -> HttpResponse:
    return _export(request, "jsonl")


def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


# -- entity and outlet pages: a filtered search, shown as a profile ----------------------------------------


def _profile(params: SearchParams) -> SearchOutcome:
    """The search behind a profile page; an entity or outlet no published article mentions has no page."""
    try:
        outcome = search_run(params)
    except (IndexUnavailable, QueryTimeout):
        outcome = None
    if outcome is None or not outcome.total:
        raise Http404("No published article mentions it.")
    return outcome


def _former(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """A slug that once named an entity or outlet: a permanent redirect to what it was merged into, or a
    page saying an editor blocked it; else 404."""
    former = slugs_followed(kind, (slug,)).get(slug)
    if former is None:
        raise Http404(f"No {kind} has this slug.")
    if former.blocked:
        return render(request, "search/blocked.html", {"former": former}, status=410)
    return HttpResponsePermanentRedirect((former.entity or former.outlet).get_absolute_url())


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An entity across the archive: coverage over time, who mentions it, who appears with it."""
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        return _former(request, FormerSlug.Kind.ENTITY, slug)
    outcome = _profile(
        SearchParams(entities=(entity.slug,), sort="newest", page_size=20, entity_limit=20, spec=SEARCH)
    )
    aliases = list(entity.aliases.filter(blocked=False).order_by("name").values_list("name", flat=True))
    itself = {entity.name.casefold(), *(alias.casefold() for alias in aliases)}
    context = {
        "entity": entity,
        "outcome": outcome,
        "aliases": aliases,
        "chart": chart_build(ChartSeries(outcome.facets["date"]), bucket=outcome.date_bucket),
        "outlets": outcome.facets["outlet"][:15],
        "cooccurring": [
            value
            for value in outcome.facets["entity"]
            if value.value != entity.slug and value.label.casefold() not in itself
        ][:15],
    }
    return render(request, "search/entity_detail.html", context)


def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An outlet's coverage: its articles over time, the entities it mentions most, its latest articles."""
    outlet = Outlet.objects.filter(slug=slug).first()
    if outlet is None:
        return _former(request, FormerSlug.Kind.OUTLET, slug)
    outcome = _profile(
        SearchParams(outlets=(outlet.slug,), sort="newest", page_size=20, entity_limit=20, spec=SEARCH)
    )
    chart = chart_build(ChartSeries(outcome.facets["date"]), bucket=outcome.date_bucket)
    context = {"outlet": outlet, "outcome": outcome, "chart": chart, "top_entities": outcome.facets["entity"]}
    return render(request, "search/outlet_detail.html", context)


# -- quotes ---------------------------------------------------------------------------------------------


def quote_search(request: HttpRequest) -> HttpResponse:
    try:
        found = quotes_search(quote_params(query_data(request)))
    except ParameterError as problem:
        return render(request, "search/quote_search.html", {"error": str(problem)}, status=400)
    context = {
        "found": found,
        "links": page_links(found.params, found.pagination),
        "speakers": found.speakers,
        "chips": [value for value in found.speakers if value.selected],
        "export_query": found.params.query_string(),
    }
    return render(request, "search/quote_search.html", context)


def quotes_json(found: QuoteSearch, *, request: HttpRequest) -> dict:
    absolute = request.build_absolute_uri

    def reference(article: Article) -> dict:
        return {
            **article_reference(article, url=absolute(article.get_absolute_url())),
            "title": article.title,
        }

    return {
        "total": found.total,
        "page": found.params.page,
        "pages": found.pagination.pages,
        "results": [
            {
                "group": result.group.pk,
                "speaker": result.group.speaker.name if result.group.speaker else None,
                "speaker_slug": result.group.speaker.slug if result.group.speaker else None,
                "text": result.text,
                "variants": result.variants,
                "articles": [reference(a) for a in result.articles],
                "outlets": result.outlets,
                "attributions": [
                    {
                        "speaker": a.speaker.name if a.speaker else None,
                        "speaker_slug": a.speaker.slug if a.speaker else None,
                        "articles": [x.pk for x in a.articles],
                    }
                    for a in result.attributions
                ],
            }
            for result in found.results
        ],
        "facets": {"speaker": [value.as_json() for value in found.speakers]},
    }


def api_quotes(request: HttpRequest) -> JsonResponse:
    try:
        found = quotes_search(quote_params(query_data(request)))
    except ParameterError as problem:
        return _bad_request(problem)
    return JsonResponse(quotes_json(found, request=request))


def _quote_export(request: HttpRequest, format: str) -> HttpResponse:
    try:
        params = quote_params(query_data(request))
    except ParameterError as problem:
        return _bad_request(problem)
    meta = {"query": params.q, "filters": params.filters_given(), "speaker": list(params.speakers)}
    lines = export_lines(
        quote_rows(params, base_url=_base_url(request)), format=format, fields=QUOTE_EXPORT_FIELDS, meta=meta
    )
    return _streamed(
        lines,
        format=format,
        name="archive-quotes",
        headers={"X-Archive-Query": params.q.encode("unicode_escape").decode("ascii")},
    )


def quotes_export_jsonl(request: HttpRequest) -> HttpResponse:
    return _quote_export(request, "jsonl")


def quotes_export_csv(request: HttpRequest) -> HttpResponse:
    return _quote_export(request, "csv")


# -- stories --------------------------------------------------------------------------------------------


def story_list(request: HttpRequest) -> HttpResponse:
    try:
        found = stories_list(story_params(query_data(request)))
    except ParameterError as problem:
        return render(request, "search/story_list.html", {"error": str(problem)}, status=400)
    sorts = {sort: found.params.changed(sort=sort).url() for sort in STORIES.sorts}
    return render(
        request,
        "search/story_list.html",
        {"found": found, "links": page_links(found.params, found.pagination), "sorts": sorts},
    )


def _story_json(summary: StorySummary, *, request: HttpRequest) -> dict:
    return {
        "id": summary.story.pk,
        "url": request.build_absolute_uri(summary.story.get_absolute_url()),
        "title": summary.title,
        "size": summary.size,
        "outlets": summary.outlets,
        "first_published": summary.first.isoformat() if summary.first else None,
        "last_published": summary.last.isoformat() if summary.last else None,
        "span_days": summary.span_days,
    }


def api_stories(request: HttpRequest) -> JsonResponse:
    try:
        found = stories_list(story_params(query_data(request)))
    except ParameterError as problem:
        return _bad_request(problem)
    return JsonResponse(
        {
            "total": found.total,
            "page": found.params.page,
            "pages": found.pagination.pages,
            "results": [_story_json(summary, request=request) for summary in found.results],
        }
    )


def api_story(request: HttpRequest, pk: int) -> JsonResponse:
    story = Story.objects.filter(pk=pk).first()
    rows = story_detail_rows(story) if story else []
    if not rows:
        raise Http404("No story with published articles has this id.")
    absolute = request.build_absolute_uri
    return JsonResponse(
        {
            "id": story.pk,
            "url": absolute(story.get_absolute_url()),
            "title": story_title(story),
            "articles": [
                {
                    **article_reference(row.article, url=absolute(row.article.get_absolute_url())),
                    "title": row.article.title,
                    "order": row.order,
                    "lag_days": row.lag_days,
                    "copy": row.copy_label or None,
                }
                for row in rows
            ],
        }
    )


QUERY_EXAMPLES = [
    (
        "putin xi",
        "articles with both words (every word must match; every word is searchable, also us, it, may, who)",
    ),
    ('"armed forces"', "the exact phrase, every word in order"),
    ("peskov OR cctv", "either word"),
    (
        "putin NOT xi",
        "the first without the second; -xi works too, also alone: -xi is every article without xi",
    ),
    ("(putin OR xi) sanctions", "grouping with parentheses"),
    ("title:cooperation", "a word in the headline (also body:, byline:)"),
    ("byline:*", "articles that have a byline (any field:*)"),
    ("outlet:snn", "an outlet, by the slug in its facet link"),
    ("entity:vladimir-putin", "an entity, by the slug in its facet link"),
    ("published:[2022-12-01 TO 2022-12-31]", "a date range"),
    ("sanction*", "words starting with sanction (at least two letters before the *)"),
    ("geopolitcal~", "words spelled nearly like this (fuzzy: one or two letters off, geopolitcal~2)"),
]


def help_search(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {"examples": QUERY_EXAMPLES})
