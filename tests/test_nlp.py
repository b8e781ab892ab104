"""The NLP stage's corrections to the model's tokenizer."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # KCNA's "U.S.-south Korea": a hyphen after an abbreviation's period splits
        ("the U.S.-south Korea drills", ["the", "U.S.", "-", "south", "Korea", "drills"]),
        ("U.S.-led sanctions", ["U.S.", "-", "led", "sanctions"]),
        # the hyphens spaCy already split or kept stay as they were
        ("a well-known anti-war group", ["a", "well", "-", "known", "anti", "-", "war", "group"]),
        ("the U.S. and Japan", ["the", "U.S.", "and", "Japan"]),
        ("co-operation in 1987-88", ["co", "-", "operation", "in", "1987", "-", "88"]),
    ],
)
def test_abbreviation_hyphens_split(nlp: Any, text: str, tokens: list[str]) -> None:
    assert [t.text for t in nlp(text)] == tokens


def test_both_countries_of_a_hyphened_pair_are_entities(nlp: Any) -> None:
    doc = nlp("Brazil condemned the U.S.-south Korea joint military exercises.")
    assert {"U.S.", "south Korea"} <= {e.text for e in doc.ents}
