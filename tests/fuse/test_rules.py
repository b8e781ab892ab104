"""The fusion rule file: every example in it, and validation of bad files."""

from __future__ import annotations

from typing import Any

import pytest

from dateline.errors import RuleDataError
from dateline.fuse import load_fusion_rules, same_event
from dateline.fuse.rules import FusionExample, parse_fusion_rules
from tests.fuse.builders import make_report

RULES = load_fusion_rules()


def _example_id(example: FusionExample) -> str:
    return f"{example.family}:{RULES.examples.index(example)}"


@pytest.mark.parametrize("example", RULES.examples, ids=_example_id)
def test_rule_example(example: FusionExample) -> None:
    second_article = "a1" if example.same_article else "a2"
    outlet = "one-outlet" if example.same_outlet else None
    a = make_report(example.a, "a1", outlet=outlet)
    b = make_report(example.b, second_article, report_date=a.report_date, outlet=outlet)
    assert same_event(a, b, RULES) is example.fuse
    assert same_event(b, a, RULES) is example.fuse, "matching must be symmetric"


def test_every_family_has_examples_that_fuse_and_that_do_not() -> None:
    assert {e.fuse for e in RULES.examples} == {True, False}
    families = {prefix_family for _, prefix_family in RULES.family_prefixes}
    assert families <= {e.family for e in RULES.examples}


def test_longest_prefix_decides_the_class() -> None:
    assert RULES.code_class("036") == "meeting"
    assert RULES.code_class("0311") == "material-cooperation"
    assert RULES.code_class("037") == "root:03"
    assert RULES.code_class("1123") == "root:11"
    assert RULES.is_reciprocal("meeting") and RULES.is_reciprocal("root:05")
    assert not RULES.is_reciprocal("root:11")


def _valid() -> dict[str, Any]:
    return {
        "id": "x",
        "version": "1",
        "source": "test",
        "licence": "MIT",
        "reciprocal_roots": ["04"],
        "dates": {"day_window_days": 1, "report_lookback_days": 1, "max_interval_days": 31},
        "modality_links": [["asserted", "planned"]],
        "families": [
            {
                "id": "meeting",
                "codes": ["036", "04"],
                "examples": [{"a": "x", "b": "y", "fuse": True}],
            }
        ],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("licence"), "missing `licence`"),
        (lambda d: d["dates"].pop("max_interval_days"), "dates"),
        (lambda d: d["modality_links"].append(["asserted", "maybe"]), "modality_links"),
        (lambda d: d["families"][0]["codes"].append("4x"), "not a CAMEO code"),
        (lambda d: d["families"].append(dict(d["families"][0], id="other")), "already in family"),
        (lambda d: d["families"].append(dict(d["families"][0])), "duplicate"),
        (lambda d: d["families"][0].pop("examples"), "needs `examples`"),
        (lambda d: d["families"][0]["examples"].append({"a": "x"}), "needs `a`, `b` and `fuse`"),
        (lambda d: d.update(undated_joins={"foreign": "always"}), "is not one of"),
        (lambda d: d["dates"].update(same_outlet_window_days=2), "same_outlet_window_days"),
        (lambda d: d.update(undated_joins={"abroad": "same_sentence"}), "`foreign` and `domestic`"),
    ],
)
def test_bad_rule_data_is_named(change: Any, message: str) -> None:
    data = _valid()
    parse_fusion_rules(data, "fusion.yaml")  # the valid file loads
    change(data)
    with pytest.raises(RuleDataError, match=message) as raised:
        parse_fusion_rules(data, "fusion.yaml")
    assert "fusion.yaml" in str(raised.value) and "E002" in str(raised.value)


def test_window_changes_the_version() -> None:
    wider = RULES.with_window(3)
    assert wider.day_window_days == 3 and wider.version != RULES.version
    assert RULES.with_window(None) is RULES
    with pytest.raises(RuleDataError):
        RULES.with_window(-1)
