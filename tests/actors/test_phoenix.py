"""The PETRARCH/Phoenix dictionary reader and `ActorKnowledge.from_phoenix` (no model)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dateline.actors import ActorKnowledge
from dateline.actors.phoenix import parse_date, phrase_tokens, read_actor_file, read_agent_file
from dateline.errors import RuleDataError

ACTORS = """\
<!-- A FICTIONAL TEST DICTIONARY
# with a comment block -->
ARNOR_  [ARN]
+ARNORIAN
+FORNOST   # the capital

GONDOR [GON] # pas
+MINAS_TIRITH

GOLLUM  # no default code
+SMEAGOL
\t[HOB <950601]
\t[HOBGOV 19950601 - 19990815]
\t[HOBREB > 990816]

RADAGAST THE_BROWN  [RAD] [WIZGOV 20000101-20101231]
BOROMIR [---]
"""

AGENTS = """\
<!-- AGENTS -->
!MINST! = MINISTER, MINISTERS, MINISTRY, MINISTRIES
FOREIGN_MINISTER [~GOVFRM] # comment
!MINST!_OF_SILLY_WALKS [~GOV]
POLICE {} [~COP]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~JUD]
HUMAN_RIGHTS_BODY  [NGO~]
"""


@pytest.fixture
def fictional(tmp_path: Path) -> tuple[Path, Path]:
    actors = tmp_path / "fiction.actors.txt"
    agents = tmp_path / "fiction.agents.txt"
    actors.write_text(ACTORS, encoding="utf-8")
    agents.write_text(AGENTS, encoding="utf-8")
    return actors, agents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("950601", dt.date(1995, 6, 1)),
        ("19950601", dt.date(1995, 6, 1)),
        ("070926", dt.date(2007, 9, 26)),
        ("20140100", dt.date(2014, 1, 1)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["9506", "1995-06-01", "abcdef"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("phrase", "tokens"),
    [
        ("SHINZO_ABE_", ("shinzo", "abe")),
        ("KIM_JONG-UN", ("kim", "jong", "un")),
        ("PEOPLE'S_LIBERATION_ARMY", ("people", "'s", "liberation", "army")),
        ("Kōichi Hagiuda", ("koichi", "hagiuda")),
        ("KOREA,_NORTH_", ("korea", "north")),
        ("U.S.", ("u.s.",)),
    ],
)
def test_phrase_tokens(phrase: str, tokens: tuple[str, ...]) -> None:
    assert phrase_tokens(phrase) == tokens


def test_read_actor_file(fictional: tuple[Path, Path]) -> None:
    actors = {a.phrases[0]: a for a in read_actor_file(fictional[0])}
    assert actors["ARNOR_"].default == "ARN"
    assert actors["ARNOR_"].phrases == ["ARNOR_", "ARNORIAN", "FORNOST"]
    gollum = actors["GOLLUM"]
    assert gollum.default is None
    assert [(r.code, r.start, r.end) for r in gollum.roles] == [
        ("HOB", None, dt.date(1995, 6, 1)),
        ("HOBGOV", dt.date(1995, 6, 1), dt.date(1999, 8, 15)),
        ("HOBREB", dt.date(1999, 8, 16), None),
    ]
    radagast = actors["RADAGAST THE_BROWN"]
    assert radagast.default == "RAD" and radagast.roles[0].code == "WIZGOV"


def test_read_actor_file_strict_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.actors.txt"
    path.write_text("FRODO\n\t[HOB 1999XX01-20000101]\n", encoding="utf-8")
    assert read_actor_file(path)[0].roles == []  # PETRARCH skips the bad restriction
    with pytest.raises(RuleDataError, match=r"bad\.actors\.txt:2"):
        read_actor_file(path, lenient=False)


def test_read_agent_file(fictional: tuple[Path, Path]) -> None:
    agents = {a.phrase: a for a in read_agent_file(fictional[1])}
    assert (
        agents["FOREIGN_MINISTER"].code == "~GOVFRM" and agents["FOREIGN_MINISTER"].plural is None
    )
    assert {"MINISTER_OF_SILLY_WALKS", "MINISTRIES_OF_SILLY_WALKS"} <= set(agents)
    assert agents["POLICE"].plural == ""
    assert agents["ATTORNEY_GENERAL"].plural == "ATTORNEYS_GENERAL"
    assert agents["HUMAN_RIGHTS_BODY"].code == "NGO~"


def test_agent_marker_must_be_defined(tmp_path: Path) -> None:
    path = tmp_path / "bad.agents.txt"
    path.write_text("!NOPE!_OF_WALKS [~GOV]\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match="NOPE"):
        read_agent_file(path)


def test_from_phoenix_codes_by_date(fictional: tuple[Path, Path]) -> None:
    knowledge = ActorKnowledge.from_phoenix([fictional[0]], fictional[1])
    assert [(t.kind, t.key) for t in knowledge.lookup("Arnorian")] == [("country", "ARN")]
    assert [(t.kind, t.key) for t in knowledge.lookup("Minas Tirith")] == [("country", "GON")]
    assert knowledge.countries["ARN"].name == "Arnor"
    gollum = knowledge.find_entities("Smeagol")[0]
    assert gollum.code_on(dt.date(1990, 1, 1)) == "HOB"
    assert gollum.code_on(dt.date(1997, 1, 1)) == "HOBGOV"
    assert gollum.code_on(dt.date(2005, 1, 1)) == "HOBREB"
    radagast = knowledge.find_entities("Radagast the Brown")[0]
    assert radagast.code_on(dt.date(2005, 1, 1)) == "WIZGOV"
    assert radagast.code_on(dt.date(2015, 1, 1)) == "RAD"
    assert knowledge.find_entities("Boromir") == ()  # [---] codes nothing
    assert knowledge.agent("foreign ministers") is not None  # regular plural
    assert knowledge.agent("polices") is None  # {} blocks the plural
    assert knowledge.agent("attorneys general") is not None
    body = knowledge.agent("human rights body")
    assert body is not None and body.prepend and body.code == "NGO"


@pytest.mark.corpus
def test_from_phoenix_validation_dictionaries(shared_data: Path) -> None:
    folder = shared_data / "events" / "petrarch-validation"
    knowledge = ActorKnowledge.from_phoenix(
        [folder / "PETR.Validate.actors.txt"], folder / "PETR.Validate.agents.txt"
    )
    countries = {
        name: [t.key for t in knowledge.lookup(name)]
        for name in ("Arnor", "Gondor", "Minas Tirith")
    }
    assert countries == {"Arnor": ["ARN"], "Gondor": ["GON"], "Minas Tirith": ["GON"]}
    sam = knowledge.find_entities("Sam Gamgee")[0]
    assert sam.code_on(dt.date(2013, 1, 1)) == "HOBGOV"
    assert sam.code_on(dt.date(2010, 1, 10)) == "ORCHOB"  # the first restriction that holds wins
    assert knowledge.agent("foreign minister") is not None
