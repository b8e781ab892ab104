"""The shipped knowledge files equal a fresh build from ../shared/data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from dateline.actors.knowledge import DATA

ROOT = Path(__file__).resolve().parents[2]
COMPILED = (
    "countries.tsv",
    "organisations.tsv",
    "people.tsv",
    "roles.tsv",
    "agents.tsv",
    "name_origins.tsv",
)


def _without_build_date(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("# built:")
    ]


@pytest.mark.corpus
def test_compiled_files_match_a_fresh_build(shared_data: Path, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_actors", ROOT / "scripts" / "build_actors.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_actors"] = (
        module  # dataclasses look their module up while the class is built
    )
    spec.loader.exec_module(module)
    module.build(shared_data, tmp_path)
    for name in COMPILED:
        fresh, shipped = _without_build_date(tmp_path / name), _without_build_date(DATA / name)
        assert fresh == shipped, f"{name} differs from a fresh build: run scripts/build_actors.py"
