from __future__ import annotations

from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import Article, Entity, Mention, Outlet, Story
from .presentation import body_html, raw_lines, story_overview
from .quote_search import SpeakerValue, quotes_search
from .ratelimits import limited
from .serializers import article_reference


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published article; hidden ones do not exist outside admin."""
    article = get_object_or_404(Article.objects.published().select_related("outlet", "story"), pk=pk)
    mentions = list(article.mentions.select_related("entity").order_by("entity__type", "-count", "entity__name"))
    quotes = list(article.quotes.select_related("speaker"))
    copies = Article.objects.published().copies_of([article]).get(article.pk, [])
    context = {
        "article": article, "mentions": mentions, "body_html": body_html(article, mentions, quotes), "raw_lines": raw_lines(article),
        "quotes": quotes, "copies": copies,
    }
    return render(request, "archive/article_detail.html", context)


def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=pk)
    overview = story_overview(story)
    if not overview["rows"]:
        raise Http404("This story has no published articles.")
    return render(request, "archive/story_detail.html", overview)


def _quote_params(request: HttpRequest) -> dict:
    """The quote search's parameters; bad numbers are the user's to fix, so they raise ValueError."""
    group = request.GET.get("group", "").strip()
    page = request.GET.get("page", "").strip() or "1"
    if not page.isdigit() or int(page) < 1 or (group and not group.isdigit()):
        raise ValueError("'page' and 'group' must be whole numbers (page 1 or more)")
    return {"q": request.GET.get("q", "").strip()[:500], "speaker": request.GET.get("speaker", "").strip().lower(), "group": int(group) if group else None, "page": int(page)}


def quote_search(request: HttpRequest) -> HttpResponse:
    try:
        found = quotes_search(**_quote_params(request))
    except ValueError as problem:
        return render(request, "archive/quote_search.html", {"error": str(problem)}, status=400)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "archive/quote_search.html", {"found": found, "query": params.urlencode(), "speakers": _speaker_links(request, found.speakers)})


def _speaker_links(request: HttpRequest, speakers: list[SpeakerValue]) -> list[tuple[SpeakerValue, str]]:
    """Each speaker with the link that chooses it (or, when chosen, lets it go), back to page 1."""
    links = []
    for value in speakers:
        params = request.GET.copy()
        params.pop("page", None)
        if value.selected:
            params.pop("speaker", None)
        else:
            params["speaker"] = value.value
        links.append((value, "?" + params.urlencode()))
    return links


@limited
def api_quotes(request: HttpRequest) -> JsonResponse:
    try:
        found = quotes_search(**_quote_params(request))
    except ValueError as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    absolute = request.build_absolute_uri
    return JsonResponse({
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "results": [
            {
                "group": result.group.pk,
                "speaker": result.group.speaker.name if result.group.speaker else None,
                "speaker_slug": result.group.speaker.slug if result.group.speaker else None,
                "text": result.group.text,
                "variants": result.variants,
                "articles": [article_reference(a, url=absolute(a.get_absolute_url())) for a in result.articles],
                "outlets": result.outlets,
            }
            for result in found.results
        ],
        "facets": {"speaker": [{"value": v.value, "label": v.label, "count": v.count} for v in found.speakers]},
    })


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
