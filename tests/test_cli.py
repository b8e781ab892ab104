"""The CLI as a user runs it: code, query, export, inspect, versions."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.records import SCHEMA_VERSION
from tests.conftest import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "ingest" / "fixtures"
runner = CliRunner()


def test_version_names_schema_and_rules() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert f"schema {SCHEMA_VERSION}" in result.output and "rules " in result.output


def test_events_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "dateline code" in result.output


@pytest.fixture(scope="module")
def coded_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "dateline.duckdb"
    result = runner.invoke(
        app,
        [
            "code",
            str(EXAMPLE),
            "--db",
            str(db),
            "--rejects",
            str(folder / "r.jsonl"),
            "--out",
            str(folder / "run.jsonl"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "read 1, coded 1" in result.output
    return db


@pytest.mark.model
def test_code_example_twice_adds_nothing(coded_example: Path, tmp_path: Path) -> None:
    before = (
        duckdb.connect(str(coded_example), read_only=True)
        .execute("SELECT count(*) FROM events")
        .fetchall()
    )
    result = runner.invoke(
        app,
        ["code", str(EXAMPLE), "--db", str(coded_example), "--rejects", str(tmp_path / "r.jsonl")],
    )
    assert result.exit_code == 0, result.output
    assert "coded 0, skipped (already stored) 1" in result.output
    after = (
        duckdb.connect(str(coded_example), read_only=True)
        .execute("SELECT count(*) FROM events")
        .fetchall()
    )
    assert before == after and before[0][0] > 5
    run_export = coded_example.parent / "run.jsonl"
    assert len(run_export.read_text().splitlines()) == before[0][0]


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "check"),
    [
        (
            ["--dyad", "JPN", "CHN"],
            lambda es: (
                es
                and all(
                    {e["source"]["cameo_code"][:3], e["target"]["cameo_code"][:3]} == {"JPN", "CHN"}
                    for e in es
                )
            ),
        ),
        (
            ["--actor", "PRK"],
            lambda es: (
                es
                and all(
                    "PRK"
                    in (e["source"]["cameo_code"] + ((e["target"] or {}).get("cameo_code") or ""))
                    for e in es
                )
            ),
        ),
        (["--modality", "planned"], lambda es: es and all(e["modality"] == "planned" for e in es)),
        (["--cameo", "04"], lambda es: es and all(e["cameo_root"] == "04" for e in es)),
        (
            ["--until", "2016-12-31"],
            lambda es: es and all(e["date"]["start"] <= "2016-12-31" for e in es),
        ),
        (["--actor", "USA"], lambda es: es == []),
    ],
)
def test_event_filters(coded_example: Path, args: list[str], check) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["events", "--db", str(coded_example), "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert check(events)


@pytest.mark.model
def test_events_csv_and_export(coded_example: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(coded_example), "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("event_id,article_id")
    out = tmp_path / "events.parquet"
    result = runner.invoke(app, ["export", str(out), "--db", str(coded_example)])
    assert result.exit_code == 0, result.output
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}')").fetchall()[0][0] > 5


@pytest.mark.model
def test_inspect_json_shows_every_stage() -> None:
    result = runner.invoke(app, ["inspect", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["article"]["date"] == "2017-04-03"
    assert {"nlp", "time", "actors", "places", "events"} <= set(report["stages"]) | {
        "nlp",
        "time",
        "actors",
        "places",
    }
    assert report["sentences"][0]["tokens"][0]["text"] == "Japan"
    assert any(t["value"] == "2016-11" for t in report["timexes"])
    assert any(m["cameo_code"] == "JPNGOV" and "Abe" in m["text"] for m in report["mentions"])
    assert any(p["name"] == "Lima" and p["country"] == "PER" for p in report["places"])
    assert all(e["rule_id"] and e["evidence"]["trigger"] for e in report["events"])


@pytest.mark.model
def test_code_mixed_directory_and_broken_lines(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(
        app,
        [
            "code",
            str(FIXTURES / "mixed"),
            str(FIXTURES / "broken.jsonl"),
            "--db",
            str(tmp_path / "x.duckdb"),
            "--rejects",
            str(rejects),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    broken = {r["line"] for r in lines if r["file"].endswith("broken.jsonl")}
    assert {2, 4, 5, 6, 7, 8, 9} <= broken
    assert "records rejected" in result.output
    articles = (
        duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
        .execute("SELECT count(*) FROM articles")
        .fetchall()[0][0]
    )
    assert articles >= 5


@pytest.mark.model
def test_timeline_counts_match_the_events(coded_example: Path) -> None:
    result = runner.invoke(
        app, ["timeline", "--db", str(coded_example), "--interval", "year", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()  # what is counted apart goes to stderr
    assert lines[0].startswith("period,") and lines[0].endswith(",total")
    counted = {line.split(",")[0]: int(line.split(",")[-1]) for line in lines[1:]}
    events = [
        json.loads(line)
        for line in runner.invoke(
            app, ["events", "--db", str(coded_example), "--format", "jsonl"]
        ).output.splitlines()
    ]
    # Each event lies in one year or spans more; the per-year counts add up to the first kind.
    in_one_year = [e for e in events if e["date"]["start"][:4] == e["date"]["end"][:4]]
    assert sum(counted.values()) == len(in_one_year) > 0
    assert counted.get("2016-01-01", 0) == sum(
        e["date"]["start"][:4] == "2016" for e in in_one_year
    )
    bad = runner.invoke(app, ["timeline", "--db", str(coded_example), "--by", "actor"])
    assert bad.exit_code == 2 and "quadclass" in bad.output


@pytest.mark.model
def test_inspect_a_stored_article_by_its_id(coded_example: Path) -> None:
    listed = runner.invoke(app, ["events", "--db", str(coded_example), "--format", "jsonl"])
    article_id = json.loads(listed.stdout.splitlines()[0])["article_id"]
    assert not Path(article_id).exists()
    result = runner.invoke(app, ["inspect", article_id, "--db", str(coded_example), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["article"]["id"] == article_id and report["events"]


@pytest.mark.model
def test_eval_places_ends_with_its_figures_in_full() -> None:
    result = runner.invoke(app, ["eval", "places"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    summary = lines[[n for n, line in enumerate(lines) if "places: summary" in line][-1] :]
    text = "\n".join(summary)
    for metric in ("precision", "recall", "f1", "country_accuracy"):
        assert metric in text
    assert "…" not in text and max(len(line) for line in lines) <= 80


@pytest.mark.model
def test_rules_only_codes_without_the_learned_coder_and_recodes_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dateline.rules_version import LEARNED_ENV, rules_version

    # the flag sets the environment for the run's workers; setenv records it as it was, so
    # the monkeypatch puts it back after this test (as "1" and unset both mean on)
    monkeypatch.setenv(LEARNED_ENV, "1")
    rules_version.cache_clear()
    db = str(tmp_path / "d.duckdb")
    rejects = str(tmp_path / "r.jsonl")
    coded = runner.invoke(app, ["code", str(EXAMPLE), "--db", db, "--rejects", rejects])
    assert coded.exit_code == 0, coded.output
    rules_only = runner.invoke(
        app, ["code", str(EXAMPLE), "--db", db, "--rejects", rejects, "--rules-only"]
    )
    assert rules_only.exit_code == 0, rules_only.output
    # stored with the learned coder, so the rules alone code it again rather than skip it
    assert "coded 1, skipped (already stored) 0" in rules_only.output
    rows = (
        duckdb.connect(db, read_only=True)
        .execute("SELECT DISTINCT rules_version FROM articles")
        .fetchall()
    )
    assert [r[0] for r in rows] == [rules_version()] and rules_version().endswith("-rules")
    events = duckdb.connect(db, read_only=True).execute("SELECT record FROM events").fetchall()
    assert events and not any("learned:dyad" in r[0] for r in events)
    os.environ[LEARNED_ENV] = "1"  # the learned coder on again for the tests that follow
    rules_version.cache_clear()
