"""code_on_dask on a LocalCluster with a model-free pipeline: same store as one process,
rejects kept, re-runs add nothing, one pipeline per worker, a killed client resumes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from dateline.errors import ScaleError
from dateline.run import code_inputs
from dateline.scale import code_on_dask, dask_client
from dateline.store import open_store
from tests.fakes import fake_pipeline
from tests.scale.helpers import (
    counting_pipeline,
    failing_pipeline,
    tables,
    unshardable_pipeline,
    write_corpus,
)

ROOT = Path(__file__).resolve().parents[2]


def test_dask_stores_the_same_as_one_process(tmp_path: Path, dask_client: Any) -> None:
    corpus = tmp_path / "stories.jsonl"
    write_corpus(corpus, 30, broken=(5, 17))
    one, dask = tmp_path / "one.duckdb", tmp_path / "dask.duckdb"
    with open_store(one) as store:
        code_inputs([corpus], store, tmp_path / "r1.jsonl", pipeline=fake_pipeline())
    seen: list[tuple[int, int]] = []
    with open_store(dask) as store:
        summary = code_on_dask(
            [corpus],
            store,
            dask_client,
            tmp_path / "r2.jsonl",
            partition_size=4,
            pipeline_factory=fake_pipeline,
            on_progress=lambda s: seen.append((s.read + s.rejected, s.merged)),
        )
    assert (summary.read, summary.coded, summary.rejected, summary.events) == (28, 28, 2, 56)
    assert (summary.partitions, summary.saved, summary.merged, summary.workers) == (7, 7, 7, 2)
    assert tables(dask) == tables(one)
    assert seen[-1] == (30, 7) and seen == sorted(seen)
    rejects = [json.loads(line) for line in (tmp_path / "r2.jsonl").read_text().splitlines()]
    assert [(r["line"], r["file"].endswith("stories.jsonl")) for r in rejects] == [
        (6, True),
        (18, True),
    ]
    assert (tmp_path / "r2.jsonl").read_text() == (tmp_path / "r1.jsonl").read_text()
    assert not (tmp_path / "dask.duckdb.dask").exists()  # all merged and removed


def test_a_rerun_skips_what_is_stored_and_force_recodes_the_same(
    tmp_path: Path, dask_client: Any
) -> None:
    corpus = tmp_path / "stories.jsonl"
    write_corpus(corpus, 12)
    db = tmp_path / "x.duckdb"
    run = partial(
        code_on_dask,
        [corpus],
        client=dask_client,
        rejects_path=tmp_path / "r.jsonl",
        partition_size=5,
        pipeline_factory=fake_pipeline,
    )
    with open_store(db) as store:
        first = run(store=store)
    before = tables(db)
    with open_store(db) as store:
        again = run(store=store)
        forced = run(store=store, force=True, keep_shards=True)
    assert (first.coded, again.coded, again.skipped, again.partitions) == (12, 0, 12, 0)
    assert (forced.coded, forced.partitions) == (12, 3)
    assert tables(db) == before
    kept = sorted((tmp_path / "x.duckdb.dask" / "shards").iterdir())
    assert len(kept) == 3 and all((shard / "merged").exists() for shard in kept)
    assert not (tmp_path / "r.jsonl").exists()  # no rejects, no file


def test_each_worker_builds_its_pipeline_once(tmp_path: Path, dask_client: Any) -> None:
    corpus = tmp_path / "stories.jsonl"
    write_corpus(corpus, 20)
    log = tmp_path / "builds.log"
    factory = partial(counting_pipeline, str(log))
    for name in ("a", "b"):  # a second run on the same cluster reuses the pipelines
        with open_store(tmp_path / f"{name}.duckdb") as store:
            summary = code_on_dask(
                [corpus], store, dask_client, tmp_path / "r.jsonl", 2, pipeline_factory=factory
            )
        assert summary.partitions == 10
    builds = log.read_text().split()
    assert len(builds) == 2 and len(set(builds)) == 2  # one per worker process, not per task


def test_a_story_a_stage_fails_on_is_a_reject_and_its_partition_is_stored(
    tmp_path: Path, dask_client: Any
) -> None:
    corpus = tmp_path / "stories.jsonl"
    write_corpus(corpus, 12)
    db = tmp_path / "x.duckdb"
    rejects = tmp_path / "r.jsonl"
    with open_store(db) as store:
        summary = code_on_dask(
            [corpus], store, dask_client, rejects, 3, pipeline_factory=failing_pipeline
        )
    assert (summary.read, summary.coded, summary.failed, summary.rejected) == (12, 11, 1, 0)
    stored = [row[0] for row in tables(db)["articles"]]
    assert len(stored) == 11 and "s7" not in stored and "s6" in stored and "s8" in stored
    (reject,) = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert reject["reason"].startswith("coding failed: the events stage raised ValueError")
    assert reject["file"].endswith("stories.jsonl") and reject["line"] == 8
    with open_store(db, read_only=True) as store:
        status = store.connection.execute("SELECT status, rejected FROM runs").fetchall()
    assert status == [("finished", 1)]


def test_a_worker_failure_names_the_partition_and_keeps_whole_shards(
    tmp_path: Path, dask_client: Any
) -> None:
    """A failure outside the guarded stages (here: the worker's shard cannot be
    built) still fails the run cleanly, with whole partitions only."""
    corpus = tmp_path / "stories.jsonl"
    write_corpus(corpus, 12)
    db = tmp_path / "x.duckdb"
    with open_store(db) as store, pytest.raises(ScaleError, match=r"E007.*failed on a worker"):
        code_on_dask(
            [corpus],
            store,
            dask_client,
            tmp_path / "r.jsonl",
            3,
            pipeline_factory=unshardable_pipeline,
        )
    stored = [row[0] for row in tables(db)["articles"]]
    assert len(stored) % 3 == 0 and "s7" not in stored  # whole partitions only
    with open_store(db, read_only=True) as store:
        status = store.connection.execute("SELECT status FROM runs").fetchall()
    assert status == [("failed",)]


def test_a_bad_local_spec_is_refused() -> None:
    with pytest.raises(ScaleError, match="local:2"), dask_client("local:two"):
        pass


def test_an_unreachable_scheduler_is_said_with_what_to_do() -> None:
    with (
        pytest.raises(ScaleError, match=r"E007.*tcp://127\.0\.0\.1:9.*dask scheduler"),
        dask_client("tcp://127.0.0.1:9", timeout="1s"),
    ):
        pass


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from dateline.scale import code_on_dask
    from dateline.store import open_store
    from tests.fakes import fake_pipeline

    def crash_with_a_shard_saved_but_unmerged(summary):
        if summary.merged == 2 and summary.saved > summary.merged:
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no rollback, like a crash

    if __name__ == "__main__":
        db, corpus, scheduler, kill = sys.argv[1:5]
        with open_store(db) as store:
            summary = code_on_dask(
                [corpus], store, scheduler, db + ".rejects", partition_size=3,
                pipeline_factory=fake_pipeline,
                on_progress=crash_with_a_shard_saved_but_unmerged if kill == "kill" else None,
            )
        print(summary.resumed, summary.coded, summary.skipped)
    """
)


