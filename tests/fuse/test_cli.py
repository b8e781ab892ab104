"""`dateline fuse`, `dateline fused` and `dateline eval fusion`, in process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.store import open_store
from tests.fuse.builders import make_document

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "news.duckdb"
    day = dt.date(2017, 3, 2)
    with open_store(path) as store:
        store.write(
            [
                make_document("a1", day, ["JPNGOV CHN 040 asserted 2017-03-01 CHN"], "Wire A"),
                make_document("a2", day, ["CHN JPN 040 asserted 2017-03-01 CHN"], "Wire B"),
                make_document("a3", day, ["PRK USA 111 asserted 2017-02-20"], "Wire A"),
            ],
            "run",
            "test",
        )
    return path


def test_fuse_then_list_export_and_rerun(database: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["fuse", "--db", str(database)])
    assert result.exit_code == 0, result.output
    assert "2 fused events from 3 events" in " ".join(result.output.split())
    listed = runner.invoke(app, ["fused", "--db", str(database), "--format", "jsonl"])
    records = [json.loads(line) for line in listed.output.splitlines()]
    assert [r["n_reports"] for r in records] == [1, 2]  # date order: 20 Feb, then 1 March
    assert records[1]["n_sources"] == 2 and records[1]["source_code"] in {"JPNGOV", "CHN"}
    several = runner.invoke(
        app, ["fused", "--db", str(database), "--min-reports", "2", "--format", "jsonl"]
    )
    assert len(several.output.splitlines()) == 1
    table = runner.invoke(app, ["fused", "--db", str(database), "--dyad", "JPN", "CHN"])
    assert table.exit_code == 0 and "1 fused events" in table.output
    out = tmp_path / "fused.csv"
    exported = runner.invoke(app, ["fused", "--db", str(database), "--out", str(out)])
    assert exported.exit_code == 0 and out.read_text().count("\n") == 3  # header + 2
    again = runner.invoke(app, ["fuse", "--db", str(database), "--window-days", "0"])
    assert again.exit_code == 0 and "(2 stale fused events redone)" in again.output
    rebuilt = runner.invoke(app, ["fuse", "--db", str(database), "--rebuild"])
    assert rebuilt.exit_code == 0


def test_fused_says_what_to_do_without_fusion(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["fused", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1
    old = tmp_path / "old.duckdb"
    import duckdb

    duckdb.connect(str(old)).close()  # a database without the fusion tables
    result = runner.invoke(app, ["fused", "--db", str(old)])
    assert result.exit_code == 1 and "dateline fuse" in result.output
    bad = runner.invoke(app, ["fused", "--db", str(old), "--format", "xml"])
    assert bad.exit_code != 0


def test_eval_fusion_oracle_json() -> None:
    result = runner.invoke(app, ["eval", "fusion", "--mode", "oracle", "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)["metrics"]
    assert metrics["fusion.oracle.pair_f1"] >= 0.95
    wrong = runner.invoke(app, ["eval", "fusion", "--mode", "nonsense"])
    assert wrong.exit_code != 0
