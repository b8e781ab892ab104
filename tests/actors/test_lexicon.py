"""The actors lexicon: every example of every word list codes as it says (runs the
model), and a bad file is refused with E002."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.actors import ActorKnowledge, ActorStage
from dateline.actors.lexicon import LEXICON_PATH, examples, load_lexicon
from dateline.errors import RuleDataError
from dateline.nlp import NlpStage
from dateline.records import Article, Document

EXAMPLES = examples()
# Fictional Phoenix dictionaries for the lists only PETRARCH-format knowledge uses.
PHOENIX_ACTORS = "ARNOR_ [ARN]\n+ARNORIAN\nGONDOR [GON]\n"
PHOENIX_AGENTS = "FOREIGN_MINISTER [~GOV]\nFINANCE_MINIST [~GOV]\n"


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory: pytest.TempPathFactory) -> ActorKnowledge:
    folder = tmp_path_factory.mktemp("phoenix")
    actors, agents = folder / "lexicon.actors.txt", folder / "lexicon.agents.txt"
    actors.write_text(PHOENIX_ACTORS, encoding="utf-8")
    agents.write_text(PHOENIX_AGENTS, encoding="utf-8")
    return ActorKnowledge.from_phoenix([actors], agents)


@pytest.mark.model
@pytest.mark.parametrize(
    "name,example",
    EXAMPLES,
    ids=[
        f"{name}:{sum(1 for n, _ in EXAMPLES[:i] if n == name)}"
        for i, (name, _) in enumerate(EXAMPLES)
    ],
)
def test_lexicon_example(
    name: str, example: dict[str, Any], nlp: Any, phoenix: ActorKnowledge
) -> None:
    date = example["date"]
    assert isinstance(date, dt.date)
    document = Document(Article(id="example", date=date, text=example["text"]))
    NlpStage(nlp).process([document])
    knowledge = phoenix if example.get("knowledge") == "phoenix" else None
    ActorStage(knowledge).process([document])
    start = example["text"].index(example["mention"])
    end = start + len(example["mention"])
    codes = [m.cameo_code for m in document.mentions if m.start < end and start < m.end]
    expected = [] if example["expected"] is None else [example["expected"]]
    assert codes == expected, f"{name}: {example['text']!r}"


def test_the_package_lexicon_loads() -> None:
    lexicon = load_lexicon()
    assert "treasury" in lexicon.bare_institutions
    assert lexicon.successors["RUS"] == ("SUN", dt.date(1991, 12, 26))


def _broken(tmp_path: Path, edit: Any) -> Path:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "lexicon.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda d: d.pop("licence"), "header lacks"),
        (lambda d: d["lists"].pop("pronouns"), "missing ['pronouns']"),
        (lambda d: d["lists"].update(extra=d["lists"]["pronouns"]), "unknown ['extra']"),
        (lambda d: d["lists"]["pronouns"].pop("why"), "needs a one-line 'why'"),
        (lambda d: d["lists"]["pronouns"].update(examples=[]), "at least one example"),
        (lambda d: d["lists"]["pronouns"]["words"].append(True), "list of strings"),
        (lambda d: d["lists"]["pronouns"]["words"].append("he"), "duplicate words ['he']"),
        (lambda d: d["lists"]["bare_sectors"]["words"].append("XYZ"), "not CAMEO actor types"),
        (lambda d: d["lists"]["surname_first"]["words"].append("China"), "not ISO3 codes"),
        (lambda d: d["lists"]["successors"]["table"].update(RUS={"state": "SUN"}), "successors"),
        (lambda d: d["lists"]["stems"]["table"].update(minist=["cabinet"]), "stems"),
    ],
)
def test_a_bad_lexicon_is_refused(tmp_path: Path, edit: Any, message: str) -> None:
    with pytest.raises(RuleDataError) as caught:
        load_lexicon(_broken(tmp_path, edit))
    assert message in str(caught.value)
    assert caught.value.code == "E002"
