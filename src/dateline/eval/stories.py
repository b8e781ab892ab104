"""Scoring coded events against the development story set (`evalsets/stories.jsonl`).

Each gold line is a short dated story written for dateline with its events:
source and target country, CAMEO root, `modality` and `date` (a TimeML value
such as ``2016-11``, ``2017-03-01``, ``2017-W14`` or a day range
``2017-07-07/2017-07-08``; ``null`` when the text does not date the event).

Matching, per story:

1. *strict*: the dyad fits (see `dateline.eval.sentences.actors_match`) and the
   predicted root is the gold root or one of the gold event's documented
   alternative codings (``also``: e.g. a planned meeting may be coded as 036
   "express intent to meet", asserted, as CAMEO does). Strict matches are the
   true positives of `stories.precision/recall/f1`.
2. *relaxed*: a gold event left over may still take a left-over prediction of
   the same dyad in the same sentence with another root. Relaxed pairs do not
   count for F1 but are scored for date and modality, since they are the same
   happening coded under a neighbouring root.

On matched events, a date is right when the predicted TimeML value equals the
gold value, or when the predicted interval (first and last day) equals the
interval the gold value covers; a day is right only as that day. Modality is
compared with the gold modality, or with the alternative's modality when the
match went through an alternative coding.

Baselines are computed on every dated (or every) gold event as if a coder had
found them all: dating each event by its story's report date, and calling each
event asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from dateline.eval import EvalReport, prf
from dateline.eval.sentences import (
    EVALSETS,
    PredictedEvent,
    actors_match,
    code_documents,
    is_host_mirror,
    match_events,
    mirrored_duplicates,
)

if TYPE_CHECKING:
    from dateline.pipeline import Pipeline

__all__ = [
    "MODALITIES",
    "Alternative",
    "GoldStory",
    "GoldStoryEvent",
    "date_matches",
    "evaluate_stories",
    "read_stories",
    "score_stories",
    "timeml_interval",
]

STORIES_PATH = EVALSETS / "stories.jsonl"
MODALITIES = ("asserted", "planned", "possible", "negated")
_INHERIT = "inherit"  # an alternative without its own "date" uses the event's


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another acceptable coding of the same happening (root and modality);
    `date` is the alternative's own date, None when not scored, or the gold
    event's date when the gold file gives none."""

    root: str
    modality: str
    date: str | None = _INHERIT


@dataclass(frozen=True, slots=True)
class GoldStoryEvent:
    source: str
    target: str | None
    root: str
    modality: str
    date: str | None
    trigger: str = ""
    when: str = ""
    code: str | None = None
    reciprocal: bool = False
    also: tuple[Alternative, ...] = ()
    position: int | None = None  # where `trigger` starts in the story text

    def label(self) -> str:
        arrow = "~" if self.reciprocal else ">"
        return (
            f"{self.source}{arrow}{self.target or '-'} {self.code or self.root} "
            f"{self.modality} {self.date or 'undated'}"
        )

    def roots(self) -> set[str]:
        return {self.root, *(alternative.root for alternative in self.also)}


@dataclass(frozen=True, slots=True)
class GoldStory:
    id: str
    date: dt.date
    title: str
    text: str
    events: tuple[GoldStoryEvent, ...]


