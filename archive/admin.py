from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Sum
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .curation import (
    CurationError,
    article_links_refresh,
    articles_set_status,
    articles_touch,
    copy_group_split,
    entities_block,
    entities_merge,
    entity_rename,
    entity_type_change,
    outlets_merge,
    quote_speaker_set,
    story_split,
)
from .ingestion.importer import articles_reprocess
from .ingestion.uploads import uploads_import
from .models import (
    Article,
    CopyGroup,
    Entity,
    EntityAlias,
    FormerSlug,
    Mention,
    Outlet,
    OutletAlias,
    Quote,
    Story,
    WireAgency,
)
from .presentation import raw_lines
from .selectors import wire_names
from .signals import announce_articles_changed


class TextKeepingLineEnds(forms.CharField):
    """Browsers send a textarea's lines ending in CR LF; the archive stores LF and keeps spacing exactly.
    Normalised before the form compares values, so saving an unchanged form changes nothing."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**{**kwargs, "strip": False})

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class ExactSaves:
    """An admin whose saves change only what the editor changed: no save (so no history entry, no new update
    time, no re-index) when the form is unchanged; a URL typed without a scheme is https."""

    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.TextField: {"form_class": TextKeepingLineEnds, "widget": forms.Textarea},
    }

    def save_model(self, request, obj, form, change: bool) -> None:
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["entity"]


class OutletAliasInline(admin.TabularInline):
    model = OutletAlias
    extra = 0
    fields = ["name"]


@admin.register(Outlet)
class OutletAdmin(ExactSaves, SimpleHistoryAdmin):
    list_display = ["name", "slug", "domain", "article_count", "alias_list"]
    search_fields = ["name", "slug", "domain", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OutletAliasInline]
    actions = ["merge_outlets"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(article_total=Count("articles"))
            .prefetch_related("aliases")
        )

    @admin.display(ordering="article_total", description="articles")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_total

    @admin.display(description="aliases")
    def alias_list(self, outlet: Outlet) -> str:
        return ", ".join(alias.name for alias in outlet.aliases.all())

    @admin.action(description="Merge selected outlets…", permissions=["change"])
    def merge_outlets(self, request, queryset):
        return _merge_action(
            self,
            request,
            queryset,
            action="merge_outlets",
            what="outlets",
            merge=outlets_merge,
            outcome="articles moved",
            explanation=(
                "Their articles move to the one you keep, and the other names become its aliases, "
                "so later imports land on it too."
            ),
        )


class _EmptyFilter(admin.SimpleListFilter):
    """Articles where a field was left empty by the importer (no date, no outlet): the ones to fix."""

    field = ""

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "yes"})
        return queryset


class NoDateFilter(_EmptyFilter):
    title = "no date"
    parameter_name = "no_date"
    field = "published"


class NoOutletFilter(_EmptyFilter):
    title = "no outlet"
    parameter_name = "no_outlet"
    field = "outlet"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        help_text="Text pages (.txt), HTML pages, JSONL or CSV files, or a .zip of them."
    )


@admin.register(Article)
class ArticleAdmin(ExactSaves, SimpleHistoryAdmin):
    list_display = ["title", "outlet", "published", "status", "entity_count", "imported_at"]
    list_filter = ["status", "outlet", "wire", "published", "title_derived", NoDateFilter, NoOutletFilter]
    search_fields = ["title", "body", "source"]
    date_hierarchy = "published"
    list_select_related = ["outlet"]
    readonly_fields = [
        "raw_format",
        "raw_hash",
        "stated",
        "curated_fields",
        "imported_at",
        "updated_at",
        "clean_and_raw",
        "copy_similarity",
    ]
    inlines = [MentionInline]
    actions = [
        "hide_articles",
        "publish_articles",
        "reprocess_articles",
        "reindex_articles",
        "split_copy_group",
        "split_story",
    ]
    change_list_template = "admin/archive/article/change_list.html"
    raw_id_fields = ["copy_group", "story"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "title_derived",
                    "outlet",
                    "byline",
                    "published",
                    "wire",
                    "status",
                    "curated_fields",
                ]
            },
        ),
        ("Copies and story", {"fields": ["copy_group", "copy_similarity", "story"]}),
        (
            "Where it came from",
            {
                "fields": [
                    "source",
                    "source_url",
                    "raw_format",
                    "stated",
                    "raw_hash",
                    "imported_at",
                    "updated_at",
                ]
            },
        ),
        ("Text", {"fields": ["body", "clean_and_raw"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entity_total=Count("mentions"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "wire":  # the agencies there are, not free text
            choices = [
                ("", "— no wire credit —"),
                *sorted(wire_names().items(), key=lambda item: item[1].casefold()),
            ]
            return forms.ChoiceField(
                choices=choices, required=False, label="Wire agency", help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(ordering="entity_total", description="entities")
    def entity_count(self, article: Article) -> int:
        return article.entity_total

    @admin.display(
        description="Clean body beside the raw text (struck-through lines were removed as furniture)"
    )
    def clean_and_raw(self, article: Article) -> str:
        raw = format_html_join(
            "",
            '<div style="{}">{}</div>',
            (
                (
                    "text-decoration: line-through; color: #a33; background: #fff3f3;" if removed else "",
                    line or "\u00a0",
                )
                for line, removed in raw_lines(article)
            ),
        )
        return format_html(
            '<div style="display:grid;grid-template-columns:1fr 1fr;gap:1rem;max-width:100%">'
            '<div><strong>Clean body</strong><div style="white-space:pre-wrap">{}</div></div>'
            "<div><strong>Raw text ({})</strong>"
            '<div style="font-family:monospace;font-size:.8rem">{}</div></div></div>',
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
        if change and {"copy_group", "story"} & set(corrected):
            article_links_refresh(before=form.initial, article=obj)

    def save_related(self, request, form, formsets, change: bool) -> None:
        """The mentions edited inline are saved after the article: announced again once they are."""
        super().save_related(request, form, formsets, change)
        announce_articles_changed(article_ids=[form.instance.pk])

    @admin.action(
        description="Split selected articles off their copy group (into a group of their own)",
        permissions=["change"],
    )
    def split_copy_group(self, request, queryset):
        moved = copy_group_split(queryset)
        self.message_user(
            request,
            f"{moved} articles split off their copy groups; re-processing keeps this.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Split selected articles off their story (into a story of their own)",
        permissions=["change"],
    )
    def split_story(self, request, queryset):
        moved = story_split(queryset)
        self.message_user(
            request, f"{moved} articles split off their stories; re-processing keeps this.", messages.SUCCESS
        )

    @admin.action(description="Hide selected articles (from every public page)", permissions=["change"])
    def hide_articles(self, request, queryset):
        changed = articles_set_status(articles=queryset, status=Article.Status.HIDDEN)
        self.message_user(request, f"{changed} articles hidden.", messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish_articles(self, request, queryset):
        changed = articles_set_status(articles=queryset, status=Article.Status.PUBLISHED)
        self.message_user(request, f"{changed} articles published.", messages.SUCCESS)

    @admin.action(
        description="Re-run extraction on selected articles (keeps editors' corrections)",
        permissions=["change"],
    )
    def reprocess_articles(self, request, queryset):
        report = articles_reprocess(queryset.order_by("pk"))
        level = messages.WARNING if report.failed else messages.SUCCESS
        self.message_user(request, f"Reprocessed: {report.summary}.", level)

    @admin.action(description="Re-index selected articles", permissions=["change"])
    def reindex_articles(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            articles_touch(ids)
        self.message_user(request, f"{len(ids)} articles re-indexed.", messages.SUCCESS)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="archive_article_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload files; the same importer runs and the page reports what it did."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = uploads_import(request.FILES.getlist("files"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "opts": self.model._meta,
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/archive/article/import.html", context)


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 0
    fields = ["name", "origin"]
    readonly_fields = ["origin"]


def _confirmation(
    modeladmin, request, queryset, *, action: str, title: str, template: str, extra: dict | None = None
) -> TemplateResponse:
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


def _merge_action(
    modeladmin, request, queryset, *, action: str, what: str, merge, outcome: str, explanation: str
):
    """The two-step merge: a confirmation page asking which to `keep`, then (with post=yes) the merge."""
    if request.POST.get("post") == "yes":
        keep = queryset.filter(pk=request.POST.get("keep")).first()
        if keep is None:
            modeladmin.message_user(request, f"Choose which of the selected {what} to keep.", messages.ERROR)
            return None
        count = merge(keep=keep, others=queryset.exclude(pk=keep.pk))
        now = modeladmin.get_queryset(request).get(pk=keep.pk).article_total
        modeladmin.message_user(
            request,
            f"Merged into “{keep.name}”, now in {now} article{'s' if now != 1 else ''}; {count} {outcome}.",
            messages.SUCCESS,
        )
        return None
    if queryset.count() < 2:
        modeladmin.message_user(request, f"Select two or more {what} to merge.", messages.WARNING)
        return None
    queryset = queryset.order_by("-article_total", "pk")  # the one in most articles is offered to keep
    return _confirmation(
        modeladmin,
        request,
        queryset,
        action=action,
        title=f"Merge {what}",
        template="admin/archive/merge_confirmation.html",
        extra={"what": what, "explanation": explanation},
    )


@admin.register(Entity)
class EntityAdmin(ExactSaves, SimpleHistoryAdmin):
    list_display = ["name", "type", "mention_count", "article_count", "alias_list"]
    list_filter = ["type"]
    search_fields = ["name", "slug", "aliases__name"]
    readonly_fields = ["slug"]
    inlines = [EntityAliasInline]
    actions = ["merge_entities", "change_entity_type", "block_entities"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
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
        return _merge_action(
            self,
            request,
            queryset,
            action="merge_entities",
            what="entities",
            merge=entities_merge,
            outcome="articles changed (they mentioned a merged name)",
            explanation=(
                "Their mentions move to the one you keep, and the other names become its aliases, "
                "so later imports use it too."
            ),
        )

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
            self,
            request,
            queryset,
            action="change_entity_type",
            title="Change entity type",
            template="admin/archive/entity/change_entity_type.html",
            extra={"types": Entity.Type.choices},
        )

    @admin.action(description="Block selected names (never entities again)", permissions=["delete"])
    def block_entities(self, request, queryset):
        names = ", ".join(entity.name for entity in queryset)
        changed = entities_block(entities=queryset)
        self.message_user(request, f"Blocked {names}; {changed} articles updated.", messages.SUCCESS)


@admin.register(EntityAlias)
class EntityAliasAdmin(ExactSaves, admin.ModelAdmin):
    list_display = ["name", "entity", "blocked", "origin"]
    list_filter = ["blocked", "origin", "entity__type"]
    search_fields = ["name", "entity__name"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["origin"]


class MemberInline(admin.TabularInline):
    model = Article
    fields = ["title", "outlet", "published", "copy_similarity"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CopyMemberInline(MemberInline):
    fk_name = "copy_group"


class StoryMemberInline(MemberInline):
    fk_name = "story"
    fields = ["title", "outlet", "published", "copy_group"]
    readonly_fields = fields


@admin.register(CopyGroup)
class CopyGroupAdmin(ExactSaves, admin.ModelAdmin):
    """To split a wrong group, select articles in the article list and use "Split … copy group"."""

    list_display = ["__str__", "member_count", "created_at"]
    readonly_fields = ["earliest", "created_at"]
    inlines = [CopyMemberInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("earliest").annotate(member_total=Count("articles"))
        )

    @admin.display(ordering="member_total", description="articles")
    def member_count(self, group: CopyGroup) -> int:
        return group.member_total


@admin.register(Story)
class StoryAdmin(ExactSaves, admin.ModelAdmin):
    list_display = ["__str__", "first_published", "member_count"]
    search_fields = ["title"]
    readonly_fields = ["first_published", "created_at"]
    inlines = [StoryMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("articles"))

    @admin.display(ordering="member_total", description="articles")
    def member_count(self, story: Story) -> int:
        return story.member_total


@admin.register(Quote)
class QuoteAdmin(ExactSaves, admin.ModelAdmin):
    """Choosing another speaker moves the quote to that speaker's statement; re-processing keeps it."""

    list_display = ["text_start", "speaker", "article", "group", "speaker_curated"]
    list_filter = ["speaker_curated", "speaker__type"]
    search_fields = ["text", "speaker__name", "article__title"]
    autocomplete_fields = ["speaker"]
    fields = ["text", "article", "speaker", "group", "speaker_curated"]
    readonly_fields = ["text", "article", "group", "speaker_curated"]
    list_select_related = ["speaker", "article"]

    @admin.display(description="quote")
    def text_start(self, quote: Quote) -> str:
        return quote.text[:90]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj: Quote, form, change: bool) -> None:
        if "speaker" in form.changed_data:
            quote_speaker_set(obj, speaker=form.cleaned_data["speaker"])
        else:
            super().save_model(request, obj, form, change)


@admin.register(WireAgency)
class WireAgencyAdmin(ExactSaves, admin.ModelAdmin):
    """Agencies beyond the built-in ones (AFP, AP, Reuters, Xinhua, TASS, PTI, ANI, dpa, EFE, ANSA, Kyodo,
    Yonhap, Bernama, UNI, IANS); re-process articles to find their credits in articles already imported."""

    list_display = ["name", "forms"]
    search_fields = ["name", "forms"]


@admin.register(FormerSlug)
class FormerSlugAdmin(admin.ModelAdmin):
    """Slugs of merged or blocked entities and outlets: links to them lead to what they became."""

    list_display = ["slug", "kind", "name", "entity", "outlet"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]
    readonly_fields = ["kind", "slug", "name", "entity", "outlet"]

    def has_add_permission(self, request) -> bool:
        return False
