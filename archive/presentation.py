"""How an article's text is shown to people: entity mentions linked, raw text with removed lines marked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import Article, EntityAlias, Quote


def raw_lines(article: Article) -> list[tuple[str, bool]]:
    """The raw text's lines, each with whether cleaning removed it (the lines the import removed, stored
    with the article, so this shows exactly what was taken out)."""
    removed = set(article.removed_lines)
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
    pattern = (
        re.compile(
            r"(?<!\w)("
            + "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
            + r")(?!\w)"
        )
        if forms
        else None
    )

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
                '<span class="quote" data-testid="quote" '
                f'title="{escape(speaker)}">{linked(article.body[left:right])}'
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
