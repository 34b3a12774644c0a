"""How an article's text is shown to people: entity mentions linked, raw text with removed lines marked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from django.utils.safestring import SafeString, mark_safe

from .ingestion.parsing import raw_parse
from .ingestion.records import RejectedInput
from .models import Article, EntityAlias, Mention, Quote, QuoteGroup, Story


def removed_lines(article: Article) -> set[str]:
    """What cleaning took out of the raw text, re-read so people see exactly what the rules do now."""
    if article.raw_format == Article.RawFormat.RECORD:
        return set()
    try:
        return set(raw_parse(article.raw_text, article.raw_format, stated=article.stated).removed)
    except RejectedInput:
        return set()


def raw_lines(article: Article) -> list[tuple[str, bool]]:
    """The raw text's lines, each with whether cleaning removed it."""
    removed = removed_lines(article)
    return [(line, bool(line.strip()) and line.strip() in removed) for line in article.raw_text.split("\n")]


def body_html(article: Article, mentions, quotes: Sequence[Quote] = ()) -> SafeString:
    """The clean body as paragraphs, every written form of a mentioned entity linked to its page and every
    quote marked with its speaker (linking to the statement across the archive)."""
    forms: dict[str, tuple[str, str]] = {}
    entities = [mention.entity for mention in mentions]
    for entity in entities:
        forms[entity.name] = (entity.get_absolute_url(), entity.type)
    for alias in EntityAlias.objects.filter(entity__in=entities, blocked=False).select_related("entity"):
        forms.setdefault(alias.name, (alias.entity.get_absolute_url(), alias.entity.type))
    for entity in entities:  # the parts of people's names the article also uses alone ("Putin")
        if entity.type == "person":
            for part in entity.name.split():
                if len(part) > 2:
                    forms.setdefault(part, (entity.get_absolute_url(), entity.type))
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)) + r")(?!\w)") if forms else None

    def linked(text: str) -> str:
        if pattern is None:
            return escape(text)
        out, cursor = [], 0
        for match in pattern.finditer(text):
            url, kind = forms[match.group(1)]
            out.append(escape(text[cursor : match.start()]))
            out.append(f'<a class="mention mention-{kind}" href="{escape(url)}">{escape(match.group(1))}</a>')
            cursor = match.end()
        out.append(escape(text[cursor:]))
        return "".join(out)

    def paragraph(start: int, end: int) -> str:
        out, cursor = [], start
        for quote in quotes:
            left, right = max(quote.start, start), min(quote.end, end)
            if left >= right:
                continue
            out.append(linked(article.body[cursor:left]))
            speaker = quote.speaker.name if quote.speaker else "speaker not known"
            url = reverse("quote_search") + "?" + urlencode({"group": quote.group_id})
            out.append(
                f'<span class="quote" data-testid="quote" title="{escape(speaker)}">{linked(article.body[left:right])}'
                f'<a class="quote-speaker" href="{escape(url)}">{escape(speaker)}</a></span>'
            )
            cursor = right
        out.append(linked(article.body[cursor:end]))
        return "".join(out)

    parts, offset = [], 0
    for part in article.body.split("\n\n"):
        if part.strip():
            parts.append(f"<p>{paragraph(offset, offset + len(part))}</p>")
        offset += len(part) + 2
    return mark_safe("".join(parts))


def story_overview(story: Story) -> dict:
    """A story's articles on a timeline (who published first, everyone else's lag), which are copies of
    which, and the entities and quotes its articles share."""
    articles = list(story.articles.published().select_related("outlet", "copy_group").earliest_first())
    first = next((a.published for a in articles if a.published), None)
    copies = Counter(a.copy_group_id for a in articles if a.copy_group_id)
    rows = [
        {
            "article": article,
            "lag_days": (article.published - first).days if article.published and first else None,
            "is_copy": bool(article.copy_group_id) and copies[article.copy_group_id] > 1,
            "is_earliest_copy": bool(article.copy_group_id) and article.copy_group.earliest_id == article.pk,
        }
        for article in articles
    ]
    ids = [a.pk for a in articles]
    entities = (
        Mention.objects.filter(article_id__in=ids).values("entity__name", "entity__slug", "entity__type")
        .annotate(n=Count("article_id")).filter(n__gte=2).order_by("-n", "entity__name")[:25]
    )
    quotes = (
        QuoteGroup.objects.filter(quotes__article_id__in=ids).select_related("speaker")
        .annotate(n=Count("quotes__article", distinct=True)).filter(n__gte=2).order_by("-n", "pk")
    )
    return {"story": story, "rows": rows, "first": first, "outlets": len({a.outlet_id for a in articles}), "entities": entities, "quotes": quotes}
