"""Table-driven event dates through the real parser and time stage
(tests/events/dating_cases.yaml): text, narrative and report bases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.events import EventStage
from dateline.time import TimeStage

from .helpers import make_document

CASES = yaml.safe_load((Path(__file__).parent / "dating_cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stages() -> tuple[TimeStage, EventStage]:
    return TimeStage(), EventStage(learned=False)


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_event_date(nlp: Any, stages: tuple[TimeStage, EventStage], case: dict[str, Any]) -> None:
    time_stage, event_stage = stages
    document = make_document(nlp, case["text"], case["actors"])
    time_stage.process([document])
    event_stage.process([document])
    dates = [(e.date.value, e.date.basis) for e in document.events if e.cameo_code == case["code"]]
    assert (case["value"], case["basis"]) in dates, dates
    for event in document.events:
        assert event.report_date.isoformat() == "2017-04-03"
