"""Thin views over frozen sets and concordances: parse, call a service or a selector, render or stream.

Every set is looked up through `selectors.set_visible`, so a private set is a 404 on every URL for anyone
but its owner and editors. Writes need a logged-in user: the pages send anonymous visitors to the login,
the API answers 403 `{"error"}`. The API's POSTs check Django's CSRF token (as session-authenticated APIs
do) after the login check, so every refusal is JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    QueryDict,
)
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from search.backend import IndexUnavailable
from search.exports import export_lines
from search.params import Pagination, ParameterError
from search.presentation import PageLinks, page_links
from search.query import QueryTimeout
from search.searching import SEARCH
from search.views import PROBLEMS, _bad_request, _base_url, _streamed, _unavailable, query_data

from .citation import citation_bibtex, citation_csl, citation_text
from .concordance import (
    SET_CONCORDANCE,
    Concordance,
    concordance_live,
    concordance_of_set,
    concordance_params,
    rows_window,
)
from .models import ResultSet
from .selectors import (
    MANIFEST_FIELDS,
    SET_EXPORT_FIELDS,
    article_urls,
    corrections_visible,
    export_rows,
    item_row,
    items_page,
    manifest_rows,
    rerun_shown,
    sees_withdrawn,
    set_meta,
    set_url,
    set_visible,
    sets_visible,
)
from .services import SetError, freeze_request_parse, set_freeze, set_publish, set_rerun

SORT_LABELS = [("date", "Date (oldest first)"), ("left", "Word to the left"), ("right", "Word to the right")]
SETS_PAGE = 20
ITEMS_PAGE = 50
API_ITEMS_PAGE = 100
RERUN_SHOWN = 100


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _no_set(pk: int) -> JsonResponse:
    return _json_error(f"No result set {pk} that you may see.", 404)


def _set_or_404(request: HttpRequest, pk: int) -> ResultSet:
    result_set = set_visible(request.user, pk)
    if result_set is None:
        raise Http404("No result set that you may see has this id.")
    return result_set


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise ParameterError(f"'page' must be a whole number from 1 (got {value[:40]!r})")
    return int(value)


def _links(request: HttpRequest, pagination: Pagination) -> PageLinks:
    def url(page: int) -> str:
        data = request.GET.copy()
        data["page"] = str(page)
        return f"{request.path}?{data.urlencode()}"

    return PageLinks(
        page=pagination.page,
        pages=pagination.pages,
        previous=url(pagination.page - 1) if pagination.page > 1 else "",
        next=url(pagination.page + 1) if pagination.page < pagination.pages else "",
    )


# -- the concordance -------------------------------------------------------------------------------------


def _concordance_answer(found: Concordance, *, request: HttpRequest) -> tuple[list[dict], int, Pagination]:
    params = found.params
    pagination = Pagination(page=params.page, page_size=params.page_size, listed=0)
    rows, total = rows_window(
        found.rows(base_url=_base_url(request)), start=pagination.start, size=params.page_size
    )
    return rows, total, replace(pagination, listed=total)


def _concordance_json(found: Concordance, *, request: HttpRequest) -> dict:
    rows, total, pagination = _concordance_answer(found, request=request)
    return {
        **found.meta,
        "search_total": found.meta["total"],
        "total": total,
        "page": pagination.page,
        "pages": pagination.pages,
        "results": rows,
    }


def _concordance_stream(found: Concordance, *, request: HttpRequest, format: str, name: str) -> HttpResponse:
    lines = export_lines(
        found.rows(base_url=_base_url(request)), format=format, fields=found.fields, meta=found.meta
    )
    headers = {
        "X-Archive-Query": found.params.q.encode("unicode_escape").decode("ascii"),
        "X-Archive-Total": str(found.meta["total"]),
        "X-Archive-Articles": str(found.meta["articles"]),
        "X-Archive-Width": str(found.params.width),
        "X-Archive-Sort": found.params.sort,
    }
    return _streamed(lines, format=format, name=name, headers=headers)


def concordance_page(request: HttpRequest) -> HttpResponse:
    context: dict = {"q": request.GET.get("q", ""), "sorts": SORT_LABELS}
    status = 200
    try:
        params = concordance_params(query_data(request))
        context["params"] = params
        found = concordance_live(params)
        rows, total, pagination = _concordance_answer(found, request=request)
        context.update(
            found=found,
            rows=rows,
            total=total,
            links=page_links(params, pagination),
            export_query=params.url(path="?").removeprefix("?"),
            search_url=replace(params, sort="relevance", spec=SEARCH).url(),
        )
    except PROBLEMS as problem:
        context["error"], status = str(problem), 400
    except (IndexUnavailable, QueryTimeout) as problem:
        context["error"], status = str(problem) or "The index cannot be read right now.", 503
    return render(request, "research/concordance.html", context, status=status)


def _live_concordance(request: HttpRequest) -> Concordance | JsonResponse:
    try:
        return concordance_live(concordance_params(query_data(request)))
    except PROBLEMS as problem:
        return _bad_request(problem)
    except (IndexUnavailable, QueryTimeout) as problem:
        return _unavailable(problem)


def api_concordance(request: HttpRequest) -> JsonResponse:
    found = _live_concordance(request)
    return (
        found if isinstance(found, JsonResponse) else JsonResponse(_concordance_json(found, request=request))
    )


def _concordance_export(request: HttpRequest, format: str) -> HttpResponse:
    found = _live_concordance(request)
    return (
        found
        if isinstance(found, JsonResponse)
        else _concordance_stream(found, request=request, format=format, name="archive-concordance")
    )


def concordance_csv(request: HttpRequest) -> HttpResponse:
    return _concordance_export(request, "csv")


def concordance_jsonl(request: HttpRequest) -> HttpResponse:
    return _concordance_export(request, "jsonl")


# -- freezing --------------------------------------------------------------------------------------------


def _body_data(request: HttpRequest) -> QueryDict:
    """The POST's data: a form, or a JSON object whose values are text, numbers or lists of them."""
    if request.content_type != "application/json":
        return request.POST
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ParameterError(
            "The body is not JSON; send a JSON object of the search's parameters and a title, or a form"
        ) from None
    if not isinstance(body, dict):
        raise ParameterError("The body must be a JSON object of the search's parameters and a title")
    data = QueryDict(mutable=True)
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        data.setlist(
            name,
            [
                str(item).lower() if isinstance(item, bool) else str(item)
                for item in values
                if item is not None
            ],
        )
    return data


