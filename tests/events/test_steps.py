"""Every named step of the events engine has a why and examples, and the examples hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dateline.errors import RuleDataError
from dateline.events import EventStage
from dateline.events.engine import STEPS, STEPS_FILE, Candidate, load_step_notes
from dateline.events.lexicon import LEXICON_FILE, load_lexicon

from .helpers import make_document, triples

NOTES = load_step_notes()
LEXICON = load_lexicon()
EXAMPLES = [(step, example) for step, note in NOTES.items() for example in note.examples] + [
    (f"lexicon:{name}", example)
    for name, examples in LEXICON.examples.items()
    for example in examples
]


def test_every_step_in_code_has_a_why_and_an_example() -> None:
    assert [s.id for s in STEPS] == [n for n, note in NOTES.items() if note.section == "candidate"]
    assert all(note.why and note.examples for note in NOTES.values())


def test_a_step_file_that_disagrees_with_the_code_is_refused(tmp_path: Path) -> None:
    text = STEPS_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "steps.yaml"
    broken.write_text(text.replace("id: under-attack", "id: under-siege"), encoding="utf-8")
    with pytest.raises(RuleDataError, match="under-siege"):
        load_step_notes(broken)


def test_a_lexicon_with_a_bad_list_is_refused(tmp_path: Path) -> None:
    text = LEXICON_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "lexicon.yaml"
    broken.write_text(text.replace("light_verbs:", "heavy_verbs:"), encoding="utf-8")
    with pytest.raises(RuleDataError, match="heavy_verbs"):
        load_lexicon(broken)


@pytest.fixture(scope="module")
def stage() -> EventStage:
    return EventStage(learned=False)  # the rules alone: their examples say what a rule does


@pytest.mark.model
@pytest.mark.parametrize(
    ("step", "example"), EXAMPLES, ids=[f"{step}:{n}" for n, (step, _) in enumerate(EXAMPLES)]
)
def test_step_example(nlp: Any, stage: EventStage, step: str, example: dict[str, Any]) -> None:
    document = make_document(
        nlp,
        example["text"],
        example.get("actors") or {},
        places=example.get("places"),
        timexes=example.get("timexes") or (),
    )
    trace: list[Candidate] = []
    document.events = tuple(stage.code_document(document, trace=trace))
    found = triples(document)
    if example.get("expect_none"):
        assert not found, (step, found)
    if example.get("expect_some"):
        assert found, (step, trace)
    for source, target, code in example.get("expect") or []:
        assert (source, target, code) in found, (step, found, trace)
    if "dropped_by" in example:
        assert example["dropped_by"] in {c.step for c in trace}, (step, trace)


class _TableWithout111:
    """A CAMEO table that lacks 111, to see the load-time check refuse the patterns."""

    def __init__(self) -> None:
        from dateline.codes import CameoCodes

        self.real = CameoCodes.load()

    def is_valid(self, code: str) -> bool:
        return code != "111" and self.real.is_valid(code)


def test_pattern_codes_are_checked_against_the_cameo_table_at_load() -> None:
    from dateline.events.engine import unknown_codes
    from dateline.events.patterns import load_patterns

    table = _TableWithout111()
    assert unknown_codes(load_patterns(), table.real) == []
    assert any(code == "111" for code, _ in unknown_codes(load_patterns(), table))  # type: ignore[arg-type]
    with pytest.raises(RuleDataError, match="not in the CAMEO table"):
        EventStage(codes=table, check_codes=True)  # type: ignore[arg-type]


def test_docs_show_the_step_list_as_it_is_in_code() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "events.md").read_text(encoding="utf-8")
    positions = [docs.find(f"| `{step.id}` |") for step in STEPS]
    assert all(p >= 0 for p in positions), [
        s.id for s, p in zip(STEPS, positions, strict=True) if p < 0
    ]
    assert positions == sorted(positions)
