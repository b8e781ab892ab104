"""Records own their rows: `to_row` gives every column of its table by name, the
store inserts by column name, and the conversions go both ways."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from dateline.errors import StoreError
from dateline.fuse import fuse_reports, load_fusion_rules
from dateline.records import Article, Document, Event, MemberIndex
from dateline.store import EVENT_COLUMNS, insert_rows, open_store
from tests.fakes import FakeEventStage, make_article, make_event
from tests.fuse.builders import make_report


def _columns(store: object, table: str) -> tuple[str, ...]:
    rows = store.connection.execute(  # type: ignore[attr-defined]
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return tuple(row[0] for row in rows)


def _events() -> list[Event]:
    article = make_article(1)
    event = make_event(article, 0)
    return [event, dataclasses.replace(event, target=None, location=None, evidence={})]


def test_an_event_row_has_the_columns_of_the_events_table_in_their_order() -> None:
    store = open_store(":memory:")
    for event in _events():
        assert tuple(event.to_row()) == EVENT_COLUMNS == _columns(store, "events")


def test_an_article_row_and_what_the_store_adds_are_the_articles_table() -> None:
    store = open_store(":memory:")
    added = ("content_hash", "n_events", "run_id", "schema_version", "rules_version")
    assert (*make_article(1).to_row(), *added) == _columns(store, "articles")


@pytest.mark.parametrize("event", _events())
def test_an_event_survives_its_dict(event: Event) -> None:
    assert Event.from_dict(event.to_dict()) == event


def test_an_article_survives_its_row() -> None:
    article = Article(id="a", date=dt.date(2017, 4, 3), text="t", title="", source=None)
    assert Article.from_row(article.to_row()) == article
    assert Article.from_row({**article.to_row(), "title": None, "origin": None}) == article


def test_an_event_without_a_source_is_refused() -> None:
    record = _events()[0].to_dict()
    with pytest.raises(ValueError, match="no source actor"):
        Event.from_dict({**record, "source": None})


def test_fused_rows_have_the_columns_of_their_tables() -> None:
    store = open_store(":memory:")
    reports = [
        make_report("JPN CHN 040 asserted 2017-03-01", "a1"),
        make_report("CHN JPN 040 asserted 2017-03-01", "a2"),
    ]
    (fused,) = fuse_reports(reports, load_fusion_rules())
    row = fused.to_row()
    assert tuple(row) == _columns(store, "fused_events")
    assert json.loads(row["record"]) == fused.to_dict()
    assert (row["n_events"], row["n_asserted"]) == (2, 2)
    day = dt.date(2017, 3, 1)
    index = {r.event_id: MemberIndex("meeting|CHN|JPN", day, day, "md5") for r in reports}
    rows = fused.member_rows(index)
    assert [tuple(row) for row in rows] == [_columns(store, "fused_members")] * 2
    assert {(row["fused_id"], row["block"], row["record_md5"]) for row in rows} == {
        (fused.fused_id, "meeting|CHN|JPN", "md5")
    }


def test_insert_rows_names_the_columns_and_keeps_the_rows_and_their_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dateline.store

    monkeypatch.setattr(dateline.store, "_ROWS_PER_INSERT", 7)  # several statements
    store = open_store(":memory:")
    documents = FakeEventStage().process([Document(article=make_article(i)) for i in range(30)])
    events = [event for document in documents for event in document.events]
    events[1] = dataclasses.replace(events[1], target=None, location=None, goldstein=2)
    rows = [dict(reversed(event.to_row().items())) for event in events]  # any order of the keys
    insert_rows(store.connection, "events", rows)
    stored = store.connection.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY rowid"
    ).fetchall()
    assert stored == [tuple(row[c] for c in EVENT_COLUMNS) for row in rows]
    assert len(stored) == 60


def test_insert_rows_refuses_rows_of_other_columns() -> None:
    store = open_store(":memory:")
    row = _events()[0].to_row()
    with pytest.raises(StoreError, match="columns"):
        insert_rows(store.connection, "events", [row, {**row, "extra": 1}])
