from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.db import models
from django.db.models import Count, Sum
from django.utils.html import format_html, format_html_join

from .ingestion.parsing import raw_parse
from .ingestion.records import RejectedInput
from .curation import CurationError, entities_block, entities_merge, entity_rename, entity_type_change
from .models import Article, Entity, EntityAlias, Mention, Outlet


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


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    fields = ["name", "origin"]
    readonly_fields = ["origin"]


def _confirmation(modeladmin, request, queryset, *, action: str, title: str, template: str, extra: dict | None = None) -> TemplateResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "mention_count", "article_count", "alias_list"]
    list_filter = ["type"]
    search_fields = ["name", "slug", "aliases__name"]
    readonly_fields = ["slug"]
    inlines = [EntityAliasInline]
    actions = ["merge_entities", "change_entity_type", "block_entities"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .annotate(mention_total=Sum("mentions__count"), article_total=Count("mentions", distinct=True))
            .prefetch_related("aliases")
        )

    @admin.display(ordering="mention_total", description="mentions")
    def mention_count(self, entity: Entity) -> int:
        return entity.mention_total or 0

    @admin.display(ordering="article_total", description="articles")
    def article_count(self, entity: Entity) -> int:
        return entity.article_total

    @admin.display(description="aliases")
    def alias_list(self, entity: Entity) -> str:
        return ", ".join(alias.name for alias in entity.aliases.all())

    def save_model(self, request, obj: Entity, form, change: bool) -> None:
        old_name = Entity.objects.get(pk=obj.pk).name if change else ""
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            entity_rename(entity=obj, old_name=old_name)

    @admin.action(description="Merge selected entities…", permissions=["change"])
    def merge_entities(self, request, queryset):
        if request.POST.get("post") == "yes":
            keep = queryset.filter(pk=request.POST.get("keep")).first()
            if keep is None:
                self.message_user(request, "Choose the entity to keep (one of those selected).", messages.ERROR)
                return None
            changed = entities_merge(keep=keep, others=queryset.exclude(pk=keep.pk))
            self.message_user(request, f"Merged into “{keep.name}”; {changed} articles updated.", messages.SUCCESS)
            return None
        if queryset.count() < 2:
            self.message_user(request, "Select two or more entities to merge.", messages.WARNING)
            return None
        return _confirmation(self, request, queryset, action="merge_entities", title="Merge entities", template="admin/archive/entity/merge_entities.html")

    @admin.action(description="Change the type of selected entities…", permissions=["change"])
    def change_entity_type(self, request, queryset):
        if request.POST.get("post") == "yes":
            try:
                changed = entity_type_change(entities=queryset, entity_type=request.POST.get("type", ""))
            except CurationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, f"Type changed; {changed} articles updated.", messages.SUCCESS)
            return None
        return _confirmation(
            self, request, queryset, action="change_entity_type", title="Change entity type",
            template="admin/archive/entity/change_entity_type.html", extra={"types": Entity.Type.choices},
        )

    @admin.action(description="Block selected names (never entities again)", permissions=["delete"])
    def block_entities(self, request, queryset):
        names = ", ".join(entity.name for entity in queryset)
        changed = entities_block(entities=queryset)
        self.message_user(request, f"Blocked {names}; {changed} articles updated.", messages.SUCCESS)


@admin.register(EntityAlias)
class EntityAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "entity", "blocked", "origin"]
    list_filter = ["blocked", "origin", "entity__type"]
    search_fields = ["name", "entity__name"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["origin"]
