"""One filter vocabulary: the same filter selects the same events from the CLI, the
HTTP API and Python, and the new aggregates (places, one dyad over time, actor labels).

Model-free: the hand-made store of tests/store/test_export.py, written to a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dateline.cli import app
from dateline.serve.queries import actor_label

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.store.test_export import _store

    from dateline.fuse import fuse_store

    path = tmp_path_factory.mktemp("vocabulary") / "store.duckdb"
    store = _store()
    fuse_store(store)
    store.connection.execute(f"ATTACH '{path}' AS file")
    store.connection.execute("COPY FROM DATABASE memory TO file")
    store.connection.execute("DETACH file")
    store.close()
    return path


@pytest.fixture(scope="module")
def http(db: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from dateline.serve import create_app

    with TestClient(create_app(db, rules_version="test")) as client:
        yield client


# (CLI options, API parameters, Python keyword arguments, events expected)
CASES: list[tuple[list[str], dict[str, str], dict[str, Any], int]] = [
    ([], {}, {}, 3),
    (["--actor", "JPN"], {"actor": "JPN"}, {"actor": "JPN"}, 3),
    (["--dyad", "CHN", "JPN"], {"dyad": "CHN,JPN"}, {"dyad": ("CHN", "JPN")}, 3),
    (["--country", "chn"], {"country": "chn"}, {"country": "chn"}, 3),
    (["--country", "USA"], {"country": "USA"}, {"country": "USA"}, 0),
    (["--cameo", "4"], {"cameo": "4"}, {"cameo": "4"}, 3),
    (["--cameo", "042"], {"cameo": "042"}, {"cameo": "042"}, 1),
    (["--quadclass", "1"], {"quadclass": "1"}, {"quadclass": 1}, 3),
    (["--quadclass", "3"], {"quadclass": "3"}, {"quadclass": 3}, 0),
    (["--modality", "asserted"], {"modality": "asserted"}, {"modality": "asserted"}, 3),
    (["--modality", "planned"], {"modality": "planned"}, {"modality": "planned"}, 0),
    (["--q", "Tokyo"], {"q": "Tokyo"}, {"q": "Tokyo"}, 1),
    (["--since", "2017-01-01"], {"since": "2017-01-01"}, {"since": "2017-01-01"}, 2),
    (["--until", "2016-12-31"], {"until": "2016-12-31"}, {"until": "2016-12-31"}, 1),
]


@pytest.mark.parametrize(("cli", "api", "python", "expected"), CASES, ids=lambda v: str(v))
def test_a_filter_means_the_same_everywhere(
    db: Path, http: Any, cli: list[str], api: dict[str, str], python: dict[str, Any], expected: int
) -> None:
    from dateline import read_events

    result = runner.invoke(app, ["events", "--db", str(db), "--format", "jsonl", *cli])
    assert result.exit_code == 0, result.output
    from_cli = sorted(json.loads(line)["event_id"] for line in result.stdout.splitlines())
    from_api = sorted(
        e["event_id"] for e in http.get("/api/v1/events", params=api).json()["events"]
    )
    from_python = sorted(read_events(db, **python)["event_id"])
    assert from_cli == from_api == from_python
    assert len(from_cli) == expected


def test_fused_filters_match_through_cli_and_api(db: Path, http: Any) -> None:
    answer = http.get("/api/v1/fused", params={"q": "tokyo", "quadclass": 1}).json()
    result = runner.invoke(
        app, ["fused", "--db", str(db), "--q", "tokyo", "--quadclass", "1", "--format", "jsonl"]
    )
    from_cli = [json.loads(line)["fused_id"] for line in result.stdout.splitlines()]
    assert from_cli == [f["fused_id"] for f in answer["fused_events"]] and len(from_cli) == 1


def test_places_aggregate_the_points(http: Any) -> None:
    answer = http.get("/api/v1/places").json()
    by_name = {p["name"]: p for p in answer["places"]}
    assert by_name["Tokyo"]["lat"] == pytest.approx(35.6895) and by_name["Tokyo"]["events"] == 1
    assert by_name["Lima"]["by_quadclass"] == {"1": 1, "2": 0, "3": 0, "4": 0}
    assert answer["without_coordinates"] == 1  # the vaguely dated event has no place
    assert http.get("/api/v1/places", params={"cameo": "042"}).json()["places"][0]["name"] == (
        "Tokyo"
    )


def test_dyad_series_counts_and_goldstein_per_period(http: Any) -> None:
    answer = http.get("/api/v1/dyad_series", params={"dyad": "JPN,CHN"}).json()
    periods = [b["period"] for b in answer["buckets"]]
    assert periods[0] == "2016-11-01" and periods[-1] == "2017-04-01" and len(periods) == 6
    april = answer["buckets"][-1]
    assert april["events"] == 1 and april["mean_goldstein"] == pytest.approx(1.9)
    assert answer["buckets"][1] == {
        "period": "2016-12-01", "events": 0, "mean_goldstein": None, "from_first": 0,
        "cooperation": 0, "conflict": 0,
    }  # fmt: skip
    assert answer["not_in_one_period"] == 1  # PAST_REF: in no period
    assert http.get("/api/v1/dyad_series").status_code == 422


def test_timeline_api_fill_and_undated(http: Any) -> None:
    filled = http.get("/api/v1/timeline", params={"fill": "true"}).json()
    assert len(filled["buckets"]) == 6 and filled["undated"] == 1
    assert len(http.get("/api/v1/timeline").json()["buckets"]) == 2


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("CHNGOV", "China · Government"),
        ("JPN", "Japan"),
        ("PRKMIL", "North Korea · Military"),
        ("IGOUNO", "Inter-governmental organization UNO"),
        ("USAGOVMIL", "United States · Government · Military"),
        ("", ""),
    ],
)
def test_actor_labels_say_what_a_code_is(code: str, label: str) -> None:
    assert actor_label(code) == label


def test_actors_answer_labels_and_names(http: Any) -> None:
    actors = {a["code"]: a for a in http.get("/api/v1/actors").json()["actors"]}
    assert actors["JPNGOV"]["label"] == "Japan · Government"
    assert actors["JPNGOV"]["name"] == "Japan" and actors["JPNGOV"]["names"] == 1