def read_stories(path: str | Path | None = None) -> list[GoldStory]:
    """Read the gold stories; raises ValueError naming the line on bad data."""
    path = Path(path) if path else STORIES_PATH
    stories: list[GoldStory] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            events = []
            for item in record["events"]:
                trigger = item.get("trigger", "")
                found = text.find(trigger) if trigger else -1
                events.append(
                    GoldStoryEvent(
                        source=item["source"],
                        target=item.get("target"),
                        root=item["root"],
                        modality=item["modality"],
                        date=item["date"],
                        trigger=trigger,
                        when=item.get("when", ""),
                        code=item.get("code"),
                        reciprocal=bool(item.get("reciprocal", False)),
                        also=tuple(
                            Alternative(
                                root=alternative["root"],
                                modality=alternative["modality"],
                                date=alternative.get("date", _INHERIT),
                            )
                            for alternative in item.get("also", ())
                        ),
                        position=found if found >= 0 else None,
                    )
                )
            stories.append(
                GoldStory(
                    id=record["id"],
                    date=dt.date.fromisoformat(record["date"]),
                    title=record.get("title", ""),
                    text=text,
                    events=tuple(events),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}:{number}: bad gold story: {error}") from error
    return stories


_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def timeml_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day a TimeML date value covers (None if it is not a
    calendar date: durations, ``PAST_REF``, seasons...)."""
    if not value:
        return None
    if "/" in value:
        first, _, last = value.partition("/")
        start, end = timeml_interval(first), timeml_interval(last)
        if start is None or end is None or end[1] < start[0]:
            return None
        return start[0], end[1]
    try:
        if match := _YEAR.match(value):
            year = int(match.group(1))
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if match := _MONTH.match(value):
            year, month = int(match.group(1)), int(match.group(2))
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return dt.date(year, month, 1), following - dt.timedelta(days=1)
        if match := _DAY.match(value):
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            return day, day
        if match := _WEEK.match(value):
            monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            return monday, monday + dt.timedelta(days=6)
        if match := _QUARTER.match(value):
            year, quarter = int(match.group(1)), int(match.group(2))
            last_day = (
                dt.date(year, 12, 31)
                if quarter == 4
                else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
            )
            return dt.date(year, 3 * quarter - 2, 1), last_day
    except ValueError:
        return None
    return None


def date_matches(gold: str, predicted: PredictedEvent) -> bool:
    """Same TimeML value, or the same interval of days (see module docstring)."""
    if predicted.date_value == gold:
        return True
    wanted = timeml_interval(gold)
    if wanted is None:
        return False
    if predicted.date_start is not None and predicted.date_end is not None:
        return (predicted.date_start, predicted.date_end) == wanted
    return timeml_interval(predicted.date_value) == wanted


def _same_sentence(event: GoldStoryEvent, predicted: PredictedEvent) -> bool:
    if event.position is None or predicted.sentence_start is None:
        return False
    end = predicted.sentence_end if predicted.sentence_end is not None else event.position + 1
    return predicted.sentence_start <= event.position < end


def _strict(
    events: Sequence[GoldStoryEvent], predicted: Sequence[PredictedEvent], g: int, p: int
) -> bool:
    item = events[g]
    return predicted[p].root in item.roots() and actors_match(
        item.source, item.target, item.reciprocal, predicted[p]
    )


def _preference(
    events: Sequence[GoldStoryEvent], predicted: Sequence[PredictedEvent], g: int, p: int
) -> float:
    """Among equally large matchings, pair events of the same sentence, root,
    date and modality, so that the alignment does not invent date or modality
    errors between two events of one dyad."""
    item, guess = events[g], predicted[p]
    score = 4.0 * _same_sentence(item, guess) + 2.0 * (guess.root == item.root)
    score += item.date is not None and date_matches(item.date, guess)
    return score + 0.5 * (guess.modality == item.modality)


@dataclass
class _Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += ok

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score_stories(
    gold: Sequence[GoldStory],
    predictions: Mapping[str, Sequence[PredictedEvent]],
    title: str = "events: development stories",
) -> EvalReport:
    """Event F1, date and modality accuracy on matched events, and baselines."""
    true_positive = false_positive = false_negative = relaxed = host_mirrors = 0
    date_all, date_away = _Tally(), _Tally()
    modality_all, modality_marked = _Tally(), _Tally()
    by_modality: dict[str, Counter[str]] = {}
    details: list[str] = []
    for story in gold:
        report_day = story.date.isoformat()
        predicted = list(predictions.get(story.id, ()))
        events = story.events

        matches = match_events(
            len(events),
            len(predicted),
            partial(_strict, events, predicted),
            partial(_preference, events, predicted),
        )
        mirrors = mirrored_duplicates(
            matches,
            [event.reciprocal for event in events],
            predicted,
            {g: predicted[p].root for g, p in matches.items()},
        )
        taken = set(matches.values()) | mirrors
        loose: dict[int, int] = {}
        for g, item in enumerate(events):
            if g in matches:
                continue
            for p, guess in enumerate(predicted):
                if p in taken or not _same_sentence(item, guess):
                    continue
                if actors_match(item.source, item.target, item.reciprocal, guess):
                    loose[g] = p
                    taken.add(p)
                    break
        for g, item in enumerate(events):
            counts = by_modality.setdefault(item.modality, Counter())
            counts["gold"] += 1
            if g not in matches and g not in loose:
                false_negative += 1
                details.append(f"{story.id} MISS {item.label()} «{item.trigger}»")
                continue
            if g in matches:
                true_positive += 1
                counts["strict"] += 1
            else:
                false_negative += 1
                relaxed += 1
                counts["relaxed"] += 1
            guess = predicted[matches.get(g, loose.get(g, -1))]
            expected_modality, expected_date = item.modality, item.date
            if guess.root != item.root:
                for alternative in item.also:
                    if alternative.root == guess.root:
                        expected_modality = alternative.modality
                        if alternative.date != _INHERIT:
                            expected_date = alternative.date
                        break
            modality_ok = guess.modality == expected_modality
            modality_all.add(modality_ok)
            counts["modality_right"] += modality_ok
            if item.modality != "asserted":
                modality_marked.add(modality_ok)
            if not modality_ok:
                details.append(
                    f"{story.id} MODALITY {item.label()} got {guess.modality} «{item.trigger}»"
                )
            if expected_date is not None:
                date_ok = date_matches(expected_date, guess)
                date_all.add(date_ok)
                if expected_date != report_day:
                    date_away.add(date_ok)
                if not date_ok:
                    details.append(
                        f"{story.id} DATE {item.label()} got {guess.date_value} "
                        f"«{item.trigger}» ({item.when or 'no time expression'})"
                    )
        matched_predictions = [predicted[p] for p in matches.values()]
        for p, guess in enumerate(predicted):
            if p in matches.values() or p in mirrors:
                continue
            false_positive += 1
            if p not in loose.values():
                note = f" [{guess.rule_id}]" if guess.rule_id else ""
                if is_host_mirror(guess, matched_predictions):
                    host_mirrors += 1
                    note += " (host side of a matched visit)"
                details.append(
                    f"{story.id} FALSE ALARM {guess.label()} {guess.modality} "
                    f"{guess.date_value}{note}"
                )
    baselines = _baselines(gold)
    precision, recall, f1 = prf(true_positive, false_positive, false_negative)
    rows = [
        {
            "modality": modality,
            "gold": counts["gold"],
            "matched": counts["strict"],
            "relaxed": counts["relaxed"],
            "modality_right": counts["modality_right"],
        }
        for modality, counts in sorted(by_modality.items(), key=lambda kv: MODALITIES.index(kv[0]))
    ]
    metrics = {
        "stories.precision": precision,
        "stories.recall": recall,
        "stories.f1": f1,
        "stories.relaxed_matches": float(relaxed),
        "stories.host_mirror_false_alarms": float(host_mirrors),
        "stories.date_acc": date_all.accuracy,
        "stories.date_acc_not_report_day": date_away.accuracy,
        "stories.date_scored": float(date_all.total),
        "stories.modality_acc": modality_all.accuracy,
        "stories.modality_acc_non_asserted": modality_marked.accuracy,
        "stories.modality_scored": float(modality_all.total),
        "stories.count": float(len(gold)),
        "stories.gold_events": float(sum(len(story.events) for story in gold)),
        **baselines,
    }
    return EvalReport(title=title, rows=rows, metrics=metrics, details=details)


def _baselines(gold: Sequence[GoldStory]) -> dict[str, float]:
    """The issue's two reference coders, on every gold event of our set."""
    dated, dated_right, away = 0, 0, 0
    asserted = non_asserted = 0
    for story in gold:
        report_day = story.date.isoformat()
        for event in story.events:
            if event.modality == "asserted":
                asserted += 1
            else:
                non_asserted += 1
            if event.date is None:
                continue
            dated += 1
            if event.date == report_day:
                dated_right += 1
            else:
                away += 1
    total = asserted + non_asserted
    return {
        "stories.baseline_report_date_acc": dated_right / dated if dated else 0.0,
        # Dating by the story is right only on the report day, so 0 when any exist.
        "stories.baseline_report_date_acc_not_report_day": 0.0 if away else 1.0,
        "stories.baseline_all_asserted_modality_acc": asserted / total if total else 0.0,
        "stories.baseline_all_asserted_modality_acc_non_asserted": 0.0,
    }


def evaluate_stories(
    path: str | Path | None = None, pipeline: Pipeline | None = None
) -> EvalReport:
    """Code every gold story with the full pipeline and score the events."""
    gold = read_stories(path)
    predictions = code_documents(((s.id, s.date, s.text) for s in gold), pipeline)
    return score_stories(gold, predictions)
