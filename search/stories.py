"""The list of stories (articles about one event across outlets), with the kit's parameters and pages;
only published articles count in a story's size, outlets, dates and title."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Q, QuerySet

from archive.models import Article, Story
from archive.selectors import StoryRow, story_rows, story_title, wire_names

from .params import PageSpec, Pagination, SearchParams, params_parse

STORIES = PageSpec(
    url_name="story_list",
    accepts=frozenset({"sort", "page", "from", "to"}),
    sorts=("size", "newest", "oldest"),
    page_size=20,
)
PUBLISHED = Q(articles__status=Article.Status.PUBLISHED)


def story_params(data) -> SearchParams:
    return params_parse(data, spec=STORIES)


@dataclass(frozen=True)
class StorySummary:
    story: Story
    title: str
    size: int  # published articles
    outlets: int  # outlets among them ("No outlet" is not one)
    first: object  # the first dated article's date, or None
    last: object

    @property
    def span_days(self) -> int | None:
        return (self.last - self.first).days if self.first and self.last else None


@dataclass(frozen=True)
class StoryList:
    params: SearchParams
    total: int
    results: list[StorySummary]

    @property
    def pagination(self) -> Pagination:
        return Pagination(page=self.params.page, page_size=self.params.page_size, listed=self.total)


def _stories(params: SearchParams) -> QuerySet[Story]:
    stories = Story.objects.annotate(
        size=Count("articles", filter=PUBLISHED, distinct=True),
        outlet_count=Count("articles__outlet", filter=PUBLISHED, distinct=True),
        first=Min("articles__published", filter=PUBLISHED),
        last=Max("articles__published", filter=PUBLISHED),
    ).filter(size__gte=2)
    if params.date_from:
        stories = stories.filter(last__gte=params.date_from)
    if params.date_to:
        stories = stories.filter(first__lte=params.date_to)
    order = {
        "size": ["-size", F("first").desc(nulls_last=True), "pk"],
        "newest": [F("first").desc(nulls_last=True), "-size", "pk"],
        "oldest": [F("first").asc(nulls_last=True), "-size", "pk"],
    }[params.sort]
    return stories.order_by(*order)


def stories_list(params: SearchParams) -> StoryList:
    """Stories with two or more published articles, biggest (or newest, oldest) first."""
    stories = _stories(params)
    pagination = Pagination(page=params.page, page_size=params.page_size, listed=stories.count())
    chosen = stories[pagination.start : pagination.start + params.page_size]
    results = [
        StorySummary(
            story=story,
            title=story_title(story),
            size=story.size,
            outlets=story.outlet_count,
            first=story.first,
            last=story.last,
        )
        for story in chosen
    ]
    return StoryList(params=params, total=pagination.listed, results=results)


def story_detail_rows(story: Story) -> list[StoryRow]:
    return story_rows(list(story.articles.published().select_related("outlet")), wires=wire_names())
