"""Every example of the hand-written event additions is run through the engine."""

from __future__ import annotations

from typing import Any

import pytest

from dateline.events import EventStage
from dateline.events.patterns import additions_examples

from .helpers import make_document, triples

EXAMPLES = additions_examples()


@pytest.fixture(scope="module")
def stage() -> EventStage:
    return EventStage(learned=False)  # the rules alone: their examples say what a rule does


@pytest.mark.model
@pytest.mark.parametrize(
    ("rule_id", "example"),
    EXAMPLES,
    ids=[f"{rule_id}:{n}" for n, (rule_id, _) in enumerate(EXAMPLES)],
)
def test_addition_example(nlp: Any, stage: EventStage, rule_id: str, example: dict) -> None:
    document = make_document(nlp, example["text"], example.get("actors") or {})
    stage.process([document])
    found = triples(document)
    if example.get("expect_none"):
        assert not found, found
        return
    for source, target, code in example["expect"]:
        assert (source, target, code) in found, (rule_id, found)
