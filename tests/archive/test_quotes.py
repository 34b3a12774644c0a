from __future__ import annotations

import json
from collections import Counter

import pytest

from archive.curation import quote_speaker_set
from archive.ingestion.importer import articles_reprocess
from archive.linking.quotes import (
    quote_wording,
    quote_words,
    quotes_find,
    quotes_link,
    same_statement,
    speakers_attribute,
    speakers_from,
)
from archive.models import Article, Entity, Quote, QuoteGroup
from tests.conftest import DATA, SEEDS_TRUTH
from tests.factories import ArticleFactory, EntityFactory, MentionFactory

CHECKED = json.loads((DATA / "quotes_bbc_checked.json").read_text())


def texts(body: str) -> list[str]:
    return [quote.text for quote in quotes_find(body)]


def test_curly_and_straight_quotes_and_sentence_breaks():
    body = (
        '“We aim to strengthen cooperation,” Putin said. He added: "We share the same views. We are ready '
        'to act."'
    )
    assert texts(body) == ["We aim to strengthen cooperation", "We share the same views. We are ready to act"]


def test_a_quote_reopened_at_each_paragraph_is_one_quote():
    body = '"This is the first paragraph of what he said\n\n"And this is the second one," he said.'
    assert texts(body) == ["This is the first paragraph of what he said And this is the second one"]


def test_paragraphs_run_together_keep_one_quote():
    body = (
        'Curbishley said: "There was talk about Norwich in the summer. "He is part of our squad for '
        'good." Then he left.'
    )
    assert texts(body) == ["There was talk about Norwich in the summer. He is part of our squad for good"]


def test_scare_quotes_and_unclosed_marks_are_not_statements():
    assert texts('He called it a "dear friend" and a "joke".') == []
    assert texts('An unclosed "mark at the end of a paragraph\n\nNext paragraph with no quote at all.') == []


@pytest.mark.django_db
def test_named_pronoun_role_and_continuation_speakers():
    putin = EntityFactory(name="Vladimir Putin")
    xi = EntityFactory(name="Xi Jinping")
    cctv = EntityFactory(name="CCTV", type=Entity.Type.ORGANIZATION)
    people = speakers_from([putin, xi, cctv])
    body = (
        "Russian President Vladimir Putin met Chinese leader Xi Jinping by video link.\n\n"
        "“We aim to strengthen cooperation between our armed forces,” Putin told Xi.\n\n"
        "“We share the same views on the causes of the crisis,” he added.\n\n"
        "Xi, who also called Putin a friend, said: “We are ready to ramp up strategic cooperation with "
        "Russia.”\n\n“The Chinese leader is always welcome in Moscow,” the Russian president said.\n\n"
        "CCTV, China's state broadcaster, reported the talks. “China is ready to work with Russia on this,” "
        "the broadcaster said. “Sanctions and interference are doomed to fail,” it added."
    )
    found = quotes_find(body)
    assert [speaker.name if speaker else None for speaker in speakers_attribute(body, found, people)] == [
        "Vladimir Putin",
        "Vladimir Putin",
        "Xi Jinping",
        "Vladimir Putin",
        "CCTV",
        "CCTV",
    ]


def attribute(body: str, *entities: Entity, places: tuple[str, ...] = ()) -> list[str | None]:
    speakers = speakers_attribute(body, quotes_find(body), speakers_from(entities, places=places))
    return [speaker.name if speaker else None for speaker in speakers]


def organisation(name: str) -> Entity:
    return EntityFactory(name=name, type=Entity.Type.ORGANIZATION)


@pytest.mark.django_db
def test_a_spokesman_speaks_for_an_organisation_but_is_not_the_person_he_serves():
    blair, peskov = EntityFactory(name="Tony Blair"), EntityFactory(name="Dmitry Peskov")
    bbc = organisation("BBC")
    body = (
        "Tony Blair met the families on Friday.\n\n"
        "Prime Minister Tony Blair's official spokesman said: “We will need to study this detailed "
        "judgment.”\n\n“The programme was made with great care for the families,” a BBC spokesman said.\n\n"
        "Kremlin spokesman Dmitry Peskov said: “The leaders will meet privately after the opening remarks.”"
    )
    assert attribute(body, blair, peskov, bbc) == [None, "BBC", "Dmitry Peskov"]


