"""Whole pages as a naive scraper dumps them: the article is found on evidence from the whole page.

The pages here are small and written for the tests (the real pages are in test_real_pages.py); each one
holds a shape that a cleaner reading from the first prose line to the first closing heading gets wrong.
"""

from __future__ import annotations

import datetime as dt

import pytest

from archive.ingestion.blocks import table_cells_unfold, wrapped_lines_join
from archive.ingestion.cleaning import page_parse
from archive.ingestion.parsing import html_parse

PARAGRAPHS = [
    "The council approved the harbour plan on Tuesday after a debate that ran past midnight, members said.",
    "The mayor said about 3,000 homes would be built on the old quays, a third of them for lower rents.",
    "Critics said the cost of repairing the quay walls was still unknown and asked for an independent "
    "report.",
    "The firms still working in the port will move to the new industrial harbour north of the city.",
    "Talks about the move have gone on for two years, and the first building work could start next spring.",
]
ARTICLE = "\n\n".join(PARAGRAPHS)
NAV = (
    "• Home\n• News\n• Sport\n• Business\n\nSign In\n\nSkip to Article\n\nSubscribe\n\nNewsletters\n\n"
    "Follow us"
)


def test_closing_headings_in_the_menu_do_not_end_the_article():
    page = (
        f"{NAV}\n\nHarbour plan approved after a long night\n\n{ARTICLE}\n\nRelated stories\n\n"
        "• Storm warning issued"
    )
    article = page_parse(page)
    assert article.body == ARTICLE
    assert article.title == "Harbour plan approved after a long night"


def test_a_cookie_banner_and_a_weather_prompt_are_not_the_article():
    banner = (
        "By choosing I Accept, you consent to our use of cookies and other tracking technologies to improve "
        "your experience on our website and to show you personalised content."
    )
    page = (
        f"{banner}\n\nYour weather is set to London. Change it here.\n\n{NAV}\n\nHarbour plan approved\n\n"
        f"{ARTICLE}"
    )
    assert page_parse(page).body == ARTICLE


def test_a_read_more_block_inside_the_article_is_cut_and_the_article_goes_on():
    block = (
        "Read more\n\nStorm warning issued for the coast\n\nLocal bakery wins national award\n\n"
        "Rail strike talks collapse"
    )
    page = (
        f"{NAV}\n\nHarbour plan approved\n\n"
        + "\n\n".join(PARAGRAPHS[:2])
        + f"\n\n{block}\n\n"
        + "\n\n".join(PARAGRAPHS[2:])
    )
    article = page_parse(page)
    assert article.body == ARTICLE
    assert "Storm warning" not in article.body


def test_readers_comments_after_the_article_are_left_out():
    comment = (
        "by reader{n} writes:\n\nI have lived by this harbour for thirty years and I think the plan is a "
        "mistake, because nobody asked the people who live here what they want for the quays and the old "
        "warehouses.\n\nReply to This\n\nFlag as Inappropriate"
    )
    thread = "\n\n".join(comment.format(n=n) for n in range(12))
    page = f"{NAV}\n\nHarbour plan approved\n\n{ARTICLE}\n\n48 Comments\n\n{thread}"
    assert page_parse(page).body == ARTICLE


def test_empty_bullets_of_the_dump_are_not_paragraphs():
    page = f"{NAV}\n\nHarbour plan approved\n\n" + "\n\n•\n\n□\n\n".join(PARAGRAPHS)
    assert page_parse(page).body == ARTICLE


def test_a_date_in_the_menu_is_not_the_publication_date():
    page = (
        f"Tuesday, November 6, 2012\n\n{NAV}\n\nHarbour plan approved\n\n{ARTICLE}\n\nMore news\n\n"
        "March 3, 2012: Storm warning issued"
    )
    assert page_parse(page).published is None
    assert page_parse(" date 2012-11-05 " + page).published == dt.date(2012, 11, 5)
    dated = f"{NAV}\n\nHarbour plan approved\n\nPublished November 5, 2012\n\n{ARTICLE}"
    assert page_parse(dated).published == dt.date(2012, 11, 5)


def test_the_headline_is_the_title_above_the_article_not_its_standfirst():
    standfirst = (
        "Three thousand homes are to be built on the old quays, the council decided after a long debate"
    )
    page = f"{NAV}\n\nHarbour plan approved after a long night\n\n{standfirst}\n\nBy Jane Doe\n\n{ARTICLE}"
    article = page_parse(page)
    assert article.title == "Harbour plan approved after a long night"
    assert article.byline == "Jane Doe"


