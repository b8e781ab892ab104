"""The time stage on real news (`evalsets/time_real/`): TempEval-3 Task A on stories
annotated blind by TimeML 1.2.1 as TimeBank applies it.

The corpus holds no news text: `stories.jsonl` references each story (id, file under
``../shared/data/news/``, sha256 of the text), and `dateline.eval.real.load_corpus`
rebuilds and checks it. The gold is one JSON file per story and annotation,
`gold/primary/<story>.json` and, for the stories annotated twice,
`gold/second/<story>.json`: ``{"doc_id", "dct", "annotator", "timexes": [{"start",
"end", "text", "type", "value", "mod"?}], "notes"}``. Each story and its gold become a
`TimemlDocument` in memory and are scored by `dateline.eval.time`'s scorer; agreement
scores the second annotation against the primary one with the same scorer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.errors import EvalDataError
from dateline.eval import EvalReport
from dateline.eval.real import RealStory, gold_file, load_corpus
from dateline.eval.time import (
    GoldTimex,
    TimemlDocument,
    _add_corpus,
    _add_document,
    _Tally,
    score_corpora,
    score_document,
)
from dateline.records import TimeExpr

if TYPE_CHECKING:
    from spacy.language import Language

    from dateline.time.ruleset import TimeRules

__all__ = [
    "TIME_GOLD_DIR",
    "TIME_REAL_DIR",
    "TIME_SPLITS",
    "check_gold",
    "evaluate_time_real",
    "gold_document",
    "real_documents",
    "time_agreement",
    "valid_value",
]

# dev2, dev3 and dev4 are later blind batches (2026-12-06), each scored first before anything was
# fitted to it
TIME_SPLITS = ("dev", "dev2", "dev3", "dev4", "test")
TIME_REAL_DIR = Path(__file__).resolve().parents[3] / "evalsets" / "time_real"
TIME_GOLD_DIR = TIME_REAL_DIR / "gold"

TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
MODS = frozenset(
    {
        "BEFORE",
        "AFTER",
        "ON_OR_BEFORE",
        "ON_OR_AFTER",
        "LESS_THAN",
        "MORE_THAN",
        "EQUAL_OR_LESS",
        "EQUAL_OR_MORE",
        "START",
        "MID",
        "END",
        "APPROX",
    }
)
# TimeML 1.2.1 values as TimeBank writes them, X for an unknown digit.
_DATE = (
    r"(?:[0-9X]{2,4}"
    r"|[0-9X]{4}-(?:[0-9X]{2}(?:-[0-9X]{2})?|W[0-9X]{1,2}(?:-(?:[1-7X]|WE))?"
    r"|Q[1-4X]|H[12X]|SP|SU|FA|WI))"
)
_CLOCK = (
    r"T(?:[0-9X]{2}(?::[0-9X]{2}(?::[0-9X]{2})?)?|MO|MI|AF|EV|NI|DT)"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_COUNT = r"(?:[0-9]+(?:\.[0-9]+)?|X)"
# Y M W D, and the larger units TimeBank uses: Q quarter, H half, DE/E decade,
# CE/C century, ML/L millennium, WE weekend.
_DURATION = rf"P(?:{_COUNT}(?:DE|CE|ML|WE|[YMWDQHECL]))*(?:T(?:{_COUNT}[HMS])+)?"
_REF = r"(?:PRESENT|PAST|FUTURE)_REF"
_VALUES = {
    "DATE": re.compile(rf"{_DATE}|{_REF}"),
    "TIME": re.compile(rf"{_DATE}{_CLOCK}|{_REF}"),
    "DURATION": re.compile(_DURATION),
    "SET": re.compile(rf"{_DURATION}|{_DATE}(?:{_CLOCK})?|XXXX-WXX-[1-7](?:{_CLOCK})?"),
}


def valid_value(kind: str, value: str) -> bool:
    """Whether `value` is a well-formed TimeML value for a TIMEX3 of type `kind`."""
    pattern = _VALUES.get(kind)
    return bool(pattern and pattern.fullmatch(value) and value != "P")


def check_gold(record: dict[str, Any], text: str) -> tuple[list[str], list[str]]:
    """Problems of one story's gold against its rebuilt text: errors (the file cannot
    be scored: offsets outside the text or not on the stated characters, an unknown
    type, a malformed value, overlapping expressions) and warnings (an unknown mod)."""
    errors: list[str] = []
    warnings: list[str] = []
    previous_end = -1
    timexes = record.get("timexes")
    if not isinstance(timexes, list):
        return ["no timexes list"], warnings
    for n, timex in enumerate(sorted(timexes, key=lambda t: (t.get("start", 0), t.get("end", 0)))):
        try:
            start, end = int(timex["start"]), int(timex["end"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"timex {n}: no start/end offsets")
            continue
        where = f"timex {start}-{end} {timex.get('text')!r}"
        if not 0 <= start < end <= len(text):
            errors.append(f"{where}: offsets outside the text ({len(text)} characters)")
            continue
        if text[start:end] != timex.get("text"):
            errors.append(f"{where}: the text there is {text[start:end]!r}")
        if start < previous_end:
            errors.append(f"{where}: overlaps the expression before it")
        previous_end = max(previous_end, end)
        kind, value = timex.get("type"), str(timex.get("value", ""))
        if kind not in TYPES:
            errors.append(f"{where}: type {kind!r} is not DATE, TIME, DURATION or SET")
        elif not valid_value(kind, value):
            errors.append(f"{where}: value {value!r} is not a TimeML {kind} value")
        if timex.get("mod") and timex["mod"] not in MODS:
            warnings.append(f"{where}: mod {timex['mod']!r} is not a TimeML mod")
    return errors, warnings


def _read(path: Path) -> dict[str, Any]:
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise EvalDataError(f"{path}: cannot read gold: {error}") from error
    return record


def gold_document(story: RealStory, record: dict[str, Any]) -> TimemlDocument:
    """The story and one annotation of it as a TimeML document (in memory only)."""
    text = story.article.text
    timexes = tuple(
        GoldTimex(
            tid=f"t{n}",
            start=int(t["start"]),
            end=int(t["end"]),
            text=text[int(t["start"]) : int(t["end"])],
            type=str(t["type"]),
            value=str(t["value"]),
        )
        for n, t in enumerate(
            sorted(record.get("timexes", []), key=lambda t: int(t["start"])), start=1
        )
    )
    return TimemlDocument(
        name=story.article.id, head="", text=text, dct=story.article.date, timexes=timexes
    )


def _stories(
    splits: Sequence[str], corpus_dir: Path, gold_dir: Path, annotation: str
) -> list[tuple[RealStory, Path]]:
    return [
        (story, gold_file(story.article.id, annotation, gold_dir))
        for story in load_corpus(corpus_dir, splits=splits)
        if gold_file(story.article.id, annotation, gold_dir).exists()
    ]


def real_documents(
    split: str, gold_dir: Path = TIME_GOLD_DIR, corpus_dir: Path = TIME_REAL_DIR
) -> list[TimemlDocument]:
    """The split's stories with their primary gold, as TimeML documents in memory."""
    return [
        gold_document(story, _read(path))
        for story, path in _stories((split,), corpus_dir, gold_dir, "primary")
    ]


