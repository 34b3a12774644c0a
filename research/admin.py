"""Editors see every frozen set in admin, read only: a set is never edited (a correction is a new set),
and its items are read on the set's own page, which lists them with their state now."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from .models import ResultSet


@admin.register(ResultSet)
class ResultSetAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "visibility", "articles", "query", "created_at")
    list_filter = ("visibility", "created_at")
    search_fields = ("title", "description", "query", "owner__username", "fingerprint")
    readonly_fields = ("page",)
    list_select_related = ("owner",)

    @admin.display(description="Set page")
    def page(self, obj: ResultSet):
        return format_html(
            '<a href="{}">{} articles, with their state now</a>', obj.get_absolute_url(), obj.articles
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
