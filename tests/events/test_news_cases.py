"""Realistic news sentences through the parser and the shipped patterns
(tests/events/news_cases.yaml); actors are given, so only the events engine is tested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.events import EventStage

from .helpers import make_document

CASES = yaml.safe_load((Path(__file__).parent / "news_cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stage() -> EventStage:
    return EventStage(learned=False)  # the rules alone: their examples say what a rule does


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_news_sentence(nlp: Any, stage: EventStage, case: dict[str, Any]) -> None:
    document = make_document(nlp, case["text"], case["actors"])
    stage.process([document])
    coded = [
        (e.source.cameo_code, e.target.cameo_code if e.target else None, e.cameo_code, e.modality)
        for e in document.events
    ]
    if "expect" in case:
        assert tuple(case["expect"]) in coded, coded
    assert len(coded) <= case.get("max_events", len(coded)), coded
