"""The Python recipes of docs/analysis.md, run as written against a small store.

Each ```python block runs in a fresh folder holding `dateline.duckdb` (the
hand-made events of tests/store/test_export.py, fused); an exception fails it.
The R and shell blocks are shown to readers and not run here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "analysis.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)

pytest.importorskip("pandas")
pytest.importorskip("polars")
pytest.importorskip("pyarrow")


@pytest.fixture
def in_folder_with_store(tmp_path: Path) -> Iterator[Path]:
    from dateline.fuse import fuse_store
    from tests.store.test_export import _store

    store = _store()
    fuse_store(store)
    store.connection.execute(f"ATTACH '{tmp_path / 'dateline.duckdb'}' AS file")
    store.connection.execute("COPY FROM DATABASE memory TO file")
    store.connection.execute("DETACH file")
    store.close()
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def test_the_doc_has_recipes() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("block", BLOCKS, ids=[f"recipe{n}" for n in range(len(BLOCKS))])
def test_recipe_runs(block: str, in_folder_with_store: Path) -> None:
    exec(compile(block, f"{DOC}:recipe", "exec"), {"__name__": "recipe"})
