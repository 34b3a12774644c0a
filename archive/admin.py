from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from .models import Article, Entity, Mention, Outlet


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["entity"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "domain", "article_count"]
    search_fields = ["name", "slug", "domain"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(ordering="article_total", description="articles")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_total


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "status", "title_derived", "imported_at"]
    list_filter = ["status", "outlet", "title_derived", "published"]
    search_fields = ["title", "body", "source"]
    date_hierarchy = "published"
    list_select_related = ["outlet"]
    readonly_fields = ["raw_text", "raw_hash", "imported_at", "updated_at"]
    inlines = [MentionInline]
    fieldsets = [
        (None, {"fields": ["title", "title_derived", "outlet", "byline", "published", "status"]}),
        ("Where it came from", {"fields": ["source", "source_url", "raw_hash", "imported_at", "updated_at"]}),
        ("Text", {"fields": ["body", "raw_text"]}),
    ]


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
