"""The actors stage on the founding story (our own retelling) and on small texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dateline.actors import ActorKnowledge, ActorStage, group_members, mention_at, mentions_by_head
from dateline.nlp import NlpStage
from dateline.pipeline import Pipeline
from dateline.records import ActorMention, Article, Document

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "japan_china_2017-04-03.txt"

pytestmark = pytest.mark.model


def run(text: str, date: str, nlp: Any, knowledge: ActorKnowledge | None = None) -> Document:
    document = Document(Article(id="t", date=dt.date.fromisoformat(date), text=text))
    Pipeline([NlpStage(nlp), ActorStage(knowledge)]).process([document])
    return document


@pytest.fixture(scope="module")
def founding(nlp: Any) -> Document:
    raw = EXAMPLE.read_text(encoding="utf-8")
    _, date, text = raw.split(maxsplit=2)
    text = raw[raw.index(date) + len(date) + 1 :]
    return run(text, date, nlp)


def at(document: Document, phrase: str, occurrence: int = 1) -> ActorMention:
    text = document.article.text
    start = -1
    for _ in range(occurrence):
        start = text.index(phrase, start + 1)
    found = [m for m in document.mentions if m.start <= start < m.end]
    assert found, f"no mention covers {phrase!r}"
    return min(found, key=lambda m: m.end - m.start)


def test_stage_contract() -> None:
    assert ActorStage.name == "actors"
    assert ActorStage.requires == frozenset({"spacy_doc", "sentences"})
    assert ActorStage.provides == frozenset({"mentions"})


@pytest.mark.parametrize(
    ("phrase", "occurrence", "code", "kind"),
    [
        ("Japan", 1, "JPN", "country"),
        ("China", 1, "CHN", "country"),
        ("Shinzo Abe", 1, "JPNGOV", "person"),
        ("Xi Jinping", 1, "CHNGOV", "person"),
        ("Tokyo wants", 1, "JPNGOV", "country"),
        ("Beijing", 1, "CHNGOV", "country"),
        ("Kong Xuanyou", 1, "CHNGOV", "composed"),
        ("Takeo Akiba", 1, "JPNGOV", "composed"),
        ("two countries", 1, "JPN+CHN", "group"),
        ("Group of 20", 1, "IGOG20", "igo"),
        ("Akiba and Kong", 1, "JPNGOV", "coref"),
        ("Li Keqiang", 1, "CHNGOV", "person"),
        ("Abe and Xi last", 1, "JPNGOV", "coref"),
        ("Ri Kil Song", 1, "PRKGOV", "composed"),
        ("Wang Yi", 1, "CHNGOV", "person"),
        ("He attended", 1, "CHNGOV", "coref"),
        ("Koichi Hagiuda", 1, "JPNGOV", "person"),
    ],
)
def test_founding_story(
    founding: Document, phrase: str, occurrence: int, code: str, kind: str
) -> None:
    mention = at(founding, phrase, occurrence)
    assert (mention.cameo_code, mention.kind) == (code, kind)


def test_founding_story_fields(founding: Document) -> None:
    abe = at(founding, "Shinzo Abe")
    assert (abe.country, abe.sector, abe.plover_sector, abe.kb_id) == (
        "JPN",
        "GOV",
        "GOV",
        "Q132345",
    )
    kong = at(founding, "Kong Xuanyou")
    assert kong.name == "Kong Xuanyou" and kong.country == "CHN" and kong.sector == "GOV"
    later = at(founding, "Kong held")
    assert later.antecedent == kong.id and later.cameo_code == "CHNGOV"
    he = at(founding, "He attended")
    assert he.antecedent == kong.id  # antecedents point at the first, fullest mention
    coreferring = [m for m in founding.mentions if m.antecedent is not None]
    by_id = {m.id: m for m in founding.mentions}
    assert all(
        by_id[m.antecedent].kind != "coref" or by_id[m.antecedent].rule_id == "coref.epithet"
        for m in coreferring
    )
    # "in Tokyo" is a place, not an actor; "East China Sea" names no country
    text = founding.article.text
    in_tokyo = text.index("in Tokyo") + 3
    assert not any(m.start <= in_tokyo < m.end for m in founding.mentions)
    sea = text.index("East China Sea")
    assert not any(sea <= m.start < sea + len("East China Sea") for m in founding.mentions)


def test_heads_are_token_offsets_inside_spans(founding: Document) -> None:
    doc = founding.spacy_doc
    assert doc is not None
    starts = {token.idx for token in doc}
    for mention in founding.mentions:
        assert mention.head in starts
        assert mention.start <= mention.head < mention.end
        assert founding.article.text[mention.start : mention.end] == mention.text
        sentence = founding.sentences[mention.sentence_index]
        assert sentence.start <= mention.start < sentence.end


def test_ids_are_unique_and_antecedents_resolve(founding: Document) -> None:
    ids = [m.id for m in founding.mentions]
    assert len(ids) == len(set(ids))
    for mention in founding.mentions:
        assert mention.antecedent is None or mention.antecedent in ids


def test_mention_at(founding: Document) -> None:
    kong = at(founding, "Kong Xuanyou")
    assert kong.head is not None
    assert mention_at(founding, kong.head) == kong
    assert mention_at(founding, kong.start + 1) == kong
    assert mention_at(founding, founding.article.text.index("halt")) is None
    heads = mentions_by_head(founding)
    assert heads[kong.head] == kong and len(heads) == len(founding.mentions)


def test_group_members(founding: Document) -> None:
    assert group_members(at(founding, "two countries")) == ("JPN", "CHN")
    assert group_members(at(founding, "Shinzo Abe")) == ("JPNGOV",)


@pytest.mark.parametrize(
    ("text", "date", "phrase", "code"),
    [
        ("Shinzo Abe said Japan would respond.", "2009-06-01", "Shinzo Abe", "JPNELI"),
        ("Shinzo Abe said Japan would respond.", "2017-04-03", "Shinzo Abe", "JPNGOV"),
        ("Former Prime Minister Shinzo Abe visited Taipei.", "2021-12-01", "Shinzo Abe", "JPNELI"),
        ("Abe said Japan would respond.", "2017-04-03", "Abe", "JPNGOV"),
        # out of office in 2009, the one leader named Abe, and the story names Japan
        ("Abe said Japan would respond.", "2009-06-01", "Abe", "JPNELI"),
        ("Abe said the talks would go on.", "2009-06-01", "Abe", None),
        ("The talks in Tokyo ended.", "2017-04-03", "Tokyo", None),
        ("The Japanese government protested to Seoul.", "2019-07-01", "Seoul", "KORGOV"),
        (
            "Goodluck Jonathan, president of Nigeria, met the delegation.",
            "2012-03-01",
            "Goodluck Jonathan",
            "NGAGOV",
        ),
        (
            "Thai Interior Minister Somsak Chaiyo announced new rules.",
            "2016-04-03",
            "Somsak Chaiyo",
            "THAGOV",
        ),
        ("Theresa May said the vote would be held in May.", "2017-04-03", "Theresa May", "GBRGOV"),
        ("WASHINGTON - The Treasury said it would sell bills.", "1987-04-07", "WASHINGTON", None),
        (
            "Shinzo Abe met Park Geun-hye in Seoul. She said the talks went well.",
            "2016-05-10",
            "She",
            "KORGOV",
        ),
        (
            "Park Geun-hye met Shinzo Abe in Seoul. He said the talks went well.",
            "2016-05-10",
            "He said",
            "JPNGOV",
        ),
        ("They honoured President Kim Il Sung.", "2011-05-01", "Kim Il Sung", "PRKELI"),
        ("They honoured President Kim Il Sung.", "1990-05-01", "Kim Il Sung", "PRKGOV"),
        ("Japan wants to strengthen the Paris accord.", "1987-04-07", "Paris", None),
        (
            "Brazil named a debt negotiator: former foreign minister Ramiro Guerreiro.",
            "1987-04-07",
            "Ramiro Guerreiro",
            "BRAELI",
        ),
        ("The vote will be held in May, officials said.", "2017-04-03", "May", None),
        # a title and no country in the text: the name's origin, when the story names it
        (
            "Japan and China prepared talks. Wang Yi will meet Takeo Yamamoto, deputy foreign"
            " minister for political affairs.",
            "2017-04-03",
            "Takeo Yamamoto",
            "JPNGOV",
        ),
        (
            "Peru and China prepared talks. Wang Yi will meet Takeo Yamamoto, deputy foreign"
            " minister for political affairs.",
            "2017-04-03",
            "Takeo Yamamoto",
            None,
        ),
        (
            "Japan and China held talks. Ri Chol Ho, deputy foreign minister, led the delegation.",
            "2017-04-03",
            "Ri Chol Ho",
            None,
        ),
        (
            "North Korea and South Korea held talks. Kim Tae Hyok, vice minister for"
            " unification, led the delegation.",
            "2017-04-03",
            "Kim Tae Hyok",
            None,
        ),
        # ... else the host of a visit on which the person is met
        (
            "Japan and China prepared talks. Kong Xuanyou, China's assistant foreign minister,"
            " will visit Tokyo and meet Harumi Zenbo, deputy foreign minister.",
            "2017-04-03",
            "Harumi Zenbo",
            "JPNGOV",
        ),
        (
            "Japan and China prepared talks. Kong Xuanyou, China's assistant foreign minister,"
            " will meet Harumi Zenbo, deputy foreign minister.",
            "2017-04-03",
            "Harumi Zenbo",
            None,
        ),
        # a name that opens the next clause is its subject, not an apposition
        (
            "As he flew toward a meeting with North Korea's leader, Trump lashed out at Canada.",
            "2018-06-10",
            "Trump",
            "USAGOV",
        ),
        # a full name no source knows whose surname is the one leader in office's, with
        # given names that fit: that leader, as the state was that day (Soviet in 1987)
        ("Bettino Craxi met Mikhail Gorbachev in Moscow.", "1987-03-16", "Mikhail", "SUNGOV"),
        ("Nancy Reagan visited the school on Monday.", "1987-03-16", "Nancy Reagan", None),
        # a role noun that only modifies the head of a next clause's subject is no apposition
        (
            "Mevlut Cavusoglu held a phone call with Antony Blinken, a Turkish foreign ministry"
            " statement said on Monday.",
            "2021-03-01",
            "Antony Blinken",
            "USAGOV",
        ),
        # "we" in a quotation is its speaker; a quotation that runs on into the next
        # sentence keeps the speaker, a paragraph break ends it
        (
            '"We will not accept this," the Chinese foreign ministry said. "Our position is'
            ' clear."',
            "2017-04-03",
            "Our",
            "CHNGOV",
        ),
        (
            '"We will not accept this," the Chinese foreign ministry said.\n\n"We are ready,"'
            " a student said.",
            "2017-04-03",
            "We are",
            None,
        ),
        # "they" for names joined by "and": every one of them
        (
            "Abe and Xi last met in Lima, when they agreed to improve relations.",
            "2017-04-03",
            "they",
            "JPNGOV+CHNGOV",
        ),
        # a lone surname of the one leader who ever bore it, out of office that day, when
        # the story names that leader's country
        (
            "Duterte, who led the Philippines from 2016 to 2022, was arrested in Manila.",
            "2025-03-12",
            "Duterte",
            "PHLELI",
        ),
        ("Duterte was arrested on Tuesday.", "2025-03-12", "Duterte", None),
        # a lone surname the story gave earlier to someone else is not the leader's
        (
            "One of their leaders, Orlando dos Santos, spoke to reporters. Santos said the"
            " strike would go on.",
            "1987-03-12",
            "Santos said",
            None,
        ),
        (
            "President Jose Eduardo dos Santos met the envoy. Santos said the talks went well.",
            "1987-03-12",
            "Santos said",
            "AGOGOV",
        ),
        # the dictionaries' bracketed qualifier is no part of the name as written
        (
            "The African National Congress said it would send a delegation to Ottawa.",
            "1987-03-23",
            "African National Congress",
            "ZAFREB",
        ),
        # a country word before another country's known body of that name: its own body
        (
            "The Lao People's Revolutionary Party sent a wreath to the embassy.",
            "2011-12-25",
            "Lao People",
            "LAOREB",
        ),
        # a surname office holders of one of the story's countries bear that day, before a
        # state's body: that country's (Lee Myung-bak's South Korea, not Lee Hsien Loong's)
        (
            "The DPRK denounced south Korea. The Lee regime slandered the DPRK.",
            "2012-03-01",
            "Lee regime",
            "KORGOV",
        ),
        # a date is no group of the dictionaries ("May 15" is a Palestinian group's name)
        (
            "The president received the credentials from the ambassador on May 15.",
            "2012-05-24",
            "May 15",
            None,
        ),
        # a title the dictionaries split ("deputy" alone is a sheriff's) names its holder
        (
            "U.S. Deputy Trade Representative Michael Smith spoke at the meeting in Geneva.",
            "1987-04-07",
            "Michael Smith",
            "USAGOV",
        ),
        # "a foreign government" is expressly not the country in context
        (
            "Ottawa said any involvement of a foreign government in the killing was unacceptable.",
            "2023-09-19",
            "government",
            None,
        ),
        # a country word inside another country's region name is no country; a region's
        # title is of the region's country
        ("Miners in Kimberley, British Columbia voted to strike.", "1987-04-24", "British", None),
        ("Quebec Premier Robert Bourassa met the union.", "1987-04-24", "Premier", "CANGOV"),
    ],
)
def test_small_texts(nlp: Any, text: str, date: str, phrase: str, code: str | None) -> None:
    document = run(text, date, nlp)
    start = text.index(phrase)
    found = [m.cameo_code for m in document.mentions if m.start <= start < m.end]
    assert found == ([code] if code else [])


def test_phoenix_knowledge_in_the_stage(nlp: Any, tmp_path: Path) -> None:
    actors = tmp_path / "f.actors.txt"
    actors.write_text(
        "ARNOR_ [ARN]\nGONDOR [GON]\nFRODO_BAGGINS\n\t[HOBGOV 20000101-20101231]\n\t[HOB]\n",
        encoding="utf-8",
    )
    agents = tmp_path / "f.agents.txt"
    agents.write_text("FOREIGN_MINISTER [~GOV]\n", encoding="utf-8")
    knowledge = ActorKnowledge.from_phoenix([actors], agents)
    document = run(
        "Arnor's foreign minister met Frodo Baggins in Gondor.", "2005-01-01", nlp, knowledge
    )
    assert [m.cameo_code for m in document.mentions] == ["ARNGOV", "HOBGOV", "GON"]


def test_the_head_of_an_international_body_stands_for_it_not_for_his_nation(nlp: Any) -> None:
    """A known person whose office that day is an IGO's is the IGO's actor: his events are
    scored as IGO (EVENTS.md), not as his nationality's (Camdessus, French, ran the IMF)."""
    document = run(
        "IMF Managing Director Michel Camdessus met Brazil's finance minister. "
        "Camdessus criticised the plan.",
        "1987-04-01",
        nlp,
    )
    for occurrence in (1, 2):
        mention = at(document, "Camdessus", occurrence)
        assert mention.cameo_code == "IGOBUSIMF"
        assert mention.country is None


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        # the title after a dateline is not owned by the place the story was filed from
        (
            "SINGAPORE — President Trump concluded a meeting with Kim Jong Un on Tuesday.",
            "President Trump",
            "USAGOV",
        ),
        ("STERLING, Va. -- President Donald Trump dangled a deal.", "Donald Trump", "USAGOV"),
        # the dateline's place still tells whose police these are
        ("Jakarta, MINA – Police detained 15 people on Sunday.", "Police", "IDNCOP"),
        # a dash inside the first sentence is no dateline, nor the hyphen of a name
        ("Iran — which denies it — was blamed by the United States.", "Iran", "IRN"),
        ("PORT-AU-PRINCE said on Monday that Haiti would hold elections.", "PORT", "HTIGOV"),
    ],
)
def test_dateline(text: str, phrase: str, code: str, nlp: Any) -> None:
    document = run(text, "2018-06-11", nlp)
    assert at(document, phrase).cameo_code == code


