"""Every command with bad arguments, bad paths and a locked database: a one-line
error with its code, never a traceback; and tables that fit 80 columns.

Usage errors (a bad option value) are click's: exit status 2 and one `Error:` line.
Errors of use (no database, a path that cannot be written, a database another
process holds) are dateline's: exit status 1 and one `error: [E0..]` line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.records import Document
from tests.fakes import FakeEventStage, make_article

runner = CliRunner()


@pytest.fixture(scope="module")
def fake_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fused store of hand-made events (no model)."""
    from dateline.fuse import fuse_store
    from dateline.store import open_store

    path = tmp_path_factory.mktemp("cli-errors") / "fake.duckdb"
    documents = FakeEventStage().process([Document(article=make_article(i)) for i in range(4)])
    with open_store(path) as store:
        store.start_run("run-fake", ["fake"], "test")
        store.write(documents, "run-fake", "test")
        store.finish_run("run-fake", {"read": 4})
        fuse_store(store)
    return path


def _one_error_line(output: str, prefix: str) -> str:
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, output
    return lines[0]


def _dateline_error(result: object) -> str:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, output  # type: ignore[attr-defined]
    assert result.exception is None or isinstance(result.exception, SystemExit), output  # type: ignore[attr-defined]
    line = _one_error_line(output, "error: [E0")
    return line


# (arguments with {db} for a database and {missing} for a path that does not exist)
USAGE_ERRORS: list[list[str]] = [
    ["events", "--db", "{db}", "--cameo", "4x"],
    ["events", "--db", "{db}", "--country", "China"],
    ["events", "--db", "{db}", "--quadclass", "7"],
    ["events", "--db", "{db}", "--modality", "maybe"],
    ["events", "--db", "{db}", "--format", "xml"],
    ["events", "--db", "{db}", "--since", "2017-13-01"],
    ["events", "--db", "{db}", "--since", "2018-01-01", "--until", "2017-01-01"],
    ["timeline", "--db", "{db}", "--by", "actor"],
    ["timeline", "--db", "{db}", "--interval", "decade"],
    ["export", "{missing}.csv", "--db", "{db}", "--layout", "acled"],
    ["export", "{missing}.csv", "--db", "{db}", "--format", "xlsx"],
    ["export", "{missing}", "--db", "{db}", "--partition", "week"],
    ["fused", "--db", "{db}", "--format", "xml"],
    ["fused", "--db", "{db}", "--min-reports", "0"],
    ["serve", "--db", "{db}", "--port", "99999"],
    ["fuse", "--db", "{db}", "--window-days", "-1"],
    ["eval", "events", "--suite", "nonsense"],
    ["eval", "actors", "--suite", "nonsense"],
    ["eval", "fusion", "--mode", "nonsense"],
    ["code"],
    ["nonsense-command"],
]

USE_ERRORS: list[list[str]] = [
    ["events", "--db", "{missing}.duckdb"],
    ["timeline", "--db", "{missing}.duckdb"],
    ["export", "out.csv", "--db", "{missing}.duckdb"],
    ["fused", "--db", "{missing}.duckdb"],
    ["fuse", "--db", "{missing}.duckdb"],
    ["serve", "--db", "{missing}.duckdb"],
    ["export", "{missing}/sub/events.csv", "--db", "{db}"],
    ["export", "{missing}/events.xlsx", "--db", "{db}"],
    ["export", "{tmp}/events.csv", "--db", "{db}", "--layout", "plover"],
    ["fused", "--db", "{db}", "--out", "{missing}/sub/fused.csv"],
    ["inspect", "no-such-story", "--db", "{db}"],
    ["inspect", "no-such-story", "--db", "{missing}.duckdb"],
    ["eval", "actors", "--cases", "{missing}.tsv"],
    ["eval", "actors", "--suite", "real", "--split", "nonsense"],
    ["eval", "time", "--corpus", "{missing}"],
]


def _fill(args: list[str], db: Path, tmp_path: Path) -> list[str]:
    missing = str(tmp_path / "missing")
    return [a.format(db=db, missing=missing, tmp=tmp_path) for a in args]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_bad_arguments_give_one_usage_error(args: list[str], fake_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, _fill(args, fake_db, tmp_path))
    assert result.exit_code == 2, result.output
    _one_error_line(result.output, "Error:")


@pytest.mark.parametrize("args", USE_ERRORS, ids=" ".join)
def test_bad_paths_give_one_coded_error(args: list[str], fake_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, _fill(args, fake_db, tmp_path))
    _dateline_error(result)


@pytest.fixture
def locked_db(fake_db: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the store held open for writing by another process, as `dateline
    code` or a second writer would hold it."""
    path = tmp_path / "locked.duckdb"
    path.write_bytes(fake_db.read_bytes())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield path
    finally:
        holder.kill()
        holder.wait(timeout=10)


@pytest.mark.parametrize(
    "args",
    [
        ["events", "--db", "{db}"],
        ["timeline", "--db", "{db}"],
        ["fused", "--db", "{db}"],
        ["fuse", "--db", "{db}"],
        ["export", "{tmp}/out.parquet", "--db", "{db}"],
    ],
    ids=" ".join,
)
def test_a_locked_database_says_who_holds_it(
    args: list[str], locked_db: Path, tmp_path: Path
) -> None:
    start = time.monotonic()
    result = runner.invoke(app, _fill(args, locked_db, tmp_path))
    line = _dateline_error(result)
    assert "[E005]" in line and "in use by another dateline" in line
    assert "stop `dateline serve`" in line and "-readonly" not in line
    assert time.monotonic() - start < 30


def test_events_table_fits_80_columns(fake_db: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(fake_db)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "2016-11" in result.output and "JPNGOV" in result.output


def test_fused_table_fits_80_columns_and_modality_is_one_word(fake_db: Path) -> None:
    result = runner.invoke(app, ["fused", "--db", str(fake_db)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    rows = [line for line in result.output.splitlines() if "2016-11" in line]
    assert rows and all("asserted" in row or "planned" in row for row in rows)


def test_timeline_numbers_in_full_and_every_period(fake_db: Path) -> None:
    table = runner.invoke(
        app, ["timeline", "--db", str(fake_db), "--by", "root", "--interval", "year"],
        env={"COLUMNS": "80"},
    )  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "…" not in table.output and "2016" in table.output
    result = runner.invoke(
        app, ["timeline", "--db", str(fake_db), "--interval", "month", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert lines[0] == "period,1,2,3,4,total"
    assert [line.split(",")[0] for line in lines[1:]] == ["2016-11-01"]
    days = runner.invoke(
        app,
        ["timeline", "--db", str(fake_db), "--interval", "week", "--format", "jsonl"],
    )
    periods = [json.loads(line)["period"] for line in days.stdout.splitlines() if line]
    # Events of a month are not pinned to one of its weeks: counted apart, said on stderr.
    assert periods == [] and "more coarsely than a week" in days.output


def test_fused_csv_and_export_filters(fake_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["fused", "--db", str(fake_db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split(",")
    assert {"goldstein", "quad_class", "location_lat"} <= set(header)
    out = tmp_path / "gdelt.tsv"
    result = runner.invoke(
        app,
        ["export", str(out), "--db", str(fake_db), "--layout", "gdelt", "--country", "CHN",
         "--quadclass", "1", "--cameo", "4", "--q", "japan"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 8 and all(len(row.split("\t")) == 61 for row in rows)
    none = runner.invoke(app, ["events", "--db", str(fake_db), "--q", "nowhere", "--format", "csv"])
    assert none.stdout.splitlines()[1:] == []