@pytest.mark.django_db
def test_a_statement_is_its_authors():
    tanzi, labour = EntityFactory(name="Calisto Tanzi"), organisation("Labour")
    body = (
        "Calisto Tanzi was arrested in 2003.\n\n"
        "“I apologise to all who have suffered so much damage,” Mr Tanzi's statement said.\n\n"
        "In a statement Labour said it had grave concerns about the plan. "
        "“Animals hit but not killed would suffer unnecessarily,” said the statement."
    )
    assert attribute(body, tanzi, labour) == ["Calisto Tanzi", "Labour"]


@pytest.mark.django_db
def test_a_turn_ends_where_the_next_speaker_is_introduced():
    connors, crowther = EntityFactory(name="Jimmy Connors"), EntityFactory(name="John Crowther")
    body = (
        "Jimmy Connors spent three days at the camp.\n\n"
        "“Britain has the right attitude,” said Connors. “The more involved I can be with the LTA, the "
        "better. The kids will ask: 'What am I doing there?'” LTA chief executive, John Crowther, added: "
        "“The relationship that Jimmy has started to develop is a good one.”"
    )
    assert attribute(body, connors, crowther) == ["Jimmy Connors", "Jimmy Connors", "John Crowther"]


@pytest.mark.django_db
def test_questions_belong_to_who_asked_them():
    weingarten, myers = EntityFactory(name="Reid Weingarten"), EntityFactory(name="David Myers")
    body = (
        "On Monday, defence lawyer Reid Weingarten tried to distance his client from the allegations. "
        "During cross examination, he asked Mr Myers if he ever knew Mr Ebbers “to make an accounting "
        "decision?”. “Not that I am aware of,” Mr Myers replied. "
        "“Did you ever know Mr Ebbers to make an accounting entry?” Mr Weingarten pressed."
    )
    assert attribute(body, weingarten, myers) == ["Reid Weingarten", "David Myers", "Reid Weingarten"]


@pytest.mark.django_db
def test_only_people_and_organisations_mentioned_as_such_speak():
    scott, book = organisation("Ridley Scott"), EntityFactory(name="Wolf Brother")
    body = (
        "A British author has sold the film rights to her book, with Ridley Scott set to direct.\n\n"
        "Wolf Brother is the first in a series of six books. The director said he was “thrilled” with the "
        "project. “Wolf Brother is an enchanting book,” he said."
    )
    assert attribute(body, scott, book) == ["Ridley Scott"]
    jason = EntityFactory(name="Jason Scotland")
    body = (
        "Gordon Strachan has turned the job down. The former Scotland international added that the move was "
        "unwise. “I have too many memories of the other side of the city,” he said."
    )
    assert attribute(body, jason, EntityFactory(name="Gordon Strachan"), places=("Scotland",)) == [
        "Gordon Strachan"
    ]


@pytest.mark.django_db
def test_inverted_clauses_and_far_pronouns():
    curry, minister = EntityFactory(name="Adam Curry"), EntityFactory(name="Jack Straw")
    body = "Adam Curry was a VJ.\n\n“It is totally going to kill the business model of radio,” thinks Curry."
    assert attribute(body, curry) == ["Adam Curry"]
    far = (
        "Foreign Secretary Jack Straw said on Monday the talks would go on.\n\nThe talks began in 2003.\n\n"
        "Officials met again in May.\n\nA deal was expected by the summer.\n\n"
        "“Why should we wait any longer for a decision?” he asked."
    )
    assert attribute(far, minister) == [None]


def test_variant_wordings_are_one_statement_and_others_are_not():
    aim = quote_words("We aim to strengthen cooperation between the armed forces of Russia and China")
    assert same_statement(
        aim,
        quote_words(
            "the intention to strengthen the cooperation between the armed forces of of Russia and China"
        ),
    )
    assert same_statement(
        quote_words("Russia has become one of the leaders when it comes to oil exports to China"),
        quote_words("has become one of the leaders in oil exports to China."),
    )
    assert not same_statement(
        aim,
        quote_words("We share the same views on the causes, course and logic of the ongoing transformation"),
    )


