"""What a careful editor checks in a parsed page; shared by the seed checks and the generated page set."""

from __future__ import annotations

from archive.ingestion.records import ParsedArticle


def article_problems(article: ParsedArticle, truth: dict) -> list[str]:
    """Every way `article` differs from the editor's reading in `truth` (the seeds_truth.json shape)."""
    problems = []
    body = article.body
    if not body.startswith(truth["body_first"]):
        problems.append(f"body starts {body[:80]!r}, expected {truth['body_first'][:80]!r}")
    if not body.endswith(truth["body_last"]):
        problems.append(f"body ends {body[-80:]!r}, expected {truth['body_last'][-80:]!r}")
    for phrase in truth.get("boilerplate", []):
        if phrase.lower() in body.lower():
            problems.append(f"furniture {phrase!r} is in the body")
    date = article.published.isoformat() if article.published else None
    if date not in truth.get("date_accept", [truth["date"]]):
        problems.append(f"date {date}, expected {truth['date']}")
    if truth.get("date_not") and date == truth["date_not"]:
        problems.append(f"date taken from furniture ({date})")
    if truth["outlet"] is None:
        if article.outlet:
            problems.append(f"outlet {article.outlet!r}, expected none")
    elif article.outlet not in (truth.get("outlet_accept") or [truth["outlet"]]):
        problems.append(f"outlet {article.outlet!r}, expected {truth['outlet']!r}")
    if truth["title"] is None:
        if not article.title_derived or not article.title:
            problems.append(f"title {article.title!r} should be derived")
    elif article.title_derived or article.title not in truth.get("title_accept", [truth["title"]]):
        problems.append(f"title {article.title!r}, expected {truth['title']!r}")
    if (article.byline or None) not in truth.get("byline_accept", [truth["byline"]]):
        problems.append(f"byline {article.byline!r}, expected {truth['byline']!r}")
    return problems
