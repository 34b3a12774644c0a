from __future__ import annotations

import datetime as dt

from archive.models import Article, Story
from tests.conftest import SEEDS_TRUTH


def test_the_five_seeds_are_one_story(seeds):
    stories = {seeds[source].story_id for source in SEEDS_TRUTH["same_event"]}
    assert len(stories) == 1 and None not in stories
    story = Story.objects.get()
    assert story.first_published == dt.date(2022, 12, 30)
    assert story.title == ""  # no editor's title: pages show the earliest published article's
    from archive.selectors import story_title

    assert (
        story_title(story)
        == Article.objects.filter(story=story)
        .exclude(published=None)
        .order_by("published", "pk")
        .first()
        .title
    )


def test_story_page_timeline_copies_entities_and_quotes(seeds, client):
    story = Story.objects.get()
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="story-article"') == 5
    assert "5 articles in 3 outlets, first published 30 December 2022" in " ".join(
        html.split()
    )  # "No outlet" is not one
    assert html.count('data-testid="copy-badge"') == 2  # the AFP dispatch and its reprint
    assert "Vladimir Putin" in html and "Xi Jinping" in html
    assert "We aim to strengthen cooperation between the armed forces of Russia and China" in html
    assert (
        'data-testid="story-link"'
        in client.get(seeds[SEEDS_TRUTH["same_event"][0]].get_absolute_url()).content.decode()
    )


def test_unknown_story_is_404(db, client):
    assert client.get("/stories/999/").status_code == 404


def test_unrelated_articles_do_not_join(import_paths, tmp_path):
    """Same-topic BBC pages a day apart share names (Blair, Labour, London) but are not one event."""
    from tests.conftest import DATA

    paths = [
        DATA / "bbc" / "politics" / name
        for name in (
            "blair-blasts-tory-spending-plans.txt",
            "kilroy-silk-quits-shameful-ukip.txt",
            "blunkett-sorry-over-murder-plan.txt",
        )
    ]
    paths += [
        DATA / "bbc" / "politics" / name
        for name in ("campaign-cold-calls-questioned.txt", "labour-faces-cold-calls-inquiry.txt")
    ]
    import_paths(*paths)
    together = {a.source.rsplit("/", 1)[-1] for a in Article.objects.exclude(story=None)}
    assert together == {"campaign-cold-calls-questioned.txt", "labour-faces-cold-calls-inquiry.txt"}
