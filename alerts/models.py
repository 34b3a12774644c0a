"""Researchers' saved searches and the state of their alerts.

A saved search keeps a search's parameters as a query string, so it opens as exactly that search and
follows the archive as it grows. What is "new" is measured with article ids, which only grow: each
saved search keeps the highest article id the index held when its owner last looked (`seen_through`)
and when the last alert was sent (`alerted_through`), so new matches are the matches above the mark.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedSearch(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    query = models.TextField(help_text="The search's parameters as a query string, e.g. q=putin&outlet=snn.")
    alerts = models.BooleanField(
        default=False, help_text="Email the owner the new matches (manage.py send_alerts)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_through = models.BigIntegerField(
        default=0, help_text="The highest article id the index held when the owner last looked."
    )
    alerted_at = models.DateTimeField(null=True, blank=True)
    alerted_through = models.BigIntegerField(
        default=0, help_text="The highest article id the index held at the last alert."
    )

    class Meta:
        ordering = ["owner_id", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_per_owner")]
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return self.name


class AlertDelivery(models.Model):
    """One alert email, sent or failed: what it held, so a researcher (and editors) can see what went out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_deliveries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    articles = models.PositiveIntegerField(default=0)
    searches = models.JSONField(
        default=list, help_text='[{"id", "name", "new"}] for each saved search in the email'
    )
    error = models.TextField(blank=True, help_text="Why it failed; empty when it was sent.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "alert deliveries"

    @property
    def sent(self) -> bool:
        return not self.error
