"""Scoring fusion against the gold clusters of `evalsets/fusion/`.

Each gold story lists the reports of events it makes and the gold event
(`cluster`) each one reports. Two modes:

- *oracle*: the gold reports themselves are fused (codes, dates, modality and
  place as annotated), so the figures measure the matching and clustering
  alone, as if coding were perfect;
- *coded*: the stories are coded by the pipeline, every coded event is fused,
  and each gold report is aligned with one coded event of its story (the same
  country-level dyad, in either order for reciprocal classes, and the same
  fusion class or CAMEO root). Scores are over the aligned reports; gold
  reports the coder missed are counted apart (`coverage`).

Figures: pairwise precision, recall and F1 over pairs of reports (a pair is
positive when both are in one fused event), B-cubed precision, recall and F1,
and the count ratio (fused events / gold events; 1.0 is exact, above 1 is
under-fusion, below is over-fusion).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.eval import EvalReport, prf
from dateline.fuse.cluster import fuse_reports
from dateline.fuse.model import FusedEvent, Report
from dateline.fuse.rules import FusionRules, load_fusion_rules

if TYPE_CHECKING:
    from dateline.pipeline import Pipeline

__all__ = [
    "FUSION_EVALSET",
    "FUSION_EVALSET_BLIND",
    "GoldReport",
    "cluster_scores",
    "evaluate_fusion",
    "gold_reports",
    "read_fusion_stories",
]

_ROOT = Path(__file__).resolve().parents[3]
FUSION_EVALSET = _ROOT / "evalsets" / "fusion" / "stories.jsonl"
FUSION_EVALSET_BLIND = _ROOT / "evalsets" / "fusion" / "stories_blind.jsonl"


@dataclass(frozen=True, slots=True)
class GoldReport:
    story: str
    index: int
    cluster: str
    report: Report


def read_fusion_stories(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _precision(value: str) -> str:
    if "W" in value:
        return "week"
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "day")


def gold_reports(stories: Sequence[dict[str, Any]]) -> list[GoldReport]:
    """The annotated reports as fusion input (the oracle mode)."""
    from dateline.eval.stories import timeml_interval

    found = []
    for story in stories:
        day = dt.date.fromisoformat(story["date"])
        for n, event in enumerate(story["events"]):
            value = event.get("date")
            interval = timeml_interval(value) if value else None
            start, end = interval if interval else (day, day)
            report = Report(
                event_id=f"{story['id']}:{n}",
                article_id=story["id"],
                report_date=day,
                source_code=event["source"],
                target_code=event.get("target"),
                cameo_code=event.get("code") or event["root"] + "0",
                modality=event["modality"],
                date_value=value or day.isoformat(),
                date_precision=_precision(value) if value else "day",
                date_basis="text" if value else "report",
                date_start=start,
                date_end=end,
                outlet=story.get("source"),
                location_country=event.get("place"),
            )
            found.append(GoldReport(story["id"], n, event["cluster"], report))
    return found


def cluster_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise and B-cubed P/R/F1 of a predicted clustering against gold labels
    (item i is in gold cluster gold[i] and predicted cluster predicted[i])."""
    tp = fp = fn = 0
    for i, j in combinations(range(len(gold)), 2):
        same_gold, same_predicted = gold[i] == gold[j], predicted[i] == predicted[j]
        tp += same_gold and same_predicted
        fp += same_predicted and not same_gold
        fn += same_gold and not same_predicted
    pair_p, pair_r, pair_f = prf(tp, fp, fn)
    if not tp + fp:
        pair_p = 1.0  # no pair was fused: nothing fused wrongly
    if not tp + fn:
        pair_r = 1.0
    pair_f = 2 * pair_p * pair_r / (pair_p + pair_r) if pair_p + pair_r else 0.0
    b_p = b_r = 0.0
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_sizes, predicted_sizes = Counter(gold), Counter(predicted)
    for g, p in zip(gold, predicted, strict=True):
        both = pairs[(g, p)]
        b_p += both / predicted_sizes[p]
        b_r += both / gold_sizes[g]
    n = len(gold) or 1
    b_p, b_r = b_p / n, b_r / n
    b_f = 2 * b_p * b_r / (b_p + b_r) if b_p + b_r else 0.0
    return {
        "pair_precision": pair_p,
        "pair_recall": pair_r,
        "pair_f1": pair_f,
        "bcubed_precision": b_p,
        "bcubed_recall": b_r,
        "bcubed_f1": b_f,
        "pairs_gold": float(tp + fn),
        "pairs_predicted": float(tp + fp),
    }


