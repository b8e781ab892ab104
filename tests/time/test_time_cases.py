"""The tricky cases of issue 3 (cases.yaml), each run through the parse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.time import tag_time

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.model
@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"{case['find']}@{case['dct']}") for case in CASES]
)
def test_case(case: dict[str, Any], nlp) -> None:  # type: ignore[no-untyped-def]
    found = tag_time(nlp(case["text"]), case["dct"])
    matching = [timex for timex in found if timex.text == str(case["find"])]
    assert matching, f"{case['find']!r} not found in {[(t.text, t.value) for t in found]}"
    timex = matching[0]
    assert timex.value == case["value"]
    assert timex.type == case.get("type", "DATE")
    if "mod" in case:
        assert timex.mod == case["mod"]
    if "start" in case:
        assert (timex.start_date, timex.end_date) == (case["start"], case["end"])
    if "direction" in case:
        assert timex.direction == case["direction"]
    if "anchor_text" in case:
        anchors = [t for t in found if t.id == timex.anchor]
        assert anchors and anchors[0].text == case["anchor_text"]
    assert timex.governor is None or 0 <= timex.governor < len(case["text"])


NEGATIVES = yaml.safe_load((Path(__file__).parent / "negatives.yaml").read_text(encoding="utf-8"))


@pytest.mark.model
@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"not {case['absent']}@{case['dct']}") for case in NEGATIVES]
)
def test_negative(case: dict[str, Any], nlp) -> None:  # type: ignore[no-untyped-def]
    found = tag_time(nlp(case["text"]), case["dct"])
    start = case["text"].index(case["absent"])
    end = start + len(case["absent"])
    overlapping = [t.text for t in found if t.start < end and start < t.end]
    assert not overlapping, f"{case['absent']!r} tagged as {overlapping}"


@pytest.mark.model
def test_a_list_of_days_is_two_expressions_and_one_span(nlp) -> None:  # type: ignore[no-untyped-def]
    # TimeML tags each day; the first carries the list's last day for event dating.
    text = "They will meet in Hanoi on February 27 and 28. Talks ran from Monday to Wednesday."
    found = {t.text: t for t in tag_time(nlp(text), dt.date(2019, 2, 20))}
    assert found["February 27"].value == "2019-02-27"
    assert found["February 27"].list_end == dt.date(2019, 2, 28)
    assert found["28"].value == "2019-02-28" and found["28"].list_end is None
    assert found["Monday"].list_end == dt.date(2019, 2, 20)
