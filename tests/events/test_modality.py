"""Table-driven modality cases through the real parser (tests/events/modality_cases.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.events import EventStage

from .helpers import make_document

CASES = yaml.safe_load((Path(__file__).parent / "modality_cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stage() -> EventStage:
    return EventStage(learned=False)  # the rules alone: their examples say what a rule does


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_modality(nlp: Any, stage: EventStage, case: dict[str, Any]) -> None:
    document = make_document(nlp, case["text"], case["actors"])
    stage.process([document])
    coded = [(e.cameo_code, e.modality) for e in document.events]
    assert (case["code"], case["modality"]) in coded, coded
    # planned/possible/negated facts never also come out as asserted ones
    if case["modality"] != "asserted":
        assert all(modality != "asserted" for _, modality in coded), coded
