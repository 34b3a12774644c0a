"""Alerts: one email per researcher with the new matches of their saved searches since the last alert.

Each saved search with alerts keeps the highest article id the index held at its last alert; the new
matches are its matches above that mark. A run claims a user's searches by moving their marks with a
conditional update before it sends (so a second run, at the same time or later, finds nothing to send)
and moves them back when the email fails, so the next run sends it. A failure for one user is recorded
and logged and the run goes on with the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from archive.models import Article
from search.searching import Matches, matches_since

from .models import AlertDelivery, SavedSearch
from .saving import SEARCH_PROBLEMS, saved_params, search_url

log = logging.getLogger(__name__)

LISTED = 10  # new articles an email lists per saved search (the rest are a link away)


class AlertError(RuntimeError):
    """A user who cannot be sent an alert (no email address)."""


@dataclass
class AlertsReport:
    sent: int = 0  # emails sent
    articles: int = 0  # new matches they held
    quiet: int = 0  # users with alerts and nothing new
    failed: list[str] = field(default_factory=list)  # "user: why"

    @property
    def summary(self) -> str:
        return (
            f"{self.sent} sent ({self.articles} new matches), {self.quiet} with nothing new, "
            f"{len(self.failed)} failed"
        )


@dataclass(frozen=True)
class Found:
    saved: SavedSearch
    matches: Matches
    articles: list[Article]  # the first `LISTED` new matches, newest first

    def as_json(self) -> dict:
        return {"id": self.saved.pk, "name": self.saved.name, "new": len(self.matches.new)}


def alerts_send(*, base_url: str) -> AlertsReport:
    """Email every active user with alerts the new matches of their saved searches; `base_url` makes the
    email's links absolute."""
    report = AlertsReport()
    users = (
        get_user_model().objects.filter(is_active=True, saved_searches__alerts=True).distinct().order_by("pk")
    )
    for user in users:
        try:
            found = _user_alert(user, base_url=base_url)
        except (
            Exception
        ) as error:  # one user's failure (a refused address, a mail server down) never stops the rest
            log.exception("Alert for user %s failed", user.pk)
            reason = f"{type(error).__name__}: {error}"
            report.failed.append(f"{user.get_username()}: {reason}")
            _record(user, error=reason)
            continue
        if found:
            report.sent += 1
            report.articles += sum(len(item.matches.new) for item in found)
        else:
            report.quiet += 1
    return report


def _record(user, **fields) -> None:
    try:
        AlertDelivery.objects.create(user=user, **fields)
    except Exception:  # the record is for people; the run must go on without it
        log.exception("Could not record the alert of user %s", user.pk)


def _user_alert(user, *, base_url: str) -> list[Found]:
    """The new matches of `user`'s saved searches, claimed and emailed (none: nothing is sent)."""
    found = []
    for saved in user.saved_searches.filter(alerts=True).order_by("name", "pk"):
        try:
            matches = matches_since(saved_params(saved.query), since=saved.alerted_through)
        except SEARCH_PROBLEMS as problem:  # the owner sees why on /saved/; their other searches still go out
            log.warning("Saved search %s of user %s cannot be run: %s", saved.pk, user.pk, problem)
            continue
        if matches.new:
            articles = list(
                Article.objects.published()
                .select_related("outlet")
                .filter(pk__in=matches.new[-LISTED:])
                .order_by("-pk")
            )
            found.append(Found(saved=saved, matches=matches, articles=articles))
    if not found:
        return []
    if not user.email:
        raise AlertError("the account has no email address")
    now = timezone.now()
    claimed = [
        item
        for item in found
        if _moved(item.saved, frm=item.saved.alerted_through, to=item.matches.newest, at=now)
    ]
    if not claimed:
        return []  # another run has sent them
    try:
        _message(user, claimed, base_url=base_url).send()
    except Exception:
        for item in claimed:
            _moved(
                item.saved, frm=item.matches.newest, to=item.saved.alerted_through, at=item.saved.alerted_at
            )
        raise
    _record(
        user,
        articles=sum(len(item.matches.new) for item in claimed),
        searches=[item.as_json() for item in claimed],
    )
    return claimed


def _moved(saved: SavedSearch, *, frm: int, to: int, at) -> bool:
    """Move the alert mark from `frm` to `to`, only if it is still at `frm`."""
    return bool(
        SavedSearch.objects.filter(pk=saved.pk, alerted_through=frm).update(alerted_through=to, alerted_at=at)
    )


def _message(user, found: list[Found], *, base_url: str) -> EmailMessage:
    total = sum(len(item.matches.new) for item in found)
    context = {
        "user": user,
        "total": total,
        "base_url": base_url,
        "searches": [
            (
                item,
                base_url + search_url(item.saved),
                [(article, base_url + article.get_absolute_url()) for article in item.articles],
                len(item.matches.new) - len(item.articles),
            )
            for item in found
        ],
    }
    subject = f"News archive: {total} new article{'s' if total != 1 else ''} for your saved searches"
    return EmailMessage(
        subject=subject, body=render_to_string("alerts/alert_email.txt", context), to=[user.email]
    )
