"""Evaluate the places stage on the table of place cases (`tests/places/cases.tsv`).

Each case is a sentence with every place it names (surface, ISO3, feature).
A predicted place counts as correct when its surface text and country both
match an expected one; country accuracy is measured on the expected places
whose surface was found at all, so it separates "found the name" from "put it
in the right country".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dateline.errors import RuleDataError
from dateline.eval import EvalReport, prf
from dateline.places.gazetteer import Gazetteer
from dateline.places.stage import PlaceStage
from dateline.records import Article, Document

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["DEFAULT_CASES", "PlaceCase", "evaluate_places", "read_cases"]

DEFAULT_CASES = Path(__file__).resolve().parents[3] / "tests" / "places" / "cases.tsv"


@dataclass(frozen=True, slots=True)
class PlaceCase:
    id: str
    date: dt.date
    text: str
    expected: tuple[tuple[str, str | None, str], ...]  # (surface, ISO3 or None, feature)


def read_cases(path: Path = DEFAULT_CASES) -> list[PlaceCase]:
    """Cases from a TSV of ``id, date, text, expected`` (see the file's header)."""
    if not path.is_file():
        raise RuleDataError(f"{path}: place cases not found; pass the path to a cases.tsv.")
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 3:
            fields.append("")
        if len(fields) != 4:
            raise RuleDataError(f"{path}:{number}: expected 4 tab-separated fields.")
        case_id, date, text, expected = fields
        places = []
        for item in filter(None, (part.strip() for part in expected.split(";"))):
            surface, _, rest = item.rpartition("=")
            country, _, feature = rest.partition(":")
            if not surface or not country:
                raise RuleDataError(f"{path}:{number}: bad expected place {item!r}.")
            places.append((surface, None if country == "-" else country, feature))
        cases.append(PlaceCase(case_id, dt.date.fromisoformat(date), text, tuple(places)))
    return cases


def evaluate_places(
    cases_path: Path = DEFAULT_CASES,
    nlp: Language | None = None,
    gazetteer: Gazetteer | None = None,
) -> EvalReport:
    """Country accuracy and precision/recall/F1 of (surface, country) on the case set."""
    from dateline.nlp import NlpStage

    cases = read_cases(cases_path)
    documents = [
        Document(article=Article(id=case.id, date=case.date, text=case.text)) for case in cases
    ]
    NlpStage(nlp).process(documents)
    PlaceStage(gazetteer).process(documents)

    true_positive = false_positive = false_negative = 0
    surfaces_found = countries_right = features_right = 0
    expected_total = 0
    details: list[str] = []
    rows = []
    for case, document in zip(cases, documents, strict=True):
        predicted = Counter((place.text, place.country) for place in document.places)
        expected = Counter((surface, country) for surface, country, _ in case.expected)
        hits = predicted & expected
        tp = sum(hits.values())
        fp = sum((predicted - expected).values())
        fn = sum((expected - predicted).values())
        true_positive, false_positive, false_negative = (
            true_positive + tp,
            false_positive + fp,
            false_negative + fn,
        )
        by_surface = {place.text: place for place in document.places}
        for surface, country, feature in case.expected:
            expected_total += 1
            place = by_surface.get(surface)
            if place is None:
                continue
            surfaces_found += 1
            countries_right += place.country == country
            features_right += place.feature == feature
            if place.feature != feature:
                details.append(
                    f"{case.id}: {surface!r} feature {place.feature} (expected {feature})"
                )
        if fp or fn:
            got = ", ".join(f"{s}={c or '-'}" for s, c in sorted(predicted.elements(), key=str))
            want = ", ".join(f"{s}={c or '-'}" for s, c in sorted(expected.elements(), key=str))
            details.append(f"{case.id}: got [{got}] expected [{want}]")
        rows.append(
            {"case": case.id, "expected": sum(expected.values()), "tp": tp, "fp": fp, "fn": fn}
        )

    precision, recall, f1 = prf(true_positive, false_positive, false_negative)
    metrics = {
        "cases": float(len(cases)),
        "expected_places": float(expected_total),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "surface_recall": surfaces_found / expected_total if expected_total else 0.0,
        "country_accuracy": countries_right / surfaces_found if surfaces_found else 0.0,
        "feature_accuracy": features_right / surfaces_found if surfaces_found else 0.0,
    }
    return EvalReport(title="places", rows=rows, metrics=metrics, details=details)
