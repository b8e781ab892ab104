"""The EVENTS.md §7 scorer of the real-news suite, on hand-made gold and system events."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dateline.eval.real import (
    Coded,
    gold_items,
    load_corpus,
    match_story,
    score_matches,
)
from dateline.eval.stories import timeml_interval

DAY = dt.date(2017, 4, 3)
TEXT = "Japan and China met in Tokyo. China criticised Japan. Japan protested."
SENTENCES = {
    0: "Japan and China met in Tokyo.",
    1: "China criticised Japan.",
    2: "Japan protested.",
}


def _gold(*events: dict) -> list[Coded]:
    offsets = {0: (0, 29), 1: (30, 53), 2: (54, 70)}
    record: dict[str, Any] = {"doc_id": "s", "doc_date": DAY.isoformat(), "events": []}
    for event in events:
        start, end = offsets[event["sentence_index"]]
        record["events"].append({"sentence_start": start, "sentence_end": end, **event})
    return gold_items(record, TEXT)


def _system(index: int, source: str | None, target: str | None, code: str, **kw: object) -> Coded:
    value = str(kw.get("date", "2017-04-03"))
    return Coded(
        story="s",
        sentence_index=index,
        sentence=SENTENCES[index],
        source=source,
        target=target,
        code=code,
        plover=None,
        modality=str(kw.get("modality", "asserted")),
        date_value=value,
        date_precision="day",
        date_range=timeml_interval(value),
    )


def _actor(country: str | None) -> dict | None:
    return None if country is None else {"text": country, "country": country, "sector": None}


def test_symmetric_gold_matches_either_direction_and_its_mirror_is_no_false_positive() -> None:
    gold = _gold(
        {
            "sentence_index": 0,
            "source": _actor("JPN"),
            "target": _actor("CHN"),
            "cameo": "040",
            "symmetric": True,
            "modality": "asserted",
            "event_date": {"value": "2017-04-03", "precision": "report"},
        }
    )
    system = [_system(0, "CHN", "JPN", "040"), _system(0, "JPN", "CHN", "040")]
    match = match_story(gold, system, SENTENCES)
    assert (len(match.pairs), len(match.spurious), match.mirrors) == (1, 0, 1)


def test_direction_counts_when_gold_is_not_symmetric_and_null_matches_only_null() -> None:
    gold = _gold(
        {"sentence_index": 1, "source": _actor("CHN"), "target": _actor("JPN"), "cameo": "111"},
        {"sentence_index": 2, "source": _actor("JPN"), "target": None, "cameo": "141"},
    )
    system = [_system(1, "JPN", "CHN", "111"), _system(2, "JPN", "CHN", "141")]
    match = match_story(gold, system, SENTENCES)
    assert not match.pairs and len(match.missed) == 2 and len(match.spurious) == 2


def test_alternatives_are_accepted_for_the_key_and_the_code() -> None:
    gold = _gold(
        {
            "sentence_index": 1,
            "source": _actor("CHN"),
            "target": _actor("JPN"),
            "cameo": "111",
            "alternatives": [{"cameo": "112"}, {"target": _actor("USA")}],
        }
    )
    match = match_story(gold, [_system(1, "CHN", "USA", "112")], SENTENCES)
    assert len(match.pairs) == 1
    report = score_matches([(match, DAY)], "t")
    assert report.metrics["cameo_code"] == 1.0


def test_a_report_date_accepts_the_week_before_and_sentences_align_by_text() -> None:
    gold = _gold(
        {
            "sentence_index": 1,
            "source": _actor("CHN"),
            "target": _actor("JPN"),
            "cameo": "111",
            "event_date": {"value": "2017-04-03", "precision": "report"},
        }
    )
    moved = replace(_system(1, "CHN", "JPN", "111", date="2017-03-29"), sentence_index=7)
    match = match_story(gold, [moved], SENTENCES)
    report = score_matches([(match, DAY)], "t")
    assert report.metrics["f1"] == 1.0
    assert report.metrics["date_lenient"] == 1.0 and report.metrics["date_strict"] == 0.0


def test_precision_recall_and_per_root_rows() -> None:
    gold = _gold(
        {"sentence_index": 1, "source": _actor("CHN"), "target": _actor("JPN"), "cameo": "111"},
        {"sentence_index": 2, "source": _actor("JPN"), "target": None, "cameo": "141"},
    )
    match = match_story(
        gold, [_system(1, "CHN", "JPN", "111"), _system(0, "JPN", "CHN", "190")], SENTENCES
    )
    report = score_matches([(match, DAY)], "t")
    assert (report.metrics["precision"], report.metrics["recall"]) == (0.5, 0.5)
    rows = {row["root"]: row for row in report.rows}
    assert rows["11"]["recall"] == 1.0 and rows["14"]["recall"] == 0.0


def test_the_corpus_refuses_a_story_whose_text_changed(tmp_path: Path) -> None:
    corpus = tmp_path / "real"
    corpus.mkdir()
    news = tmp_path / "news"
    (news / "x").mkdir(parents=True)
    (news / "x" / "s.jsonl").write_text(
        json.dumps({"id": "a1", "date": "2017-04-03", "text": "Japan met China."}) + "\n",
        encoding="utf-8",
    )
    row = {
        "id": "a1",
        "source": "modern",
        "file": "x/s.jsonl",
        "sha256": "0" * 64,
        "split": "dev",
        "double": False,
    }
    (corpus / "stories.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    from dateline.errors import DatelineError

    with pytest.raises(DatelineError, match="has changed"):
        load_corpus(corpus, news)