def linked(body: str, *speakers: Entity) -> Article:
    article = ArticleFactory(body=body)
    for entity in speakers:
        MentionFactory(article=article, entity=entity)
    quotes_link(article)
    return article


def test_a_wording_is_compared_without_its_marks_spacing_case_or_edges():
    assert quote_wording("“Unprecedented  Western pressure and provocations”.") == quote_wording(
        "unprecedented western pressure and provocations"
    )
    assert quote_wording("we’re ready to act") == quote_wording("we're ready to act")
    assert quote_wording("we are ready to act") != quote_wording("we are ready to act now")


@pytest.mark.django_db
def test_one_wording_is_one_group_whatever_each_article_attributes_it_to():
    putin, xi = EntityFactory(name="Vladimir Putin"), EntityFactory(name="Xi Jinping")
    said = "The talks were long. “We will counter unprecedented Western pressure and provocations,” {who}."
    by_putin = linked(said.format(who="Putin said"), putin)
    unknown = linked(
        "The talks were long. He hailed efforts to counter “unprecedented Western pressure and provocations”."
    )
    by_xi = linked(said.format(who="Xi said").replace("We will", "we will"), xi)
    quotes = Quote.objects.filter(text__icontains="provocations").select_related("speaker")
    assert {q.article_id: q.speaker for q in quotes} == {by_putin.pk: putin, unknown.pk: None, by_xi.pk: xi}
    assert (
        len({q.group_id for q in quotes}) == 2
    )  # "We will counter …" and "unprecedented …" are two wordings
    counter = Quote.objects.get(article=by_putin).group
    assert set(counter.quotes.values_list("article_id", flat=True)) == {by_putin.pk, by_xi.pk}
    assert counter.speaker is None  # Putin in one article, Xi in the other: disputed
    assert Quote.objects.get(article=unknown).group.speaker is None


@pytest.mark.django_db
def test_a_short_common_phrase_is_not_one_statement_across_unrelated_articles():
    smith, jones = EntityFactory(name="Anna Smith"), EntityFactory(name="Bob Jones")
    first = linked("The plant will close. “In the near future,” Smith said.", smith)
    other = linked("The road will open. “In the near future,” Jones said.", jones)
    again = linked("The plant closed. “In the near future,” Smith said.", smith)
    group = {a: Quote.objects.get(article=a).group_id for a in (first, other, again)}
    assert group[first] != group[other] and group[first] == group[again]


@pytest.mark.django_db
def test_a_group_speaker_is_the_one_its_articles_agree_on_unless_an_editor_chose():
    putin, peskov = EntityFactory(name="Vladimir Putin"), EntityFactory(name="Dmitry Peskov")
    body = "The talks were long. “We aim to strengthen cooperation between our armed forces,” Putin said."
    first, second = linked(body, putin), linked(body.replace("The talks were long", "The call ended"), putin)
    group = Quote.objects.get(article=first).group
    assert Quote.objects.get(article=second).group_id == group.pk
    assert QuoteGroup.objects.get(pk=group.pk).speaker == putin
    quote_speaker_set(Quote.objects.get(article=second), speaker=peskov)
    assert QuoteGroup.objects.get(pk=group.pk).speaker == peskov
    assert Quote.objects.get(article=first).speaker == putin  # each article keeps its own attribution


@pytest.mark.django_db
def test_variant_wordings_join_only_the_same_speaker_or_the_same_story():
    putin, xi = EntityFactory(name="Vladimir Putin"), EntityFactory(name="Xi Jinping")
    linked(
        "Talks. “We aim to strengthen cooperation between the armed forces of Russia and China,” Putin said.",
        putin,
    )
    variant = linked(
        "Talks. “We aim to strengthen the cooperation of the armed forces of Russia and China,” Putin said.",
        putin,
    )
    other = linked(
        "Talks. “We aim to strengthen cooperation between the armed forces of Russia and China now,” Xi "
        "said.",
        xi,
    )
    groups = {a: Quote.objects.get(article=a).group_id for a in (variant, other)}
    first = Quote.objects.exclude(article__in=[variant, other]).get().group_id
    assert groups[variant] == first and groups[other] != first


