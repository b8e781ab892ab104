"""On Dask too, a story a stage fails on or hangs on is a reject and the rest is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dateline.scale import code_on_dask
from dateline.store import open_store
from tests.reliability_helpers import FAST, check_troubled_run, trouble_pipeline, troubled_corpus


def test_a_failing_and_a_hanging_story_on_dask(tmp_path: Path, dask_client: Any) -> None:

    corpus, db, rejects = tmp_path / "s.jsonl", tmp_path / "x.duckdb", tmp_path / "r.jsonl"
    troubled_corpus(corpus)
    with open_store(db) as store:
        summary = code_on_dask(
            [corpus], store, dask_client, rejects, 4, pipeline_factory=trouble_pipeline,
            budget=FAST,
        )  # fmt: skip
    check_troubled_run(summary, db, rejects)