def test_a_headline_printed_again_around_the_article_is_still_its_headline():
    """Its copies in a breadcrumb, a share bar and a footer do not make its words the page's."""
    headline = "Harbour plan approved after a long night"
    page = (
        f"{NAV}\n\nNews > {headline}\n\n{headline}\n\nComments on the harbour plan\n\n{ARTICLE}\n\n"
        f"Share {headline}\n\n{headline}\n\n{headline}\n\n{headline}"
    )
    assert page_parse(page).title == headline


def test_the_outlets_name_above_the_headline_is_not_the_headline():
    """A name the article uses stands above the headline: the site's, not a headline over a standfirst."""
    article = f"{ARTICLE}\n\nThe plan was first reported by Harbour Today, which has covered the port today."
    page = f"{NAV}\n\nHarbour Today\n\nHarbour plan approved after a long night\n\nBy Jane Doe\n\n{article}"
    assert page_parse(page).title == "Harbour plan approved after a long night"


def test_a_headline_listed_above_in_a_menu_is_taken_from_its_own_line():
    headline = "Harbour plan approved after a long night"
    page = f"• Home\n• {headline}\n• Sport\n\n{headline}\n\n{ARTICLE}"
    assert page_parse(page).title == headline


def test_a_headline_may_end_with_a_tag_in_capitals():
    page = (
        f"{NAV}\n\n[harbour-photo-580x385]\n\nHarbour plan approved after a long night [VIDEO]\n\n{ARTICLE}"
    )
    assert page_parse(page).title == "Harbour plan approved after a long night [VIDEO]"


GERMAN = [
    "Der Stadtrat hat am Dienstag beschlossen, den alten Hafen bis zum Jahr 2030 in ein Wohnviertel "
    "umzubauen.",
    "Nach Angaben der Bürgermeisterin sollen dort rund 3000 Wohnungen entstehen, ein Drittel davon mit "
    "günstigen Mieten.",
    "Kritiker bemängeln, dass die Kosten für die Sanierung der Kaimauern noch nicht feststehen, und fordern "
    "ein Gutachten.",
    "Die Betriebe, die noch auf dem Gelände arbeiten, sollen in den neuen Industriehafen im Norden der "
    "Stadt umziehen.",
    "Die Verhandlungen darüber laufen seit zwei Jahren, die ersten Bauarbeiten könnten im kommenden "
    "Frühjahr beginnen.",
]
CHINESE = [
    "市议会星期二经过长时间辩论，以微弱多数通过了将旧港口改造成住宅区的计划，改造工程将在二零三零年前完成。",
    "市长表示，新区将建设约三千套住房，其中三分之一将以较低的租金出租，首批工程最早可能在明年春天开工。",
    "批评者指出，修复码头墙体的费用至今仍未确定，反对派要求在发放更多合同之前进行独立评估。",
    "目前仍在港区作业的企业将迁往城市北部的新工业港，有关搬迁的谈判已经持续了两年。",
]


@pytest.mark.parametrize(
    ("page", "title", "paragraphs"),
    [
        (
            "Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten. Mit der Nutzung unserer "
            "Website stimmen Sie der Verwendung von Cookies zu.\n\n• Startseite\n• Politik\n• Wirtschaft\n"
            "• Sport\n• Kultur\n\nAnmelden\n\nStadtrat beschließt Umbau des alten Hafens\n\n"
            "Von Anna Schmidt\n\n"
            + "\n\n".join(GERMAN)
            + "\n\nMehr zum Thema\n\nSturmwarnung für die Küste\n\nBäckerei gewinnt Preis\n\n"
            "Impressum | Datenschutz | Kontakt | AGB | Karriere",
            "Stadtrat beschließt Umbau des alten Hafens",
            GERMAN,
        ),
        (
            "• 首页\n• 新闻\n• 财经\n• 体育\n\n市议会批准旧港口改造计划\n\n"
            + "\n\n".join(CHINESE)
            + "\n\n相关新闻\n\n• 沿海地区发布风暴预警\n• 面包店获得全国大奖\n\n版权所有 © 2023 港口日报",
            "市议会批准旧港口改造计划",
            CHINESE,
        ),
    ],
    ids=["german", "chinese"],
)
def test_pages_in_other_languages(page, title, paragraphs):
    article = page_parse(page)
    assert article.body == "\n\n".join(paragraphs)
    assert article.title == title