def test_killed_client_then_rerun_equals_clean_run(tmp_path: Path, dask_client: Any) -> None:
    corpus = tmp_path / "stories.jsonl"
    write_corpus(corpus, 23, broken=(4,))
    script = tmp_path / "client.py"
    script.write_text(_KILLER.format(root=str(ROOT)))
    scheduler = dask_client.scheduler.address
    clean, crashed = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"

    def client(db: Path, kill: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, script, db, corpus, scheduler, kill]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    first = client(clean, "no")
    assert first.returncode == 0, first.stderr[-3000:]
    killed = client(crashed, "kill")
    assert killed.returncode == -9, killed.stderr[-3000:]
    partial_articles = tables(crashed)["articles"]
    assert len(partial_articles) == 6  # two whole shards merged, nothing else
    saved = list((tmp_path / "crashed.duckdb.dask" / "shards").glob("*/shard.json"))
    assert saved  # at least one shard coded and saved, not merged
    in_saved = sum(json.loads(header.read_text())["articles"] for header in saved)
    rerun = client(crashed, "no")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    resumed, coded, skipped = map(int, rerun.stdout.split())
    assert (resumed, skipped, coded) == (len(saved), 6 + in_saved, 22 - 6 - in_saved)
    assert tables(crashed) == tables(clean)
