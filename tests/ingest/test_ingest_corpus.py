"""The real corpora in ../shared/data read as they are (skipped when absent)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from dateline.ingest import IngestCounts, read_inputs
from dateline.records import Article, Reject
from tests.conftest import SEED

pytestmark = pytest.mark.corpus


def test_every_reuters_record_is_read_or_rejected(shared_data: Path) -> None:
    folder = shared_data / "news" / "reuters21578"
    tags = sum(len(re.findall(rb"<REUTERS\b", path.read_bytes())) for path in folder.glob("*.sgm"))
    counts = IngestCounts()
    ids: set[str] = set()
    for item in read_inputs([folder]):
        counts.add(item)
        if isinstance(item, Article):
            assert item.source == "Reuters"
            assert dt.date(1987, 2, 1) <= item.date <= dt.date(1987, 12, 31)
            assert item.text.strip() and "&#" not in item.text
            ids.add(item.id)
        else:
            assert item.reason and item.line is not None
    assert tags == 21_578
    assert counts.total == tags, counts.summary()
    assert len(ids) == counts.read
    # Only briefs without a story and truly empty texts may be turned away.
    assert set(counts.rejected) <= {"no story text", "empty text"}, counts.summary()
    assert counts.read > 19_000


def test_seed_story(shared_data: Path) -> None:
    (article,) = read_inputs([SEED])
    assert isinstance(article, Article)
    assert article.date == dt.date(2017, 4, 3)
    raw = SEED.read_text(encoding="utf-8")
    story = raw.split("2017-04-03", 1)[1].strip()
    assert article.text == story
    assert article.text.count("\n\n") == raw.count("\n\n")


def test_one_kcna_month(shared_data: Path) -> None:
    path = shared_data / "news" / "kcna" / "stories" / "kcna_2012-06.jsonl"
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    items = list(read_inputs([path]))
    articles = [item for item in items if isinstance(item, Article)]
    rejects = [item for item in items if isinstance(item, Reject)]
    assert len(items) == len(records)
    assert not rejects, rejects[:3]
    assert [article.id for article in articles] == [record["id"] for record in records]
    with_breaks = sum("\n\n" in article.text for article in articles)
    assert with_breaks > 0.8 * len(articles)
    assert not any(", ," in article.text or article.text.endswith(",") for article in articles)