def test_seeds_shared_quotes_are_found_attributed_and_grouped(seeds):
    for shared in SEEDS_TRUTH["shared_quotes"]:
        words = quote_words(shared["text"])
        found = [
            q
            for q in Quote.objects.select_related("speaker", "article")
            if same_statement(words, quote_words(q.text))
        ]
        assert {q.article.source for q in found} >= set(shared["in"]), shared["text"]
        assert {q.speaker.name for q in found if q.article.source in shared["in"]} == {shared["speaker"]}
        assert len({q.group_id for q in found}) == 1, shared["text"]
        assert {q.group.speaker.name for q in found if q.group.speaker} == {shared["speaker"]}, shared["text"]


def test_seeds_quote_of_putin_is_one_group_whoever_its_articles_name(seeds):
    found = Quote.objects.filter(text__icontains="unprecedented Western pressure and provocations")
    assert {q.article.source for q in found} >= {
        "000_5d6324c78be22e1b.txt",
        "002_259fda1996e3dcc7.txt",
        "004_735fed19aafc4c9a.txt",
    }
    assert len({q.group_id for q in found}) == 1


def test_bbc_hand_checked_quotes_are_attributed_to_the_right_person(import_paths):
    """71 BBC articles imported for real (entities by the model); 284 quotes checked by hand."""
    paths = sorted({DATA / "bbc" / item["source"] for item in CHECKED["quotes"]})
    report = import_paths(*paths)
    assert report.created == len(paths), report.problems
    articles = {article.source.rsplit("/", 1)[-1]: article for article in Article.objects.all()}
    right, wrong = 0, []
    for item in CHECKED["quotes"]:
        article = articles[item["source"].rsplit("/", 1)[-1]]
        quote = next(
            (q for q in article.quotes.select_related("speaker") if q.text.startswith(item["quote"])), None
        )
        assert quote is not None, f"not extracted: {item}"
        if quote.speaker and item["speaker"] in quote.speaker.name:
            right += 1
        else:
            wrong.append(
                (item["round"], item["quote"], item["speaker"], quote.speaker.name if quote.speaker else None)
            )
    share = right / len(CHECKED["quotes"])
    rounds = Counter(r for r, *_ in wrong)
    print(
        f"attribution on {len(CHECKED['quotes'])} hand-checked BBC quotes: {share:.3f}; wrong by round "
        f"{dict(rounds)}"
    )
    assert len(CHECKED["quotes"]) >= 60
    assert share >= 0.9, wrong


@pytest.mark.django_db(transaction=True)
def test_an_editors_speaker_survives_reprocessing(seeds):
    quote = Quote.objects.filter(speaker__name="Vladimir Putin").select_related("article").first()
    kremlin = Entity.objects.get(name="Dmitry Peskov")
    quote_speaker_set(quote, speaker=kremlin)
    articles_reprocess(Article.objects.filter(pk=quote.article_id))
    again = Quote.objects.get(article=quote.article, text=quote.text)
    assert again.speaker == kremlin and again.speaker_curated
    assert again.group.speaker == kremlin


@pytest.mark.django_db
def test_a_name_the_entities_missed_speaks_for_nobody_else():
    howard = EntityFactory(name="Michael Howard")
    body = (
        "Michael Howard unveiled the plans on Monday. Lord Hanley, who chairs the police board, said the "
        "plans were rushed. “That is overturning the way we have organised policing,” he said."
    )
    assert attribute(body, howard) == [None]
    greens, ukip = organisation("Green Party"), organisation("UK Independence Party")
    body = (
        "UK Independence Party leader Roger Knapp attacked the plans. The Green Party said the Budget was a "
        "“wasted opportunity for the whole planet”, adding: “Brown has an eye on the coming election.”"
    )
    assert attribute(body, greens, ukip) == ["Green Party", "Green Party"]


