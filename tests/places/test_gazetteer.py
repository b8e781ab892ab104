"""Gazetteer and rule tests that need no spaCy model: the curated data's own
examples, alias and demonym handling, resolution rules on hand-built entities,
validation of bad data, and drift of the compiled tables."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

from dateline.errors import RuleDataError
from dateline.places import EntitySpan, Gazetteer, find_places, normalise_name
from dateline.places.gazetteer import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _feature_examples() -> list[tuple[str, str]]:
    data = yaml.safe_load((DATA_DIR / "features.yaml").read_text(encoding="utf-8"))
    return [
        (f"feature:{entry['id']}", example)
        for entry in data["features"]
        for example in entry["examples"]
    ]


def _alias_examples() -> list[tuple[str, str]]:
    data = yaml.safe_load((DATA_DIR / "country_aliases.yaml").read_text(encoding="utf-8"))
    return [
        (entry["iso3"], example) for entry in data["countries"] for example in entry["examples"]
    ]


FEATURE_EXAMPLES = _feature_examples()
ALIAS_EXAMPLES = _alias_examples()


def test_enough_curated_features(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.features) >= 40


@pytest.mark.parametrize(
    ("key", "example"),
    FEATURE_EXAMPLES,
    ids=[f"{key}:{n}" for n, (key, _) in enumerate(FEATURE_EXAMPLES)],
)
def test_feature_examples(gazetteer: Gazetteer, key: str, example: str) -> None:
    entry = gazetteer.features[key]
    places = find_places(example, gazetteer)
    assert any(place.name == entry.name for place in places), [p.name for p in places]


@pytest.mark.parametrize(
    ("iso3", "example"),
    ALIAS_EXAMPLES,
    ids=[f"{iso3}:{n}" for n, (iso3, _) in enumerate(ALIAS_EXAMPLES)],
)
def test_country_alias_examples(gazetteer: Gazetteer, iso3: str, example: str) -> None:
    places = find_places(example, gazetteer)
    assert any(place.country == iso3 and place.feature == "country" for place in places)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("North Korea's", "north korea"),
        ("the Senkaku Islands", "senkaku islands"),
        ("  East   China Sea ", "east china sea"),
        ("China’s", "china"),
    ],
)
def test_normalise_name(name: str, key: str) -> None:
    assert normalise_name(name) == key


def test_lookup_is_by_name(gazetteer: Gazetteer) -> None:
    countries = {c.entry.country for c in gazetteer.lookup("Lima")}
    assert {"PER", "USA"} <= countries
    assert gazetteer.lookup("Senkaku/Diaoyu Islands")[0].entry.name == "Senkaku Islands"
    assert gazetteer.lookup("Takeshima")[0].entry.country == "KOR"
    assert gazetteer.lookup("no such place anywhere") == ()


@pytest.mark.parametrize("word", ["Chinese", "North Korean", "Japanese", "Americans", "Peruvian"])
def test_demonyms_are_not_places(gazetteer: Gazetteer, word: str) -> None:
    assert gazetteer.is_demonym(word)
    text = f"{word} officials met on Monday."
    entities = [EntitySpan(0, len(word), "GPE")]  # a tagger that mislabels the adjective
    assert find_places(text, gazetteer, entities) == ()


def test_country_inside_organisation_is_not_a_place(gazetteer: Gazetteer) -> None:
    text = "The Bank of Japan raised rates."
    assert find_places(text, gazetteer, [EntitySpan(4, 17, "ORG")]) == ()


def test_apposition_pins_the_country(gazetteer: Gazetteer) -> None:
    text = "They met in Lima, Ohio, last year."
    places = find_places(text, gazetteer, [EntitySpan(12, 16, "GPE"), EntitySpan(18, 22, "GPE")])
    assert [(p.text, p.country, p.feature) for p in places] == [
        ("Lima", "USA", "city"),
        ("Ohio", "USA", "admin1"),
    ]
    assert places[0].rule_id.endswith(".apposition")


def test_apposition_recovers_a_city_ner_missed(gazetteer: Gazetteer) -> None:
    text = "Protests spread to Valencia, Venezuela."
    places = find_places(text, gazetteer, [EntitySpan(19, 27, "PERSON")])
    assert [(p.text, p.country) for p in places] == [("Valencia", "VEN"), ("Venezuela", "VEN")]


def test_story_country_decides(gazetteer: Gazetteer) -> None:
    text = "Lebanon sent troops. Fighting broke out in Tripoli."
    start = text.index("Tripoli")
    places = find_places(text, gazetteer, [EntitySpan(start, start + 7, "GPE")])
    assert [(p.text, p.country) for p in places] == [("Lebanon", "LBN"), ("Tripoli", "LBN")]
    assert places[1].rule_id.endswith(".story-country")


def test_surname_tagged_as_place_is_dropped(gazetteer: Gazetteer) -> None:
    text = "Takeo Akiba met Kong. Kim said Akiba agreed."
    entities = [EntitySpan(0, 11, "PERSON"), EntitySpan(31, 36, "GPE"), EntitySpan(22, 25, "GPE")]
    assert find_places(text, gazetteer, entities) == ()


def test_administration_history_follows_the_article_date(gazetteer: Gazetteer) -> None:
    text = "Ships left Crimea."
    before = find_places(text, gazetteer, date=dt.date(2013, 1, 1))
    after = find_places(text, gazetteer, date=dt.date(2017, 4, 3))
    assert before[0].country == "UKR"
    assert after[0].country == "RUS"


def test_sentence_index_and_offsets(gazetteer: Gazetteer) -> None:
    from dateline.records import Sentence

    text = "Japan spoke. China replied."
    sentences = (Sentence(0, 0, 12, "Japan spoke."), Sentence(1, 13, 27, "China replied."))
    places = find_places(text, gazetteer, sentences=sentences)
    assert [(p.text, p.sentence_index) for p in places] == [("Japan", 0), ("China", 1)]
    assert all(text[p.start : p.end] == p.text for p in places)


def test_bad_feature_data_raises(tmp_path: Path) -> None:
    for name in ("countries.tsv", "seas.tsv", "admin1.tsv", "demonyms.tsv", "country_aliases.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    data = yaml.safe_load((DATA_DIR / "features.yaml").read_text(encoding="utf-8"))
    data["features"][0]["country"] = "XXX"
    (tmp_path / "features.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleDataError, match="east_china_sea"):
        Gazetteer.build(tmp_path, cities={})
    data["features"][0]["country"] = None
    data["features"].append(dict(data["features"][0]))
    (tmp_path / "features.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleDataError, match="duplicate"):
        Gazetteer.build(tmp_path, cities={})


def _load_build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_places", ROOT / "scripts" / "build_places.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
def test_compiled_tables_match_fresh_build(shared_data: Path) -> None:
    fresh = _load_build_script().build(shared_data)
    for name, text in fresh.items():
        assert (DATA_DIR / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run scripts/build_places.py"
        )
