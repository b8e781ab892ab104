"""The gold files themselves: schema, valid codes, dates that parse and agree
with the time phrase they come from, unique ids, and no text copied from the
news corpora."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dateline.codes import CameoCodes
from dateline.eval.sentences import EVALSETS, SENTENCES_PATH
from dateline.eval.stories import MODALITIES, STORIES_PATH, read_stories, timeml_interval

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "000_29bea5349ad77031.txt"
ACTOR = re.compile(r"^(?:[A-Z]{3}|IGO[A-Z]{3,9})$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# Phrases dated from the narrative, not from the report date: the resolver skips them.
NARRATIVE_PHRASES = {"a day after", "earlier in the week"}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


SENTENCES = _lines(SENTENCES_PATH)
STORIES = _lines(STORIES_PATH)
# Every gold file of each kind (the main sets and the later blind checks) obeys the schema.
ALL_SENTENCES = [row for path in sorted(EVALSETS.glob("sentences*.jsonl")) for row in _lines(path)]
ALL_STORIES = [row for path in sorted(EVALSETS.glob("stories*.jsonl")) for row in _lines(path)]
CODES = CameoCodes.load()


def _check_actors_and_codes(where: str, event: dict[str, Any]) -> None:
    assert isinstance(event["source"], str) and ACTOR.match(event["source"]), where
    target = event.get("target")
    assert target is None or ACTOR.match(target), where
    root = event["root"]
    assert len(root) == 2 and root in CODES.roots(), f"{where}: root {root!r}"
    if "code" in event:
        code = event["code"]
        assert CODES.is_valid(code) and code.startswith(root), f"{where}: code {code!r}"
    if "plover" in event:
        assert CODES.is_plover_event(event["plover"]), f"{where}: plover {event['plover']!r}"
    if event.get("reciprocal"):
        assert target is not None, f"{where}: a reciprocal event needs a target"


def test_sentence_schema() -> None:
    allowed = {"id", "date", "text", "events"}
    event_keys = {"source", "target", "root", "code", "plover", "reciprocal", "also"}
    for record in ALL_SENTENCES:
        assert set(record) == allowed, record
        dt.date.fromisoformat(record["date"])
        assert record["text"].strip() == record["text"] and record["text"].endswith(".")
        for event in record["events"]:
            assert set(event) <= event_keys and {"source", "target", "root"} <= set(event)
            _check_actors_and_codes(record["id"], event)
            for alternative in event.get("also", ()):
                assert set(alternative) == {"root"}, record["id"]
                assert alternative["root"] in CODES.roots(), record["id"]
                assert alternative["root"] != event["root"], record["id"]


def test_sentence_set_size_and_spread() -> None:
    assert len(SENTENCES) >= 150
    silent = [record for record in SENTENCES if not record["events"]]
    assert len(silent) >= 25
    roots = {event["root"] for record in SENTENCES for event in record["events"]}
    assert roots == set(CODES.roots()), "every CAMEO root appears in the sentence set"


def test_story_schema() -> None:
    allowed = {"id", "date", "title", "text", "events"}
    required = {"source", "target", "root", "modality", "date", "trigger", "when"}
    optional = {"code", "reciprocal", "also"}
    for record in ALL_STORIES:
        assert set(record) == allowed, record["id"]
        dt.date.fromisoformat(record["date"])
        sentences = [part for part in re.split(r"(?<=\.)\s+(?=[A-Z])", record["text"]) if part]
        assert 3 <= len(sentences) <= 8, record["id"]
        for event in record["events"]:
            where = f"{record['id']} {event.get('trigger')!r}"
            assert required <= set(event) <= required | optional, where
            _check_actors_and_codes(where, event)
            assert event["modality"] in MODALITIES, where
            assert event["trigger"] and event["trigger"] in record["text"], where
            assert not event["when"] or event["when"] in record["text"], where
            if event["date"] is not None:
                assert timeml_interval(event["date"]) is not None, where
            for alternative in event.get("also", ()):
                assert set(alternative) <= {"root", "modality", "date"}, where
                assert alternative["root"] in CODES.roots(), where
                assert alternative["modality"] in MODALITIES, where
                assert alternative["root"] != event["root"], where


def test_story_set_size_and_mix() -> None:
    events = [(record, event) for record in STORIES for event in record["events"]]
    assert len(STORIES) >= 30 and len(events) >= 120
    marked = [event for _, event in events if event["modality"] != "asserted"]
    assert len(marked) >= 0.2 * len(events)
    assert {event["modality"] for event in marked} == {"planned", "possible", "negated"}
    near = [
        event
        for record, event in events
        if event["date"]
        in {
            record["date"],
            (dt.date.fromisoformat(record["date"]) - dt.timedelta(days=1)).isoformat(),
        }
    ]
    assert 0.3 <= len(near) / len(events) <= 0.5, "about 40% on the report day or the day before"


def test_ids_unique() -> None:
    ids = [record["id"] for record in ALL_SENTENCES + ALL_STORIES]
    assert len(ids) == len(set(ids))
    texts = [record["text"] for record in ALL_SENTENCES + ALL_STORIES]
    assert len(texts) == len(set(texts))


def test_stories_read() -> None:
    stories = read_stories()
    assert all(event.position is not None for story in stories for event in story.events)


# --- the dates agree with the phrases they come from ---------------------------------------


def _weekday(report: dt.date, name: str, future: bool, strictly: bool = False) -> dt.date:
    target = WEEKDAYS.index(name)
    if future:
        return report + dt.timedelta(days=(target - report.weekday()) % 7)
    back = (report.weekday() - target) % 7
    return report - dt.timedelta(days=back or (7 if strictly else 0))


def _month(report: dt.date, month: int, future: bool) -> str:
    year = report.year
    if future and month < report.month:
        year += 1
    if not future and month > report.month:
        year -= 1
    return f"{year}-{month:02d}"


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _day(report: dt.date, month: int, day: int, future: bool) -> dt.date:
    candidate = dt.date(report.year, month, day)
    if future and candidate < report:
        return dt.date(report.year + 1, month, day)
    if not future and candidate > report:
        return dt.date(report.year - 1, month, day)
    return candidate


def resolve(phrase: str, report: dt.date, future: bool) -> str | None:
    """An independent, deliberately small resolver for the phrases the gold uses."""
    text = phrase.lower().strip()
    text = re.sub(r"^(?:from|on|for|in|late on|later|earlier)\s+", "", text)
    text = re.sub(r"^(?:early|mid-|late)\s*", "", text)
    if text in {"this week", "later this week"}:
        return _week(report)
    if text == "next week":
        return _week(report + dt.timedelta(days=7))
    if text == "last week":
        return _week(report - dt.timedelta(days=7))
    if text in {"this month", "earlier this month"}:
        return f"{report.year}-{report.month:02d}"
    if text == "last month":
        previous = report.replace(day=1) - dt.timedelta(days=1)
        return f"{previous.year}-{previous.month:02d}"
    if text == "next month":
        following = (report.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return f"{following.year}-{following.month:02d}"
    if text == "this year":
        return str(report.year)
    if re.fullmatch(r"\d{4}", text):
        return text
    if text.startswith("last ") and text[5:] in WEEKDAYS:
        return _weekday(report, text[5:], future=False, strictly=True).isoformat()
    if text in WEEKDAYS:
        return _weekday(report, text, future).isoformat()
    if match := re.fullmatch(r"(\w+) and (\w+)", text):
        first, second = match.groups()
        if first in WEEKDAYS and second in WEEKDAYS:
            start = _weekday(report, first, future)
            end = start + dt.timedelta(days=(WEEKDAYS.index(second) - WEEKDAYS.index(first)) % 7)
            return f"{start.isoformat()}/{end.isoformat()}"
    if match := re.fullmatch(r"(\w+) (\d{1,2}) and (\d{1,2})", text):
        month = MONTHS.index(match.group(1)) + 1
        start = _day(report, month, int(match.group(2)), future)
        end = start.replace(day=int(match.group(3)))
        return f"{start.isoformat()}/{end.isoformat()}"
    if (match := re.fullmatch(r"(\w+) (\d{1,2})", text)) and match.group(1) in MONTHS:
        month = MONTHS.index(match.group(1)) + 1
        return _day(report, month, int(match.group(2)), future).isoformat()
    if text in MONTHS:
        return _month(report, MONTHS.index(text) + 1, future)
    return None


def _dated_events() -> Iterator[tuple[str, dt.date, dict[str, Any]]]:
    for record in ALL_STORIES:
        for event in record["events"]:
            if event["when"] and event["date"] is not None:
                yield record["id"], dt.date.fromisoformat(record["date"]), event


@pytest.mark.parametrize(
    ("story", "report", "event"),
    list(_dated_events()),
    ids=[f"{story}:{event['trigger'][:24]}" for story, _, event in _dated_events()],
)
def test_story_dates_follow_their_time_phrase(
    story: str, report: dt.date, event: dict[str, Any]
) -> None:
    if event["when"].lower() in NARRATIVE_PHRASES:
        pytest.skip("dated from the narrative")
    future = event["modality"] in {"planned", "possible"} or " will " in f" {event['trigger']} "
    expected = resolve(event["when"], report, future)
    assert expected is not None, f"the test resolver does not know {event['when']!r}"
    assert event["date"] == expected, f"{story}: {event['when']!r} from {report:%a %Y-%m-%d}"


@pytest.mark.parametrize(
    ("phrase", "report", "future", "expected"),
    [
        ("on Monday", "2017-04-03", False, "2017-04-03"),
        ("on Sunday", "2017-04-03", False, "2017-04-02"),
        ("last Wednesday", "2010-09-14", False, "2010-09-08"),
        ("on Tuesday", "2018-03-12", True, "2018-03-13"),
        ("next week", "2005-07-11", True, "2005-W29"),
        ("last month", "2021-01-05", False, "2020-12"),
        ("in September", "2016-06-06", False, "2015-09"),
        ("in July", "2008-06-16", True, "2008-07"),
        ("on February 27 and 28", "2019-02-18", True, "2019-02-27/2019-02-28"),
    ],
)
def test_resolver(phrase: str, report: str, future: bool, expected: str) -> None:
    assert resolve(phrase, dt.date.fromisoformat(report), future) == expected


# --- nothing copied ----------------------------------------------------------------------------


def _our_sentences() -> list[str]:
    found = [record["text"] for record in ALL_SENTENCES]
    for record in ALL_STORIES:
        found.extend(re.split(r"(?<=\.)\s+(?=[A-Z])", record["text"]))
    return found


def _shingles(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.corpus
def test_no_text_copied_from_the_seed_or_reuters(shared_data: Path) -> None:
    ours: set[tuple[str, ...]] = set()
    for sentence in _our_sentences():
        ours |= _shingles(sentence)
    sources = [SEED, shared_data / "news" / "reuters21578" / "reut2-000.sgm"]
    for source in sources:
        if not source.exists():
            continue
        theirs = _shingles(source.read_text(encoding="utf-8", errors="replace"))
        shared = ours & theirs
        assert not shared, f"8-word runs shared with {source.name}: {sorted(shared)[:3]}"


@pytest.mark.corpus
def test_no_text_copied_from_kcna(shared_data: Path) -> None:
    ours: set[tuple[str, ...]] = set()
    for sentence in _our_sentences():
        ours |= _shingles(sentence, 10)
    for path in sorted((shared_data / "news" / "kcna" / "stories").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            shared = ours & _shingles(text, 10)
            assert not shared, f"10-word runs shared with {path.name}: {sorted(shared)[:3]}"
