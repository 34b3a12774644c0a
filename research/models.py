"""Frozen result sets: a search's whole result as it stood, kept so that it can be cited and checked.

A set is written once (`research.services.set_freeze`) and never edited: a correction is a new set that
`supersedes` it. Its items name articles by id, not by foreign key, because an article may be hidden or
deleted later and the set must still say what it held: each item keeps the article's content hash and
the little metadata a withdrawn row shows its owner and editors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class FrozenError(RuntimeError):
    """A frozen set (or one of its items) was about to be changed."""


class ResultSet(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private (its owner and editors)"
        PUBLIC = "public", "Public"

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="result_sets")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text="The set this one corrects.",
    )
    query = models.TextField(blank=True, help_text="The query as given.")
    parameters = models.TextField(
        blank=True, help_text="The search's parameters as given, as a query string: what a re-run runs."
    )
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=16)
    collapse = models.BooleanField(default=False)
    count = models.CharField(max_length=8, help_text="What `total` counts: articles, or copy groups.")
    total = models.PositiveIntegerField(help_text="The search's total as its page showed it.")
    articles = models.PositiveIntegerField(help_text="Matching articles: the set's items.")
    groups = models.PositiveIntegerField(
        help_text="Matching copy groups (an article without copies is a group of its own)."
    )
    fingerprint = models.CharField(
        max_length=64, help_text="sha256 over the items' 'id:content_hash' lines, in order."
    )
    archive_version = models.CharField(max_length=100)
    analyzer_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (set {self.pk})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise FrozenError("A frozen result set is never edited; freeze a new one that supersedes it.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("set_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class ResultSetItem(models.Model):
    """One article of a set, at its place in the search's order."""

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="1 for the first result.")
    article_id = models.BigIntegerField(
        help_text="The article's id; no foreign key, since the article may be deleted later."
    )
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(
        help_text="The article's update time when frozen: while it stands, the content has not changed."
    )
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["result_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result_set", "position"], name="result_set_item_position")
        ]

    def __str__(self) -> str:
        return f"#{self.position} of set {self.result_set_id}: article {self.article_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise FrozenError("The items of a frozen result set are never edited.")
        super().save(*args, **kwargs)
