"""Shards without Dask: records survive the trip, a shard merged twice adds nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dateline.errors import ScaleError
from dateline.records import Document, EventActor
from dateline.scale.shards import WorkDir, event_from_dict, shard_from_documents
from dateline.store import open_store
from tests.fakes import make_article, make_event
from tests.scale.helpers import tables


def _documents() -> list[Document]:
    first, second, empty = make_article(1), make_article(2, "Ünïcode — “quotes”."), make_article(3)
    plain = dataclasses.replace(
        make_event(second, 0), target=None, location=None, plover_event=None, evidence={}
    )
    actor = EventActor(text="Tokyo", name="Japan", cameo_code="JPN")  # no span
    return [
        Document(article=first, events=(make_event(first, 0), make_event(first, 1, "negated"))),
        Document(article=second, events=(plain, dataclasses.replace(plain, source=actor), plain)),
        Document(article=empty),
    ]


@pytest.mark.parametrize("event", [e for d in _documents() for e in d.events])
def test_an_event_survives_its_dict(event: object) -> None:
    assert dataclasses.is_dataclass(event)
    assert event_from_dict(event.to_dict()) == event  # type: ignore[union-attr]


def test_a_saved_shard_gives_back_its_documents(tmp_path: Path) -> None:
    documents = _documents()
    shard = shard_from_documents(documents, "r1")
    assert (shard.n_articles, shard.n_events, shard.rules_version) == (3, 5, "r1")
    saved = WorkDir(tmp_path).save("run-000000", shard)
    back = saved.documents()
    assert [d.article for d in back] == [d.article for d in documents]
    # Every event in its order, the repeated one too: the store decides about duplicates.
    assert [d.events for d in back] == [d.events for d in documents]


def test_a_shard_merged_twice_adds_nothing(tmp_path: Path) -> None:
    saved = WorkDir(tmp_path / "work").save("run-000000", shard_from_documents(_documents(), "r1"))
    db = tmp_path / "x.duckdb"
    with open_store(db) as store:
        store.write(saved.documents(), "run", "r1")
    once = tables(db)
    with open_store(db) as store:
        store.write(saved.documents(), "run", "r1")
        assert store.counts()["articles"] == 3
    assert tables(db) == once
    assert len(once["events"]) == 3  # two in the first story, one distinct in the second


def test_the_work_dir_lists_complete_unmerged_shards_in_order(tmp_path: Path) -> None:
    work = WorkDir(tmp_path)
    shard = shard_from_documents(_documents()[:1], "r1")
    for name in ("b-000001", "a-000002", "b-000000"):
        work.save(name, shard)
    (work.shards / ".c-000000.partial").mkdir()  # what a killed client leaves half-written
    assert [s.name for s in work.unmerged()] == ["a-000002", "b-000000", "b-000001"]
    first, second, _ = work.unmerged()
    work.mark_merged(first, keep=False)
    work.mark_merged(second, keep=True)
    assert [s.name for s in work.unmerged()] == ["b-000001"]
    assert not first.path.exists() and second.path.exists()
    work.clean()
    assert sorted(p.name for p in work.shards.iterdir()) == ["b-000000", "b-000001"]


def test_a_damaged_shard_is_refused(tmp_path: Path) -> None:
    documents = _documents()
    saved = WorkDir(tmp_path).save("run-000000", shard_from_documents(documents, "r1"))
    other = shard_from_documents([Document(article=make_article(1, "other text"))], "r1")
    (saved.path / "articles.parquet").write_bytes(other.articles)
    with pytest.raises(ScaleError, match="damaged"):
        saved.documents()
