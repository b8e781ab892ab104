"""Scoring coded events against the development sentence set (`evalsets/sentences.jsonl`).

Each gold line is one news-style sentence written for dateline (never copied
from a news source) with the events a careful CAMEO coder would record, at the
country level: ``{"source": "JPN", "target": "CHN", "root": "04"}``. The
scorer compares (source country, target country, CAMEO root) triples as a
multiset per sentence, so two identical gold events need two predictions.

Actors are compared at country level: a predicted actor's country is its
`country` field or the first three letters of its CAMEO code, except for
intergovernmental organisations (``IGO...``), whose code is kept whole and
matches a gold code it starts with (gold ``IGOUNO`` matches ``IGOUNOKID``).
Gold events marked ``"reciprocal": true`` ("A and B met", "talks between A
and B") match a prediction in either direction, and a mirrored second
prediction of the same pair is not counted as a false alarm.

The functions that score take predictions as plain `PredictedEvent` records,
so they are tested without loading spaCy; `evaluate_sentences` runs the
pipeline and feeds them.

See docs/evaluation.md for the annotation guidelines.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.eval import EvalReport, prf

if TYPE_CHECKING:
    from dateline.pipeline import Pipeline
    from dateline.records import Event, EventActor

__all__ = [
    "EVALSETS",
    "GoldSentence",
    "GoldSentenceEvent",
    "PredictedEvent",
    "actor_key",
    "actors_match",
    "evaluate_sentences",
    "match_events",
    "read_sentences",
    "score_sentences",
]

# evalsets/ sits at the repository root: src/dateline/eval/ -> ../../../evalsets
EVALSETS = Path(__file__).resolve().parents[3] / "evalsets"
SENTENCES_PATH = EVALSETS / "sentences.jsonl"


@dataclass(frozen=True, slots=True)
class GoldSentenceEvent:
    source: str
    target: str | None
    root: str
    code: str | None = None
    plover: str | None = None
    reciprocal: bool = False
    also: tuple[str, ...] = ()  # other roots a careful coder could defend

    def roots(self) -> set[str]:
        return {self.root, *self.also}

    def label(self) -> str:
        arrow = "~" if self.reciprocal else ">"
        target = self.target or "-"
        return f"{self.source}{arrow}{target} {self.code or self.root}"


@dataclass(frozen=True, slots=True)
class GoldSentence:
    id: str
    date: dt.date
    text: str
    events: tuple[GoldSentenceEvent, ...]


@dataclass(frozen=True, slots=True)
class PredictedEvent:
    """What the scorers need from a coded event, as plain data.

    `source`/`target` are actor keys (see `actor_key`); `sentence_start` and
    `sentence_end` locate the event's sentence in the story text (None when
    unknown), so story matching can prefer events of the same sentence.
    """

    source: str
    target: str | None
    root: str
    code: str = ""
    plover: str | None = None
    modality: str = "asserted"
    date_value: str | None = None
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    rule_id: str = ""

    def label(self) -> str:
        return f"{self.source}>{self.target or '-'} {self.code or self.root}"

    @classmethod
    def from_event(cls, event: Event, text: str = "") -> PredictedEvent:
        start = text.find(event.sentence) if text and event.sentence else -1
        return cls(
            source=actor_key(event.source.cameo_code, event.source.country),
            target=_target_key(event.target),
            root=event.cameo_root or event.cameo_code[:2],
            code=event.cameo_code,
            plover=event.plover_event,
            modality=event.modality,
            date_value=event.date.value if event.date else None,
            date_start=event.date.start if event.date else None,
            date_end=event.date.end if event.date else None,
            sentence_start=start if start >= 0 else None,
            sentence_end=start + len(event.sentence) if start >= 0 else None,
            rule_id=event.rule_id,
        )


def _target_key(target: EventActor | None) -> str | None:
    if target is None:
        return None
    return actor_key(target.cameo_code, target.country)


def actor_key(cameo_code: str, country: str | None = None) -> str:
    """The key an actor is compared on: IGO codes whole, else the country."""
    code = (cameo_code or "").upper()
    if code.startswith("IGO"):
        return code
    if country:
        return country.upper()
    return code[:3]


def _actor_matches(gold: str | None, predicted: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if gold.startswith("IGO"):
        return predicted.startswith(gold)
    return predicted == gold


def actors_match(
    gold_source: str, gold_target: str | None, reciprocal: bool, predicted: PredictedEvent
) -> bool:
    """Does the prediction's dyad fit the gold dyad (either way round if reciprocal)?"""
    if _actor_matches(gold_source, predicted.source) and _actor_matches(
        gold_target, predicted.target
    ):
        return True
    return (
        reciprocal
        and gold_target is not None
        and _actor_matches(gold_target, predicted.source)
        and _actor_matches(gold_source, predicted.target)
    )


