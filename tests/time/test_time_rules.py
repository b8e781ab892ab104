"""Every rule's own examples, run without the parse (and, where the value needs
the grammar, with it); and the loader's schema checks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dateline.errors import RuleDataError
from dateline.records import TimeExpr
from dateline.rules_version import rule_files
from dateline.time import default_rules, tag_text, tag_time
from dateline.time.ruleset import RULES_DIR, Example, load_rules

RULES = default_rules()
PLAIN = [
    pytest.param(example, id=f"{rule.id}:{n}")
    for rule in RULES.rules
    for n, example in enumerate(rule.examples)
    if not example.grammar
]
PARSED = [
    pytest.param(example, id=f"{rule.id}:{n}")
    for rule in RULES.rules
    for n, example in enumerate(rule.examples)
    if example.grammar
]


def _fits(timex: TimeExpr, example: Example) -> bool:
    return (
        timex.value == example.value
        and (example.extent is None or timex.text == example.extent)
        and (example.mod is None or timex.mod == example.mod)
    )


def _check(found: list[TimeExpr], example: Example) -> None:
    assert any(_fits(timex, example) for timex in found), (
        f"{example.text!r} at {example.dct}: wanted {example.value}, got "
        f"{[(t.text, t.value, t.rule_id) for t in found]}"
    )


@pytest.mark.parametrize("example", PLAIN)
def test_rule_example(example: Example) -> None:
    _check(tag_text(example.text, example.dct), example)


@pytest.mark.model
@pytest.mark.parametrize("example", PARSED)
def test_rule_example_with_parse(example: Example, nlp) -> None:  # type: ignore[no-untyped-def]
    _check(tag_time(nlp(example.text), example.dct), example)


def test_every_rule_has_examples_and_unique_id() -> None:
    ids = [rule.id for rule in RULES.rules]
    assert len(ids) == len(set(ids))
    assert all(rule.examples for rule in RULES.rules)


def test_rule_files_are_versioned() -> None:
    shipped = {path.name for path in rule_files() if path.parent == RULES_DIR}
    assert {"fragments.yaml", "tables.yaml", "rules.yaml"} <= shipped


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    rules_file = target / "rules.yaml"
    text = rules_file.read_text(encoding="utf-8")
    assert old in text
    rules_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: date.iso\n", "id: date.month_day_year\n", "duplicate rule id"),
        ("{MONTH}) (?P<day>{DAY_ORD}),", "{MONTHS}) (?P<day>{DAY_ORD}),", "unknown fragment"),
        ("type: DURATION", "type: PERIOD", "type must be one of"),
        ("kind: date, year: $year, month: $month, day: $day}", "kind: date, year: $yr}", "$yr"),
        ("kind: ref,", "kind: vague,", "value.kind"),
        ("\nid: time.rules\n", "\n", "header lacks"),
        (
            "anchor: narrative, granularity: same}",
            "anchor: story, granularity: same}",
            "value.anchor",
        ),
    ],
)
def test_bad_rule_data_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(RuleDataError, match=None) as error:
        load_rules(_broken_copy(tmp_path, old, new))
    assert message in str(error.value)
    assert "E002" in str(error.value)


def test_rule_without_examples_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    rules_file = target / "rules.yaml"
    text = rules_file.read_text(encoding="utf-8")
    text += "  - {id: x.bare, type: DATE, pattern: 'foo', value: {kind: ref, value: PAST_REF}, examples: []}\n"
    rules_file.write_text(text, encoding="utf-8")
    with pytest.raises(RuleDataError, match="at least one example"):
        load_rules(target)


def test_longest_match_wins_and_offsets_index_the_text() -> None:
    text = "Profit rose in the third quarter of 1989, he said on Aug. 7, 1998."
    found = tag_text(text, dt.date(1998, 8, 10))
    assert [(t.text, t.value) for t in found] == [
        ("the third quarter of 1989", "1989-Q3"),
        ("Aug. 7, 1998", "1998-08-07"),
    ]
    for timex in found:
        assert text[timex.start : timex.end] == timex.text
    assert [t.id for t in found] == ["t1", "t2"]


def test_capitalisation_keeps_verbs_out() -> None:
    found = tag_text("Troops march on the capital; they may return.", dt.date(2017, 4, 3))
    assert found == []
