"""The archive's data: outlets, articles as imported and cleaned, and the entities they mention."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords


def unique_slug(
    model: type[models.Model], base: str, *, suffix: str = "", taken: Callable[[str], bool] | None = None
) -> str:
    """A slug for `base` not yet used by `model` (or not `taken`); a readable suffix first, then numbers."""
    taken = taken or (lambda candidate: model.objects.filter(slug=candidate).exists())
    slug = slugify(base)[:180] or "item"
    candidates = [slug] + ([f"{slug}-{suffix}"] if suffix else [])
    for candidate in candidates:
        if not taken(candidate):
            return candidate
    number = 2
    while taken(f"{candidates[-1]}-{number}"):
        number += 1
    return f"{candidates[-1]}-{number}"


def _slug_taken(model: type[models.Model], kind: str) -> Callable[[str], bool]:
    """A slug is taken while an object has it or it still leads to one (a merged or blocked one)."""
    return (
        lambda slug: model.objects.filter(slug=slug).exists()
        or FormerSlug.objects.filter(kind=kind, slug=slug).exists()
    )


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    domain = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Outlet, self.name, taken=_slug_taken(Outlet, "outlet"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("outlet_detail", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED)

    def without_raw(self) -> ArticleQuerySet:
        """Without the scraped page, the lines the cleaner removed and the copy signature: the largest values,
        which no result list or index document shows (on PostgreSQL each is read from TOAST)."""
        return self.defer("raw_text", "removed_lines", "signature")

    def earliest_first(self) -> ArticleQuerySet:
        """The order copies and stories are told in: by date, undated last, then as imported."""
        return self.order_by(models.F("published").asc(nulls_last=True), "pk")

    def copies_of(self, articles: list[Article]) -> dict[int, list[Article]]:
        """For each of `articles`, the other articles of these in its copy group, earliest first."""
        groups = {article.copy_group_id for article in articles} - {None}
        by_group: dict[int, list[Article]] = {}
        for member in (
            self.filter(copy_group__in=groups).select_related("outlet").earliest_first() if groups else []
        ):
            by_group.setdefault(member.copy_group_id, []).append(member)
        return {
            a.pk: [m for m in by_group.get(a.copy_group_id, []) if m.pk != a.pk]
            for a in articles
            if a.copy_group_id
        }

    def update(self, **fields) -> int:
        """Django's bulk update, and the index hears of it: no code path (linking, curation, a script hiding
        articles with `update(status="hidden")`) can change an indexed field behind the index's back."""
        return len(self.update_announced(**fields))

    def update_announced(self, **fields) -> set[int]:
        """Update these articles in one statement, moving their update time (the index reconciles documents
        by it) and announcing them after the commit; returns their ids."""
        from .signals import announce_articles_changed  # the signals module imports the models

        ids = set(self.values_list("pk", flat=True))
        if ids:
            models.QuerySet.update(
                Article.objects.filter(pk__in=ids), **{"updated_at": timezone.now(), **fields}
            )
            announce_articles_changed(article_ids=ids)
        return ids

    def any_curated(self, field: str) -> bool:
        """Whether an editor decided `field` for any of these articles (a split group or story)."""
        return any(field in fields for fields in self.values_list("curated_fields", flat=True))