def match_events(
    gold_count: int,
    predicted_count: int,
    compatible: Callable[[int, int], bool],
    preference: Callable[[int, int], float] | None = None,
) -> dict[int, int]:
    """A maximum matching gold index -> predicted index.

    Pairs are first taken greedily in order of `preference` (higher first), so
    that of two events of one dyad each finds its own (same sentence, same
    root...); augmenting paths (Kuhn's algorithm) then make the matching as
    large as possible, moving a preferred pair only when that adds a match.
    """
    candidates: list[list[int]] = []
    edges: list[tuple[float, int, int]] = []
    for g in range(gold_count):
        options = [p for p in range(predicted_count) if compatible(g, p)]
        weights = {p: preference(g, p) if preference else 0.0 for p in options}
        options.sort(key=lambda p: (-weights[p], p))
        candidates.append(options)
        edges.extend((-weights[p], g, p) for p in options)
    owner: dict[int, int] = {}  # predicted -> gold
    matched: set[int] = set()
    for _, g, p in sorted(edges):
        if g not in matched and p not in owner:
            owner[p] = g
            matched.add(g)

    def augment(g: int, seen: set[int]) -> bool:
        for p in candidates[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in range(gold_count):
        if g not in matched:
            augment(g, set())
    return {g: p for p, g in owner.items()}


def mirrored_duplicates(
    matches: Mapping[int, int],
    reciprocal: Sequence[bool],
    predicted: Sequence[PredictedEvent],
    root_of: Mapping[int, str],
) -> set[int]:
    """Unmatched predictions that only mirror a matched reciprocal event
    ("A met B" coded both A>B and B>A): not false alarms."""
    used = set(matches.values())
    mirrors: set[int] = set()
    for g, p in matches.items():
        if not reciprocal[g]:
            continue
        matched = predicted[p]
        for index, other in enumerate(predicted):
            if index in used or index in mirrors:
                continue
            if (
                other.source == matched.target
                and other.target == matched.source
                and other.root == root_of[g]
            ):
                mirrors.add(index)
                break
    return mirrors


_VISIT_MIRROR = {"042": "043", "043": "042"}


def is_host_mirror(guess: PredictedEvent, matched: Iterable[PredictedEvent]) -> bool:
    """Is this the host side (043) of a matched visit (042), or the reverse?

    Such a prediction describes the same visit again; it stays a false alarm
    (a coder records a visit once), but is labelled so the cause is visible."""
    wanted = _VISIT_MIRROR.get(guess.code)
    return wanted is not None and any(
        other.code == wanted and other.source == guess.target and other.target == guess.source
        for other in matched
    )


def gold_plover(event: GoldSentenceEvent) -> str | None:
    """PLOVER event type of a gold event: as given, else mapped from its code."""
    if event.plover:
        return event.plover
    from dateline.codes import to_plover

    mapping = to_plover(event.code or event.root)
    return mapping.event if mapping else None


def predicted_plover(event: PredictedEvent) -> str | None:
    if event.plover:
        return event.plover
    from dateline.codes import to_plover

    mapping = to_plover(event.code or event.root)
    return mapping.event if mapping else None


def read_sentences(path: str | Path | None = None) -> list[GoldSentence]:
    """Read the gold sentences; raises ValueError naming the line on bad data."""
    path = Path(path) if path else SENTENCES_PATH
    sentences: list[GoldSentence] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            events = tuple(
                GoldSentenceEvent(
                    source=item["source"],
                    target=item.get("target"),
                    root=item["root"],
                    code=item.get("code"),
                    plover=item.get("plover"),
                    reciprocal=bool(item.get("reciprocal", False)),
                    also=tuple(alternative["root"] for alternative in item.get("also", ())),
                )
                for item in record["events"]
            )
            sentences.append(
                GoldSentence(
                    id=record["id"],
                    date=dt.date.fromisoformat(record["date"]),
                    text=record["text"],
                    events=events,
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}:{number}: bad gold sentence: {error}") from error
    return sentences


def _sentence_compatible(
    events: Sequence[GoldSentenceEvent], predicted: Sequence[PredictedEvent], g: int, p: int
) -> bool:
    item = events[g]
    return predicted[p].root in item.roots() and actors_match(
        item.source, item.target, item.reciprocal, predicted[p]
    )


def _sentence_preference(
    events: Sequence[GoldSentenceEvent], predicted: Sequence[PredictedEvent], g: int, p: int
) -> float:
    item, guess = events[g], predicted[p]
    return 2.0 * (guess.root == item.root) + bool(item.code and guess.code.startswith(item.code))


def score_sentences(
    gold: Sequence[GoldSentence],
    predictions: Mapping[str, Sequence[PredictedEvent]],
    title: str = "events: development sentences",
) -> EvalReport:
    """Micro P/R/F1 over (source country, target country, root) per sentence,
    plus CAMEO-code and PLOVER accuracy on the matched events."""
    true_positive = false_positive = false_negative = 0
    code_right = code_total = plover_right = plover_total = 0
    silent_right = silent_total = host_mirrors = 0
    per_root: dict[str, Counter[str]] = {}
    details: list[str] = []
    for sentence in gold:
        predicted = list(predictions.get(sentence.id, ()))
        events = sentence.events

        matches = match_events(
            len(events),
            len(predicted),
            partial(_sentence_compatible, events, predicted),
            partial(_sentence_preference, events, predicted),
        )
        mirrors = mirrored_duplicates(
            matches,
            [event.reciprocal for event in events],
            predicted,
            {g: event.root for g, event in enumerate(events)},
        )
        if not events:
            silent_total += 1
            silent_right += not predicted
        for g, item in enumerate(events):
            counts = per_root.setdefault(item.root, Counter())
            if g in matches:
                true_positive += 1
                counts["tp"] += 1
                guess = predicted[matches[g]]
                if item.code:
                    # The gold code is as specific as the coder was sure of: a
                    # prediction below it in the CAMEO tree (1123 under 112) agrees.
                    code_ok = guess.code.startswith(item.code)
                    code_total += 1
                    code_right += code_ok
                    if not code_ok:
                        details.append(
                            f"{sentence.id} CODE gold {item.code} got {guess.code}: {sentence.text}"
                        )
                expected_plover = gold_plover(item)
                if expected_plover:
                    plover_total += 1
                    plover_right += predicted_plover(guess) == expected_plover
            else:
                false_negative += 1
                counts["fn"] += 1
                details.append(f"{sentence.id} MISS {item.label()}: {sentence.text}")
        used = set(matches.values()) | mirrors
        matched_predictions = [predicted[p] for p in matches.values()]
        for index, guess in enumerate(predicted):
            if index in used:
                continue
            false_positive += 1
            per_root.setdefault(guess.root, Counter())["fp"] += 1
            note = f" [{guess.rule_id}]" if guess.rule_id else ""
            if is_host_mirror(guess, matched_predictions):
                host_mirrors += 1
                note += " (host side of a matched visit)"
            details.append(f"{sentence.id} FALSE ALARM {guess.label()}{note}: {sentence.text}")
    precision, recall, f1 = prf(true_positive, false_positive, false_negative)
    rows = []
    for root in sorted(per_root):
        counts = per_root[root]
        p, r, f = prf(counts["tp"], counts["fp"], counts["fn"])
        rows.append(
            {
                "root": root,
                "gold": counts["tp"] + counts["fn"],
                "predicted": counts["tp"] + counts["fp"],
                "matched": counts["tp"],
                "precision": round(p, 3),
                "recall": round(r, 3),
                "f1": round(f, 3),
            }
        )
    rows.append(
        {
            "root": "all",
            "gold": true_positive + false_negative,
            "predicted": true_positive + false_positive,
            "matched": true_positive,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
        }
    )
    metrics = {
        "sentences.precision": precision,
        "sentences.recall": recall,
        "sentences.f1": f1,
        "sentences.code_acc": code_right / code_total if code_total else 0.0,
        "sentences.plover_acc": plover_right / plover_total if plover_total else 0.0,
        "sentences.no_event_acc": silent_right / silent_total if silent_total else 0.0,
        "sentences.host_mirror_false_alarms": float(host_mirrors),
        "sentences.count": float(len(gold)),
        "sentences.gold_events": float(true_positive + false_negative),
    }
    return EvalReport(title=title, rows=rows, metrics=metrics, details=details)


def code_documents(
    items: Iterable[tuple[str, dt.date, str]], pipeline: Pipeline | None = None
) -> dict[str, list[PredictedEvent]]:
    """Run the full pipeline over (id, report date, text) items."""
    from dateline.records import Article, Document
    from dateline.run import build_pipeline

    pipeline = pipeline or build_pipeline()
    texts: dict[str, str] = {}
    documents: list[Any] = []
    for identifier, date, text in items:
        texts[identifier] = text
        documents.append(Document(article=Article(id=identifier, date=date, text=text)))
    coded = list(pipeline.run(documents))  # in the pipeline's batches
    return {
        document.article.id: [
            PredictedEvent.from_event(event, texts[document.article.id])
            for event in document.events
        ]
        for document in coded
    }


def evaluate_sentences(
    path: str | Path | None = None, pipeline: Pipeline | None = None
) -> EvalReport:
    """Code every gold sentence with the full pipeline and score the events."""
    gold = read_sentences(path)
    predictions = code_documents(((s.id, s.date, s.text) for s in gold), pipeline)
    return score_sentences(gold, predictions)
