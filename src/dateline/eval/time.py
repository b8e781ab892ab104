"""TempEval-3 Task A scoring of the time stage on TimeML corpora.

Each `.tml` file gives a text and its creation time (the DCT TIMEX3, the
anchor, never scored). dateline sees only the text and that date. Extents are
matched strictly (same characters) and relaxed (any overlap, one system
expression per gold one); type and value are compared on the relaxed pairs,
and their F1 is attribute accuracy × relaxed F1, as in the TempEval-3 scorer.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol
from xml.sax.saxutils import escape, quoteattr

from dateline.errors import EvalDataError
from dateline.eval import EvalReport, prf
from dateline.records import TimeExpr

if TYPE_CHECKING:
    from spacy.language import Language

    from dateline.time.ruleset import TimeRules

__all__ = [
    "GoldTimex",
    "TimemlDocument",
    "TimexError",
    "error_classes",
    "evaluate_time",
    "read_timeml",
    "timeml_files",
    "write_timeml",
]

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)((?:\s+[^>]*?)?)(/?)>")
_ATTR = re.compile(r'([A-Za-z_:]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True, slots=True)
class GoldTimex:
    tid: str
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class TimemlDocument:
    name: str
    head: str  # the file up to and including <TEXT>, kept verbatim when writing
    text: str  # the plain text inside <TEXT>, entities decoded
    dct: dt.date
    timexes: tuple[GoldTimex, ...]


def read_timeml(path: Path) -> TimemlDocument:
    """One TempEval-3 TimeML file: its text, its DCT and its gold TIMEX3.

    The DCT is the TIMEX3 with ``functionInDocument="CREATION_TIME"``, else the
    TIMEX3 inside ``<DCT>``. Raises `EvalDataError` naming the file and what is
    missing.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path}: cannot read it as UTF-8 text ({exc})") from exc
    dct_value = None
    for match in re.finditer(r"<TIMEX3\b([^>]*)>", raw):
        attrs = dict(_ATTR.findall(match.group(1)))
        if attrs.get("functionInDocument") == "CREATION_TIME":
            dct_value = attrs.get("value", "")
            break
    if dct_value is None:
        in_dct = re.search(r"<DCT>\s*<TIMEX3\b([^>]*)>", raw)
        if in_dct:
            dct_value = dict(_ATTR.findall(in_dct.group(1))).get("value", "")
    if not dct_value or not re.match(r"\d{4}-\d\d-\d\d", dct_value):
        raise EvalDataError(
            f"{path}: no document creation time (a TIMEX3 with "
            'functionInDocument="CREATION_TIME" and a day value); every TimeML file needs one'
        )
    try:
        dct = dt.date.fromisoformat(dct_value[:10])
    except ValueError as exc:
        raise EvalDataError(f"{path}: creation time {dct_value!r} is not a date") from exc
    if "<TEXT>" not in raw or "</TEXT>" not in raw:
        raise EvalDataError(f"{path}: no <TEXT> … </TEXT> element")
    open_at = raw.index("<TEXT>") + len("<TEXT>")
    close_at = raw.index("</TEXT>", open_at)
    body = raw[open_at:close_at]
    pieces: list[str] = []
    length = 0
    timexes: list[GoldTimex] = []
    current: tuple[int, dict[str, str]] | None = None
    position = 0
    for tag in _TAG.finditer(body):
        chunk = html.unescape(body[position : tag.start()])
        pieces.append(chunk)
        length += len(chunk)
        position = tag.end()
        closing, name = tag.group(1) == "/", tag.group(2)
        if name != "TIMEX3" or tag.group(4) == "/":
            continue  # other markup, and empty (implicit) TIMEX3 with no text to find
        if not closing:
            current = (length, dict(_ATTR.findall(tag.group(3))))
        elif current is not None:
            start, attrs = current
            current = None
            text_so_far = "".join(pieces)
            timexes.append(
                GoldTimex(
                    tid=attrs.get("tid", ""),
                    start=start,
                    end=length,
                    text=text_so_far[start:length],
                    type=attrs.get("type", ""),
                    value=attrs.get("value", ""),
                )
            )
    pieces.append(html.unescape(body[position:]))
    return TimemlDocument(
        name=path.stem,
        head=raw[:open_at],
        text="".join(pieces),
        dct=dct,
        timexes=tuple(timexes),
    )


