"""`rules_version` sees every change that can change the output, and a re-run honours it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import dateline
import dateline.run
from dateline.pipeline import Pipeline
from dateline.rules_version import package_digest
from dateline.run import code_inputs
from dateline.store import open_store
from tests.fakes import FakeEventStage

PACKAGE = Path(dateline.__file__).parent


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "dateline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _touch(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n")


@pytest.mark.parametrize(
    "changed",
    [
        "events/engine.py",  # a branch in an engine
        "actors/data/agents.tsv",  # a word list / knowledge file
        "events/rules/event_additions.yaml",  # verb patterns
        "time/__init__.py",  # another coding stage
        "records.py",  # the record every stage fills
    ],
)
def test_a_change_to_coding_code_or_rules_changes_the_version(
    package_copy: Path, changed: str
) -> None:
    before = package_digest(package_copy)
    _touch(package_copy / changed)
    assert package_digest(package_copy) != before


@pytest.mark.parametrize("changed", ["serve/app.py", "fuse/rules/fusion.yaml", "cli.py"])
def test_a_change_outside_coding_keeps_the_version(package_copy: Path, changed: str) -> None:
    before = package_digest(package_copy)
    _touch(package_copy / changed)
    assert package_digest(package_copy) == before


def test_a_new_version_recodes_a_stored_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "stories.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(
                {"id": f"s{i}", "date": "2017-04-03", "text": f"Story {i}. Japan met China."}
            )
            for i in range(3)
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "x.duckdb"
    pipeline = Pipeline([FakeEventStage()], 4)
    monkeypatch.setattr(dateline.run, "rules_version", lambda: "old")
    with open_store(db) as store:
        assert code_inputs([corpus], store, tmp_path / "r.jsonl", pipeline=pipeline).coded == 3
    with open_store(db) as store:  # same version: nothing to do
        assert code_inputs([corpus], store, tmp_path / "r.jsonl", pipeline=pipeline).coded == 0
    monkeypatch.setattr(dateline.run, "rules_version", lambda: "new")
    with open_store(db) as store:  # an edited engine or word list: every story is coded again
        summary = code_inputs([corpus], store, tmp_path / "r.jsonl", pipeline=pipeline)
        assert summary.coded == 3
        versions = store.connection.execute(
            "SELECT DISTINCT rules_version FROM articles"
        ).fetchall()
    assert versions == [("new",)]
