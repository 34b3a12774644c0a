"""The slowest queries we could construct, timed against an archive: the answer each gets and how long it
takes.

    ARCHIVE_DATA_DIR=<a data directory holding db.sqlite3 and index/> python -m stress.abuse

Each query goes through the API and the search page (Django's test client, the real middleware) on a warm
searcher, so the time is the server's work for one request. Prints one line per query and a JSON summary.
Queries that would expand or run past the budget must answer a 400/503 with a message, well within 5 s.
"""

from __future__ import annotations

import json
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

QUERIES = [
    {"q": "putin~9999"},
    {"q": "putin~2"},
    {"q": "**********"},
    {"q": "*a*"},
    {"q": "a*"},
    {"q": "th*"},
    {"q": "s*"},
    {"q": "st*"},
    {"q": "the"},
    {"q": '"the the the the the"'},
    {"q": '"of the" OR "in the" OR "to the"'},
    {"q": "NOT the"},
    {"q": "-the"},
    {"q": "byline:*"},
    {"q": "body:*"},
    {"q": "published:[2022-13-45 TO 2022-12-31]"},
    {"q": "published:[1900-01-01 TO 2100-12-31]"},
    {"q": " OR ".join(f"w{number}*" for number in range(40))},
    {"q": " ".join(["the"] * 300)},
    {"q": "the", "collapse": "1", "sort": "oldest"},
    {"q": "", "collapse": "1"},
    {"q": "x" * 1200},
    {"outlet": ["bbc"] * 60},
]


def _probe(client: Client, params: dict) -> dict:
    for _ in range(2):  # the second is timed: a warm searcher, as a server answers
        started = time.perf_counter()
        response = client.get("/api/search", params)
        api_seconds = time.perf_counter() - started
    started = time.perf_counter()
    page = client.get("/", params)
    page_seconds = time.perf_counter() - started
    body = response.json()
    return {
        "params": {
            key: value if not isinstance(value, str) or len(value) < 60 else value[:57] + "..."
            for key, value in params.items()
        },
        "status": response.status_code,
        "page_status": page.status_code,
        "api_s": round(api_seconds, 3),
        "page_s": round(page_seconds, 3),
        "answer": body.get("error") or f"total {body.get('total')}",
    }


def main() -> None:
    client = Client()
    client.get("/api/search", {"q": "warm"})
    rows = [_probe(client, params) for params in QUERIES]
    for row in rows:
        print(
            f"{row['api_s']:7.3f} s  {row['page_s']:7.3f} s  {row['status']} {row['page_status']}  "
            f"{row['params']}  {row['answer'][:90]}"
        )
    slowest = max(rows, key=lambda row: max(row["api_s"], row["page_s"]))
    print(json.dumps({"queries": len(rows), "slowest": slowest}))


if __name__ == "__main__":
    main()
