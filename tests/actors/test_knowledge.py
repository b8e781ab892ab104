"""The compiled package knowledge: loading, validation, dated roles, policies (no model)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

from dateline.actors import ActorKnowledge, split_code
from dateline.actors.knowledge import DATA, PhraseTrie
from dateline.errors import RuleDataError


@pytest.fixture(scope="module")
def knowledge() -> ActorKnowledge:
    return ActorKnowledge.load()


def code(knowledge: ActorKnowledge, name: str, day: str) -> str:
    people = [e for e in knowledge.find_entities(name) if e.kind == "person"]
    assert people, f"{name} is not in the knowledge base"
    return people[0].code_on(dt.date.fromisoformat(day))


@pytest.mark.parametrize(
    ("name", "day", "expected"),
    [
        ("Shinzo Abe", "2017-04-03", "JPNGOV"),
        ("Abe Shinzo", "2017-04-03", "JPNGOV"),  # family name first
        ("Shinzo Abe", "2009-06-01", "JPNELI"),
        ("Shinzo Abe", "2007-01-15", "JPNGOV"),
        ("Xi Jinping", "2017-04-03", "CHNGOV"),
        ("Li Keqiang", "2017-04-03", "CHNGOV"),
        ("Wang Yi", "2017-04-03", "CHNGOV"),
        ("Park Geun-hye", "2016-06-01", "KORGOV"),
        (
            "Park Geun Hye",
            "2017-03-01",
            "KORGOV",
        ),  # policy: Wikidata/PLAD end 2017-03-10 over REIGN's 2016-12
        ("Park Geun-hye", "2018-01-01", "KORELI"),
        ("Barack Obama", "2015-01-01", "USAGOV"),
        ("Barack Obama", "2018-01-01", "USAELI"),
        ("Donald Trump", "2017-06-01", "USAGOV"),
        ("Kim Jong-un", "2017-06-01", "PRKGOV"),
        ("Angela Merkel", "2017-06-01", "DEUGOV"),
        ("Emmanuel Macron", "2018-06-01", "FRAGOV"),
        # PLAD's "Still in Office" spells are open, not ended on the day PLAD was cut
        ("Vladimir Putin", "2025-08-15", "RUSGOV"),
        ("Xi Jinping", "2025-08-15", "CHNGOV"),
        # leaders after PLAD's cut (LATER_LEADERS), and their predecessors
        ("Donald Trump", "2022-03-01", "USAELI"),
        ("Donald Trump", "2025-08-15", "USAGOV"),
        ("Joe Biden", "2024-09-01", "USAGOV"),
        ("Joe Biden", "2025-02-15", "USAELI"),
        ("Keir Starmer", "2024-09-01", "GBRGOV"),
        ("Sheikh Hasina", "2024-09-01", "BGDELI"),
    ],
)
def test_dated_roles(knowledge: ActorKnowledge, name: str, day: str, expected: str) -> None:
    assert code(knowledge, name, day) == expected


def test_kb_ids_are_wikidata_qids(knowledge: ActorKnowledge) -> None:
    abe = knowledge.find_entities("Shinzo Abe")[0]
    assert abe.kb_id == "Q132345"
    assert knowledge.countries["JPN"].kb_id == "Q17"
    assert knowledge.countries["JPN"].name == "Japan"


@pytest.mark.parametrize(
    ("phrase", "kind", "key"),
    [
        ("Tokyo", "capital", "JPN"),
        ("North Korean", "country", "PRK"),
        ("Chinese", "country", "CHN"),
        ("the Kremlin", "seat", "RUSGOV"),
    ],
)
def test_country_phrases(knowledge: ActorKnowledge, phrase: str, kind: str, key: str) -> None:
    targets = knowledge.lookup(phrase)
    assert targets and targets[0].kind == kind and targets[0].key == key


def test_role_nouns(knowledge: ActorKnowledge) -> None:
    minister = knowledge.agent("foreign minister")
    assert minister is not None and minister.sector == "GOV" and minister.plover_sector == "GOV"
    journalist = knowledge.agent("journalists")
    assert (
        journalist is not None and journalist.sector == "MED" and journalist.plover_sector == "JRN"
    )
    spokesman = knowledge.agent("spokesman")
    assert spokesman is not None and spokesman.inherit


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("JPNGOV", ("JPN", "GOV")),
        ("CHN", ("CHN", None)),
        ("IGOUNO", (None, None)),
        ("USAGOVMIL", ("USA", "GOV")),
    ],
)
def test_split_code(code: str, expected: tuple[str | None, str | None]) -> None:
    assert split_code(code) == expected


def test_trie_longest_match() -> None:
    trie = PhraseTrie()
    trie.add(("north", "korea"), "PRK")
    trie.add(("north",), "N")
    assert trie.longest(["the", "north", "korea", "said"], 1) == (3, ("PRK",))
    assert trie.longest(["north", "wind"], 0) == (1, ("N",))
    assert trie.longest(["south"], 0) is None


def test_load_is_cached_and_quick() -> None:
    start = time.perf_counter()
    first = ActorKnowledge.load()
    assert ActorKnowledge.load() is first
    assert (
        time.perf_counter() - start < 5
    )  # generous: the cached load is instant, a cold one about 0.7 s


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_bad_role_code_is_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    roles = data / "roles.tsv"
    lines = roles.read_text(encoding="utf-8").splitlines()
    body = next(
        i
        for i, line in enumerate(lines)
        if not line.startswith("#") and i > 0 and "\t" in line and not line.startswith("person_id")
    )
    cells = lines[body].split("\t")
    cells[1] = "jpn gov"
    lines[body] = "\t".join(cells)
    roles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleDataError, match=rf"roles.tsv:{body + 1}: bad CAMEO code"):
        ActorKnowledge.load(data)


def test_missing_header_is_an_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    people = data / "people.tsv"
    people.write_text(
        "\n".join(
            line
            for line in people.read_text(encoding="utf-8").splitlines()
            if not line.startswith("# id:")
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleDataError, match="header lacks '# id:'"):
        ActorKnowledge.load(data)


def test_curated_entries_are_validated(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    curated = data / "curated.yaml"
    curated.write_text(
        curated.read_text(encoding="utf-8").replace("code: RUSGOV}", 'code: "rus gov"}', 1),
        encoding="utf-8",
    )
    with pytest.raises(RuleDataError, match="bad code"):
        ActorKnowledge.load(data)


@pytest.mark.parametrize(
    ("part", "iso3"),
    [("takeo", "JPN"), ("ri", "PRK"), ("kim", None), ("john", None), ("jr", None)],
)
def test_name_origins(knowledge: ActorKnowledge, part: str, iso3: str | None) -> None:
    # "Kim" is KOR and PRK, "John" many countries', "Jr." a suffix: none says a country
    assert knowledge.name_origins.get(part) == iso3


def test_bad_name_origin_is_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    origins = data / "name_origins.tsv"
    text = origins.read_text(encoding="utf-8").replace("takeo\tJPN", "takeo\tjapan", 1)
    origins.write_text(text, encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"name_origins.tsv:\d+: bad name origin 'takeo'"):
        ActorKnowledge.load(data)


def test_data_files_stay_small() -> None:
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total < 15_000_000


def test_knowledge_is_immutable(knowledge: ActorKnowledge) -> None:
    with pytest.raises(AttributeError):
        knowledge.source = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        knowledge.countries["XXX"] = knowledge.countries["JPN"]  # type: ignore[index]


def test_knowledge_pickles_for_worker_processes(knowledge: ActorKnowledge, tmp_path: Path) -> None:
    import pickle

    assert pickle.loads(pickle.dumps(knowledge)) is knowledge  # package knowledge: reloaded, cached
    actors = tmp_path / "f.actors.txt"
    actors.write_text("ARNOR_ [ARN]\nFRODO\n\t[HOBGOV 20000101-20101231]\n", encoding="utf-8")
    fictional = ActorKnowledge.from_phoenix([actors])
    copy = pickle.loads(pickle.dumps(fictional))
    assert copy.find_entities("Frodo")[0].code_on(dt.date(2005, 1, 1)) == "HOBGOV"
    assert copy.countries["ARN"].name == "Arnor" and copy.petrarch
    with pytest.raises(AttributeError):
        copy.source = "changed"  # type: ignore[misc]
