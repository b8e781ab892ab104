"""Both development evaluations end to end through the full pipeline, with floors.

The floors guard against regressions; they start low because the events stage
was still being built when the sets were written. Raise each one to just below
the figure measured at the time (docs/evaluation.md lists the latest run).
"""

from __future__ import annotations

from typing import Any

import pytest

from dateline.eval import EvalReport
from dateline.eval.sentences import evaluate_sentences
from dateline.eval.stories import evaluate_stories

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pipeline(nlp: Any) -> Any:
    """The rules alone: these sets, written in the project's own words, guard the rules
    against regressions (the learned dyad coder has floors of its own below)."""
    from dateline.run import build_pipeline

    pipeline = build_pipeline(nlp=nlp)
    pipeline.stages[-1].dyad = None
    return pipeline


@pytest.fixture(scope="module")
def sentence_report(pipeline: Any) -> EvalReport:
    return evaluate_sentences(pipeline=pipeline)


@pytest.fixture(scope="module")
def story_report(pipeline: Any) -> EvalReport:
    return evaluate_stories(pipeline=pipeline)


# One floor per line, so each can be raised on its own: measured 2026-11-28
# (full pipeline), floor 0.02-0.03 below, since the figures move by about
# 0.02 as the stages under the events stage change.
FLOORS = {
    "sentences.f1": 0.77,  # measured 0.795
    "sentences.precision": 0.80,  # measured 0.828
    "sentences.recall": 0.74,  # measured 0.765
    "stories.f1": 0.77,  # measured 0.792
    "stories.date_acc": 0.91,  # measured 0.932
    "stories.date_acc_not_report_day": 0.90,  # measured 0.921
    "stories.modality_acc": 0.94,  # measured 0.962
    "stories.modality_acc_non_asserted": 0.91,  # measured 0.935
}


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(metric: str, sentence_report: EvalReport, story_report: EvalReport) -> None:
    report = sentence_report if metric.startswith("sentences.") else story_report
    assert report.metrics[metric] >= FLOORS[metric], report.details[:20]


def test_sizes_and_baselines(sentence_report: EvalReport, story_report: EvalReport) -> None:
    assert sentence_report.metrics["sentences.count"] >= 150
    assert story_report.metrics["stories.count"] >= 30
    # The baselines depend on the gold only: they move when the gold does.
    metrics = story_report.metrics
    assert metrics["stories.baseline_report_date_acc"] < 0.3
    assert 0.6 < metrics["stories.baseline_all_asserted_modality_acc"] < 0.8


# With the learned dyad coder (measured 2026-12-06, fifth session). It was trained on real
# news annotated by EVENTS.md, which records every mention of every happening; these sets
# record one event per clause, so most of what it adds counts as a false alarm here
# (stories: precision 0.825 with the rules alone, 0.690 with it). docs/evaluation.md.
LEARNED_FLOORS = {
    "sentences.f1": 0.74,  # measured 0.766
    "sentences.recall": 0.78,  # measured 0.803
    # eighth session: 0.700 (P 0.598) once the coder pairs actors with the story's other
    # main country when a sentence does not name it: real-news gold records those events,
    # these one-event-per-clause stories do not (docs/evaluation.md)
    "stories.f1": 0.68,  # measured 0.700
    "stories.recall": 0.80,  # measured 0.839
}


@pytest.fixture(scope="module")
def learned_reports(nlp: Any) -> dict[str, EvalReport]:
    from dateline.run import build_pipeline

    pipeline = build_pipeline(nlp=nlp)
    return {
        "sentences": evaluate_sentences(pipeline=pipeline),
        "stories": evaluate_stories(pipeline=pipeline),
    }


@pytest.mark.parametrize("metric", sorted(LEARNED_FLOORS))
def test_learned_floor(metric: str, learned_reports: dict[str, EvalReport]) -> None:
    report = learned_reports[metric.split(".")[0]]
    assert report.metrics[metric] >= LEARNED_FLOORS[metric], report.details[:20]
