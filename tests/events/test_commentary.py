"""Commentary, history and stance: the filters of the fifth precision session
(tests/events/commentary_cases.yaml), through the parser and the shipped rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dateline.errors import RuleDataError
from dateline.events import EventStage
from dateline.events.patterns import _load_additions

from .helpers import REPORT_DATE, make_document

CASES = yaml.safe_load(
    (Path(__file__).parent / "commentary_cases.yaml").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def stage() -> EventStage:
    return EventStage(learned=False)  # the rules alone: their examples say what a rule does


@pytest.mark.model
@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_commentary_sentence(nlp: Any, stage: EventStage, case: dict[str, Any]) -> None:
    document = make_document(
        nlp,
        case["text"],
        case["actors"],
        timexes=case.get("timexes", ()),
        date=case.get("date", REPORT_DATE),
    )
    stage.process([document])
    coded = [
        (e.source.cameo_code, e.target.cameo_code if e.target else None, e.cameo_code, e.modality)
        for e in document.events
    ]
    if "expect" in case:
        assert tuple(case["expect"]) in coded, coded
    assert len(coded) <= case.get("max_events", len(coded)), coded


def test_shipped_rules_carry_the_filters() -> None:
    patterns = EventStage().patterns
    assert patterns.historical_years > 0
    assert patterns.departed["kim jong il"] == dt.date(2011, 12, 17)
    assert "nation" in patterns.populace_heads


@pytest.mark.parametrize(
    "extra",
    [
        "historical_years: -1\n",
        "historical_years: soon\n",
        "departed:\n  - {names: [Someone]}\n",
        "departed:\n  - {names: Someone, died: 2000-01-01}\n",
        "populace_heads: people\n",
    ],
)
def test_bad_filter_data_is_refused(tmp_path: Path, extra: str) -> None:
    path = tmp_path / "additions.yaml"
    path.write_text("id: t\nversion: '1'\nsource: test\nlicence: MIT\n" + extra, encoding="utf-8")
    with pytest.raises(RuleDataError):
        _load_additions(path, {})


def test_good_filter_data_loads(tmp_path: Path) -> None:
    path = tmp_path / "additions.yaml"
    path.write_text(
        "id: t\nversion: '1'\nsource: test\nlicence: MIT\nhistorical_years: 3\n"
        "departed:\n  - {names: [Some One], kb_ids: [Q1], died: 2000-01-01}\n",
        encoding="utf-8",
    )
    loaded = _load_additions(path, {})
    assert loaded["historical_years"] == 3
    assert loaded["departed"] == {"some one": dt.date(2000, 1, 1), "q1": dt.date(2000, 1, 1)}


@pytest.mark.model
def test_envoy_title_through_the_pipeline() -> None:
    """The actors stage gives "Cuban Ambassador to" (head: the envoy) and a
    separate "DPRK"; the talk is with Cuba, and the DPRK is no party."""
    from dateline.records import Article, Document
    from dateline.run import build_pipeline

    text = (
        "Choe Thae Bok had a talk with outgoing Cuban Ambassador to the DPRK"
        " Jose Manuel Galego Montano on Wednesday."
    )
    article = Article(id="envoy", text=text, date=dt.date(2012, 3, 28))
    (document,) = build_pipeline().run([Document(article=article)])
    pairs = {
        (e.source.cameo_code, e.target.cameo_code if e.target else None) for e in document.events
    }
    assert ("PRKLEG", "CUBGOV") in pairs, pairs
    assert all((target or "")[:3] != "PRK" for source, target in pairs if source[:3] == "PRK"), (
        pairs
    )
