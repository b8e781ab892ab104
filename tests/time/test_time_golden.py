"""Golden: every time expression of the founding story and of our example story."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.records import Article, Document
from dateline.time import TimeStage, tag_time

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = yaml.safe_load((Path(__file__).parent / "golden.yaml").read_text(encoding="utf-8"))
SEED_PREFIX = " date 2017-04-03 "


def _story(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    assert raw.startswith(SEED_PREFIX)
    return raw[len(SEED_PREFIX) :]


def _check(text: str, nlp: Any) -> None:
    found = tag_time(nlp(text), GOLDEN["dct"])
    assert [t.text for t in found] == [e["text"] for e in GOLDEN["expected"]]
    for timex, expected in zip(found, GOLDEN["expected"], strict=True):
        assert timex.value == expected["value"], timex
        assert timex.type == "DATE"
        assert (timex.start_date, timex.end_date) == (expected["start"], expected["end"]), timex
        assert timex.mod == expected.get("mod"), timex
        if "direction" in expected:
            assert timex.direction == expected["direction"], timex
        assert text[timex.start : timex.end] == timex.text
        assert timex.governor is not None, timex


@pytest.mark.model
@pytest.mark.corpus
def test_founding_story(shared_data: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _check(_story(shared_data.parent / "seed" / "000_29bea5349ad77031.txt"), nlp)


@pytest.mark.model
def test_example_story(nlp) -> None:  # type: ignore[no-untyped-def]
    _check(_story(ROOT / "examples" / "japan_china_2017-04-03.txt"), nlp)


@pytest.mark.model
def test_stage_fills_timexes(nlp) -> None:  # type: ignore[no-untyped-def]
    from dateline.nlp import NlpStage
    from dateline.pipeline import Pipeline

    text = _story(ROOT / "examples" / "japan_china_2017-04-03.txt")
    article = Article(id="example", date=dt.date(2017, 4, 3), text=text)
    pipeline = Pipeline([NlpStage(nlp), TimeStage()])
    (document,) = pipeline.process([Document(article=article)])
    assert "timexes" in document.provided
    assert [t.value for t in document.timexes][:3] == ["2017-W14", "2017-07", "2017-04-02"]
    sunday = document.timexes[2]
    sentence = document.sentences[sunday.sentence_index]
    assert sentence.start <= sunday.start < sentence.end
    assert text[sunday.governor : sunday.governor + 4] == "said"


def test_stage_declares_its_contract() -> None:
    stage = TimeStage()
    assert stage.name == "time"
    assert stage.requires == frozenset({"spacy_doc", "sentences"})
    assert stage.provides == frozenset({"timexes"})
