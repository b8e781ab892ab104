"""The places stage with the spaCy model: the case table, the example story
and the founding story."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dateline.eval.places import PlaceCase, evaluate_places, read_cases
from dateline.nlp import NlpStage
from dateline.pipeline import Pipeline
from dateline.places import Gazetteer, PlaceStage
from dateline.records import Article, Document

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CASES = read_cases(HERE / "cases.tsv")
EXAMPLE = ROOT / "examples" / "japan_china_2017-04-03.txt"
SEED = ROOT.parent / "shared" / "seed" / "000_29bea5349ad77031.txt"

# Every place of the founding story (the example retells the same facts), by
# surface, with the country it must resolve to; nothing else is a place.
STORY_PLACES = {
    "Japan": "JPN",
    "China": "CHN",
    "Tokyo": "JPN",
    "Beijing": "CHN",
    "North Korea": "PRK",
    "South Korea": "KOR",
    "Hamburg": "DEU",
    "Germany": "DEU",
    "Lima": "PER",
    "Peru": "PER",
    "Senkaku Islands": "JPN",
    "East China Sea": None,
    "Pyongyang": "PRK",
}


@pytest.fixture(scope="module")
def stages(nlp) -> tuple[NlpStage, PlaceStage]:  # type: ignore[no-untyped-def]
    return NlpStage(nlp), PlaceStage(Gazetteer.load())


@pytest.fixture(scope="module")
def coded_cases(stages: tuple[NlpStage, PlaceStage]) -> dict[str, Document]:
    documents = [Document(Article(id=c.id, date=c.date, text=c.text)) for c in CASES]
    for stage in stages:
        stage.process(documents)
    return {document.article.id: document for document in documents}


def test_stage_contract() -> None:
    stage = PlaceStage(Gazetteer.load())
    assert stage.name == "places"
    assert stage.requires == frozenset({"spacy_doc", "sentences"})
    assert stage.provides == frozenset({"places"})

    class ParseStandIn:  # declares what the nlp stage provides; never runs
        name = "nlp"
        requires = frozenset({"article"})
        provides = frozenset({"spacy_doc", "sentences"})

        def process(self, batch: list[Document]) -> list[Document]:
            return batch

    assert Pipeline([ParseStandIn(), stage]).provides >= {"places"}


def test_enough_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_place_case(coded_cases: dict[str, Document], case: PlaceCase) -> None:
    document = coded_cases[case.id]
    got = sorted((p.text, p.country, p.feature) for p in document.places)
    assert got == sorted(case.expected)
    for place in document.places:
        assert document.article.text[place.start : place.end] == place.text


@pytest.mark.model
def test_evaluate_places_report(nlp) -> None:  # type: ignore[no-untyped-def]
    report = evaluate_places(HERE / "cases.tsv", nlp=nlp)
    assert report.metrics["cases"] == len(CASES)
    # Floors a little below what is measured (see docs/places.md).
    assert report.metrics["country_accuracy"] >= 0.95
    assert report.metrics["f1"] >= 0.93


def _story_places(stages: tuple[NlpStage, PlaceStage], path: Path) -> Document:
    raw = path.read_text(encoding="utf-8")
    marker = " date 2017-04-03 "
    text = raw[len(marker) :] if raw.startswith(marker) else raw
    document = Document(Article(id=path.stem, date=dt.date(2017, 4, 3), text=text))
    for stage in stages:
        stage.process([document])
    return document


def _check_story(document: Document) -> None:
    found = {}
    for place in document.places:
        assert place.text in STORY_PLACES, f"unexpected place {place.text!r}"
        assert place.country == STORY_PLACES[place.text], place
        found[place.text] = place
    for surface in ("Tokyo", "Hamburg", "Lima", "Beijing", "Senkaku Islands", "East China Sea"):
        assert surface in found, surface
    assert found["Senkaku Islands"].feature == "islands"
    assert found["East China Sea"].feature == "sea"
    assert found["Japan"].feature == "country"
    assert found["Lima"].rule_id.endswith(".apposition")


@pytest.mark.model
def test_example_story_places(stages: tuple[NlpStage, PlaceStage]) -> None:
    _check_story(_story_places(stages, EXAMPLE))


@pytest.mark.model
@pytest.mark.corpus
def test_founding_story_places(stages: tuple[NlpStage, PlaceStage], shared_data: Path) -> None:
    _check_story(_story_places(stages, SEED))
