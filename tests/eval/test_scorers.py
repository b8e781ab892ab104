"""The scorers on hand-made gold and predictions: no model, no pipeline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dateline.eval.sentences import (
    GoldSentence,
    GoldSentenceEvent,
    PredictedEvent,
    actor_key,
    read_sentences,
    score_sentences,
)
from dateline.eval.stories import (
    Alternative,
    GoldStory,
    GoldStoryEvent,
    date_matches,
    read_stories,
    score_stories,
    timeml_interval,
)
from dateline.records import Event, EventActor, EventDate


def sentence(id: str, *events: GoldSentenceEvent, text: str = "A sentence.") -> GoldSentence:
    return GoldSentence(id=id, date=dt.date(2017, 4, 3), text=text, events=events)


def gold(source: str, target: str | None, root: str, **extra: Any) -> GoldSentenceEvent:
    return GoldSentenceEvent(source=source, target=target, root=root, **extra)


def guess(source: str, target: str | None, root: str, **extra: Any) -> PredictedEvent:
    return PredictedEvent(source=source, target=target, root=root, **extra)


@pytest.mark.parametrize(
    ("code", "country", "expected"),
    [
        ("JPNGOV", None, "JPN"),
        ("CHN", None, "CHN"),
        ("PSEREBHMS", None, "PSE"),
        ("IGOUNO", None, "IGOUNO"),
        ("IGOWSTNAT", "BEL", "IGOWSTNAT"),
        ("GOV", "USA", "USA"),
    ],
)
def test_actor_key(code: str, country: str | None, expected: str) -> None:
    assert actor_key(code, country) == expected


def test_perfect_predictions_score_one() -> None:
    gold_set = [sentence("a", gold("JPN", "CHN", "04", code="042")), sentence("b")]
    report = score_sentences(gold_set, {"a": [guess("JPN", "CHN", "04", code="042")]})
    assert report.metrics["sentences.f1"] == 1.0
    assert report.metrics["sentences.code_acc"] == 1.0
    assert report.metrics["sentences.plover_acc"] == 1.0
    assert report.metrics["sentences.no_event_acc"] == 1.0
    assert report.details == []


def test_direction_matters_unless_reciprocal() -> None:
    gold_set = [
        sentence("a", gold("JPN", "CHN", "04", code="042")),
        sentence("b", gold("USA", "RUS", "04", reciprocal=True)),
    ]
    report = score_sentences(
        gold_set,
        {
            "a": [guess("CHN", "JPN", "04", code="042")],
            "b": [guess("RUS", "USA", "04"), guess("USA", "RUS", "04")],
        },
    )
    # a: one miss and one false alarm; b: matched, and the mirror is not a false alarm.
    assert report.metrics["sentences.precision"] == 0.5
    assert report.metrics["sentences.recall"] == 0.5
    assert any(line.startswith("a MISS JPN>CHN") for line in report.details)
    assert any(line.startswith("a FALSE ALARM CHN>JPN") for line in report.details)
    assert not any(line.startswith("b ") for line in report.details)


def test_multiset_and_igo_prefix() -> None:
    gold_set = [
        sentence("a", gold("IGOEUREEC", "IRN", "08"), gold("USA", "IRN", "08")),
        sentence("b", gold("SAU", "QAT", "16"), gold("SAU", "QAT", "16")),
    ]
    report = score_sentences(
        gold_set,
        {
            "a": [guess("IGOEUREECX", "IRN", "08"), guess("USA", "IRN", "08")],
            "b": [guess("SAU", "QAT", "16")],
        },
    )
    assert report.metrics["sentences.precision"] == 1.0
    assert report.metrics["sentences.recall"] == 0.75


def test_silent_sentence_false_alarm() -> None:
    report = score_sentences([sentence("a")], {"a": [guess("DEU", "USA", "19")]})
    assert report.metrics["sentences.precision"] == 0.0
    assert report.metrics["sentences.no_event_acc"] == 0.0
    assert report.rows[-1]["predicted"] == 1


def test_code_and_plover_accuracy_on_matched_events() -> None:
    gold_set = [
        sentence("a", gold("USA", "UKR", "07", code="072")),
        sentence("b", gold("CHN", "JPN", "11", code="111")),
        sentence("c", gold("RUS", None, "15")),
    ]
    report = score_sentences(
        gold_set,
        {
            "a": [guess("USA", "UKR", "07", code="073")],  # PLOVER AID both
            "b": [guess("CHN", "JPN", "11", code="112")],  # PLOVER ACCUSE both
            "c": [guess("RUS", None, "15", code="193")],  # MOBILIZE against ASSAULT
        },
    )
    assert report.metrics["sentences.f1"] == 1.0
    assert report.metrics["sentences.code_acc"] == 0.0  # 0/2: c has no gold code
    assert report.metrics["sentences.plover_acc"] == pytest.approx(2 / 3)
    assert sum(" CODE gold " in line for line in report.details) == 2


def test_code_below_the_gold_code_agrees() -> None:
    gold_set = [sentence("a", gold("IND", "PAK", "11", code="112"))]
    assert (
        score_sentences(gold_set, {"a": [guess("IND", "PAK", "11", code="1123")]}).metrics[
            "sentences.code_acc"
        ]
        == 1.0
    )
    assert (
        score_sentences(gold_set, {"a": [guess("IND", "PAK", "11", code="111")]}).metrics[
            "sentences.code_acc"
        ]
        == 0.0
    )


def test_alternative_root_matches_but_code_is_wrong() -> None:
    gold_set = [sentence("a", gold("PRK", None, "15", code="150", also=("19",)))]
    report = score_sentences(gold_set, {"a": [guess("PRK", None, "19", code="194")]})
    assert report.metrics["sentences.f1"] == 1.0
    assert report.metrics["sentences.code_acc"] == 0.0


def test_host_side_of_a_visit_is_a_labelled_false_alarm() -> None:
    gold_set = [sentence("a", gold("IND", "USA", "04", code="042"))]
    predicted = [guess("IND", "USA", "04", code="042"), guess("USA", "IND", "04", code="043")]
    report = score_sentences(gold_set, {"a": predicted})
    assert report.metrics["sentences.precision"] == 0.5
    assert report.metrics["sentences.host_mirror_false_alarms"] == 1.0
    assert any("host side of a matched visit" in line for line in report.details)


def test_reading_the_real_file_and_an_oracle() -> None:
    gold_set = read_sentences()
    oracle = {
        item.id: [guess(e.source, e.target, e.root, code=e.code or "") for e in item.events]
        for item in gold_set
    }
    report = score_sentences(gold_set, oracle)
    assert report.metrics["sentences.f1"] == 1.0
    empty = score_sentences(gold_set, {})
    assert empty.metrics["sentences.recall"] == 0.0
    assert len([line for line in empty.details if " MISS " in line]) == sum(
        len(item.events) for item in gold_set
    )


def test_bad_gold_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "date": "2017-04-03", "text": "t."}) + "\n")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1"):
        read_sentences(path)


# --- stories ------------------------------------------------------------------------------

TEXT = (
    "Abe met Xi in Lima in November. Kong will visit Tokyo next week. "
    "Russia denied attacking Ukraine on Sunday."
)


def story_event(
    source: str, target: str | None, root: str, modality: str, date: str | None, trigger: str,
    **extra: Any,
) -> GoldStoryEvent:  # fmt: skip
    return GoldStoryEvent(
        source=source,
        target=target,
        root=root,
        modality=modality,
        date=date,
        trigger=trigger,
        position=TEXT.index(trigger),
        **extra,
    )


def story(*events: GoldStoryEvent) -> GoldStory:
    return GoldStory(id="t", date=dt.date(2017, 4, 3), title="", text=TEXT, events=events)


def sentence_of(trigger: str) -> dict[str, int]:
    start = TEXT.rfind(". ", 0, TEXT.index(trigger))
    start = 0 if start < 0 else start + 2
    end = TEXT.index(".", TEXT.index(trigger)) + 1
    return {"sentence_start": start, "sentence_end": end}


MET = story_event("JPN", "CHN", "04", "asserted", "2016-11", "met Xi", reciprocal=True)
VISIT = story_event(
    "CHN",
    "JPN",
    "04",
    "planned",
    "2017-W15",
    "will visit Tokyo",
    also=(Alternative(root="03", modality="asserted", date="2017-04-03"),),
)
DENIED = story_event("RUS", "UKR", "19", "negated", "2017-04-02", "denied attacking")


def test_story_perfect() -> None:
    predicted = [
        guess("CHN", "JPN", "04", modality="asserted", date_value="2016-11", **sentence_of("met")),
        guess("CHN", "JPN", "04", modality="planned", date_value="2017-W15", **sentence_of("will")),
        guess(
            "RUS",
            "UKR",
            "19",
            modality="negated",
            date_value="2017-04-02",
            date_start=dt.date(2017, 4, 2),
            date_end=dt.date(2017, 4, 2),
            **sentence_of("denied"),
        ),
    ]
    report = score_stories([story(MET, VISIT, DENIED)], {"t": predicted})
    metrics = report.metrics
    assert metrics["stories.f1"] == 1.0
    assert metrics["stories.date_acc"] == 1.0
    assert metrics["stories.date_acc_not_report_day"] == 1.0
    assert metrics["stories.modality_acc"] == 1.0
    assert metrics["stories.modality_acc_non_asserted"] == 1.0
    assert report.details == []


def test_story_same_dyad_pairs_by_sentence() -> None:
    # Both JPN-CHN events are predicted; the sentence decides which is which, so
    # the modality and dates come out right even though the list order is reversed.
    predicted = [
        guess("JPN", "CHN", "04", modality="planned", date_value="2017-W15", **sentence_of("will")),
        guess("JPN", "CHN", "04", modality="asserted", date_value="2016-11", **sentence_of("met")),
    ]
    # The visit is directed CHN>JPN, so only the reciprocal meeting matches strictly.
    report = score_stories([story(MET, VISIT)], {"t": predicted})
    assert report.metrics["stories.recall"] == 0.5
    assert report.metrics["stories.modality_acc"] == 1.0
    assert report.metrics["stories.date_acc"] == 1.0


def test_story_pairing_prefers_the_same_sentence_over_list_order() -> None:
    struck = story_event("RUS", "UKR", "19", "asserted", "2017-04-02", "denied attacking")
    denied = story_event("RUS", "UKR", "19", "negated", "2017-04-02", "denied attacking")
    # Same trigger, two gold readings: one prediction, in that sentence, is negated.
    predicted = [
        guess("RUS", "UKR", "19", modality="negated", date_value="2017-04-02", **sentence_of("denied"))
    ]  # fmt: skip
    report = score_stories([story(struck, denied)], {"t": predicted})
    assert report.metrics["stories.modality_acc"] == 1.0
    other = story_event("RUS", "UKR", "19", "asserted", "2016-11", "met Xi")
    report = score_stories([story(other, DENIED)], {"t": predicted})
    # The prediction sits in the "denied" sentence, so it pairs with DENIED
    # although the other gold event of the dyad comes first.
    assert report.metrics["stories.modality_acc"] == 1.0
    assert any("MISS RUS>UKR 19 asserted 2016-11" in line for line in report.details)


def test_story_alternative_coding_and_report_date_baseline() -> None:
    predicted = [
        # "will visit" coded as intent (036), asserted, on the day it was said.
        guess("CHN", "JPN", "03", modality="asserted", date_value="2017-04-03", **sentence_of("will")),
        # A report-date coder: the denial dated by the story, and called asserted.
        guess("RUS", "UKR", "19", modality="asserted", date_value="2017-04-03", **sentence_of("denied")),
    ]  # fmt: skip
    report = score_stories([story(VISIT, DENIED)], {"t": predicted})
    metrics = report.metrics
    assert metrics["stories.f1"] == 1.0
    assert metrics["stories.modality_acc"] == 0.5
    assert metrics["stories.modality_acc_non_asserted"] == 0.5
    assert metrics["stories.date_acc"] == 0.5
    assert metrics["stories.date_acc_not_report_day"] == 0.0
    assert any("MODALITY RUS>UKR 19 negated" in line for line in report.details)
    assert any("DATE RUS>UKR 19" in line for line in report.details)


def test_story_relaxed_match_scores_date_but_not_f1() -> None:
    predicted = [
        guess("RUS", "UKR", "17", modality="negated", date_value="2017-04-02", **sentence_of("denied")),
        guess("RUS", "UKR", "19", modality="negated", date_value="2017-04-02", **sentence_of("met")),
    ]  # fmt: skip
    report = score_stories([story(DENIED)], {"t": predicted})
    metrics = report.metrics
    # The 19 in another sentence is the strict match; relaxed matching is not needed.
    assert metrics["stories.recall"] == 1.0 and metrics["stories.precision"] == 0.5
    only_relaxed = score_stories([story(DENIED)], {"t": predicted[:1]})
    assert only_relaxed.metrics["stories.f1"] == 0.0
    assert only_relaxed.metrics["stories.relaxed_matches"] == 1.0
    assert only_relaxed.metrics["stories.date_acc"] == 1.0
    assert only_relaxed.metrics["stories.modality_acc"] == 1.0


def test_story_baselines() -> None:
    report = score_stories([story(MET, VISIT, DENIED)], {})
    metrics = report.metrics
    assert metrics["stories.f1"] == 0.0
    assert metrics["stories.baseline_report_date_acc"] == 0.0
    assert metrics["stories.baseline_all_asserted_modality_acc"] == pytest.approx(1 / 3)
    assert metrics["stories.baseline_all_asserted_modality_acc_non_asserted"] == 0.0


def test_real_story_file_oracle() -> None:
    stories = read_stories()
    oracle = {}
    for item in stories:
        predictions = []
        for event in item.events:
            assert event.position is not None
            interval = timeml_interval(event.date)
            predictions.append(
                guess(
                    event.source,
                    event.target,
                    event.root,
                    modality=event.modality,
                    date_value=event.date,
                    date_start=interval[0] if interval else None,
                    date_end=interval[1] if interval else None,
                    sentence_start=event.position,
                    sentence_end=event.position + len(event.trigger),
                )
            )
        oracle[item.id] = predictions
    report = score_stories(stories, oracle)
    for key in ("f1", "date_acc", "date_acc_not_report_day", "modality_acc"):
        assert report.metrics[f"stories.{key}"] == 1.0, report.details[:5]
    assert 0.0 < report.metrics["stories.baseline_report_date_acc"] < 0.6
    assert 0.5 < report.metrics["stories.baseline_all_asserted_modality_acc"] < 0.9


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2016", "2016-01-01", "2016-12-31"),
        ("2016-11", "2016-11-01", "2016-11-30"),
        ("2016-12", "2016-12-01", "2016-12-31"),
        ("2017-03-01", "2017-03-01", "2017-03-01"),
        ("2017-04-03TNI", "2017-04-03", "2017-04-03"),
        ("2017-W14", "2017-04-03", "2017-04-09"),
        ("2020-W53", "2020-12-28", "2021-01-03"),
        ("2017-Q2", "2017-04-01", "2017-06-30"),
        ("2017-07-07/2017-07-08", "2017-07-07", "2017-07-08"),
    ],
)
def test_timeml_interval(value: str, start: str, end: str) -> None:
    assert timeml_interval(value) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize(
    "value", ["PAST_REF", "P3D", "2017-SU", "2017-13", "", None, "2017-07-08/2017-07-07"]
)
def test_timeml_interval_rejects(value: str | None) -> None:
    assert timeml_interval(value) is None


@pytest.mark.parametrize(
    ("gold_value", "value", "start", "end", "right"),
    [
        ("2017-03-01", "2017-03-01", None, None, True),
        ("2017-03-01", "2017-03-01T10:00", "2017-03-01", "2017-03-01", True),
        ("2017-03-01", "2017-03", "2017-03-01", "2017-03-31", False),
        ("2017-03", "2017-03-01", "2017-03-01", "2017-03-01", False),
        ("2017-W14", "2017-04-03/2017-04-09", "2017-04-03", "2017-04-09", True),
        ("2017-W14", "2017-W14", None, None, True),
        ("2017-07-07/2017-07-08", "2017-07-07", "2017-07-07", "2017-07-07", False),
    ],
)
def test_date_matches(
    gold_value: str, value: str, start: str | None, end: str | None, right: bool
) -> None:
    predicted = guess(
        "A",
        "B",
        "04",
        date_value=value,
        date_start=dt.date.fromisoformat(start) if start else None,
        date_end=dt.date.fromisoformat(end) if end else None,
    )
    assert date_matches(gold_value, predicted) is right


def test_from_event_uses_country_and_sentence() -> None:
    text = "Intro. Japan's Abe met Xi in Lima."
    event = Event(
        event_id="e",
        article_id="a",
        sentence_index=1,
        sentence="Japan's Abe met Xi in Lima.",
        trigger="met",
        source=EventActor(text="Abe", name="Shinzo Abe", cameo_code="JPNGOV", country="JPN"),
        target=EventActor(text="Xi", name="Xi Jinping", cameo_code="CHNGOV"),
        cameo_code="040",
        cameo_root="04",
        cameo_name="Consult",
        goldstein=1.0,
        quad_class=1,
        modality="asserted",
        date=EventDate(value="2016-11", precision="month", basis="text"),
        report_date=dt.date(2017, 4, 3),
        plover_event="CONSULT",
    )
    predicted = PredictedEvent.from_event(event, text)
    assert (predicted.source, predicted.target, predicted.root) == ("JPN", "CHN", "04")
    assert (predicted.sentence_start, predicted.sentence_end) == (7, len(text))
    assert predicted.date_value == "2016-11" and predicted.plover == "CONSULT"
