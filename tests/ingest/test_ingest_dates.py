"""Publication date forms, table-driven from fixtures/dates.tsv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dateline.ingest import BadDateError, parse_date

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2020, 1, 1)


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for line in (FIXTURES / "dates.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        value, expected, *words = line.split("\t")
        cases.append((value, expected, words[0] if words else ""))
    return cases


CASES = _cases()


@pytest.mark.parametrize(
    ("value", "expected", "words"), CASES, ids=[c[0] or "empty" for c in CASES]
)
def test_date_form(value: str, expected: str, words: str) -> None:
    if expected == "error":
        with pytest.raises(BadDateError) as caught:
            parse_date(value, today=TODAY)
        assert words.lower() in str(caught.value).lower()
    else:
        assert parse_date(value, today=TODAY) == dt.date.fromisoformat(expected)


def test_the_table_covers_both_outcomes() -> None:
    outcomes = {expected == "error" for _, expected, _ in CASES}
    assert outcomes == {True, False}
