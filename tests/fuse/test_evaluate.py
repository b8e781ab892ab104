"""The fusion scorer and the floors on our fusion set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline.eval.fusion import (
    FUSION_EVALSET,
    FUSION_EVALSET_BLIND,
    cluster_scores,
    evaluate_fusion,
    read_fusion_stories,
)


def test_pairwise_and_bcubed_by_hand() -> None:
    # Gold {1,2,3} {4}; predicted {1,2} {3,4}.
    scores = cluster_scores(["a", "a", "a", "b"], ["x", "x", "y", "y"])
    assert scores["pair_precision"] == pytest.approx(1 / 2)  # (1,2) right, (3,4) wrong
    assert scores["pair_recall"] == pytest.approx(1 / 3)  # (1,2) of (1,2) (1,3) (2,3)
    assert scores["bcubed_precision"] == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert scores["bcubed_recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)


def test_perfect_and_all_singletons() -> None:
    perfect = cluster_scores(["a", "a", "b"], ["x", "x", "y"])
    assert perfect["pair_f1"] == perfect["bcubed_f1"] == 1.0
    apart = cluster_scores(["a", "a", "b"], ["x", "y", "z"])
    assert apart["pair_precision"] == 1.0 and apart["pair_recall"] == 0.0
    assert apart["bcubed_precision"] == 1.0


@pytest.mark.parametrize("path", [FUSION_EVALSET, FUSION_EVALSET_BLIND], ids=lambda p: p.name)
def test_evalset_is_well_formed(path: Path) -> None:
    stories = read_fusion_stories(path)
    assert len({s["id"] for s in stories}) == len(stories)
    clusters: dict[str, set[str]] = {}
    for story in stories:
        assert {"id", "date", "source", "title", "text", "events"} <= set(story)
        for event in story["events"]:
            assert event["modality"] in {"asserted", "planned", "possible", "negated"}
            assert event["code"].startswith(event["root"])
            clusters.setdefault(event["cluster"], set()).add(story["source"])
    # Fusion is tested only where one event is reported by several outlets.
    assert sum(len(outlets) > 1 for outlets in clusters.values()) >= len(clusters) / 2


@pytest.mark.corpus
def test_no_story_in_the_set_is_copied_from_the_seed(shared_data: Path) -> None:
    seed = (shared_data.parent / "seed" / "000_29bea5349ad77031.txt").read_text(encoding="utf-8")
    for path in (FUSION_EVALSET, FUSION_EVALSET_BLIND):
        for story in read_fusion_stories(path):
            for sentence in story["text"].split(". "):
                assert len(sentence) < 40 or sentence not in seed


def test_oracle_floors_on_the_development_set() -> None:
    report = evaluate_fusion(modes=("oracle",))
    assert report.metrics["fusion.oracle.pair_f1"] >= 0.95
    assert report.metrics["fusion.oracle.bcubed_f1"] >= 0.95
    assert 0.9 <= report.metrics["fusion.oracle.count_ratio"] <= 1.1
    json.dumps(report.metrics)


@pytest.mark.model
def test_coded_floors_on_the_development_set() -> None:
    report = evaluate_fusion(modes=("coded",))
    metrics = report.metrics
    assert metrics["fusion.coded.coverage"] >= 0.8
    assert metrics["fusion.coded.pair_f1"] >= 0.85
    assert metrics["fusion.coded.bcubed_f1"] >= 0.9
    assert metrics["fusion.coded.aligned_count_ratio"] <= 1.15
