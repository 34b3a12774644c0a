from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from .ingestion.parsing import raw_parse
from .ingestion.records import RejectedInput
from .models import Article, Entity, Mention, Outlet


HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}  # a URL typed without a scheme is https


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["entity"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "domain", "article_count"]
    search_fields = ["name", "slug", "domain"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(ordering="article_total", description="articles")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_total


def removed_lines(article: Article) -> set[str]:
    """What cleaning took out of the raw text, re-read so editors see exactly what the rules do now."""
    if article.raw_format == Article.RawFormat.RECORD:
        return set()
    try:
        return set(raw_parse(article.raw_text, article.raw_format, stated=article.stated).removed)
    except RejectedInput:
        return set()


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "status", "title_derived", "imported_at"]
    list_filter = ["status", "outlet", "title_derived", "published"]
    search_fields = ["title", "body", "source"]
    date_hierarchy = "published"
    list_select_related = ["outlet"]
    readonly_fields = ["raw_format", "raw_hash", "stated", "curated_fields", "imported_at", "updated_at", "clean_and_raw"]
    inlines = [MentionInline]
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["title", "title_derived", "outlet", "byline", "published", "status", "curated_fields"]}),
        ("Where it came from", {"fields": ["source", "source_url", "raw_format", "stated", "raw_hash", "imported_at", "updated_at"]}),
        ("Text", {"fields": ["body", "clean_and_raw"]}),
    ]

    @admin.display(description="Clean body beside the raw text (struck-through lines were removed as furniture)")
    def clean_and_raw(self, article: Article) -> str:
        removed = removed_lines(article)
        raw = format_html_join(
            "",
            '<div style="{}">{}</div>',
            (
                ("text-decoration: line-through; color: #a33; background: #fff3f3;" if line.strip() in removed else "", line or "\u00a0")
                for line in article.raw_text.split("\n")
            ),
        )
        return format_html(
            '<div style="display:grid;grid-template-columns:1fr 1fr;gap:1rem;max-width:100%">'
            '<div><strong>Clean body</strong><div style="white-space:pre-wrap">{}</div></div>'
            '<div><strong>Raw text ({})</strong><div style="font-family:monospace;font-size:.8rem">{}</div></div></div>',
            article.body,
            article.get_raw_format_display(),
            raw,
        )

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        """A metadata field an editor changes becomes curated: re-import and reprocess keep it."""
        corrected = [name for name in form.changed_data if name in Article.CURATABLE_FIELDS]
        if change and corrected:
            obj.curated_fields = sorted(set(obj.curated_fields) | set(corrected))
        super().save_model(request, obj, form, change)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "slug", "article_count"]
    list_filter = ["type"]
    search_fields = ["name", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("mentions"))

    @admin.display(ordering="article_total", description="articles")
    def article_count(self, entity: Entity) -> int:
        return entity.article_total