def _freeze(request: HttpRequest, data: QueryDict) -> ResultSet:
    return set_freeze(request=freeze_request_parse(data, owner=request.user), owner=request.user)


def _csrf_refused(request: HttpRequest) -> bool:
    return CsrfViewMiddleware(lambda _: HttpResponse()).process_view(request, None, (), {}) is not None


def _search_from(data: QueryDict) -> str:
    """The search a freeze form was sent from, to return to after logging in."""
    search = QueryDict(mutable=True)
    for name in SEARCH.accepts & set(data.keys()):
        search.setlist(name, data.getlist(name))
    return reverse("search") + ("?" + search.urlencode() if search else "")


def set_list(request: HttpRequest) -> HttpResponse:
    """The sets `user` may read (GET); freezing a search from its page's form (POST)."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(_search_from(request.POST))
        try:
            return redirect(_freeze(request, request.POST))
        except PROBLEMS as problem:
            return render(
                request,
                "research/problem.html",
                {"error": str(problem), "back_url": _search_from(request.POST)},
                status=400,
            )
        except SetError as problem:
            return render(
                request,
                "research/problem.html",
                {"error": str(problem), "back_url": _search_from(request.POST)},
                status=409,
            )
        except (IndexUnavailable, QueryTimeout) as problem:
            return render(
                request,
                "research/problem.html",
                {"error": str(problem), "back_url": _search_from(request.POST)},
                status=503,
            )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        page = _page_number(request)
    except ParameterError as problem:
        return render(request, "research/set_list.html", {"error": str(problem)}, status=400)
    sets = sets_visible(request.user)
    pagination = Pagination(page=page, page_size=SETS_PAGE, listed=sets.count())
    context = {
        "sets": sets[pagination.start : pagination.start + SETS_PAGE],
        "links": _links(request, pagination),
        "total": pagination.listed,
    }
    return render(request, "research/set_list.html", context)


def set_json(result_set: ResultSet, *, request: HttpRequest) -> dict:
    base = _base_url(request)
    url = set_url(result_set, base_url=base)

    def link(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[result_set.pk]))

    return {
        **set_meta(result_set, base_url=base),
        "corrections": [item.pk for item in corrections_visible(request.user, result_set)],
        "links": {
            name: link(f"set_{name}")
            for name in (
                "manifest",
                "export_csv",
                "export_jsonl",
                "rerun",
                "concordance",
                "citation_bibtex",
                "citation_csl",
            )
        }
        | {
            "api": link("api_set"),
            "api_rerun": link("api_set_rerun"),
            "api_concordance": link("api_set_concordance"),
        },
        "citation": {
            "text": citation_text(result_set, url=url),
            "bibtex": citation_bibtex(result_set, url=url),
            "csl": citation_csl(result_set, url=url),
        },
    }


@csrf_exempt
def api_sets(request: HttpRequest) -> JsonResponse:
    """GET: the sets you may read (and the CSRF cookie a script's POST sends back). POST: freeze a search
    (the search's parameters, `title`, and optionally `description`, `visibility`, `supersedes`); 201 with
    the new set."""
    if request.method == "GET":
        get_token(request)
        try:
            page = _page_number(request)
        except ParameterError as problem:
            return _bad_request(problem)
        sets = sets_visible(request.user)
        pagination = Pagination(page=page, page_size=SETS_PAGE, listed=sets.count())
        results = [
            set_meta(item, base_url=_base_url(request))
            for item in sets[pagination.start : pagination.start + SETS_PAGE]
        ]
        return JsonResponse(
            {"total": pagination.listed, "page": page, "pages": pagination.pages, "results": results}
        )
    if request.method != "POST":
        return _json_error("Use GET to list sets or POST to freeze one.", 405)
    if not request.user.is_authenticated:
        return _json_error("Freezing a result set needs a logged-in user; log in first.", 403)
    if _csrf_refused(request):
        return _json_error(
            "The CSRF check failed: send the csrftoken cookie's value in an X-CSRFToken header.", 403
        )
    try:
        result_set = _freeze(request, _body_data(request))
    except PROBLEMS as problem:
        return _bad_request(problem)
    except SetError as problem:
        return _json_error(str(problem), 409)
    except (IndexUnavailable, QueryTimeout) as problem:
        return _unavailable(problem)
    response = JsonResponse(set_json(result_set, request=request), status=201)
    response["Location"] = set_url(result_set, base_url=_base_url(request))
    return response


# -- one set ---------------------------------------------------------------------------------------------


@require_GET
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result_set = _set_or_404(request, pk)
    try:
        page = _page_number(request)
    except ParameterError as problem:
        return render(
            request,
            "research/problem.html",
            {"error": str(problem), "back_url": result_set.get_absolute_url()},
            status=400,
        )
    pagination = Pagination(page=page, page_size=ITEMS_PAGE, listed=result_set.articles)
    url = set_url(result_set, base_url=_base_url(request))
    supersedes = set_visible(request.user, result_set.supersedes_id) if result_set.supersedes_id else None
    context = {
        "set": result_set,
        "url": url,
        "items": items_page(result_set, start=pagination.start, size=ITEMS_PAGE),
        "links": _links(request, pagination),
        "first_position": pagination.start + 1,
        "full": sees_withdrawn(request.user, result_set),
        "supersedes": supersedes,
        "corrections": corrections_visible(request.user, result_set),
        "search_url": reverse("search") + "?" + result_set.parameters,
        "citation": {
            "text": citation_text(result_set, url=url),
            "bibtex": citation_bibtex(result_set, url=url),
            "csl": json.dumps(citation_csl(result_set, url=url), indent=2, ensure_ascii=False),
        },
        "can_publish": request.user.pk == result_set.owner_id and not result_set.is_public,
    }
    return render(request, "research/set_detail.html", context)


@require_GET
def api_set(request: HttpRequest, pk: int) -> JsonResponse:
    """The set and one page of its items (`page`, 100 a page) with their state now."""
    result_set = set_visible(request.user, pk)
    if result_set is None:
        return _no_set(pk)
    try:
        page = _page_number(request)
    except ParameterError as problem:
        return _bad_request(problem)
    pagination = Pagination(page=page, page_size=API_ITEMS_PAGE, listed=result_set.articles)
    items = items_page(result_set, start=pagination.start, size=API_ITEMS_PAGE)
    full, url = sees_withdrawn(request.user, result_set), article_urls(_base_url(request))
    rows = [
        {"position": item.position, **item_row(item, mark, url=url, full=full)} for item, mark, _ in items
    ]
    return JsonResponse(
        {**set_json(result_set, request=request), "page": page, "pages": pagination.pages, "items": rows}
    )


def _rerun_json(result_set: ResultSet, *, request: HttpRequest) -> dict:
    rerun = set_rerun(result_set)
    return {
        "set": result_set.pk,
        "set_url": set_url(result_set, base_url=_base_url(request)),
        "search_url": request.build_absolute_uri(reverse("search") + "?" + result_set.parameters),
        "frozen": {
            "total": result_set.total,
            "articles": result_set.articles,
            "frozen_at": result_set.created_at.isoformat(timespec="seconds"),
        },
        "now": {"total": rerun.total, "articles": rerun.articles},
        "added": {"count": len(rerun.added), "ids": rerun.added},
        "withdrawn": {"count": len(rerun.withdrawn), "ids": rerun.withdrawn},
        "followed": [item.as_json() for item in rerun.followed],
    }


@require_GET
def api_set_rerun(request: HttpRequest, pk: int) -> JsonResponse:
    result_set = set_visible(request.user, pk)
    if result_set is None:
        return _no_set(pk)
    try:
        return JsonResponse(_rerun_json(result_set, request=request))
    except PROBLEMS as problem:
        return _bad_request(problem)
    except (IndexUnavailable, QueryTimeout) as problem:
        return _unavailable(problem)


@require_GET
def set_rerun_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the set's query now: how many articles now, which were added, which are no longer in it."""
    result_set = _set_or_404(request, pk)
    context: dict = {"set": result_set, "search_url": reverse("search") + "?" + result_set.parameters}
    try:
        rerun = set_rerun(result_set)
    except PROBLEMS as problem:
        context["error"] = f"The set's search cannot be run now: {problem}"
        return render(request, "research/set_rerun.html", context, status=400)
    except (IndexUnavailable, QueryTimeout) as problem:
        context["error"] = str(problem) or "The index cannot be read right now."
        return render(request, "research/set_rerun.html", context, status=503)
    added, withdrawn = rerun_shown(
        result_set, added=rerun.added[:RERUN_SHOWN], withdrawn=rerun.withdrawn[:RERUN_SHOWN]
    )
    context.update(
        rerun=rerun,
        added=added,
        withdrawn=withdrawn,
        full=sees_withdrawn(request.user, result_set),
        more_added=len(rerun.added) - len(added),
        more_withdrawn=len(rerun.withdrawn) - len(withdrawn),
    )
    return render(request, "research/set_rerun.html", context)


def _set_streamed(
    request: HttpRequest, pk: int, rows: Callable, *, format: str, fields: list[str], name: str
) -> HttpResponse:
    result_set = _set_or_404(request, pk)
    base = _base_url(request)
    meta = set_meta(result_set, base_url=base)
    lines = export_lines(
        rows(result_set, base_url=base, full=sees_withdrawn(request.user, result_set)),
        format=format,
        fields=fields,
        meta=meta,
    )
    headers = {
        "X-Archive-Set": str(result_set.pk),
        "X-Archive-Fingerprint": result_set.fingerprint,
        "X-Archive-Total": str(result_set.articles),
    }
    return _streamed(lines, format=format, name=f"{name}-{result_set.pk}", headers=headers)


@require_GET
def set_manifest(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_streamed(
        request, pk, manifest_rows, format="jsonl", fields=MANIFEST_FIELDS, name="archive-set-manifest"
    )


@require_GET
def set_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_streamed(request, pk, export_rows, format="csv", fields=SET_EXPORT_FIELDS, name="archive-set")


@require_GET
def set_export_jsonl(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_streamed(
        request, pk, export_rows, format="jsonl", fields=SET_EXPORT_FIELDS, name="archive-set"
    )


@require_GET
def set_citation_bibtex(request: HttpRequest, pk: int) -> HttpResponse:
    result_set = _set_or_404(request, pk)
    response = HttpResponse(
        citation_bibtex(result_set, url=set_url(result_set, base_url=_base_url(request))),
        content_type="application/x-bibtex; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="archive-set-{result_set.pk}.bib"'
    return response


@require_GET
def set_citation_csl(request: HttpRequest, pk: int) -> HttpResponse:
    result_set = _set_or_404(request, pk)
    response = JsonResponse(
        citation_csl(result_set, url=set_url(result_set, base_url=_base_url(request))),
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/vnd.citationstyles.csl+json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="archive-set-{result_set.pk}.json"'
    return response


def _set_concordance(request: HttpRequest, result_set: ResultSet) -> Concordance:
    params = concordance_params(query_data(request), spec=SET_CONCORDANCE)
    return concordance_of_set(result_set, params, meta=set_meta(result_set, base_url=_base_url(request)))


@require_GET
def set_concordance_page(request: HttpRequest, pk: int) -> HttpResponse:
    result_set = _set_or_404(request, pk)
    context: dict = {"set": result_set, "q": result_set.query, "sorts": SORT_LABELS}
    try:
        found = _set_concordance(request, result_set)
        rows, total, pagination = _concordance_answer(found, request=request)
    except PROBLEMS as problem:
        context["error"] = str(problem)
        return render(request, "research/concordance.html", context, status=400)
    except (IndexUnavailable, QueryTimeout) as problem:
        context["error"] = str(problem) or "The index cannot be read right now."
        return render(request, "research/concordance.html", context, status=503)
    path = reverse("set_concordance", args=[result_set.pk])
    context.update(
        params=found.params,
        found=found,
        rows=rows,
        total=total,
        links=page_links(replace(found.params, q=""), pagination, path=path),
        export_query=replace(found.params, q="").url(path="?").removeprefix("?"),
    )
    return render(request, "research/concordance.html", context)


def _set_concordance_answer(
    request: HttpRequest, pk: int, answer: Callable[[Concordance], HttpResponse]
) -> HttpResponse:
    result_set = set_visible(request.user, pk)
    if result_set is None:
        return _no_set(pk)
    try:
        found = _set_concordance(request, result_set)
    except PROBLEMS as problem:
        return _bad_request(problem)
    except (IndexUnavailable, QueryTimeout) as problem:
        return _unavailable(problem)
    return answer(found)


@require_GET
def api_set_concordance(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_concordance_answer(
        request, pk, lambda found: JsonResponse(_concordance_json(found, request=request))
    )


@require_GET
def set_concordance_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_concordance_answer(
        request,
        pk,
        lambda found: _concordance_stream(
            found, request=request, format="csv", name=f"archive-set-{pk}-concordance"
        ),
    )


@require_GET
def set_concordance_jsonl(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_concordance_answer(
        request,
        pk,
        lambda found: _concordance_stream(
            found, request=request, format="jsonl", name=f"archive-set-{pk}-concordance"
        ),
    )


@require_POST
def set_publish_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("set_detail", args=[pk]))
    result_set = _set_or_404(request, pk)
    try:
        set_publish(result_set=result_set, user=request.user)
    except SetError as problem:
        return render(
            request,
            "research/problem.html",
            {"error": str(problem), "back_url": result_set.get_absolute_url()},
            status=403,
        )
    return redirect(result_set)


@csrf_exempt
def api_set_publish(request: HttpRequest, pk: int) -> JsonResponse:
    if request.method != "POST":
        return _json_error("Use POST to publish a set.", 405)
    if not request.user.is_authenticated:
        return _json_error("Publishing a result set needs a logged-in user; log in first.", 403)
    if _csrf_refused(request):
        return _json_error(
            "The CSRF check failed: send the csrftoken cookie's value in an X-CSRFToken header.", 403
        )
    result_set = set_visible(request.user, pk)
    if result_set is None:
        return _no_set(pk)
    try:
        result_set = set_publish(result_set=result_set, user=request.user)
    except SetError as problem:
        return _json_error(str(problem), 403)
    return JsonResponse(set_json(result_set, request=request))
