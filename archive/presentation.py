"""How an article's text is shown to people: entity mentions linked, raw text with removed lines marked."""

from __future__ import annotations

import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .ingestion.parsing import raw_parse
from .ingestion.records import RejectedInput
from .models import Article, EntityAlias


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


def body_html(article: Article, mentions) -> SafeString:
    """The clean body as paragraphs, every written form of a mentioned entity linked to its page."""
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

    def paragraph(text: str) -> str:
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

    return mark_safe("".join(f"<p>{paragraph(part)}</p>" for part in article.body.split("\n\n") if part.strip()))
