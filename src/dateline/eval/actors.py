"""Actor coding accuracy on a table of mentions with their date and expected code.

The default table is ``tests/actors/cases.tsv`` (columns: text, date, mention,
expected, note). For each row the text is parsed, the actors stage runs with
the row's date as the article date, and the mention covering the given
substring is compared with the expected CAMEO code: country (first three
letters, None for IGOs), sector (next three) and the full code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dateline.eval import EvalReport

if TYPE_CHECKING:
    from spacy.language import Language

    from dateline.actors import ActorKnowledge

__all__ = [
    "ActorCase",
    "default_cases_path",
    "evaluate_actors",
    "evaluate_petrarch_actors",
    "read_cases",
]

_COLUMNS = ("text", "date", "mention", "expected", "note")


@dataclass(frozen=True, slots=True)
class ActorCase:
    line: int
    text: str
    date: dt.date
    mention: str
    occurrence: int
    expected: str
    note: str = ""

    def span(self) -> tuple[int, int]:
        """Character span of the `occurrence`-th `mention` in `text`."""
        start = -1
        for _ in range(self.occurrence):
            start = self.text.find(self.mention, start + 1)
            if start < 0:
                raise ValueError(
                    f"line {self.line}: {self.mention!r} occurs fewer than {self.occurrence} times"
                )
        return start, start + len(self.mention)


def default_cases_path() -> Path:
    """tests/actors/cases.tsv of the source tree (the evaluation table is test data)."""
    return Path(__file__).resolve().parents[3] / "tests" / "actors" / "cases.tsv"


def read_cases(path: Path) -> list[ActorCase]:
    from dateline.errors import RuleDataError

    cases: list[ActorCase] = []
    header_seen = False
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            if tuple(cells[: len(_COLUMNS)]) != _COLUMNS:
                raise RuleDataError(f"{path}:{lineno}: expected columns {_COLUMNS}")
            header_seen = True
            continue
        if len(cells) < 4:
            raise RuleDataError(f"{path}:{lineno}: expected at least 4 columns, found {len(cells)}")
        mention, _, nth = cells[2].partition("@")
        try:
            date = dt.date.fromisoformat(cells[1])
        except ValueError as exc:
            raise RuleDataError(f"{path}:{lineno}: bad date {cells[1]!r}") from exc
        case = ActorCase(
            lineno,
            cells[0],
            date,
            mention,
            int(nth or 1),
            cells[3],
            cells[4] if len(cells) > 4 else "",
        )
        case.span()  # validates the mention
        cases.append(case)
    return cases


def _parts(code: str | None) -> tuple[str | None, str | None]:
    from dateline.actors import split_code

    if not code:
        return None, None
    if "+" in code:
        return code, None
    country, sector = split_code(code)
    if code.endswith("ELI") and len(code) == 6:
        sector = "ELI"
    return country, sector


def evaluate_actors(
    cases_path: Path | None = None,
    nlp: Language | None = None,
    knowledge: ActorKnowledge | None = None,
) -> EvalReport:
    """Accuracy of country, sector and full code on the case table."""
    from dateline.actors import ActorStage
    from dateline.nlp import NlpStage, load_model
    from dateline.records import Article, Document

    path = cases_path or default_cases_path()
    cases = read_cases(path)
    documents = [Document(Article(id=f"case{c.line}", date=c.date, text=c.text)) for c in cases]
    NlpStage(nlp if nlp is not None else load_model()).process(documents)
    ActorStage(knowledge).process(documents)

    country_ok = sector_ok = code_ok = 0
    details: list[str] = []
    by_note: dict[str, list[int]] = {}
    for case, document in zip(cases, documents, strict=True):
        start, end = case.span()
        found = [m for m in document.mentions if m.start < end and start < m.end]
        # the mention whose head falls inside the substring, else the shortest overlap
        found.sort(
            key=lambda m: (not (m.head is not None and start <= m.head < end), m.end - m.start)
        )
        got = found[0].cameo_code if found else None
        expected_country, expected_sector = _parts(case.expected)
        got_country, got_sector = _parts(got)
        country_ok += expected_country == got_country
        sector_ok += expected_sector == got_sector
        code_ok += case.expected == got
        kind = (
            "group"
            if "+" in case.expected
            else ("igo" if case.expected.startswith(("IGO", "NGO")) else "other")
        )
        by_note.setdefault(kind, [0, 0])
        by_note[kind][0] += 1
        by_note[kind][1] += case.expected == got
        if case.expected != got:
            details.append(
                f"line {case.line}: {case.mention!r} on {case.date}: expected {case.expected}, got {got} — {case.text[:80]}"
            )
    total = len(cases) or 1
    metrics = {
        "cases": float(len(cases)),
        "country_accuracy": country_ok / total,
        "sector_accuracy": sector_ok / total,
        "code_accuracy": code_ok / total,
    }
    rows = [
        {
            "measure": "country",
            "correct": country_ok,
            "cases": len(cases),
            "accuracy": round(country_ok / total, 3),
        },
        {
            "measure": "sector",
            "correct": sector_ok,
            "cases": len(cases),
            "accuracy": round(sector_ok / total, 3),
        },
        {
            "measure": "full code",
            "correct": code_ok,
            "cases": len(cases),
            "accuracy": round(code_ok / total, 3),
        },
    ]
    return EvalReport(
        title=f"Actor coding on {path.name} ({len(cases)} mentions)",
        rows=rows,
        metrics=metrics,
        details=details,
    )


def evaluate_petrarch_actors(folder: Path, nlp: Language | None = None) -> EvalReport:
    """How many source and target codes of PETRARCH's validation records appear
    among the actor mentions found with the suite's own fictional dictionaries
    (`PETR.Validate.actors.txt`, `PETR.Validate.agents.txt`). This scores actor
    recognition only; the events evaluation scores whole events."""
    import re

    from dateline.actors import ActorKnowledge, ActorStage
    from dateline.nlp import NlpStage, load_model
    from dateline.records import Article, Document

    knowledge = ActorKnowledge.from_phoenix(
        [folder / "PETR.Validate.actors.txt"], folder / "PETR.Validate.agents.txt"
    )
    xml = (folder / "PETR.UnitTest.records.xml").read_text(encoding="utf-8", errors="replace")
    documents: list[Document] = []
    expected: list[list[str]] = []
    for date, record_id, body in re.findall(
        r'<Sentence date="(\d{8})" id="([^"]+)"[^>]*>(.*?)</Sentence>', xml, re.S
    ):
        text = re.search(r"<Text>(.*?)</Text>", body, re.S)
        codes = [
            c
            for pair in re.findall(r'sourcecode="([^"]*)" targetcode="([^"]*)"', body)
            for c in pair
            if c and c != "---"
        ]
        if not text or not codes:
            continue
        day = dt.date(int(date[:4]), int(date[4:6]), int(date[6:]))
        documents.append(
            Document(Article(id=record_id, date=day, text=" ".join(text.group(1).split())))
        )
        expected.append(codes)
    NlpStage(nlp if nlp is not None else load_model()).process(documents)
    ActorStage(knowledge).process(documents)
    found = total = 0
    details: list[str] = []
    for document, codes in zip(documents, expected, strict=True):
        got = {m.cameo_code for m in document.mentions}
        for code in codes:
            total += 1
            if code in got:
                found += 1
            else:
                details.append(f"{document.article.id}: {code} not among {sorted(got)}")
    recall = found / total if total else 0.0
    return EvalReport(
        title=f"PETRARCH validation actors ({len(documents)} records)",
        rows=[
            {
                "measure": "expected codes found",
                "found": found,
                "expected": total,
                "recall": round(recall, 3),
            }
        ],
        metrics={"records": float(len(documents)), "actor_code_recall": recall},
        details=details,
    )
