"""Picklable pipeline factories and table snapshots for the Dask tests.

They live in an importable module (not a test file) so Dask workers can load
them by name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dateline.pipeline import Pipeline
from dateline.records import Document
from dateline.store import open_store
from tests.fakes import FakeEventStage


def counting_pipeline(log: str) -> Pipeline:
    """The fake pipeline, logging one line per build (with the building process's id)."""
    with Path(log).open("a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    return Pipeline([FakeEventStage()], batch_size=4)


class FailingStage:
    name = "events"
    requires = frozenset({"article"})
    provides = frozenset({"events"})

    def process(self, batch: list[Document]) -> list[Document]:
        if any(document.article.id == "s7" for document in batch):
            raise ValueError("this stage cannot code s7")
        return FakeEventStage().process(batch)


def failing_pipeline() -> Pipeline:
    return Pipeline([FailingStage()], batch_size=4)


def write_corpus(path: Path, n: int, broken: tuple[int, ...] = ()) -> None:
    """`n` one-line JSONL stories; the lines in `broken` are cut short."""
    lines = []
    for i in range(n):
        story = {
            "id": f"s{i}",
            "date": "2017-04-03",
            "title": "t",
            "text": f"Story {i}. Japan met China.",
        }
        lines.append('{"id": "broken", "date": ' if i in broken else json.dumps(story))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored article and event, all columns but the run that wrote them."""
    with open_store(db, read_only=True) as store:
        con = store.connection
        return {
            "articles": con.execute(
                "SELECT * EXCLUDE (run_id) FROM articles ORDER BY article_id"
            ).fetchall(),
            "events": con.execute("SELECT * FROM events ORDER BY event_id").fetchall(),
        }


class BrokenEventStage:
    """Gives s7 an event that is not an `Event`: the stage passes, building the shard fails."""

    name = "events"
    requires = frozenset({"article"})
    provides = frozenset({"events"})

    def process(self, batch: list[Document]) -> list[Document]:
        batch = FakeEventStage().process(batch)
        for document in batch:
            if document.article.id == "s7":
                document.events = ("not an event",)  # type: ignore[assignment]
        return batch


def unshardable_pipeline() -> Pipeline:
    return Pipeline([BrokenEventStage()], batch_size=4)
