"""Every person and capital of the founding story, by its text span, on the seed text
itself (../shared/seed, corpus) and on our own retelling (examples/). Table: founding.tsv."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from dateline.actors import ActorStage
from dateline.nlp import NlpStage
from dateline.pipeline import Pipeline
from dateline.records import Article, Document

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STORIES = {
    "seed": ROOT.parent / "shared" / "seed" / "000_29bea5349ad77031.txt",
    "example": ROOT / "examples" / "japan_china_2017-04-03.txt",
}


def _rows(story: str) -> list[tuple[str, int, str, str]]:
    with (HERE / "founding.tsv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [
        (row["span"], int(row["occurrence"]), row["code"], row["why"])
        for row in csv.DictReader(lines, delimiter="\t")
        if row["story"] == story
    ]


def _run(path: Path, nlp: Any) -> Document:
    """The story file: ' date YYYY-MM-DD ' then the text."""
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"\s*date\s+(\d{4}-\d{2}-\d{2}) ", raw)
    assert match, f"{path} does not start with ' date YYYY-MM-DD '"
    article = Article(id=path.stem, date=dt.date.fromisoformat(match[1]), text=raw[match.end() :])
    document = Document(article)
    Pipeline([NlpStage(nlp), ActorStage()]).process([document])
    return document


def _check(document: Document, span: str, occurrence: int, code: str, why: str) -> None:
    text = document.article.text
    found = [m.start() for m in re.finditer(rf"\b{re.escape(span)}\b", text)]
    assert len(found) >= occurrence, f"{span!r} occurs {len(found)} times, not {occurrence}"
    start = found[occurrence - 1]
    end = start + len(span)
    covering = [m for m in document.mentions if m.start <= start and end <= m.end]
    if code == "-":
        assert not covering, f"{span!r} #{occurrence} ({why}) is no actor: {covering}"
        return
    assert covering, f"no mention for {span!r} #{occurrence} ({why})"
    mention = min(covering, key=lambda m: m.end - m.start)
    assert mention.cameo_code == code, f"{span!r} #{occurrence} ({why}): {mention}"
    assert (mention.country, mention.sector) == (code[:3], code[3:6] or None)


@pytest.fixture(scope="module")
def example(nlp: Any) -> Document:
    return _run(STORIES["example"], nlp)


@pytest.fixture(scope="module")
def seed(nlp: Any, shared_data: Path) -> Document:
    if not STORIES["seed"].is_file():
        pytest.skip("../shared/seed is not present")
    return _run(STORIES["seed"], nlp)


@pytest.mark.model
@pytest.mark.parametrize(("span", "occurrence", "code", "why"), _rows("example"))
def test_example_story(example: Document, span: str, occurrence: int, code: str, why: str) -> None:
    _check(example, span, occurrence, code, why)


@pytest.mark.model
@pytest.mark.corpus
@pytest.mark.parametrize(("span", "occurrence", "code", "why"), _rows("seed"))
def test_seed_story(seed: Document, span: str, occurrence: int, code: str, why: str) -> None:
    _check(seed, span, occurrence, code, why)
