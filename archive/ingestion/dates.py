"""Dates as news pages write them: ISO, "December 30, 2022", "30th Dec, 2022", "Updated 14 March 2005",
30/12/2022."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<month_n>\d{{1,2}})-(?P<day>\d{{1,2}})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b"),
]


def _numeric_day_month(a: int, b: int) -> tuple[int, int] | None:
    """Day-first unless only month-first is possible (30/12 is day-first, 12/30 month-first)."""
    if a > 12 and b <= 12:
        return a, b
    if b > 12 and a <= 12:
        return b, a
    if a <= 12 and b <= 12:
        return a, b
    return None


def date_find(text: str) -> dt.date | None:
    """The first real calendar date written in `text`, or None."""
    found: list[tuple[int, dt.date]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            year = int(parts["year"])
            if parts.get("a"):
                day_month = _numeric_day_month(int(parts["a"]), int(parts["b"]))
                if day_month is None:
                    continue
                day, month = day_month
            else:
                day = int(parts["day"])
                month = (
                    int(parts["month_n"])
                    if parts.get("month_n")
                    else MONTHS[parts["month"].lower().rstrip(".")]
                )
            try:
                found.append((match.start(), dt.date(year, month, day)))
            except ValueError:
                continue
    return min(found)[1] if found else None


def date_parse_strict(value: str) -> dt.date | None:
    """A date given as metadata (JSONL, CSV, manifest): ISO first, then the written forms."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return date_find(value)


TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?(?:\s*(?:utc|gmt|[A-Z]{2,4}T))?\b|T\d{2}:\d{2}\S*",
    re.IGNORECASE,
)


def date_strip(text: str) -> str:
    """`text` without the dates and clock times written in it
    ("Coast Herald — March 3, 2023" -> "Coast Herald —")."""
    for pattern in _PATTERNS:
        text = pattern.sub(" ", text)
    return TIME.sub(" ", text)


URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])(?:[/-]?(0[1-9]|[12]\d|3[01]))?(?=[/._-]|$)")


def date_for_url(found: dt.date | None, url: str) -> dt.date | None:
    """A page's date checked against the one its address gives ("/2012/11/06/", "/20121106/", "/2017/04/"):
    a full date in the address wins; a date from elsewhere must fall in the address's month, or does so
    with day and month read the other way round (04/08/2017 read day first), or is dropped."""
    match = URL_DATE.search(url or "")
    if match is None:
        return found
    year, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        try:
            return dt.date(year, month, int(match.group(3)))
        except ValueError:
            return found
    if found is None or (found.year, found.month) == (year, month):
        return found
    if (found.year, found.day) == (year, month):
        return dt.date(year, month, found.month)
    return None