def _cluster_of(fused: Sequence[FusedEvent]) -> dict[str, str]:
    return {event_id: event.fused_id for event in fused for event_id in event.event_ids}


def _mistakes(items: Sequence[tuple[str, str, str]]) -> list[str]:
    """Lines naming wrongly fused and wrongly split pairs (item name, gold, predicted)."""
    lines = []
    for (a, ga, pa), (b, gb, pb) in combinations(items, 2):
        if pa == pb and ga != gb:
            lines.append(f"fused but different events: {a} ({ga}) + {b} ({gb})")
        elif ga == gb and pa != pb:
            lines.append(f"one event left split: {a} + {b} ({ga})")
    return lines


def _oracle(
    stories: Sequence[dict[str, Any]], rules: FusionRules
) -> tuple[dict[str, float], list[str]]:
    gold = gold_reports(stories)
    fused = fuse_reports([g.report for g in gold], rules)
    cluster = _cluster_of(fused)
    labels = [g.cluster for g in gold]
    predicted = [cluster[g.report.event_id] for g in gold]
    metrics = cluster_scores(labels, predicted)
    metrics["count_ratio"] = len(fused) / max(len(set(labels)), 1)
    metrics["reports"] = float(len(gold))
    metrics["coverage"] = 1.0
    items = [(g.report.event_id, g.cluster, cluster[g.report.event_id]) for g in gold]
    return metrics, [f"oracle: {line}" for line in _mistakes(items)]


def _align(
    gold: Sequence[GoldReport], coded: Sequence[Report], rules: FusionRules
) -> dict[int, Report]:
    """Each gold report's coded event in the same story (keys index `gold`): the
    same country-level dyad (either order for a reciprocal class), a date that
    meets the gold date within a day (either undated passes), preferring the
    same fusion class, then the same root, then the nearest date."""
    used: set[str] = set()
    aligned: dict[int, Report] = {}
    by_story: dict[str, list[Report]] = {}
    for report in coded:
        by_story.setdefault(report.article_id, []).append(report)
    for n, item in enumerate(gold):
        want = item.report
        want_class = rules.code_class(want.cameo_code)
        wanted = (want.source_code[:3], (want.target_code or "---")[:3])
        best: tuple[int, int] | None = None
        chosen: Report | None = None
        for report in by_story.get(item.story, []):
            if report.event_id in used:
                continue
            got_class = rules.code_class(report.cameo_code)
            dyad = (report.source_code[:3], (report.target_code or "---")[:3])
            reciprocal = rules.is_reciprocal(want_class) or rules.is_reciprocal(got_class)
            if not (dyad == wanted or (reciprocal and dyad == wanted[::-1])):
                continue
            distance = _date_gap(want, report)
            if distance > 1:
                continue
            rank = 0 if got_class == want_class else 1 if got_class[:2] == want_class[:2] else 2
            if best is None or (rank, distance) < best:
                best, chosen = (rank, distance), report
        if chosen is not None:
            aligned[n] = chosen
            # A reciprocal event is coded both ways; the mirror is the same report.
            used.update(
                r.event_id
                for r in by_story[item.story]
                if r.event_id == chosen.event_id
                or (
                    (r.source_code, r.target_code) == (chosen.target_code, chosen.source_code)
                    and r.cameo_code == chosen.cameo_code
                    and r.date_value == chosen.date_value
                )
            )
    return aligned