def write_timeml(document: TimemlDocument, timexes: list[TimeExpr], path: Path) -> None:
    """The document in TempEval-3 form: its header and DCT kept, our TIMEX3 in the text."""
    out: list[str] = [document.head]
    position = 0
    for number, timex in enumerate(sorted(timexes, key=lambda t: t.start), start=1):
        if timex.start < position:
            continue
        out.append(escape(document.text[position : timex.start]))
        attrs = f'tid="t{number}" type="{timex.type}" value={quoteattr(timex.value)}'
        if timex.mod:
            attrs += f' mod="{timex.mod}"'
        attrs += ' functionInDocument="NONE"'
        out.append(f"<TIMEX3 {attrs}>{escape(timex.text)}</TIMEX3>")
        position = timex.end
    out.append(escape(document.text[position:]))
    out.append("</TEXT>\n\n</TimeML>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(out), encoding="utf-8")


class _Tagged(Protocol):
    """What the scorer reads of a system expression (a `TimeExpr`, or another
    annotator's `TimeExpr` built from gold, for agreement)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def rule_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class TimexError:
    """One error of the system on one document: a gold expression `missed`, a
    `spurious` system one, or a pair with the wrong `value` (the rule that made it)."""

    kind: Literal["missed", "spurious", "value"]
    document: str
    gold_text: str = ""
    gold_type: str = ""
    gold_value: str = ""
    text: str = ""
    value: str = ""
    rule_id: str = ""

    def line(self) -> str:
        if self.kind == "missed":
            return f"{self.document}: missed {self.gold_text!r} {self.gold_type} {self.gold_value}"
        if self.kind == "spurious":
            return f"{self.document}: spurious {self.text!r} {self.value} ({self.rule_id})"
        return (
            f"{self.document}: {self.gold_text!r} gold {self.gold_value} got {self.value} "
            f"({self.text!r}, {self.rule_id})"
        )


@dataclass
class _Tally:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0
    documents: int = 0
    errors: list[TimexError] = field(default_factory=list)

    @property
    def wrong(self) -> list[str]:
        return [error.line() for error in self.errors]

    def add(self, other: _Tally) -> None:
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.type_ok += other.type_ok
        self.value_ok += other.value_ok
        self.documents += other.documents

    def scores(self) -> dict[str, float]:
        strict = prf(self.strict, self.system - self.strict, self.gold - self.strict)
        relaxed = prf(self.relaxed, self.system - self.relaxed, self.gold - self.relaxed)
        type_accuracy = self.type_ok / self.relaxed if self.relaxed else 0.0
        value_accuracy = self.value_ok / self.relaxed if self.relaxed else 0.0
        return {
            "strict_p": strict[0],
            "strict_r": strict[1],
            "strict_f1": strict[2],
            "relaxed_p": relaxed[0],
            "relaxed_r": relaxed[1],
            "relaxed_f1": relaxed[2],
            "type_accuracy": type_accuracy,
            "type_f1": type_accuracy * relaxed[2],
            "value_accuracy": value_accuracy,
            "value_f1": value_accuracy * relaxed[2],
        }


def score_document(name: str, gold: Sequence[GoldTimex], system: Sequence[_Tagged]) -> _Tally:
    """Tally one document; each gold expression pairs with the system one that
    overlaps it most and is not yet paired."""
    tally = _Tally(gold=len(gold), system=len(system), documents=1)
    system_spans = {(t.start, t.end) for t in system}
    tally.strict = sum((g.start, g.end) in system_spans for g in gold)
    paired: set[int] = set()
    for gold_timex in gold:
        best, best_overlap = None, 0
        for index, timex in enumerate(system):
            if index in paired:
                continue
            overlap = min(gold_timex.end, timex.end) - max(gold_timex.start, timex.start)
            if overlap > best_overlap:
                best, best_overlap = index, overlap
        seen = {
            "document": name,
            "gold_text": gold_timex.text,
            "gold_type": gold_timex.type,
            "gold_value": gold_timex.value,
        }
        if best is None:
            tally.errors.append(TimexError("missed", **seen))
            continue
        paired.add(best)
        timex = system[best]
        tally.relaxed += 1
        tally.type_ok += timex.type == gold_timex.type
        if timex.value == gold_timex.value:
            tally.value_ok += 1
        else:
            tally.errors.append(
                TimexError(
                    "value", **seen, text=timex.text, value=timex.value, rule_id=timex.rule_id
                )
            )
    for index, timex in enumerate(system):
        if index not in paired:
            tally.errors.append(
                TimexError(
                    "spurious", name, text=timex.text, value=timex.value, rule_id=timex.rule_id
                )
            )
    return tally


def error_classes(errors: Sequence[TimexError]) -> list[str]:
    """Where the stage loses, most first: wrong values and spurious expressions by the
    rule that made them, missed expressions by their gold type and value shape
    (``P9Y``, ``9999-99``, ``PRESENT_REF``)."""
    by_rule: dict[str, Counter[str]] = {}
    for error in errors:
        if error.kind != "missed":
            by_rule.setdefault(error.rule_id or "?", Counter())[error.kind] += 1
    missed = Counter(
        f"{error.gold_type} {re.sub(r'[0-9]', '9', error.gold_value)}"
        for error in errors
        if error.kind == "missed"
    )
    lines = [
        f"errors: {sum(e.kind == 'missed' for e in errors)} missed, "
        f"{sum(e.kind == 'spurious' for e in errors)} spurious, "
        f"{sum(e.kind == 'value' for e in errors)} wrong values"
    ]
    for rule_id, counts in sorted(by_rule.items(), key=lambda item: (-item[1].total(), item[0])):
        lines.append(
            f"  rule {rule_id}: {counts['value']} wrong value, {counts['spurious']} spurious"
        )
    for shape, count in missed.most_common():
        lines.append(f"  missed {shape}: {count}")
    return lines


def timeml_files(corpus: Path) -> list[Path]:
    """The ``.tml`` files of a corpus: the file itself, or every one under the folder."""
    if corpus.is_file():
        return [corpus]
    if not corpus.is_dir():
        raise EvalDataError(f"{corpus}: no such file or folder")
    files = sorted(path for path in corpus.rglob("*") if path.suffix.lower() == ".tml")
    if not files:
        raise EvalDataError(f"{corpus}: no .tml files in this folder or below it")
    return files


def evaluate_time(
    corpora: list[Path],
    out_dir: Path | None = None,
    nlp: Language | None = None,
    rules: TimeRules | None = None,
) -> EvalReport:
    """Score the time stage on each TimeML corpus directory (TempEval-3 Task A).

    `metrics` holds ``<corpus>.<score>`` (e.g. ``timebank.value_f1``) and, for
    several corpora, ``all.<score>``. `details` lists per-document figures, the
    error classes (wrong values and spurious expressions by rule id, misses by
    gold shape) and every missed, spurious or wrongly valued expression. With
    `out_dir`, each document is written back as TimeML with our TIMEX3 tags
    (``out_dir/<corpus>/<name>.tml``).
    """
    report = EvalReport(title="time: TempEval-3 Task A (timex extent, type, value)")
    labelled: list[tuple[str, list[TimemlDocument]]] = []
    for corpus in corpora:
        # A corpus is named by its folder, or a single file by its stem.
        label = corpus.stem if corpus.is_file() else corpus.name
        documents: list[TimemlDocument] = []
        unreadable: list[str] = []
        for path in timeml_files(corpus):
            # One broken gold file is reported and left out; the rest still score.
            try:
                documents.append(read_timeml(path))
            except EvalDataError as exc:
                unreadable.append(str(exc))
        if not documents:
            raise EvalDataError(f"{corpus}: no readable TimeML file ({unreadable[0]})")
        report.details.extend(f"unreadable, not scored: {reason}" for reason in unreadable)
        report.metrics[f"{label}.unreadable_files"] = len(unreadable)
        labelled.append((label, documents))
    score_corpora(report, labelled, nlp=nlp, rules=rules, out_dir=out_dir)
    return report


def score_corpora(
    report: EvalReport,
    corpora: Sequence[tuple[str, Sequence[TimemlDocument]]],
    nlp: Language | None = None,
    rules: TimeRules | None = None,
    out_dir: Path | None = None,
    total: bool | None = None,
) -> None:
    """Tag and score each labelled corpus of documents into `report` (rows, metrics
    ``<label>.<score>``, details) and, with `total` (default: for several corpora),
    all of them together as ``all.<score>``."""
    from dateline.nlp import load_model
    from dateline.time import tag_time

    model = nlp if nlp is not None else load_model()
    everything = _Tally()
    for label, documents in corpora:
        corpus_tally = _Tally()
        docs = model.pipe((document.text for document in documents), batch_size=16)
        for document, doc in zip(documents, docs, strict=True):
            system = tag_time(doc, document.dct, rules)
            name = f"{label}/{document.name}"
            _add_document(
                report, corpus_tally, name, score_document(name, document.timexes, system)
            )
            if out_dir is not None:
                write_timeml(document, system, out_dir / label / f"{document.name}.tml")
        _add_corpus(report, label, corpus_tally)
        everything.add(corpus_tally)
    if total or (total is None and len(corpora) > 1):
        scores = everything.scores()
        report.rows.append(_row("all", everything, scores))
        for key, value in scores.items():
            report.metrics[f"all.{key}"] = round(value, 4)


def _add_document(report: EvalReport, corpus_tally: _Tally, name: str, tally: _Tally) -> None:
    corpus_tally.add(tally)
    corpus_tally.errors.extend(tally.errors)
    scores = tally.scores()
    report.details.append(
        f"{name}: gold {tally.gold} system {tally.system} "
        f"strict F1 {scores['strict_f1']:.3f} relaxed F1 {scores['relaxed_f1']:.3f} "
        f"value F1 {scores['value_f1']:.3f}"
    )


def _add_corpus(report: EvalReport, label: str, tally: _Tally) -> None:
    scores = tally.scores()
    report.rows.append(_row(label, tally, scores))
    for key, value in scores.items():
        report.metrics[f"{label}.{key}"] = round(value, 4)
    report.details.extend(f"{label} {line}" for line in error_classes(tally.errors))
    report.details.extend(tally.wrong)


def _row(name: str, tally: _Tally, scores: dict[str, float]) -> dict[str, object]:
    return {
        "corpus": name,
        "docs": tally.documents,
        "gold": tally.gold,
        "system": tally.system,
        "strict_p": round(scores["strict_p"], 3),
        "strict_r": round(scores["strict_r"], 3),
        "strict_f1": round(scores["strict_f1"], 3),
        "relaxed_p": round(scores["relaxed_p"], 3),
        "relaxed_r": round(scores["relaxed_r"], 3),
        "relaxed_f1": round(scores["relaxed_f1"], 3),
        "type_f1": round(scores["type_f1"], 3),
        "value_f1": round(scores["value_f1"], 3),
    }
