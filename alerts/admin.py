from __future__ import annotations

from django.contrib import admin

from .models import AlertDelivery, SavedSearch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "query", "alerts", "created_at", "seen_at", "alerted_at")
    list_filter = ("alerts",)
    search_fields = ("name", "query", "owner__username", "owner__email")
    readonly_fields = ("created_at", "seen_at", "seen_through", "alerted_at", "alerted_through")


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "articles", "sent")
    list_filter = ("created_at",)
    search_fields = ("user__username", "user__email", "error")
    readonly_fields = ("user", "created_at", "articles", "searches", "error")

    @admin.display(boolean=True)
    def sent(self, delivery: AlertDelivery) -> bool:
        return delivery.sent
