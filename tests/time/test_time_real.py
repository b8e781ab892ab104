"""The real-news time suite (evalsets/time_real): the gold's checks, the error classes,
agreement between annotators, and the CI floor on the dev split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline.eval.time import TimexError, error_classes
from dateline.eval.time_real import (
    TIME_GOLD_DIR,
    TIME_REAL_DIR,
    check_gold,
    evaluate_time_real,
    time_agreement,
    valid_value,
)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("DATE", "1987-03-26"),
        ("DATE", "1987-W09"),
        ("DATE", "1987-W09-WE"),
        ("DATE", "1986-Q4"),
        ("DATE", "2010-H2"),
        ("DATE", "2018-FA"),
        ("DATE", "198"),
        ("DATE", "19"),
        ("DATE", "XXXX-09-10"),
        ("DATE", "PRESENT_REF"),
        ("TIME", "1987-03-26TAF"),
        ("TIME", "XXXX-XX-XXT09:50"),
        ("TIME", "2023-12-17T22:38"),
        ("DURATION", "P18M"),
        ("DURATION", "PXY"),
        ("DURATION", "PT1M30S"),
        ("DURATION", "P2Y6M"),
        ("DURATION", "P1DE"),
        ("SET", "P1W"),
        ("SET", "XXXX-WXX-5"),
    ],
)
def test_valid_values(kind: str, value: str) -> None:
    assert valid_value(kind, value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("DATE", "P3Y"),
        ("DATE", "1987-3-26"),
        ("DATE", "March 1987"),
        ("TIME", "1987-03-26"),
        ("DURATION", "P"),
        ("DURATION", "3Y"),
        ("DURATION", "1987"),
        ("TEMPONYM", "1987"),
    ],
)
def test_malformed_values(kind: str, value: str) -> None:
    assert not valid_value(kind, value)


def test_check_gold_names_each_problem() -> None:
    text = "Talks ended on Friday after two weeks."
    record = {
        "timexes": [
            {"start": 15, "end": 21, "text": "Friday", "type": "DATE", "value": "1987-03-13"},
            {"start": 28, "end": 37, "text": "two weeks", "type": "DURATION", "value": "P2W"},
        ]
    }
    assert check_gold(record, text) == ([], [])
    broken = {
        "timexes": [
            {"start": 14, "end": 21, "text": "Friday", "type": "DATE", "value": "1987-03-13"},
            {"start": 18, "end": 24, "text": "day af", "type": "DATE", "value": "1987-3-13"},
            {"start": 28, "end": 37, "text": "two weeks", "type": "PERIOD", "value": "P2W"},
            {"start": 30, "end": 99, "text": "x", "type": "DATE", "value": "1987"},
            {
                "start": 28,
                "end": 37,
                "text": "two weeks",
                "type": "DURATION",
                "value": "P2W",
                "mod": "ABOUT",
            },
        ]
    }
    errors, warnings = check_gold(broken, text)
    assert any("the text there is ' Friday'" in e for e in errors)
    assert any("overlaps" in e for e in errors)
    assert any("'1987-3-13' is not a TimeML DATE value" in e for e in errors)
    assert any("type 'PERIOD'" in e for e in errors)
    assert any("outside the text" in e for e in errors)
    assert warnings == ["timex 28-37 'two weeks': mod 'ABOUT' is not a TimeML mod"]


def test_error_classes_group_by_rule_and_gold_shape() -> None:
    errors = [
        TimexError("missed", "d", gold_text="for weeks", gold_type="DURATION", gold_value="PXW"),
        TimexError("missed", "d", gold_text="18 months", gold_type="DURATION", gold_value="P18M"),
        TimexError("spurious", "d", text="Weekly", value="P1W", rule_id="set.adverb"),
        TimexError("value", "d", gold_value="1986-11", value="1987-11", rule_id="date.month"),
        TimexError("value", "d", gold_value="1986-10", value="1987-10", rule_id="date.month"),
    ]
    lines = error_classes(errors)
    assert lines[0] == "errors: 2 missed, 1 spurious, 2 wrong values"
    assert lines[1] == "  rule date.month: 2 wrong value, 0 spurious"
    assert "  rule set.adverb: 0 wrong value, 1 spurious" in lines
    assert "  missed DURATION PXW: 1" in lines and "  missed DURATION P99M: 1" in lines


def _gold_files() -> list[Path]:
    return sorted(TIME_GOLD_DIR.glob("*/*.json"))


def test_gold_holds_only_the_annotation() -> None:
    # No news text in the repository: each file holds its story id, date, annotator and
    # the expressions (their own short text), nothing else.
    files = _gold_files()
    assert len([f for f in files if f.parent.name == "primary"]) == 150
    assert len([f for f in files if f.parent.name == "second"]) == 27
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        assert set(record) == {"doc_id", "dct", "annotator", "timexes"}, path
        for timex in record["timexes"]:
            assert set(timex) <= {"start", "end", "text", "type", "value", "mod"}, path
            assert len(timex["text"]) <= 60, (path, timex)


@pytest.mark.corpus
def test_gold_fits_the_rebuilt_stories(shared_data: Path) -> None:
    from dateline.eval.real import gold_file, load_corpus

    stories = load_corpus(TIME_REAL_DIR)
    assert len(stories) == 150
    for story in stories:
        for role in ("primary", "second"):
            path = gold_file(story.article.id, role, TIME_GOLD_DIR)
            if not path.exists():
                assert role == "second" and not story.double
                continue
            record = json.loads(path.read_text(encoding="utf-8"))
            assert record["dct"] == story.article.date.isoformat()
            assert check_gold(record, story.article.text)[0] == [], path


# Measured 2026-12-06 (docs/time.md; real dev in the seventh session: value F1 0.9118,
# relaxed 0.9632); the floors sit just below (0.01, under two expressions of 141).
# Agreement over the 27 doubly annotated stories of dev, dev2, dev3, dev4 and test (15
# before dev2, 23 before dev4).
AGREEMENT = {"agreement.value_f1": 0.9246, "agreement.relaxed_f1": 0.9749}
REAL_DEV_FLOORS = {"all.value_f1": 0.9118, "all.relaxed_f1": 0.9632}
# dev2, the second blind batch (30 Reuters/KCNA stories, 103 expressions), scored first
# in the sixth events session before anything was fitted to it: 0.7895 / 0.8737 (the same
# with the code of that session's start), far below dev's; 0.8643 / 0.9347 after the
# futures-month and half-month rules read from it; 0.8844 / 0.9347 in the ninth time
# session (count ranges, futures months that close or trade)
REAL_DEV2_FLOORS = {"all.value_f1": 0.8844, "all.relaxed_f1": 0.9347}
# dev3, the third (30 more, 88 expressions), first scored after the rules read from dev2:
# 0.8914 / 0.9486, the same with the session-start code; 0.9205 / 0.9545 in the ninth
# time session ("delay past June 30", "the proposed June 30 deregulation", "the prior quarter")
REAL_DEV3_FLOORS = {"all.value_f1": 0.9205, "all.relaxed_f1": 0.9545}
# dev4, the fourth (30 more, 77 expressions), drawn in the seventh events session and
# scored first with that session's start code: 0.9281 / 0.9542; 0.9412 / 0.9673 in the
# ninth time session ("the start of the calendar year", "a day when")
REAL_DEV4_FLOORS = {"all.value_f1": 0.9412, "all.relaxed_f1": 0.9673}


@pytest.mark.corpus
def test_agreement_of_one_split(shared_data: Path) -> None:
    # dev4's four doubles (the command's --split with --agreement)
    assert time_agreement("dev4").metrics["stories"] == 4


@pytest.mark.corpus
def test_agreement(shared_data: Path) -> None:
    report = time_agreement()
    assert report.metrics["stories"] == 27
    for key, measured in AGREEMENT.items():
        assert report.metrics[key] == pytest.approx(measured, abs=0.0015), key


@pytest.mark.model
@pytest.mark.corpus
def test_quality_floor_real_dev(shared_data: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    report = evaluate_time_real("dev", nlp=nlp)
    assert report.metrics["stories"] == 42
    assert [row["corpus"] for row in report.rows] == ["modern", "reuters", "kcna", "all"]
    for key, measured in REAL_DEV_FLOORS.items():
        assert report.metrics[key] >= measured - 0.01, (key, report.metrics[key])
    assert any(line.startswith("kcna errors: ") for line in report.details)


@pytest.mark.model
@pytest.mark.corpus
@pytest.mark.parametrize(
    ("split", "floors"),
    [("dev2", REAL_DEV2_FLOORS), ("dev3", REAL_DEV3_FLOORS), ("dev4", REAL_DEV4_FLOORS)],
)
def test_quality_floor_later_batches(  # type: ignore[no-untyped-def]
    split: str, floors: dict[str, float], shared_data: Path, nlp
) -> None:
    report = evaluate_time_real(split, nlp=nlp)
    assert report.metrics["stories"] == 30
    for key, measured in floors.items():
        assert report.metrics[key] >= measured - 0.01, (key, report.metrics[key])
