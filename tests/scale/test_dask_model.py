"""The real pipeline on two Dask workers stores exactly what one process stores."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from dateline.ingest import read_inputs
from dateline.records import Article
from dateline.run import build_pipeline, code_inputs
from dateline.scale import code_on_dask
from dateline.store import open_store
from tests.conftest import EXAMPLE
from tests.scale.helpers import tables

# Short fictional-style retellings of ordinary diplomatic news (written for this test).
_STORIES = [
    ("2017-04-03", "Japan's foreign minister met his Chinese counterpart in Beijing on Monday."),
    (
        "2017-04-04",
        "North Korea fired a ballistic missile into the sea on Tuesday, South Korea said.",
    ),
    ("2017-04-05", "The United States imposed new sanctions on Iran last week."),
    ("2017-04-06", "Russia accused Ukraine of shelling villages near Donetsk on Wednesday."),
    ("2017-04-07", "France and Germany signed a defence agreement in Paris on Friday."),
    ("2017-04-08", "India will host talks with Pakistan next month, officials said."),
    ("2017-04-09", "Protesters clashed with police in Caracas on Saturday."),
    ("2017-04-10", "Turkey criticised the European Union over its refugee policy."),
    ("2017-04-11", "China urged the United States to show restraint on the Korean peninsula."),
    ("2017-04-12", "Egypt's president visited Saudi Arabia on Wednesday for two days of talks."),
    ("2017-04-13", "Brazil expelled a Venezuelan diplomat on Thursday."),
    ("2017-04-14", "The United Nations condemned the attack on aid workers in Syria."),
    ("2017-04-15", "Japan and South Korea agreed to resume talks on a currency swap."),
    ("2017-04-16", "Israel arrested three Palestinians in the West Bank on Sunday."),
    ("2017-04-17", "Kenya deployed troops to its border with Somalia last month."),
    ("2017-04-18", "Britain praised Nigeria for holding peaceful elections."),
    ("2017-04-19", "Iran threatened to close the Strait of Hormuz, a senior commander said."),
    ("2017-04-20", "Mexico rejected the American plan to build a wall on the border."),
    ("2017-04-21", "Germany's chancellor will meet the Russian president in Sochi in May."),
    ("2017-04-22", "Australia denied that it had spied on Indonesia."),
]


@pytest.mark.model
def test_dask_with_the_model_stores_the_same_as_one_process(
    tmp_path: Path, nlp: Any, dask_client: Any
) -> None:
    stories = tmp_path / "stories.jsonl"
    stories.write_text(
        "".join(
            json.dumps({"id": f"t{i}", "date": date, "title": "", "text": text}) + "\n"
            for i, (date, text) in enumerate(_STORIES)
        ),
        encoding="utf-8",
    )
    inputs = [EXAMPLE, stories]
    one, dask = tmp_path / "one.duckdb", tmp_path / "dask.duckdb"
    with open_store(one) as store:
        single = code_inputs(inputs, store, tmp_path / "r1.jsonl", pipeline=build_pipeline(nlp))
    with open_store(dask) as store:
        scaled = code_on_dask(inputs, store, dask_client, tmp_path / "r2.jsonl", partition_size=6)
    assert (scaled.read, scaled.coded, scaled.partitions) == (21, 21, 4)
    assert scaled.events == single.events > 10
    assert tables(dask) == tables(one)


@pytest.mark.model
@pytest.mark.corpus
def test_dask_on_reuters_stories_stores_the_same_as_one_process(
    tmp_path: Path, nlp: Any, dask_client: Any, shared_data: Path
) -> None:
    corpus = shared_data / "news" / "reuters21578" / "reut2-012.sgm"
    read = [a for a in islice(read_inputs([corpus]), 40) if isinstance(a, Article)]
    stories = tmp_path / "reuters.jsonl"  # the same stories for both runs, kept out of the repo
    stories.write_text(
        "".join(
            json.dumps({"id": a.id, "date": a.date.isoformat(), "title": a.title, "text": a.text})
            + "\n"
            for a in read
        ),
        encoding="utf-8",
    )
    one, dask = tmp_path / "one.duckdb", tmp_path / "dask.duckdb"
    with open_store(one) as store:
        code_inputs([stories], store, tmp_path / "r1.jsonl", pipeline=build_pipeline(nlp))
    with open_store(dask) as store:
        scaled = code_on_dask([stories], store, dask_client, tmp_path / "r2.jsonl", 8)
    assert scaled.coded == len(read) > 30 and scaled.partitions == 5
    assert tables(dask) == tables(one)
    assert tables(one)["events"]


@pytest.mark.model
def test_the_cli_codes_on_dask(tmp_path: Path, nlp: Any, dask_client: Any) -> None:
    from typer.testing import CliRunner

    from dateline.cli import app

    stories = tmp_path / "stories.jsonl"
    date, text = _STORIES[0]
    stories.write_text(
        json.dumps({"id": "t0", "date": date, "text": text}) + '\n{"id": "cut\n', encoding="utf-8"
    )
    db, rejects = tmp_path / "cli.duckdb", tmp_path / "rejects.jsonl"
    address = dask_client.scheduler.address
    command = ["code", str(EXAMPLE), str(stories), "--db", str(db), "--rejects", str(rejects)]
    result = CliRunner().invoke(app, [*command, "--dask", address])
    assert result.exit_code == 0, result.output
    assert "read 2, coded 2" in result.output and "rejected 1" in result.output
    assert json.loads(rejects.read_text())["line"] == 2
    assert not (tmp_path / "cli.duckdb.dask").exists()
    with open_store(tmp_path / "one.duckdb") as store:
        code_inputs([EXAMPLE, stories], store, tmp_path / "r.jsonl", pipeline=build_pipeline(nlp))
    assert tables(db) == tables(tmp_path / "one.duckdb")
    again = CliRunner().invoke(app, [*command, "--dask", address])
    assert "coded 0, skipped (already stored) 2" in again.output
    assert tables(db) == tables(tmp_path / "one.duckdb")