@pytest.mark.django_db
def test_a_turn_ends_where_someone_else_is_named():
    jones, kane = EntityFactory(name="Stephen Jones"), EntityFactory(name="Dan Kane")
    body = (
        "“We worked hard as a squad,” said Stephen Jones. “We are a happy camp now.” Winger Martin Wills "
        "was keen not to talk about the title. “We have got more self-belief these days.”\n\n"
        "“It is a whole new dimension for disaster relief.” It is early days. In an e-mail, Dan Kane calls "
        "it “an early proof of the concept we had”."
    )
    assert attribute(body, jones, kane) == ["Stephen Jones", "Stephen Jones", None, None, None]


@pytest.mark.django_db
def test_relative_clauses_nouns_and_titles_in_attribution_clauses():
    weitz, pullman = EntityFactory(name="Chris Weitz"), EntityFactory(name="Philip Pullman")
    body = (
        "Weitz said he had visited Pullman, who had told him that the Authority could “represent any "
        "arbitrary establishment at all”."
    )
    assert attribute(body, weitz, pullman) == ["Philip Pullman"]
    johnson, agency = EntityFactory(name="Alan Johnson"), organisation("Child Support Agency")
    body = (
        "The Child Support Agency faces a review. And responding to calls for the agency to be scrapped, "
        "Mr Johnson told the Today programme: “I would not rule out moving to a new system.”"
    )
    assert attribute(body, johnson, agency) == ["Alan Johnson"]
    woodley, brown = EntityFactory(name="Tony Woodley"), EntityFactory(name="Gordon Brown")
    body = (
        "The deal has been pushed by Chancellor Gordon Brown.\n\nTransport & General Workers' Union general "
        "secretary Tony Woodley repeated his view on Friday. He wants new models. “This is a very delicate "
        "time for our members,” he said."
    )
    assert attribute(body, woodley, brown) == ["Tony Woodley"]


@pytest.mark.django_db
def test_a_generic_role_is_who_the_text_calls_so_or_the_sentence_before_is_about():
    united, city = organisation("Manchester United"), organisation("Manchester City")
    body = (
        "Manchester City fans will be at the ground on Sunday.\n\nManchester United's response came as "
        "little surprise. “Any board must consider a bona fide offer,” the club said in its statement."
    )
    assert attribute(body, united, city) == ["Manchester United"]
    body = (
        "The club Manchester United answered at once. “Any board must consider a bona fide offer,” the club "
        "said in its statement."
    )
    assert attribute(body, united, city) == ["Manchester United"]


@pytest.mark.django_db
def test_what_the_text_says_of_a_name_outweighs_its_entity_type():
    dias, pande = EntityFactory(name="Joseph Dias"), organisation("Vinod Pande")
    body = (
        "“The film hurts our community,” Joseph Dias, of the forum, said in a statement.\n\nBut Mr Pande "
        "said the critics were wrong. He has no plans to cancel the film.\n\n“It is about forbidden love and "
        "nothing else,” he said."
    )
    assert attribute(body, dias, pande) == ["Joseph Dias", "Vinod Pande"]
    google, worm = organisation("Google"), organisation("Santy")
    body = (
        "The Santy worm spread fast until Google blocked its searches. “We will be reviewing our procedures "
        "to improve our response,” the Google team said."
    )
    assert attribute(body, google, worm) == ["Google"]


@pytest.mark.django_db
def test_participles_and_people_the_entities_missed_name_no_speaker():
    clapton = EntityFactory(name="Eric Clapton")
    body = "Eric Clapton will perform on the show described as “A Concert of Hope for all”."
    assert attribute(body, clapton) == [None]
    parton = EntityFactory(name="Jim Parton")
    body = (
        "Jim Parton said the plans lacked teeth. Theresa May, shadow secretary for the family, told the "
        "programme the plans were “papering over the cracks of the system”."
    )
    assert attribute(body, parton) == [None]


