"""Quality floor on PETRARCH's validation suite (set a little below what is
measured: 2026-11-28, suite verbs + ActorStage + agent pass: F1 0.662, exact 0.578)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dateline.eval.events import evaluate_events, read_suite

SUITE = "events/petrarch-validation/PETR.UnitTest.records.xml"


@pytest.mark.corpus
def test_suite_reads(shared_data: Path) -> None:
    records, skipped = read_suite(shared_data / SUITE)
    assert len(records) + skipped == 284
    assert any(not r.gold for r in records)  # records meant to code nothing


@pytest.mark.model
@pytest.mark.corpus
def test_petrarch_floor(shared_data: Path, nlp: Any) -> None:
    report = evaluate_events(
        nlp=nlp,
        suite_dir=shared_data / "events" / "petrarch-validation",
        pattern_sets=("validate",),
    )
    assert report.metrics["petrarch.f1"] >= 0.64, report.rows
    assert report.metrics["petrarch.exact"] >= 0.55, report.rows
