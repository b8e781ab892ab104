from __future__ import annotations

from pathlib import Path

import pytest

from dateline.errors import PipelineOrderError
from dateline.pipeline import Pipeline
from dateline.records import Document
from tests.fakes import FakeEventStage, make_article


class _Stage:
    def __init__(self, name: str, requires: set[str], provides: set[str]) -> None:
        self.name = name
        self.requires = frozenset(requires)
        self.provides = frozenset(provides)
        self.batches: list[int] = []

    def process(self, batch: list[Document]) -> list[Document]:
        self.batches.append(len(batch))
        return batch


def test_order_is_checked_when_built() -> None:
    nlp = _Stage("nlp", {"article"}, {"spacy_doc"})
    events = _Stage("events", {"spacy_doc", "timexes"}, {"events"})
    with pytest.raises(PipelineOrderError, match=r"E001.*'events' requires \['timexes'\]"):
        Pipeline([nlp, events])
    time = _Stage("time", {"spacy_doc"}, {"timexes"})
    pipeline = Pipeline([nlp, time, events])
    assert pipeline.names == ("nlp", "time", "events")
    assert pipeline.provides == {"article", "spacy_doc", "timexes", "events"}


def test_runs_in_batches_and_records_what_was_provided() -> None:
    stage = _Stage("nlp", {"article"}, {"spacy_doc"})
    pipeline = Pipeline([stage, FakeEventStage()], batch_size=4)
    done = list(pipeline.run(Document(article=make_article(i)) for i in range(10)))
    assert stage.batches == [4, 4, 2]
    assert [d.article.id for d in done] == [f"a{i}" for i in range(10)]
    assert all(d.provided == {"article", "spacy_doc", "events"} for d in done)
    assert all(len(d.events) == 2 for d in done)


def test_rules_version_covers_coding_rules_not_fusion() -> None:
    # A changed time rule re-codes stories; a changed fusion rule only re-fuses them.
    import dateline
    from dateline.rules_version import rule_files

    package = Path(dateline.__file__).parent
    parts = {path.relative_to(package).parts[0] for path in rule_files()}
    assert {"time", "actors", "events", "codes", "places"} <= parts
    assert "fuse" not in parts
