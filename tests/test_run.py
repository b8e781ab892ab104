"""The runner: rejects are kept, re-runs add nothing, a killed run can be run again."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from dateline.pipeline import Pipeline
from dateline.run import code_inputs
from dateline.store import open_store
from tests.fakes import FakeEventStage

ROOT = Path(__file__).resolve().parents[1]


def _write_corpus(path: Path, n: int, broken: tuple[int, ...] = ()) -> None:
    lines = []
    for i in range(n):
        if i in broken:
            lines.append('{"id": "broken", "date": ')
        else:
            lines.append(
                json.dumps(
                    {
                        "id": f"s{i}",
                        "date": "2017-04-03",
                        "title": "t",
                        "text": f"Story {i}. Japan met China.",
                    }
                )
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _table(db: Path) -> list[tuple[object, ...]]:
    with open_store(db, read_only=True) as store:
        rows = store.connection.execute(
            "SELECT e.event_id, e.article_id, e.modality FROM events e ORDER BY e.event_id"
        ).fetchall()
        articles = store.connection.execute("SELECT article_id FROM articles ORDER BY 1").fetchall()
    return rows + articles


def test_rejects_are_written_and_the_run_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "stories.jsonl"
    _write_corpus(corpus, 10, broken=(3, 7))
    rejects = tmp_path / "rejects.jsonl"
    with open_store(":memory:") as store:
        summary = code_inputs([corpus], store, rejects, pipeline=Pipeline([FakeEventStage()], 4))
        assert store.counts()["articles"] == 8
    assert (summary.read, summary.rejected, summary.coded, summary.events) == (8, 2, 8, 16)
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["line"] for r in lines] == [4, 8]
    assert all(r["file"].endswith("stories.jsonl") and r["reason"] for r in lines)


def test_rerun_skips_stored_articles(tmp_path: Path) -> None:
    corpus = tmp_path / "stories.jsonl"
    _write_corpus(corpus, 6)
    db = tmp_path / "x.duckdb"
    pipeline = Pipeline([FakeEventStage()], 4)
    with open_store(db) as store:
        first = code_inputs([corpus], store, tmp_path / "r.jsonl", pipeline=pipeline)
    before = _table(db)
    with open_store(db) as store:
        second = code_inputs([corpus], store, tmp_path / "r.jsonl", pipeline=pipeline)
    assert (first.coded, second.coded, second.skipped) == (6, 0, 6)
    assert _table(db) == before
    with open_store(db) as store:
        forced = code_inputs([corpus], store, tmp_path / "r.jsonl", pipeline=pipeline, force=True)
    assert forced.coded == 6
    assert _table(db) == before


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from dateline.pipeline import Pipeline
    from dateline.run import code_inputs
    from dateline.store import open_store
    from tests.fakes import FakeEventStage

    class KillOnBatch:
        name = "killer"
        requires = frozenset({{"article"}})
        provides = frozenset()
        def __init__(self, at):
            self.at, self.seen = at, 0
        def process(self, batch):
            self.seen += 1
            if self.seen == self.at:
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no rollback, like a crash
            return batch

    at = int(sys.argv[3])
    stages = [FakeEventStage()] + ([KillOnBatch(at)] if at else [])
    with open_store(sys.argv[1]) as store:
        code_inputs([sys.argv[2]], store, sys.argv[1] + ".rejects", pipeline=Pipeline(stages, 5))
    """
)


def test_killed_run_then_rerun_equals_clean_run(tmp_path: Path) -> None:
    corpus = tmp_path / "stories.jsonl"
    _write_corpus(corpus, 23)
    script = tmp_path / "run.py"
    script.write_text(_KILLER.format(root=str(ROOT)))
    clean, crashed = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
    subprocess.run([sys.executable, script, clean, corpus, "0"], check=True)
    killed = subprocess.run([sys.executable, script, crashed, corpus, "3"])
    assert killed.returncode == -9
    partial = _table(crashed)
    assert 0 < len(partial) < len(_table(clean))  # two whole batches landed, nothing else
    subprocess.run([sys.executable, script, crashed, corpus, "0"], check=True)
    assert _table(crashed) == _table(clean)
    with open_store(crashed, read_only=True) as store:
        runs = store.connection.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    assert runs == [("aborted",), ("finished",)]  # the killed run is not left 'running'


def test_worker_processes_store_the_same_as_one_process(tmp_path: Path) -> None:
    from tests.fakes import fake_pipeline

    corpus = tmp_path / "stories.jsonl"
    _write_corpus(corpus, 30, broken=(5,))
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    with open_store(one) as store:
        code_inputs(
            [corpus], store, tmp_path / "r1.jsonl", pipeline_factory=fake_pipeline, batch_size=4
        )
    with open_store(two) as store:
        summary = code_inputs(
            [corpus],
            store,
            tmp_path / "r2.jsonl",
            pipeline_factory=fake_pipeline,
            batch_size=4,
            processes=2,
        )
    assert (summary.read, summary.coded, summary.rejected, summary.events) == (29, 29, 1, 58)
    assert _table(two) == _table(one)
