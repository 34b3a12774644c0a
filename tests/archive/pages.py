"""Scraped-page shapes built around real BBC articles, with what an editor would read out of each.

Every dimension varies independently: where the outlet is named (outlet line, domain, "Source:" credit,
copyright footer, nowhere), how the date is written (header, "Published" line, "Updated" line, dateline,
numeric, nowhere, with a decoy date in a related story), the headline (once, twice, none), the byline,
furniture at the top, in the middle and at the end, and paragraph spacing.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

BBC = Path(__file__).resolve().parents[1] / "data" / "bbc"

OUTLETS = [
    ("The Coast Herald", "coastherald.com"),
    ("Daily Ledger", "dailyledger.net"),
    ("Metro Wire", "metrowire.co.uk"),
    ("Northern Courier", "northerncourier.org"),
    ("Harbour Times", "harbourtimes.com"),
    ("Valley Post", "valleypost.news"),
]
PEOPLE = ["Jane Doe", "Omar Haddad", "Li Wei", "Maria Santos", "Tom Baker", "Aisha Khan"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
TEASERS = [
    "Council votes to close two libraries",
    "Storm warning issued for the coast",
    "Local bakery wins national award",
    "Rail strike talks collapse again",
    "New stadium plans unveiled in city centre",
    "Hospital waiting lists grow longer",
    "Teenager rescues dog from frozen lake",
    "Mayor defends spending on cycle lanes",
    "Fishing quotas cut by a third",
]
NAV = [
    "Home | News | Sport | Business | Tech | Culture",
    "Skip to content",
    "Menu",
    "Search",
    "Sign in",
    "We use cookies to improve your experience. By continuing to browse you agree to our use of cookies.",
    "Accept all cookies",
]
MID = [
    "Advertisement",
    "Story continues below advertisement",
    "Read more: {teaser}",
    "Image caption: The site seen from the air",
    "Share this article",
    "RELATED: {teaser}",
    "ADVERTISEMENT",
]


def bbc_articles() -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of BBC articles whose first paragraph is a sentence, in a stable order."""
    articles = []
    for path in sorted(BBC.glob("*/*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
        paragraphs = [line for line in lines[1:] if line]
        if (
            len(paragraphs) >= 2
            and len(paragraphs[0].split()) >= 8
            and re.search(r"[.!?\"']$", paragraphs[0])
        ):
            articles.append((lines[0], paragraphs))
    return articles


def _date_text(day: dt.date, rng: random.Random) -> str:
    return rng.choice(
        [
            f"{MONTHS[day.month - 1]} {day.day}, {day.year}",
            f"{day.day} {MONTHS[day.month - 1]} {day.year}",
            f"{day.day:02d}/{day.month:02d}/{day.year}"
            if day.day > 12
            else f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}",
        ]
    )


def _furniture_end(
    rng: random.Random, outlet: tuple[str, str], author: str, decoy: dt.date
) -> tuple[list[str], list[str]]:
    """Closing furniture blocks and the phrases from them that must not reach the body."""
    teasers = rng.sample(TEASERS, 4)
    heading = rng.choice(
        [
            "Related stories",
            "More from Business",
            "You may also like",
            "Recent Stories",
            "Most Read",
            "Related Links",
            "Read more",
        ]
    )
    blocks: list[list[str]] = []
    related = [heading]
    for teaser in teasers[:3]:
        related.append(teaser + (" .." if rng.random() < 0.3 else ""))
        if rng.random() < 0.5:
            related.append(f"{rng.randint(1, 9)} hours ago")
    related += [
        teasers[3],
        f"Bristol (AFP) {MONTHS[decoy.month - 1][:3]} {decoy.day}, {decoy.year}",
        "The county council said on Thursday that the ferry timetable would change from next month, "
        "angering commuters.",
    ]
    blocks.append(related)
    phrases = [teasers[0], teasers[3], "ferry timetable would change"]
    options = [
        (
            [
                "Thanks for reading",
                "We need your help. Independent journalism takes time, money and hard work to produce. "
                "Please consider a donation.",
            ],
            "Independent journalism takes time",
        ),
        (
            [f"{author} is a senior reporter covering business and the economy for {outlet[0]}."],
            "is a senior reporter covering",
        ),
        (["Sign up for our morning newsletter"], "morning newsletter"),
        (["Share on Facebook Twitter Email"], "Share on Facebook"),
        (["Tags: economy, banks, weather"], "economy, banks, weather"),
        (["About Us | Contact Us | Privacy Policy | Terms of Use"], "Privacy Policy"),
    ]
    for block, phrase in rng.sample(options, rng.randint(1, 3)):
        blocks.append(block)
        phrases.append(phrase)
    rng.shuffle(blocks)
    return [line for block in blocks for line in block], phrases


def page_build(title: str, paragraphs: list[str], rng: random.Random) -> tuple[str, dict]:
    """A raw page and its truth in the seeds_truth.json shape."""
    outlet = rng.choice(OUTLETS)
    author = rng.choice(PEOPLE)
    day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
    decoy = day - dt.timedelta(days=rng.randint(1, 30))
    paragraphs = list(paragraphs)
    truth = {
        "title": " ".join(title.split()),
        "byline": None,
        "date": None,
        "outlet": None,
        "outlet_accept": [],
        "boilerplate": [],
    }

    head: list[str] = rng.sample(NAV, rng.randint(0, 3))
    outlet_style = rng.choice(["line", "domain", "credit", "copyright", "none"])
    if outlet_style == "line":
        head.append(outlet[0])
    elif outlet_style == "domain":
        head.append(outlet[1])
    if outlet_style != "none":
        truth["outlet"] = outlet[0]
        truth["outlet_accept"] = [outlet[0], outlet[1], outlet[1].split(".")[0]]

    title_style = rng.choice(["once", "once", "twice", "none"])
    if title_style == "none":
        truth["title"] = None
    else:
        head.append(title)

    date_style = rng.choice(["header", "published", "updated", "dateline", "numeric", "none"])
    byline_style = rng.choice(["by", "handle", "none"])
    byline = {"by": f"By {author}", "handle": f"{author} (@{author.split()[0].lower()}news)", "none": ""}[
        byline_style
    ]
    if byline:
        truth["byline"] = author
    if date_style == "published":
        head.append(
            f"{byline} Published {MONTHS[day.month - 1]} {day.day}, {day.year} | "
            f"0{rng.randint(1, 9)}:20 PM".strip()
        )
    else:
        if byline:
            head.append(byline)
        if date_style == "updated":
            head.append(f"Updated {_date_text(day, rng)}")
        elif date_style == "numeric":
            head.append(f"{day.day:02d}/{day.month:02d}/{day.year}" if day.day > 12 else day.isoformat())
    if date_style != "none":
        truth["date"] = day.isoformat()
    if title_style == "twice":
        head.append(title.upper() if rng.random() < 0.3 else title)

    body = list(paragraphs)
    first = body[0]
    if date_style == "dateline":
        body[0] = rng.choice(
            [
                f"LONDON, {MONTHS[day.month - 1][:3]} {day.day}, {day.year} (Reuters) - {first}",
                f"Paris, ({outlet[0]} - {day.day}th {MONTHS[day.month - 1][:3]}, {day.year} ) :{first}",
            ]
        )
    for _ in range(rng.randint(0, 2)):
        position = rng.randint(1, len(body) - 1)
        body.insert(position, rng.choice(MID).format(teaser=rng.choice(TEASERS)))
    truth["body_first"] = " ".join(first.split()[:12])
    truth["body_last"] = " ".join(paragraphs[-1].split()[-8:])

    tail, phrases = _furniture_end(rng, outlet, author, decoy)
    truth["boilerplate"] = phrases
    truth["date_not"] = decoy.isoformat()
    if outlet_style == "credit":
        tail.insert(0, f"Source: {outlet[0]}")
    elif outlet_style == "copyright":
        tail.append(f"© {day.year} {outlet[0]}. All rights reserved.")

    separator = rng.choice(["\n\n", "\n"])
    text = separator.join(head + body + tail)
    if date_style == "header":
        text = f" date {day.isoformat()} " + text
    return text, truth


def pages_generate(count: int, *, seed: int = 20221230) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    articles = bbc_articles()
    return [page_build(*rng.choice(articles), rng) for _ in range(count)]