def evaluate_time_real(
    split: str = "dev",
    nlp: Language | None = None,
    rules: TimeRules | None = None,
    gold_dir: Path = TIME_GOLD_DIR,
    corpus_dir: Path = TIME_REAL_DIR,
) -> EvalReport:
    """Score the time stage on the split's stories against their primary gold.

    Rows and metrics per source (``modern``, ``reuters``, ``kcna``) and ``all``
    (``all.value_f1`` …); details: per-story figures, the error classes (wrong
    values and spurious expressions by rule id, misses by gold shape) and every error.
    """
    stories = _stories((split,), corpus_dir, gold_dir, "primary")
    if not stories:
        raise EvalDataError(f"no time gold for the {split!r} split under {gold_dir}")
    by_source: dict[str, list[TimemlDocument]] = {}
    for story, path in stories:
        by_source.setdefault(story.source, []).append(gold_document(story, _read(path)))
    report = EvalReport(
        title=f"time on real stories ({split}, {len(stories)} stories): TempEval-3 Task A"
    )
    score_corpora(report, list(by_source.items()), nlp=nlp, rules=rules, total=True)
    report.metrics["stories"] = float(len(stories))
    return report


def _as_system(timex: GoldTimex, annotator: str) -> TimeExpr:
    return TimeExpr(
        id=timex.tid,
        start=timex.start,
        end=timex.end,
        text=timex.text,
        type=timex.type,  # type: ignore[arg-type]
        value=timex.value,
        precision="",
        sentence_index=0,
        rule_id=annotator,
    )


def time_agreement(
    split: str | None = None,
    gold_dir: Path = TIME_GOLD_DIR,
    corpus_dir: Path = TIME_REAL_DIR,
) -> EvalReport:
    """Inter-annotator agreement: the second annotation of each doubly annotated story
    scored against its primary one with the same scorer (the human ceiling)."""
    splits = (split,) if split else TIME_SPLITS
    tally = _Tally()
    report = EvalReport(title="")
    for story, second in _stories(splits, corpus_dir, gold_dir, "second"):
        first = gold_file(story.article.id, "primary", gold_dir)
        if not first.exists():
            continue
        primary = gold_document(story, _read(first))
        other_record = _read(second)
        other = gold_document(story, other_record)
        annotator = str(other_record.get("annotator", "second"))
        system = [_as_system(timex, annotator) for timex in other.timexes]
        _add_document(
            report, tally, primary.name, score_document(primary.name, primary.timexes, system)
        )
    if not tally.documents:
        raise EvalDataError(f"no doubly annotated stories under {gold_dir}")
    report.title = (
        f"time: inter-annotator agreement ({tally.documents} stories annotated twice, "
        "second scored against primary)"
    )
    _add_corpus(report, "agreement", tally)
    report.metrics["stories"] = float(tally.documents)
    return report