@pytest.mark.parametrize(
    "text",
    [
        "SINGAPORE — President Trump met Kim Jong Un on Tuesday.",
        "CARACAS, Venezuela — Opposition leader Juan Guaido led a march.",
        "BRUSSELS (AP) — The NATO chief met Finnish officials.",
    ],
)
def test_dateline_is_no_actor(text: str, nlp: Any) -> None:
    document = run(text, "2018-06-11", nlp)
    filed_from = text.index(" —") if " —" in text else text.index(" –")
    assert not [m for m in document.mentions if m.start < filed_from], document.mentions


def test_a_story_naming_no_country_takes_its_title_s(nlp: Any) -> None:
    text = "The Finance Ministry would raise lending limits, a ministry spokesman said."
    titled = Document(
        Article(id="t", date=dt.date(1987, 6, 2), text=text, title="JAPAN RAISES LIMITS")
    )
    Pipeline([NlpStage(nlp), ActorStage()]).process([titled])
    assert at(titled, "ministry spokesman").country == "JPN"
    # a country the text names wins over the title's
    named = Document(
        Article(
            id="u",
            date=dt.date(1987, 6, 2),
            text="Brazil's Finance Ministry said a ministry spokesman would resign.",
            title="JAPAN RAISES LIMITS",
        )
    )
    Pipeline([NlpStage(nlp), ActorStage()]).process([named])
    assert at(named, "ministry spokesman").country == "BRA"


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        ("France said the government in Bamako had expelled the envoy.", "government", "MLIGOV"),
        ("Rwanda accused the authorities in Bujumbura of backing rebels.", "authorities", "BDIGOV"),
    ],
)
def test_a_state_body_in_a_seat_is_that_state_s(
    text: str, phrase: str, code: str, nlp: Any
) -> None:
    assert at(run(text, "2022-02-18", nlp), phrase).cameo_code == code
