"""The queries behind the API on edge cases: an empty store, and evidence located in odd texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dateline.serve import create_app
from dateline.serve.queries import evidence_view, make_cursor, parse_cursor
from dateline.store import open_store


def test_an_empty_store_answers_every_endpoint(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    path = tmp_path / "empty.duckdb"
    open_store(path).close()
    with TestClient(create_app(path, rules_version="test")) as client:
        meta = client.get("/api/v1/meta").json()
        assert meta["counts"] == {"articles": 0, "events": 0, "runs": 0}
        assert meta["report_dates"] == {"first": None, "last": None}
        assert meta["last_run"] is None
        assert meta["fused"] == {"available": True, "fused_events": 0, "multi_report": 0}
        assert client.get("/api/v1/events").json()["events"] == []
        timeline = client.get("/api/v1/timeline").json()
        assert timeline["buckets"] == [] and timeline["spanning"] == 0
        assert client.get("/api/v1/dyads").json()["dyads"] == []
        assert client.get("/api/v1/actors").json()["actors"] == []
        assert client.get("/api/v1/fused").json()["total"] == 0


def _record(sentence: str, spans: dict[str, tuple[int, int] | None]) -> dict[str, Any]:
    return {
        "sentence": sentence,
        "evidence": {
            role: ({"start": span[0], "end": span[1]} if span else None)
            for role, span in spans.items()
        },
    }


TEXT = "Japan met China. Japan met China again on Monday. Later, China met Japan."


@pytest.mark.parametrize(
    ("sentence", "trigger", "sentence_start"),
    [
        ("Japan met China.", (6, 9), 0),
        # The same words twice: the occurrence holding the trigger, not the first.
        ("Japan met China", (23, 26), 17),
        ("Later, China met Japan.", (63, 66), 50),
    ],
)
def test_the_sentence_holding_the_trigger_is_found(
    sentence: str, trigger: tuple[int, int], sentence_start: int
) -> None:
    view = evidence_view(_record(sentence, {"trigger": trigger}), TEXT)
    assert view["start"] == sentence_start
    assert TEXT[view["start"] : view["end"]] == view["text"] == sentence
    (span,) = view["spans"]
    assert span == {
        "role": "trigger",
        "start": trigger[0],
        "end": trigger[1],
        "text": "met",
        "in_sentence": True,
    }


def test_spans_outside_the_sentence_are_flagged() -> None:
    record = _record("Japan met China again on Monday.", {"trigger": (23, 26), "time": (0, 5)})
    view = evidence_view(record, TEXT)
    roles = {span["role"]: span for span in view["spans"]}
    assert roles["trigger"]["in_sentence"] and not roles["time"]["in_sentence"]
    assert roles["time"]["text"] == "Japan"


def test_a_sentence_missing_from_the_text_falls_back_to_the_trigger_context() -> None:
    view = evidence_view(_record("Not in the text.", {"trigger": (23, 26)}), TEXT)
    assert view["start"] == 0 and view["text"] == TEXT  # the whole (short) text around it
    assert view["spans"][0]["in_sentence"]


def test_cursors_round_trip() -> None:
    record = {"event_id": "abc~1", "date": {"start": "2017-04-03"}, "report_date": "2017-04-05"}
    day, event_id = parse_cursor(make_cursor(record))
    assert (day.isoformat(), event_id) == ("2017-04-03", "abc~1")
    undated = {"event_id": "x", "date": {"start": None}, "report_date": "2017-04-05"}
    assert make_cursor(undated) == "2017-04-05~x"
    for bad in ("2017-04-03", "2017-04-03~", "04/03/2017~x"):
        with pytest.raises(ValueError):
            parse_cursor(bad)
