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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
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


@dataclass
class _Tally:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0
    documents: int = 0
    wrong: list[str] = field(default_factory=list)

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


def score_document(name: str, gold: tuple[GoldTimex, ...], system: list[TimeExpr]) -> _Tally:
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
        if best is None:
            tally.wrong.append(
                f"{name}: missed {gold_timex.text!r} {gold_timex.type} {gold_timex.value}"
            )
            continue
        paired.add(best)
        timex = system[best]
        tally.relaxed += 1
        tally.type_ok += timex.type == gold_timex.type
        if timex.value == gold_timex.value:
            tally.value_ok += 1
        else:
            tally.wrong.append(
                f"{name}: {gold_timex.text!r} gold {gold_timex.value} got {timex.value} "
                f"({timex.text!r}, {timex.rule_id})"
            )
    for index, timex in enumerate(system):
        if index not in paired:
            tally.wrong.append(f"{name}: spurious {timex.text!r} {timex.value} ({timex.rule_id})")
    return tally


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
    several corpora, ``all.<score>``. `details` lists per-document figures and
    every missed, spurious or wrongly valued expression. With `out_dir`, each
    document is written back as TimeML with our TIMEX3 tags
    (``out_dir/<corpus>/<name>.tml``).
    """
    from dateline.nlp import load_model
    from dateline.time import tag_time

    model = nlp if nlp is not None else load_model()
    report = EvalReport(title="time: TempEval-3 Task A (timex extent, type, value)")
    total = _Tally()
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
        corpus_tally = _Tally()
        docs = model.pipe((document.text for document in documents), batch_size=16)
        for document, doc in zip(documents, docs, strict=True):
            system = tag_time(doc, document.dct, rules)
            tally = score_document(f"{label}/{document.name}", document.timexes, system)
            corpus_tally.add(tally)
            corpus_tally.wrong.extend(tally.wrong)
            doc_scores = tally.scores()
            report.details.append(
                f"{label}/{document.name}: gold {tally.gold} system {tally.system} "
                f"strict F1 {doc_scores['strict_f1']:.3f} relaxed F1 {doc_scores['relaxed_f1']:.3f} "
                f"value F1 {doc_scores['value_f1']:.3f}"
            )
            if out_dir is not None:
                write_timeml(document, system, out_dir / label / f"{document.name}.tml")
        scores = corpus_tally.scores()
        report.rows.append(_row(label, corpus_tally, scores))
        for key, value in scores.items():
            report.metrics[f"{label}.{key}"] = round(value, 4)
        report.details.extend(corpus_tally.wrong)
        total.add(corpus_tally)
    if len(corpora) > 1:
        scores = total.scores()
        report.rows.append(_row("all", total, scores))
        for key, value in scores.items():
            report.metrics[f"all.{key}"] = round(value, 4)
    return report


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
