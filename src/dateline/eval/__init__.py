"""Evaluation against gold data. Each evaluator returns an `EvalReport`;
only the CLI renders it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["EvalReport", "prf"]


@dataclass
class EvalReport:
    """`rows` form the printed table (one dict per row, same keys);
    `metrics` are the headline numbers CI floors check; `details` are lines
    worth reading (wrong values, missed events)."""

    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)


def prf(true_positive: int, false_positive: int, false_negative: int) -> tuple[float, float, float]:
    precision = (
        true_positive / (true_positive + false_positive) if true_positive + false_positive else 0.0
    )
    recall = (
        true_positive / (true_positive + false_negative) if true_positive + false_negative else 0.0
    )
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
