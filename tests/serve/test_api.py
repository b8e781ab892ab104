"""The JSON API against a store coded by the real pipeline.

Expected answers are computed here from the store's own records (`Store.events`),
independently of the API's SQL, so a wrong filter or aggregate fails.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from tests.serve.conftest import SYNTHETIC_STORIES

from dateline.records import SCHEMA_VERSION
from dateline.rules_version import rules_version

pytestmark = pytest.mark.model

Record = dict[str, Any]


def _code(actor: Record | None) -> str:
    return str(actor.get("cameo_code") or "") if actor else ""


def _country(actor: Record | None) -> str | None:
    return actor.get("country") if actor else None


def _first_day(e: Record) -> dt.date:
    return dt.date.fromisoformat(e["date"]["start"] or e["report_date"])


def _last_day(e: Record) -> dt.date:
    return dt.date.fromisoformat(e["date"]["end"] or e["report_date"])


def _either(e: Record, prefix: str) -> bool:
    return _code(e["source"]).startswith(prefix) or _code(e["target"]).startswith(prefix)


def _dyad(e: Record, a: str, b: str) -> bool:
    s, t = _code(e["source"]), _code(e["target"])
    return (s.startswith(a) and t.startswith(b)) or (s.startswith(b) and t.startswith(a))


# (query parameters, the same filter written in Python over the records)
FILTER_CASES: list[tuple[dict[str, Any], Callable[[Record], bool]]] = [
    ({"actor": "JPN"}, lambda e: _either(e, "JPN")),
    ({"actor": "chngov"}, lambda e: _either(e, "CHNGOV")),
    ({"dyad": "CHN,JPN"}, lambda e: _dyad(e, "CHN", "JPN")),
    ({"dyad": "PAK,IND"}, lambda e: _dyad(e, "PAK", "IND")),
    ({"since": "2017-05-01"}, lambda e: _last_day(e) >= dt.date(2017, 5, 1)),
    ({"until": "2016-12-31"}, lambda e: _first_day(e) <= dt.date(2016, 12, 31)),
    (
        {"since": "2017-04-01", "until": "2017-04-30"},
        lambda e: _last_day(e) >= dt.date(2017, 4, 1) and _first_day(e) <= dt.date(2017, 4, 30),
    ),
    ({"root": "4"}, lambda e: e["cameo_root"] == "04"),
    ({"root": "19"}, lambda e: e["cameo_root"] == "19"),
    ({"cameo": "04"}, lambda e: e["cameo_code"].startswith("04")),
    ({"cameo": "042"}, lambda e: e["cameo_code"].startswith("042")),
    ({"quadclass": 1}, lambda e: e["quad_class"] == 1),
    ({"quadclass": 4}, lambda e: e["quad_class"] == 4),
    ({"modality": "planned"}, lambda e: e["modality"] == "planned"),
    ({"modality": "asserted"}, lambda e: e["modality"] == "asserted"),
    ({"country": "ind"}, lambda e: "IND" in (_country(e["source"]), _country(e["target"]))),
    ({"q": "SCRIPT"}, lambda e: "script" in e["sentence"].lower()),
    ({"q": "nuclear"}, lambda e: "nuclear" in e["sentence"].lower()),
    ({"article_id": "syn-clash"}, lambda e: e["article_id"] == "syn-clash"),
    (
        {"actor": "JPN", "quadclass": 1, "modality": "asserted"},
        lambda e: _either(e, "JPN") and e["quad_class"] == 1 and e["modality"] == "asserted",
    ),
]


def _ids(events: list[Record]) -> list[str]:
    return [e["event_id"] for e in events]


@pytest.mark.parametrize(("params", "keep"), FILTER_CASES, ids=[str(p) for p, _ in FILTER_CASES])
def test_event_filters_match_the_records(
    client: Any, all_events: list[Record], params: dict[str, Any], keep: Callable[[Record], bool]
) -> None:
    expected = [e for e in all_events if keep(e)]
    assert expected, f"the test store has no event for {params}: the case tests nothing"
    answer = client.get("/api/v1/events", params={**params, "limit": 500}).json()
    assert answer["total"] == len(expected)
    assert sorted(_ids(answer["events"])) == sorted(_ids(expected))


def test_a_filter_that_matches_nothing(client: Any) -> None:
    answer = client.get("/api/v1/events", params={"actor": "ZZZ"}).json()
    assert answer == {
        "total": 0,
        "limit": 50,
        "offset": 0,
        "next_offset": None,
        "next_cursor": None,
        "events": [],
    }


def test_pages_put_together_are_the_whole_list(client: Any, all_events: list[Record]) -> None:
    pages: list[Record] = []
    offset: int | None = 0
    while offset is not None:
        answer = client.get("/api/v1/events", params={"limit": 7, "offset": offset}).json()
        assert answer["total"] == len(all_events)
        assert len(answer["events"]) <= 7
        pages += answer["events"]
        offset = answer["next_offset"]
    assert _ids(pages) == _ids(all_events)  # the store's date order
    backwards = client.get("/api/v1/events", params={"limit": 500, "order": "desc"}).json()
    assert _ids(backwards["events"]) == _ids(all_events)[::-1]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("params", [{}, {"actor": "JPN"}], ids=["all", "actor"])
def test_cursor_pages_put_together_are_the_whole_list(
    client: Any, order: str, params: dict[str, Any]
) -> None:
    whole = client.get("/api/v1/events", params={**params, "limit": 500, "order": order}).json()
    pages: list[Record] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 4, "order": order} | ({"cursor": cursor} if cursor else {})
        answer = client.get("/api/v1/events", params=query).json()
        assert answer["total"] == whole["total"]
        if cursor:  # a page found by cursor is followed by cursor only
            assert answer["next_offset"] is None
        pages += answer["events"]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert _ids(pages) == _ids(whole["events"])
    assert len(whole["events"]) > 4  # more than one page


@pytest.mark.parametrize(
    "cursor", ["2017-02-30~abc", "0000-00-00~0", "yesterday~abc", "2017-01-01", "2017-01-01~"]
)
def test_bad_cursors_are_422(client: Any, cursor: str) -> None:
    assert client.get("/api/v1/events", params={"cursor": cursor}).status_code == 422


def test_meta(client: Any, all_events: list[Record]) -> None:
    meta = client.get("/api/v1/meta").json()
    assert meta["schema_version"] == SCHEMA_VERSION
    assert meta["rules_version"] == rules_version()
    assert meta["counts"]["events"] == len(all_events)
    assert meta["counts"]["articles"] == 1 + len(SYNTHETIC_STORIES)
    assert meta["counts"]["runs"] == 1
    assert meta["stored_versions"] == [
        {
            "schema_version": SCHEMA_VERSION,
            "rules_version": rules_version(),
            "events": len(all_events),
        }
    ]
    report_dates = sorted(e["report_date"] for e in all_events)
    assert meta["report_dates"] == {"first": "2017-04-03", "last": max(report_dates)}
    assert meta["event_dates"]["first"] == min(e["date"]["start"] for e in all_events)
    assert meta["last_run"]["status"] == "finished"
    fused = client.app.state.store.fused_counts()
    assert meta["fused"] == {
        "available": True,
        "fused_events": fused["fused_events"],
        "multi_report": fused["multi_report"],
    }
    assert set(meta["quad_classes"]) == {"1", "2", "3", "4"}
    assert len(meta["cameo_roots"]) == 20


def test_every_event_has_its_evidence_in_its_article(client: Any, all_events: list[Record]) -> None:
    for record in all_events:
        answer = client.get(f"/api/v1/events/{record['event_id']}").json()
        assert answer["event"] == record
        article = client.get(f"/api/v1/articles/{record['article_id']}").json()
        text = article["text"]
        evidence = answer["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert record["sentence"] in evidence["text"]
        roles = {span["role"]: span for span in evidence["spans"]}
        assert roles["trigger"]["text"] == record["trigger"]
        assert roles["source"]["text"] == record["source"]["text"]
        if record["target"]:
            assert roles["target"]["text"] == record["target"]["text"]
        for span in evidence["spans"]:
            assert text[span["start"] : span["end"]] == span["text"]
            inside = evidence["start"] <= span["start"] and span["end"] <= evidence["end"]
            assert span["in_sentence"] == inside
        assert roles["trigger"]["in_sentence"]
        assert answer["article"]["article_id"] == record["article_id"]
        assert "text" not in answer["article"]  # the article's text is one request away


def test_article(client: Any, all_events: list[Record]) -> None:
    story = SYNTHETIC_STORIES[0]
    article = client.get(f"/api/v1/articles/{story['id']}").json()
    assert article["title"] == story["title"]
    assert article["source"] == story["source"]
    assert article["text"] == story["text"]
    assert article["date"] == story["date"]
    expected = sorted(e["event_id"] for e in all_events if e["article_id"] == story["id"])
    assert expected and sorted(_ids(article["events"])) == expected
    assert article["n_events"] == len(expected)


@pytest.mark.parametrize("path", ["/api/v1/events/nope", "/api/v1/articles/nope"])
def test_unknown_ids_are_404(client: Any, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"


def _period(day: dt.date, interval: str) -> dt.date:
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


TIMELINE_FILTERS: list[tuple[dict[str, Any], Callable[[Record], bool]]] = [
    ({}, lambda e: True),
    ({"actor": "JPN"}, lambda e: _either(e, "JPN")),
    ({"quadclass": 4}, lambda e: e["quad_class"] == 4),
]


@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
@pytest.mark.parametrize("by", ["quadclass", "root"])
@pytest.mark.parametrize(
    ("params", "keep"), TIMELINE_FILTERS, ids=[str(p) for p, _ in TIMELINE_FILTERS]
)
def test_timeline_counts_events_inside_one_period(
    client: Any,
    all_events: list[Record],
    interval: str,
    by: str,
    params: dict[str, Any],
    keep: Callable[[Record], bool],
) -> None:
    events = [e for e in all_events if keep(e)]
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    spanning = undated = 0
    for e in events:
        if e["date"]["start"] is None:  # a vague reference (PAST_REF): in no period
            undated += 1
            continue
        first, last = _period(_first_day(e), interval), _period(_last_day(e), interval)
        if first != last:
            spanning += 1
            continue
        key = str(e["quad_class"]) if by == "quadclass" else e["cameo_root"]
        expected[first.isoformat()][key] += 1
    answer = client.get(
        "/api/v1/timeline", params={**params, "interval": interval, "by": by}
    ).json()
    assert answer["spanning"] == spanning
    assert answer["undated"] == undated
    got = {bucket["period"]: bucket["counts"] for bucket in answer["buckets"]}
    assert got == {period: dict(counts) for period, counts in expected.items()}
    assert [b["period"] for b in answer["buckets"]] == sorted(got)
    keys = {s["key"] for s in answer["series"]}
    assert {k for counts in got.values() for k in counts} <= keys


def test_timeline_by_report_date_never_spans(client: Any, all_events: list[Record]) -> None:
    answer = client.get("/api/v1/timeline", params={"interval": "day", "date": "report"}).json()
    assert answer["spanning"] == 0
    per_day = Counter(e["report_date"] for e in all_events)
    assert {b["period"]: sum(b["counts"].values()) for b in answer["buckets"]} == dict(per_day)


@pytest.mark.parametrize("directed", [True, False])
def test_dyads(client: Any, all_events: list[Record], directed: bool) -> None:
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for e in all_events:
        if not e["target"]:
            continue
        pair = (_code(e["source"]), _code(e["target"]))
        groups[pair if directed else (min(pair), max(pair))].append(e)
    answer = client.get("/api/v1/dyads", params={"limit": 100, "directed": directed}).json()
    assert len(answer["dyads"]) == len(groups)
    counts = [d["events"] for d in answer["dyads"]]
    assert counts == sorted(counts, reverse=True)
    for dyad in answer["dyads"]:
        members = groups[(dyad["source"], dyad["target"])]
        assert dyad["events"] == len(members)
        mean = sum(e["goldstein"] for e in members) / len(members)
        assert dyad["mean_goldstein"] == pytest.approx(mean, abs=1e-3)
        assert dyad["cooperation"] == sum(e["quad_class"] in (1, 2) for e in members)
        assert dyad["conflict"] == sum(e["quad_class"] in (3, 4) for e in members)
    top = client.get("/api/v1/dyads", params={"limit": 2, "directed": directed}).json()
    assert top["dyads"] == answer["dyads"][:2]


def test_actors(client: Any, all_events: list[Record]) -> None:
    as_source = Counter(_code(e["source"]) for e in all_events)
    as_target = Counter(_code(e["target"]) for e in all_events if e["target"])
    answer = client.get("/api/v1/actors", params={"limit": 100}).json()["actors"]
    assert {a["code"] for a in answer} == set(as_source) | set(as_target)
    for actor in answer:
        assert actor["as_source"] == as_source[actor["code"]]
        assert actor["as_target"] == as_target[actor["code"]]
        assert actor["events"] == actor["as_source"] + actor["as_target"]
    # Under a filter, the actors of the matching events only (both sides of each).
    matching = [e for e in all_events if _dyad(e, "PAK", "IND")]
    codes = {_code(e["source"]) for e in matching} | {_code(e["target"]) for e in matching}
    filtered = client.get("/api/v1/actors", params={"dyad": "PAK,IND"}).json()["actors"]
    assert matching and {a["code"] for a in filtered} == codes
    assert sum(a["events"] for a in filtered) == 2 * len(matching)


def test_markup_in_stories_comes_back_as_data(client: Any) -> None:
    """JSON carries the text as written; the dashboard puts it on the page as text."""
    article = client.get("/api/v1/articles/syn-clash")
    assert article.headers["content-type"] == "application/json"
    assert article.json()["title"] == SYNTHETIC_STORIES[0]["title"]
    found = client.get("/api/v1/events", params={"q": "<script>"}).json()
    assert found["total"] >= 1
    assert all("<script>" in e["sentence"] for e in found["events"])


def test_fused_events(client: Any, all_events: list[Record]) -> None:
    store = client.app.state.store
    stored = store.fused_events()
    answer = client.get("/api/v1/fused", params={"limit": 500}).json()
    assert answer["total"] == len(stored) > 0
    assert answer["fused_events"] == stored
    members = sorted(m["event_id"] for f in answer["fused_events"] for m in f["members"])
    assert members == sorted(_ids(all_events))  # every event is in exactly one fused event
    several = client.get("/api/v1/fused", params={"min_reports": 2}).json()
    assert several["total"] == sum(f["n_reports"] >= 2 for f in stored) >= 1
    # The border clash told by two stories is one fused event with both reports.
    clash = [f for f in several["fused_events"] if f["cameo_root"] == "19"]
    assert clash and {m["article_id"] for m in clash[0]["members"]} == {"syn-clash", "syn-clash-2"}
    detail = client.get(f"/api/v1/fused/{clash[0]['fused_id']}").json()
    assert detail["fused_event"] == clash[0]
    assert sorted(r["event"]["event_id"] for r in detail["reports"]) == sorted(
        m["event_id"] for m in clash[0]["members"]
    )
    assert {r["article"]["source"] for r in detail["reports"]} == {
        SYNTHETIC_STORIES[0]["source"],
        SYNTHETIC_STORIES[1]["source"],
    }
    assert client.get("/api/v1/fused/fe_nope").status_code == 404


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"actor": "PAK"}, lambda f: "PAK" in (f["source_code"][:3], (f["target_code"] or "")[:3])),
        ({"root": "19"}, lambda f: f["cameo_root"] == "19"),
        ({"modality": "planned"}, lambda f: f["modality"] == "planned"),
        ({"since": "2017-06-01"}, lambda f: (f["date_end"] or f["last_report"]) >= "2017-06-01"),
    ],
    ids=["actor", "root", "modality", "since"],
)
def test_fused_filters(client: Any, params: dict[str, Any], keep: Callable[[Record], bool]) -> None:
    expected = [f["fused_id"] for f in client.app.state.store.fused_events() if keep(f)]
    answer = client.get("/api/v1/fused", params={**params, "limit": 500}).json()
    assert expected and sorted(f["fused_id"] for f in answer["fused_events"]) == sorted(expected)