class Article(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    class RawFormat(models.TextChoices):
        PAGE = "page", "Scraped page text"
        HTML = "html", "HTML page"
        RECORD = "record", "Structured record (JSON)"

    # Metadata fields an editor may correct; a corrected field is "curated" and extraction leaves it alone.
    # An editor's split of a copy group or story curates `copy_group` / `story` the same way.
    CURATABLE_FIELDS = (
        "title",
        "byline",
        "published",
        "outlet",
        "source_url",
        "body",
        "copy_group",
        "story",
        "wire",
    )

    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    copy_group = models.ForeignKey(
        "CopyGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The near-duplicate group (syndicated copies of one text) the article belongs to.",
    )
    copy_similarity = models.FloatField(
        null=True, blank=True, help_text="Word-shingle containment against the closest copy in its group."
    )
    story = models.ForeignKey(
        "Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    signature = models.BinaryField(
        null=True, blank=True, editable=False, help_text="MinHash of the body's word shingles."
    )
    title = models.CharField(max_length=500)
    title_derived = models.BooleanField(
        default=False, help_text="The title was taken from the text, not the page."
    )
    byline = models.CharField(max_length=300, blank=True)
    wire = models.CharField(
        max_length=60,
        blank=True,
        db_index=True,
        help_text="The key of the wire agency the article credits (afp, reuters, …); blank: none.",
    )
    published = models.DateField(null=True, blank=True, db_index=True)
    body = models.TextField(help_text="The clean article text.")
    raw_text = models.TextField(help_text="The text exactly as imported.")
    source = models.CharField(
        max_length=1000, unique=True, help_text="Where the article came from; its identity."
    )
    source_url = models.URLField(max_length=2000, blank=True)
    raw_format = models.CharField(max_length=8, choices=RawFormat.choices, default=RawFormat.PAGE)
    raw_hash = models.CharField(max_length=64, db_index=True)
    stated = models.JSONField(
        default=dict,
        blank=True,
        help_text="Metadata a manifest stated for the file; it wins over extraction.",
    )
    removed_lines = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The raw text's lines cleaning removed (page furniture).",
    )
    curated_fields = models.JSONField(
        default=list, blank=True, help_text="Fields an editor corrected; re-extraction keeps them."
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED, db_index=True)

    objects = ArticleQuerySet.as_manager()
    # Every change an editor or a re-process makes is kept (who, when, old and new values). The raw text
    # never changes after import; signatures, copy groups and stories are derived links that linking
    # recomputes for many articles at once (an editor's split shows as a curated field).
    history = HistoricalRecords(
        excluded_fields=["raw_text", "removed_lines", "signature", "copy_group", "copy_similarity", "story"]
    )

    class Meta:
        ordering = ["-published", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article_detail", args=[self.pk])


class Entity(models.Model):
    class Type(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        PLACE = "place", "Place"

    name = models.CharField(max_length=300)
    type = models.CharField(max_length=16, choices=Type.choices)
    slug = models.SlugField(max_length=200, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [models.UniqueConstraint(fields=["name", "type"], name="entity_unique_name_type")]

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Entity, self.name, suffix=self.type, taken=_slug_taken(Entity, "entity"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("entity_detail", args=[self.slug])


class OutletAlias(models.Model):
    """Another name of an outlet (a merged outlet, a domain); imports that name it land on the outlet."""

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True, editable=False)
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "outlet aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.outlet.name}"

    def save(self, *args, **kwargs) -> None:
        self.key = alias_key(self.name)
        super().save(*args, **kwargs)


def alias_key(name: str) -> str:
    """How surface forms are compared: case, dots, a leading "the" and possessives do not matter."""
    key = " ".join(name.replace(".", "").replace("’", "'").split()).casefold()
    key = key.removeprefix("the ")
    return key.removesuffix("'s").removesuffix("'")


class EntityAlias(models.Model):
    """A surface form and what it names: an entity, or nothing (a blocked form that is never an entity).

    Editors' decisions (merges, renames, type changes, blocks) are aliases too, so later imports and
    re-extraction follow them.
    """

    class Origin(models.TextChoices):
        EDITOR = "editor", "Editor"
        BUILTIN = "builtin", "Built in"
        LEARNED = "learned", "Learned from an article"

    name = models.CharField(max_length=300, help_text="The surface form as written.")
    key = models.CharField(max_length=300, unique=True, editable=False)
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    blocked = models.BooleanField(default=False, help_text="This form is not an entity, whatever its type.")
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.EDITOR)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "entity aliases"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(blocked=True, entity__isnull=True)
                | models.Q(blocked=False, entity__isnull=False),
                name="alias_names_entity_or_is_blocked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {'blocked' if self.blocked else self.entity.name}"

    def save(self, *args, **kwargs) -> None:
        self.key = alias_key(self.name)
        super().save(*args, **kwargs)


class WireAgency(models.Model):
    """A news agency editors add to the built-in ones (AFP, AP, Reuters, …, in `archive.ingestion.wires`):
    imports and re-processing then recognise its credits."""

    name = models.CharField(
        max_length=100, unique=True, help_text="As researchers read it, e.g. 'Bloomberg News'."
    )
    forms = models.TextField(
        blank=True, help_text="Other ways credits write it, one a line (e.g. 'Bloomberg')."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "wire agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def written(self) -> tuple[str, ...]:
        return (self.name, *(line.strip() for line in self.forms.splitlines() if line.strip()))


class FormerSlug(models.Model):
    """A slug that no longer names an entity or outlet of its own: merged into another (its links and
    searches lead there) or blocked (its page says so). Links researchers saved never break."""

    class Kind(models.TextChoices):
        ENTITY = "entity", "Entity"
        OUTLET = "outlet", "Outlet"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    slug = models.SlugField(max_length=200)
    name = models.CharField(max_length=300, help_text="What the slug named.")
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="former_slugs"
    )
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="former_slugs"
    )

    class Meta:
        ordering = ["kind", "slug"]
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="former_slug_unique")]

    def __str__(self) -> str:
        target = self.entity or self.outlet
        return f"{self.slug} → {target.slug if target else 'blocked'}"

    @property
    def blocked(self) -> bool:
        return self.entity_id is None and self.outlet_id is None


class Mention(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-count", "entity__name"]
        constraints = [
            models.UniqueConstraint(fields=["article", "entity"], name="mention_unique_article_entity")
        ]

    def __str__(self) -> str:
        return f"{self.entity.name} in #{self.article_id} ×{self.count}"


class CopyGroup(models.Model):
    """Near-copies of one text (a wire story and its reprints); the earliest copy stands for the group."""

    earliest = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Copies of “{self.earliest.title}”" if self.earliest else f"Copy group {self.pk}"


class Story(models.Model):
    """Articles about one event across outlets, wider than a copy group. Its title is an editor's; without
    one, pages show the title of its earliest published article."""

    title = models.CharField(
        max_length=500,
        blank=True,
        help_text="An editor's title; blank shows the earliest published article's.",
    )
    first_published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_published", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("story_detail", args=[self.pk])


class QuoteGroup(models.Model):
    """One statement quoted in one or more articles, in its wordings."""

    speaker = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="quote_groups"
    )
    text = models.TextField(help_text="The fullest wording.")
    words = models.TextField(editable=False, help_text="Content words compared to group variants.")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.text[:80]


class Quote(models.Model):
    """A direct quotation in an article, with its speaker; `speaker_curated` keeps an editor's choice."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    group = models.ForeignKey(QuoteGroup, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField()
    wording_key = models.CharField(
        max_length=40,
        db_index=True,
        editable=False,
        default="",
        help_text="A digest of the wording as compared across articles: the same statement is found by one "
        "index lookup.",
    )
    start = models.PositiveIntegerField(help_text="Offset of the quote's first character in the body.")
    end = models.PositiveIntegerField()
    speaker = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    speaker_curated = models.BooleanField(
        default=False, help_text="An editor chose the speaker; re-processing keeps it."
    )

    class Meta:
        ordering = ["article", "start"]

    def __str__(self) -> str:
        return self.text[:80]
