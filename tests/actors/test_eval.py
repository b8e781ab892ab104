"""The actor evaluation table, with quality floors set a little below what is measured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dateline.eval.actors import (
    default_cases_path,
    evaluate_actors,
    evaluate_petrarch_actors,
    read_cases,
)

# Measured 2026-11-28 on tests/actors/cases.tsv (249 mentions): country 0.996,
# sector 0.988, full code 0.988; 2026-12-06 (sixth session, 261 mentions): 0.992, 0.985,
# 0.985. Raise these when the measure rises.
FLOORS = {"country_accuracy": 0.97, "sector_accuracy": 0.96, "code_accuracy": 0.96}


def test_cases_table_is_well_formed() -> None:
    cases = read_cases(default_cases_path())
    assert len(cases) >= 120
    founding = {c.mention for c in cases if c.date.isoformat() == "2017-04-03"}
    for name in (
        "Shinzo Abe",
        "Xi Jinping",
        "Li Keqiang",
        "Kong Xuanyou",
        "Takeo Akiba",
        "Ri Kil Song",
        "Koichi Hagiuda",
        "Wang Yi",
    ):
        assert name in founding


@pytest.mark.model
def test_actor_accuracy_floors(nlp: Any) -> None:
    report = evaluate_actors(nlp=nlp)
    for metric, floor in FLOORS.items():
        assert report.metrics[metric] >= floor, (
            f"{metric} {report.metrics[metric]:.3f} < {floor}\n" + "\n".join(report.details)
        )
    assert [row["measure"] for row in report.rows] == ["country", "sector", "full code"]


@pytest.mark.model
@pytest.mark.corpus
def test_petrarch_validation_actor_recall(nlp: Any, shared_data: Path) -> None:
    # Measured 2026-11-28: 632 of 689 expected source/target codes (0.917) in 253 records.
    report = evaluate_petrarch_actors(shared_data / "events" / "petrarch-validation", nlp=nlp)
    assert report.metrics["records"] > 200
    assert report.metrics["actor_code_recall"] >= 0.89, "\n".join(report.details[:40])
