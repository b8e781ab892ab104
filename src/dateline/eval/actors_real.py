"""The actors stage on real news: the actors of the blind event gold (`evalsets/real`).

The written actor table (`tests/actors/cases.tsv`) says how the stage does on sentences the
project wrote; this report reads the real stories the events gold was annotated on. Every
gold event's source and target whose words stand in its sentence ("Mrs May", "the
protesters", "Congress"; not a participant the annotator recovered from context, written in
parentheses) is one gold actor mention, counted once per place in the story. For each, the
report asks whether the stage found a mention overlapping those words (`found`) and whether
that mention stands for the gold's country (`right`: the same ISO3 code, or an international
body for the gold's ``IGO``). Per rule, it counts how often a mention the rule made was right,
which says where the stage loses on real text (`details` list the wrong and missing ones).

The scorer is simple on purpose: a group mention ("the two leaders" as ``TURGOV+RUSGOV``)
has no single country and is counted wrong against either side's gold.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from dateline.eval import EvalReport
from dateline.eval.real import SAME_COUNTRY, _read_gold, gold_file, gold_stories
from dateline.records import ActorMention, Document

__all__ = ["evaluate_real_actors"]

_RECOVERED = re.compile(r"\s*\([^)]*\)\s*")  # "He (Reagan)": the recovered part
VERDICTS = ("right", "wrong", "none")


@dataclass(frozen=True, slots=True)
class _GoldActor:
    story: str
    source: str  # modern, reuters or kcna
    start: int
    text: str
    country: str | None


def _gold_actors(story_id: str, source: str, record: dict[str, Any], text: str) -> list[_GoldActor]:
    found: dict[tuple[int, str], _GoldActor] = {}
    for event in record["events"]:
        for side in ("source", "target"):
            actor = event.get(side) or {}
            words = _RECOVERED.sub(" ", actor.get("text") or "").strip()
            if not words or (actor.get("text") or "").startswith("("):
                continue
            start = text.find(words, event["sentence_start"], event["sentence_end"])
            if start >= 0:
                found.setdefault(
                    (start, words),
                    _GoldActor(
                        story_id,
                        source,
                        start,
                        words,
                        SAME_COUNTRY.get(actor.get("country") or "", actor.get("country")),
                    ),
                )
    return list(found.values())


def _right(mention: ActorMention, country: str | None) -> bool:
    if country == "IGO":
        return mention.cameo_code.startswith("IGO")
    return mention.country is not None and mention.country == country


def evaluate_real_actors(split: str = "dev") -> EvalReport:
    """Score the actor mentions of `split`'s stories against the actors of their event gold."""
    from dateline.run import build_pipeline

    stories = gold_stories(split)
    pipeline = build_pipeline()
    documents = pipeline.process([Document(article=s.article) for s in stories])
    verdicts: Counter[tuple[str, str]] = Counter()
    by_rule: Counter[tuple[str, bool]] = Counter()
    details: list[str] = []
    for story, document in zip(stories, documents, strict=True):
        record = _read_gold(gold_file(story.article.id))
        for gold in _gold_actors(story.article.id, story.source, record, story.article.text):
            end = gold.start + len(gold.text)
            overlapping = [m for m in document.mentions if m.start < end and m.end > gold.start]
            if not overlapping:
                verdict = "none"
            elif any(_right(m, gold.country) for m in overlapping):
                verdict = "right"
            else:
                verdict = "wrong"
            verdicts[(story.source, verdict)] += 1
            if overlapping:
                first = min(overlapping, key=lambda m: m.start)
                by_rule[(first.rule_id, _right(first, gold.country))] += 1
            if verdict != "right":
                seen = ", ".join(f"{m.text!r} {m.cameo_code} ({m.rule_id})" for m in overlapping)
                details.append(
                    f"{verdict:<5} {gold.story}: {gold.text!r} is {gold.country}"
                    + (f"; found {seen}" if seen else "")
                )
    return _report(split, len(stories), verdicts, by_rule, details)


def _report(
    split: str,
    stories: int,
    verdicts: Counter[tuple[str, str]],
    by_rule: Counter[tuple[str, bool]],
    details: list[str],
) -> EvalReport:
    report = EvalReport(f"actors of the real event gold ({split}, {stories} stories)")
    sources = sorted({source for source, _ in verdicts})
    for scope in ("all", *sources):
        counts = {
            v: sum(n for (s, v2), n in verdicts.items() if v2 == v and scope in ("all", s))
            for v in VERDICTS
        }
        total = sum(counts.values())
        found = counts["right"] + counts["wrong"]
        prefix = "" if scope == "all" else f"{scope}."
        report.metrics[f"{prefix}gold_mentions"] = float(total)
        report.metrics[f"{prefix}found"] = round(found / total, 4) if total else 0.0
        report.metrics[f"{prefix}country_when_found"] = (
            round(counts["right"] / found, 4) if found else 0.0
        )
        report.metrics[f"{prefix}right"] = round(counts["right"] / total, 4) if total else 0.0
    rules = sorted(
        {rule for rule, _ in by_rule}, key=lambda r: -(by_rule[(r, True)] + by_rule[(r, False)])
    )
    for rule in rules:
        right, wrong = by_rule[(rule, True)], by_rule[(rule, False)]
        report.rows.append(
            {
                "rule": rule or "(none)",
                "mentions": right + wrong,
                "right": right,
                "wrong": wrong,
                "accuracy": round(right / (right + wrong), 3),
            }
        )
    report.details = details
    return report