def _date_gap(gold: Report, coded: Report) -> int:
    """Days between the gold and the coded event's dates (0 when either is undated)."""
    if gold.date_basis == "report" or coded.date_basis == "report":
        return 0
    if None in (gold.date_start, gold.date_end, coded.date_start, coded.date_end):
        return 0
    assert gold.date_start and gold.date_end and coded.date_start and coded.date_end
    return max((coded.date_start - gold.date_end).days, (gold.date_start - coded.date_end).days, 0)


def _coded(
    stories: Sequence[dict[str, Any]], rules: FusionRules, pipeline: Pipeline | None
) -> tuple[dict[str, float], list[str]]:
    from dateline.records import Article
    from dateline.run import build_pipeline, code_articles

    articles = [
        Article(
            id=s["id"],
            date=dt.date.fromisoformat(s["date"]),
            text=s["text"],
            title=s.get("title", ""),
            source=s.get("source"),
        )
        for s in stories
    ]
    outlets = {s["id"]: s.get("source") for s in stories}
    documents = code_articles(articles, pipeline or build_pipeline())
    coded = [
        Report.from_event(event, outlets[document.article.id])
        for document in documents
        for event in document.events
    ]
    fused = fuse_reports(coded, rules)
    cluster = _cluster_of(fused)
    gold = gold_reports(stories)
    aligned = _align(gold, coded, rules)
    labels = [gold[n].cluster for n in sorted(aligned)]
    predicted = [cluster[aligned[n].event_id] for n in sorted(aligned)]
    metrics = cluster_scores(labels, predicted)
    gold_events = {g.cluster for g in gold}
    metrics["count_ratio"] = len(fused) / max(len(gold_events), 1)
    metrics["aligned_count_ratio"] = len(set(predicted)) / max(len(set(labels)), 1)
    metrics["reports"] = float(len(aligned))
    metrics["coverage"] = len(aligned) / max(len(gold), 1)
    metrics["coded_events"] = float(len(coded))
    details = [
        f"coded: missed {g.report.event_id} ({g.cluster} {g.report.source_code}"
        f"->{g.report.target_code} {g.report.cameo_code} {g.report.modality})"
        for n, g in enumerate(gold)
        if n not in aligned
    ]
    items = [
        (gold[n].report.event_id, gold[n].cluster, cluster[aligned[n].event_id])
        for n in sorted(aligned)
    ]
    details += [f"coded: {line}" for line in _mistakes(items)]
    return metrics, details


def evaluate_fusion(
    gold: str | Path | None = None,
    blind: bool = False,
    modes: Sequence[str] = ("oracle", "coded"),
    rules: FusionRules | None = None,
    pipeline: Pipeline | None = None,
) -> EvalReport:
    """Score fusion on the development set (or the blind set, or another file)."""
    path = Path(gold) if gold else (FUSION_EVALSET_BLIND if blind else FUSION_EVALSET)
    stories = read_fusion_stories(path)
    rules = rules or load_fusion_rules()
    rows: list[dict[str, Any]] = []
    metrics: dict[str, float] = {}
    details: list[str] = []
    for mode in modes:
        if mode == "oracle":
            found, lines = _oracle(stories, rules)
        elif mode == "coded":
            found, lines = _coded(stories, rules, pipeline)
        else:
            raise ValueError(f"unknown fusion evaluation mode {mode!r}: oracle or coded")
        rows.append(
            {
                "mode": mode,
                "reports": int(found["reports"]),
                "coverage": found["coverage"],
                "pair P": found["pair_precision"],
                "pair R": found["pair_recall"],
                "pair F1": found["pair_f1"],
                "B3 P": found["bcubed_precision"],
                "B3 R": found["bcubed_recall"],
                "B3 F1": found["bcubed_f1"],
                "fused/gold": found["count_ratio"],
            }
        )
        metrics.update({f"fusion.{mode}.{k}": v for k, v in found.items()})
        details += lines
    return EvalReport(
        title=f"fusion on {path.name} ({len(stories)} stories)",
        rows=rows,
        metrics=metrics,
        details=details,
    )