def test_a_page_laid_out_in_a_table_reads_in_the_article_columns_order():
    rows = [
        "Home   The council approved the harbour plan on Tuesday after a   Storm warning",
        "World   debate that ran past midnight, members said. The mayor   issued for the coast",
        "Sport   said about 3,000 homes would be built on the old quays.   Bakery wins award",
    ]
    lines = wrapped_lines_join(table_cells_unfold(rows))
    assert lines[-1] == (
        "The council approved the harbour plan on Tuesday after a debate that ran past midnight, members "
        "said. The mayor said about 3,000 homes would be built on the old quays."
    )
    assert lines[:-1] == [
        "Home",
        "Storm warning",
        "World",
        "issued for the coast",
        "Sport",
        "Bakery wins award",
    ]


def test_wrapped_lines_continue_only_into_lower_case():
    assert wrapped_lines_join(["The council approved the harbour plan on", "Tuesday after a debate."]) == [
        "The council approved the harbour plan on",
        "Tuesday after a debate.",
    ]
    assert wrapped_lines_join(
        ["The council approved the harbour plan after a", "debate that ran past midnight."]
    ) == ["The council approved the harbour plan after a debate that ran past midnight."]
    assert wrapped_lines_join(["Skip to content", "metrowire.co.uk"]) == [
        "Skip to content",
        "metrowire.co.uk",
    ]


def test_html_whose_article_is_a_table_keeps_the_table():
    rows = "".join(
        f"<tr><td>School number {n}</td><td>Closed Wednesday, opening late Thursday</td></tr>"
        for n in range(20)
    )
    menu = "<ul>" + "".join(f"<li><a href='/s{n}'>Section {n}</a></li>" for n in range(15)) + "</ul>"
    html = (
        f"<html><head><title>School closings</title></head><body>{menu}<div class='article'><h1>School "
        "closings</h1><p>These schools are closed or opening late on Wednesday because of the storm, "
        f"officials said.</p><table>{rows}</table></div><p>Copyright 2012 Example Media. All rights "
        "reserved.</p></body></html>"
    )
    body = html_parse(html).body
    assert "School number 0 | Closed Wednesday, opening late Thursday" in body
    assert "School number 19" in body
    assert "Section 3" not in body


def html_page(head: str, body: str) -> str:
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return f"<html><head>{head}</head><body>{body}<article>{paragraphs}</article></body></html>"


@pytest.mark.parametrize(
    ("head", "headings", "headline"),
    [
        # The first h1 is the section; the title carries the site and the section around the headline.
        (
            "<title>Herald.com - Harbour plan approved after long debate - Local News | Herald</title>",
            "<h1>Local News</h1><h1>Harbour plan approved after long debate</h1><h1>Related</h1>",
            "Harbour plan approved after long debate",
        ),
        # og:title is a shorter headline written for sharing; the page prints the one its title names.
        (
            "<title>Herald - Harbour plan approved after a debate past midnight</title>"
            "<meta property='og:title' content='Harbour plan passes'>",
            "<h1>Harbour plan approved after a debate past midnight</h1>",
            "Harbour plan approved after a debate past midnight",
        ),
        # A <title> cut short: the heading that goes on from it.
        (
            "<title>Herald - Council approves the harbour plan for 3,000 new homes on</title>",
            "<h2>Council approves the harbour plan for 3,000 new homes on the old quays</h2>",
            "Council approves the harbour plan for 3,000 new homes on the old quays",
        ),
        # The heading with the comment count goes on from the title; the one the title names is chosen.
        (
            "<title>Harbour plan approved - Herald</title>",
            "<h2>Harbour plan approved 313</h2><h2>Harbour plan approved</h2>",
            "Harbour plan approved",
        ),
        # No heading named by the title: the element marked as the headline.
        (
            "<title>Herald: what happened in the town this week</title>",
            "<h1>Herald</h1><div itemprop='headline'>Harbour plan approved at last</div>",
            "Harbour plan approved at last",
        ),
    ],
)
def test_the_html_headline_is_the_heading_the_page_title_names(head, headings, headline):
    assert html_parse(html_page(head, headings)).title == headline


def test_without_a_heading_the_title_is_the_pages_title():
    assert html_parse(html_page("<title>Harbour plan approved</title>", "")).title == "Harbour plan approved"
