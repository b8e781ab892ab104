"""Every example in curated.yaml codes as it says (runs the model)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from dateline.actors import ActorStage
from dateline.actors.knowledge import DATA
from dateline.nlp import NlpStage
from dateline.records import Article, Document

EXAMPLES: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "curated.yaml").read_text(encoding="utf-8")
)["examples"]


@pytest.mark.model
@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e['section']}:{n}" for n, e in enumerate(EXAMPLES)]
)
def test_curated_example(example: dict[str, Any], nlp: Any) -> None:
    date = (
        example["date"]
        if isinstance(example["date"], dt.date)
        else dt.date.fromisoformat(example["date"])
    )
    document = Document(Article(id="example", date=date, text=example["text"]))
    NlpStage(nlp).process([document])
    ActorStage().process([document])
    start = example["text"].index(example["mention"])
    end = start + len(example["mention"])
    codes = [m.cameo_code for m in document.mentions if m.start < end and start < m.end]
    assert codes == [example["expected"]]
