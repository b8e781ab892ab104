from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from dateline.records import SCHEMA_VERSION, Document
from dateline.store import EventQuery, open_store
from tests.fakes import FakeEventStage, make_article


def _documents(n: int) -> list[Document]:
    return FakeEventStage().process([Document(article=make_article(i)) for i in range(n)])


def test_write_is_idempotent() -> None:
    store = open_store(":memory:")
    documents = _documents(3)
    assert store.write(documents, "run1", "r1") == 6
    assert store.write(documents, "run2", "r1") == 6
    assert store.counts()["articles"] == 3
    assert store.counts()["events"] == 6


def test_every_event_row_carries_versions() -> None:
    store = open_store(":memory:")
    store.write(_documents(1), "run1", "rules-x")
    rows = store.connection.execute(
        "SELECT DISTINCT schema_version, rules_version FROM events"
    ).fetchall()
    assert rows == [(SCHEMA_VERSION, "test")]  # the event's own rules_version is stored
    record = store.events()[0]
    assert record["schema_version"] == SCHEMA_VERSION
    assert record["date"]["value"] == "2016-11"
    assert record["location"]["country"] == "PER"


def test_already_coded_depends_on_content_and_rules() -> None:
    store = open_store(":memory:")
    documents = _documents(2)
    store.write(documents, "run1", "r1")
    articles = [d.article for d in documents]
    assert store.already_coded(articles, "r1") == {"a0", "a1"}
    assert store.already_coded(articles, "r2") == set()
    changed = [make_article(0, text="A different text."), articles[1]]
    assert store.already_coded(changed, "r1") == {"a1"}


def test_failed_batch_leaves_nothing_half_written() -> None:
    store = open_store(":memory:")
    documents = _documents(2)
    store.connection.execute("DROP TABLE events")
    store.connection.execute("CREATE TABLE events (event_id VARCHAR)")  # wrong shape: insert fails
    with pytest.raises(Exception, match="E005"):
        store.write(documents, "run1", "r1")
    assert store.connection.execute("SELECT count(*) FROM articles").fetchone() == (0,)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery(), 4),
        (EventQuery(actor="JPN"), 4),
        (EventQuery(actor="USA"), 0),
        (EventQuery(dyad=("CHN", "JPN")), 4),
        (EventQuery(modality="planned"), 2),
        (EventQuery(cameo_root="4"), 4),
        (EventQuery(cameo_root="19"), 0),
        (EventQuery(since=dt.date(2016, 11, 15)), 4),  # overlaps 2016-11
        (EventQuery(since=dt.date(2016, 12, 1)), 0),
        (EventQuery(until=dt.date(2016, 10, 31)), 0),
        (EventQuery(article_ids=("a1",)), 2),
        (EventQuery(limit=3), 3),
        (EventQuery(actor="JPN' OR 1=1 --"), 0),  # bound as a value, never SQL
    ],
)
def test_event_queries(query: EventQuery, expected: int) -> None:
    store = open_store(":memory:")
    store.write(_documents(2), "run1", "r1")
    assert len(store.events(query)) == expected
    assert len(list(store.iter_event_rows(query))) == expected


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_export_formats(tmp_path: Path, suffix: str) -> None:
    store = open_store(":memory:")
    store.write(_documents(2), "run1", "r1")
    target = tmp_path / f"events{suffix}"
    assert store.export(target) == 4
    if suffix == ".jsonl":
        lines = target.read_text().splitlines()
        assert json.loads(lines[0])["source"]["cameo_code"] == "JPNGOV"
    else:
        reader = "read_parquet" if suffix == ".parquet" else "read_csv_auto"
        rows = duckdb.sql(f"SELECT count(*), min(source_code) FROM {reader}('{target}')").fetchall()
        assert rows == [(4, "JPNGOV")]


def test_export_rejects_unknown_format(tmp_path: Path) -> None:
    store = open_store(":memory:")
    with pytest.raises(Exception, match=r"name it \.tsv, \.csv, \.jsonl, \.parquet or \.geojson"):
        store.export(tmp_path / "events.xlsx")
