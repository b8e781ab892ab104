"""Stores for the HTTP tests: one coded by the real pipeline, one from the fake stage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import EXAMPLE
from tests.fakes import FakeEventStage, make_article

from dateline.records import Document

# Synthetic stories coded by the real pipeline beside the example: other dyads,
# other months, conflict as well as cooperation, and markup and quotes in the
# title, the source and a sentence, which must come out as text everywhere.
SYNTHETIC_STORIES: list[dict[str, str]] = [
    {
        "id": "syn-clash",
        "date": "2017-05-10",
        "title": "Border clash <script>window.__pwned=1</script>",
        "source": 'Test "Wire" & <b>Co</b>',
        "text": "Indian troops attacked Pakistani soldiers near the border on Tuesday. "
        "Pakistan condemned India on Wednesday.",
    },
    {
        "id": "syn-clash-2",
        "date": "2017-05-10",
        "title": "Clash on the border",
        "source": "Other Wire",
        "text": "Indian troops attacked Pakistani soldiers on Tuesday near the Line of Control.",
    },
    {
        "id": "syn-aid",
        "date": "2017-06-02",
        "title": "Aid \"quoted\" & 'single'",
        "text": "The United States gave humanitarian aid to Haiti on Friday. "
        "Russia threatened Ukraine with sanctions on Thursday.",
    },
    {
        "id": "syn-script",
        "date": "2017-06-20",
        "title": "Quotes",
        "text": 'China accused Japan of "<script>window.__pwned=2</script>" provocations on Monday. '
        "Japanese Prime Minister Shinzo Abe met South Korean President Moon Jae-in in Seoul "
        "on Sunday.",
    },
]


@pytest.fixture(scope="session")
def coded_db(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Path:
    """A database coded by the real pipeline from the example story and the stories
    above, and its events fused across stories."""
    from dateline.fuse import fuse_store
    from dateline.run import build_pipeline, code_inputs
    from dateline.store import open_store

    folder = tmp_path_factory.mktemp("serve")
    stories = folder / "synthetic.jsonl"
    stories.write_text(
        "".join(json.dumps(story) + "\n" for story in SYNTHETIC_STORIES), encoding="utf-8"
    )
    path = folder / "coded.duckdb"
    with open_store(path) as store:
        summary = code_inputs(
            [EXAMPLE, stories],
            store,
            rejects_path=folder / "rejects.jsonl",
            pipeline=build_pipeline(nlp=nlp),
        )
        assert summary.rejected == 0 and summary.events > 10
        fuse_store(store)
    return path


@pytest.fixture(scope="session")
def fake_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database from the model-free fake stage, for tests that need no real events."""
    from dateline.store import open_store

    path = tmp_path_factory.mktemp("serve-fake") / "fake.duckdb"
    documents = FakeEventStage().process([Document(article=make_article(i)) for i in range(3)])
    with open_store(path) as store:
        store.start_run("run-fake", ["fake"], "test")
        store.write(documents, "run-fake", "test")
        store.finish_run("run-fake", {"read": 3, "coded": 3, "events": 6})
    return path


@pytest.fixture(scope="session")
def fake_client(fake_db: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from dateline.serve import create_app

    with TestClient(create_app(fake_db, rules_version="test")) as client:
        yield client


@pytest.fixture(scope="session")
def client(coded_db: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from dateline.serve import create_app

    with TestClient(create_app(coded_db)) as client:
        yield client


@pytest.fixture(scope="session")
def all_events(client: Any) -> list[dict[str, Any]]:
    """Every stored event record, straight from the store (not through the API)."""
    return list(client.app.state.store.events())
