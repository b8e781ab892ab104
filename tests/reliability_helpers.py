"""Picklable stages and factories for the reliability tests (worker processes and
Dask workers import them by name, so they live in a module, not a test file)."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from dateline.guard import TimeBudget
from dateline.pipeline import Pipeline
from dateline.records import Document
from dateline.store import open_store
from tests.fakes import FakeEventStage
from tests.scale.helpers import tables


class TroubleStage:
    """Raises on a story whose text holds 'boom', spins forever on one holding 'hang'."""

    name = "trouble"
    requires = frozenset({"article"})
    provides = frozenset()

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            if "boom" in document.article.text:
                raise RecursionError("maximum recursion depth exceeded")
            if "hang" in document.article.text:
                spins = 0
                while True:  # a stage gone quadratic, as far as anyone can tell
                    spins += 1
        return batch


class SlowStage:
    """Takes a while per story, in Python, so a worker is busy when its parent dies."""

    name = "slow"
    requires = frozenset({"article"})
    provides = frozenset()

    def process(self, batch: list[Document]) -> list[Document]:
        for _ in batch:
            until = time.monotonic() + 0.3
            while time.monotonic() < until:
                pass
        return batch


class DyingStage:
    """Kills its own worker process on a story whose text holds 'die' (an OOM kill, a
    segfault in native code)."""

    name = "dying"
    requires = frozenset({"article"})
    provides = frozenset()

    def process(self, batch: list[Document]) -> list[Document]:
        if any("die" in document.article.text for document in batch):
            os.kill(os.getpid(), signal.SIGKILL)
        return batch


def dying_pipeline() -> Pipeline:
    return Pipeline([FakeEventStage(), DyingStage()], batch_size=4)


def trouble_pipeline() -> Pipeline:
    return Pipeline([FakeEventStage(), TroubleStage()], batch_size=4)


def slow_pipeline() -> Pipeline:
    return Pipeline([FakeEventStage(), SlowStage()], batch_size=2)


FAST = TimeBudget(base=2.0, per_1000_chars=0.0)


def troubled_corpus(path: Path) -> None:
    stories = []
    for i in range(10):
        text = f"Story {i}. Japan met China."
        if i == 3:
            text += " boom"
        if i == 6:
            text += " hang"
        stories.append(json.dumps({"id": f"s{i}", "date": "2017-04-03", "text": text}))
    path.write_text("\n".join(stories) + "\n", encoding="utf-8")


def check_troubled_run(summary: Any, db: Path, rejects: Path) -> None:
    assert (summary.read, summary.coded, summary.failed, summary.rejected) == (10, 8, 2, 0)
    assert summary.read == summary.coded + summary.skipped + summary.failed
    stored = {row[0] for row in tables(db)["articles"]}
    assert stored == {f"s{i}" for i in range(10)} - {"s3", "s6"}
    rows = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    by_line = {row["line"]: row["reason"] for row in rows}
    assert by_line[4].startswith("coding failed: the trouble stage raised RecursionError")
    assert by_line[7].startswith("too slow: the trouble stage ran past its budget of 2 s")
    with open_store(db, read_only=True) as store:
        runs = store.connection.execute("SELECT status, rejected FROM runs").fetchall()
    assert runs == [("finished", 2)]