@pytest.mark.django_db
def test_many_people_name_no_speaker_and_names_run_over_of():
    fed, thayer = organisation("US Federal Reserve"), EntityFactory(name="Gary Thayer")
    body = (
        "Growth makes it less likely that the US Federal Reserve will raise rates next month, economists "
        "said. “The economy regained some traction in the third quarter,” AG Edwards' Thayer."
    )
    assert attribute(body, fed, thayer) == [None]
    bank, fukui = organisation("Bank of Japan"), EntityFactory(name="Toshihiko Fukui")
    body = (
        "“I see a low risk of the economy falling into recession,” said Bank of Japan chief Toshihiko Fukui."
    )
    assert attribute(body, bank, fukui) == ["Toshihiko Fukui"]


@pytest.mark.django_db
def test_a_name_before_a_quote_outweighs_a_pronoun_after_it():
    balls, laws = EntityFactory(name="Ed Balls"), organisation("Lib Dems David Laws")
    body = (
        "Ed Balls said the plans were sound. He added: “I do not accept there is any need for changes.”\n\n"
        "For the Lib Dems David Laws said: “The chancellor will tell us how well the economy is doing,” he "
        "said."
    )
    assert attribute(body, balls, laws) == ["Ed Balls", "Lib Dems David Laws"]
    ibm, ip = organisation("IBM"), organisation("Intellectual Property")
    body = (
        "IBM has more patents than any other firm. In a statement, Dr John E. Kelly, IBM senior vice "
        "president, Technology and Intellectual Property, said: “True innovation is more than numbers.”"
    )
    assert attribute(body, ibm, ip) == [None]


@pytest.mark.django_db
def test_someone_new_the_article_does_not_name_is_nobody_it_does():
    csu, capra = organisation("Colorado State University"), EntityFactory(name="Frank Capra")
    body = (
        "Colorado State University studied the markets. “It is not that the broking community is "
        "indifferent to disasters,” one Bombay trader said this week.\n\nFrank Capra was the butt of a gaffe "
        "in 1934. The host opened the envelope and declared “come on up and get it, Frank” to the hall."
    )
    assert attribute(body, csu, capra) == [None, None]
    dwp, employment = (
        organisation("Department for Work and Pensions"),
        organisation("Department of Employment"),
    )
    body = (
        "He has also worked in the Department of Employment. A Department spokeswoman said of his honour: "
        "“The award reflects all that he has achieved.”"
    )
    assert attribute(body, dwp, employment) == [None]


@pytest.mark.django_db
def test_the_question_put_and_the_sentence_after_a_question_are_not_speakers():
    howard, bnp = EntityFactory(name="Michael Howard"), organisation("BNP")
    body = (
        "Michael Howard rejected the idea. Asked if he would welcome BNP voters he told the BBC: “I don't "
        "want anybody to vote for these extremist parties.”"
    )
    assert attribute(body, howard, bnp) == ["Michael Howard"]
    kennedy, blair = EntityFactory(name="Charles Kennedy"), EntityFactory(name="Tony Blair")
    body = (
        "Mr Kennedy said: “Britain is the fourth-largest economy in the world.” “So why are two million "
        "of our pensioners living below the poverty line?” All the parties are campaigning for an election, "
        "although Prime Minister Tony Blair has not confirmed the date."
    )
    assert attribute(body, kennedy, blair) == ["Charles Kennedy", "Charles Kennedy"]


@pytest.mark.django_db
def test_a_sentence_about_someone_the_entities_missed_keeps_a_later_he_from_others():
    brown = EntityFactory(name="Gordon Brown")
    body = (
        "Gordon Brown has said the cuts will pay for more teachers. Piers Freelove is senior benefit officer "
        "on the picket line. He said: “The majority of people have decided not to come in.”\n\n"
        "Lord Nicholls of Birkenhead, in his ruling, said: “Indefinite imprisonment is anathema.”"
    )
    assert attribute(body, brown) == [None, None]
    commission = organisation("Electoral Commission")
    body = (
        "The proposed question is: “Should the United Kingdom approve the Treaty?” The Electoral Commission "
        "said it was satisfied with the wording."
    )
    assert attribute(body, commission) == [None]
