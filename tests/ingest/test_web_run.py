"""URLs through a whole run: `code_inputs` with a web reader, `watch_feeds` cycles,
a watch killed and resumed, and the CLI (`dateline code URL`, `dateline watch`).
The site is served from 127.0.0.1 in this test run."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dateline.ingest.web import CrawlState, Politeness, RunLog, WebReader, state_path_for
from dateline.pipeline import Pipeline
from dateline.run import code_inputs
from dateline.store import open_store
from dateline.watch import feed_urls, parse_interval, watch_feeds
from tests.fakes import FakeEventStage
from tests.ingest.web_site import Site, guard_connections

ROOT = Path(__file__).resolve().parents[2]
FAST = Politeness(allow_private=True, delay=0.0, read_timeout=5.0, retries=0)
TODAY = dt.date(2024, 3, 6)

# Stories for the feed of the watch tests, one sentence each of our own.
PLACES = [
    ("Lisbon", "Portugal", "Morocco", "fishing quotas"),
    ("Oslo", "Norway", "Iceland", "whaling rules"),
    ("Santiago", "Chile", "Argentina", "a mountain pass"),
    ("Hanoi", "Vietnam", "Laos", "a river dam"),
    ("Accra", "Ghana", "Togo", "border markets"),
    ("Lima", "Peru", "Bolivia", "lake water"),
    ("Tbilisi", "Georgia", "Armenia", "rail freight"),
    ("Dhaka", "Bangladesh", "Nepal", "power lines"),
]


def story_page(n: int) -> bytes:
    city, one, other, topic = PLACES[n]
    day = 1 + n
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{one} and {other} talk about {topic} | Test Wire</title>
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="2024-02-{day:02d}T09:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
<h1>{one} and {other} talk about {topic}</h1>
<p>Ministers from {one} and {other} met in {city} on the {day}th to settle a long quarrel
about {topic}, and said after the meeting that officials would draft a joint plan.</p>
<p>Both delegations described the talks as frank. A second round is planned in {other}
before the summer, and experts from each side will visit the sites concerned.</p>
<p>Business groups in {city} welcomed the meeting and urged both governments to publish
any plan on {topic} before it is signed, so that traders can prepare.</p>
</article><footer>Test Wire. All rights reserved.</footer></body></html>""".encode()


def feed_of(site: Site, numbers: range | list[int]) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{site.url(f'/story/{n}')}</link>"
        f"<guid>story-{n}</guid></item>"
        for n in numbers
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
        f"<link>{site.base}/</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    guard_connections(monkeypatch)
    served = Site().start()
    served.page("/world/harbour-talks", "harbour_talks.html")
    served.page("/world/border-crossing", "undated.html")
    served.page("/monde/lyon", "french.html")
    served.page("/politics/rail-link", "rail_link.html")
    served.page("/files/annual-report.pdf", body=b"%PDF-1.4", content_type="application/pdf")
    for n in range(len(PLACES)):
        served.page(f"/story/{n}", body=story_page(n))
    yield served
    served.stop()


def fake_pipeline() -> Pipeline:
    return Pipeline([FakeEventStage()], batch_size=2)


def web_reader(tmp_path: Path, db: Path | str) -> WebReader:
    return WebReader(
        FAST, state=CrawlState(state_path_for(db)), log=RunLog(tmp_path / "log.jsonl"), today=TODAY
    )


def log_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_code_inputs_reads_urls_and_counts_rejects(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    rejects = tmp_path / "rejects.jsonl"
    urls = [site.url(p) for p in ("/world/harbour-talks", "/world/border-crossing", "/monde/lyon")]
    reader = web_reader(tmp_path, db)
    with open_store(db) as store:
        summary = code_inputs(urls, store, rejects, pipeline=fake_pipeline(), web=reader)
        reader.log_outcomes(store, summary.run_id)
        row = store.connection.execute(
            "SELECT article_id, date, title, source, url, origin FROM articles"
        ).fetchone()
    assert (summary.read, summary.coded, summary.rejected, summary.events) == (1, 1, 2, 2)
    assert dict(summary.rejects_by_reason) == {"missing date": 1, "not English": 1}
    assert row[1:5] == (
        dt.date(2024, 3, 5),
        "Japan and China agree to reopen fisheries talks",
        "The Coastal Ledger",
        site.url("/world/harbour-talks"),
    )
    assert " fetched " in row[5] and row[5].endswith("; date from page")
    written = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in written] == urls[1:]
    assert written[1]["reason"].startswith("not English: detected French (fr, p=")
    coded = [line for line in log_lines(tmp_path / "log.jsonl") if line["event"] == "coded"]
    assert coded == [
        {
            "time": coded[0]["time"],
            "event": "coded",
            "url": site.url("/world/harbour-talks"),
            "article_id": row[0],
            "events": 2,
        }
    ]
    assert Path(state_path_for(db)).exists()

    # Run again: nothing fetched (not even robots.txt), nothing coded; the rejects come back.
    hits = len(site.hits)
    reader = web_reader(tmp_path, db)
    with open_store(db) as store:
        again = code_inputs(urls, store, rejects, pipeline=fake_pipeline(), web=reader)
        reader.log_outcomes(store, again.run_id)
    assert (again.read, again.coded, again.skipped, again.rejected) == (1, 0, 1, 2)
    assert site.hits[hits:] == []
    last = log_lines(tmp_path / "log.jsonl")[-1]
    assert last["event"] == "skipped" and str(last["reason"]).startswith("already coded by run")


def test_watch_codes_only_what_is_new(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    rejects = tmp_path / "rejects.jsonl"
    site.page("/feed.rss", body=feed_of(site, [0, 1]), content_type="application/rss+xml")
    site.page("/bad.rss", body=b"<html><p>not a feed</p></html>", content_type="text/html")
    reader = web_reader(tmp_path, db)

    def next_cycle(result: object) -> None:  # the feed publishes a third story
        site.page("/feed.rss", body=feed_of(site, [0, 1, 2]), content_type="application/rss+xml")

    with open_store(db) as store:
        results = watch_feeds(
            [site.url("/feed.rss"), site.url("/bad.rss")],
            store,
            reader,
            every=600,
            cycles=2,
            rejects_path=rejects,
            pipeline=fake_pipeline(),
            on_cycle=next_cycle,
            sleep=lambda seconds: None,
        )
        stored = store.counts()["articles"]
    first, second = (result.summary for result in results)
    assert (first.read, first.coded, first.rejected) == (2, 2, 1)
    assert (second.read, second.coded, second.rejected) == (1, 1, 1)
    assert stored == 3
    assert [len(site.hits_of(f"/story/{n}")) for n in range(3)] == [1, 1, 1]
    # Both polls' rejects are kept, one after the other.
    reasons = [json.loads(line)["reason"] for line in rejects.read_text().splitlines()]
    assert len(reasons) == 2 and all(r.startswith("bad content type: text/html") for r in reasons)
    runs = [line for line in log_lines(tmp_path / "log.jsonl") if line["event"] == "run"]
    assert [run.get("cycle") for run in runs] == [1, 1, 2, 2]
    assert runs[1]["coded"] == 2 and runs[3]["coded"] == 1
    assert runs[3]["rejected_by_reason"] == {"bad content type": 1}


def test_watch_killed_and_started_again_ends_like_an_uninterrupted_watch(
    site: Site, tmp_path: Path
) -> None:
    for n in range(len(PLACES)):
        site.routes[f"/story/{n}"] = _slow_page(story_page(n), 0.25)
    site.page(
        "/feed.rss", body=feed_of(site, range(len(PLACES))), content_type="application/rss+xml"
    )
    feed = site.url("/feed.rss")

    killed = tmp_path / "killed"
    killed.mkdir()
    script = killed / "watch.py"
    script.write_text(WATCH_SCRIPT, encoding="utf-8")
    log = killed / "log.jsonl"
    process = subprocess.Popen(
        [sys.executable, str(script), str(killed / "events.duckdb"), feed, str(log)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if log.exists() and log.read_text().count('"event": "article"') >= 3:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the watch never fetched three stories")
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    before = {line["url"] for line in log_lines(log) if line["event"] == "article"}
    hits_before = {n: len(site.hits_of(f"/story/{n}")) for n in range(len(PLACES))}

    # Started again, in this process, with the same database and crawl state.
    db = killed / "events.duckdb"
    with open_store(db) as store:
        watch_feeds(
            [feed],
            store,
            web_reader(killed, db),
            every=60,
            cycles=1,
            rejects_path=killed / "rejects.jsonl",
            pipeline=fake_pipeline(),
        )
    for n in range(len(PLACES)):
        again = len(site.hits_of(f"/story/{n}")) - hits_before[n]
        # A page fetched before the kill is not fetched again; the one in flight may be.
        assert again == (0 if site.url(f"/story/{n}") in before else 1), n

    # An uninterrupted watch, from nothing, into another database.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with open_store(fresh / "events.duckdb") as store:
        watch_feeds(
            [feed],
            store,
            web_reader(fresh, fresh / "events.duckdb"),
            every=60,
            cycles=1,
            rejects_path=fresh / "rejects.jsonl",
            pipeline=fake_pipeline(),
        )
    assert _contents(killed / "events.duckdb") == _contents(fresh / "events.duckdb")
    assert len(_contents(fresh / "events.duckdb")[0]) == len(PLACES)


def _slow_page(body: bytes, seconds: float):  # type: ignore[no-untyped-def]
    def answer(request):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        request.send(200, body)

    return answer


def _contents(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    with open_store(db, read_only=True) as store:
        con = store.connection
        articles = con.execute(
            "SELECT article_id, date, title, source, url, content_hash, n_events"
            " FROM articles ORDER BY article_id"
        ).fetchall()
        events = con.execute("SELECT event_id, article_id FROM events ORDER BY 1").fetchall()
        fused = con.execute("SELECT count(*) FROM fused_members").fetchone()
    return articles, events, int(fused[0]) if fused else 0


WATCH_SCRIPT = textwrap.dedent(
    """
    import datetime as dt
    import sys

    from dateline.ingest.web import CrawlState, Politeness, RunLog, WebReader, state_path_for
    from dateline.pipeline import Pipeline
    from dateline.store import open_store
    from dateline.watch import watch_feeds
    from tests.fakes import FakeEventStage

    db, feed, log = sys.argv[1:4]
    reader = WebReader(
        Politeness(allow_private=True, delay=0.0, retries=0),
        state=CrawlState(state_path_for(db)),
        log=RunLog(log),
        today=dt.date(2024, 3, 6),
    )
    with open_store(db) as store:
        watch_feeds(
            [feed], store, reader, every=60, cycles=1, rejects_path=db + ".rejects",
            pipeline=Pipeline([FakeEventStage()], batch_size=2),
        )
    """
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("90s", 90), ("1h", 3600), ("1h30m", 5400), ("45", 45), ("2.5m", 150)],
)
def test_intervals(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15x", "0s", "0.5s", "m15"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def test_feed_lists(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.urls"
    listing.write_text("# wires\nhttps://a.example/rss\n\nhttps://b.example/atom\n")
    assert feed_urls(["https://c.example/feed", str(listing), "https://a.example/rss"]) == [
        "https://c.example/feed",
        "https://a.example/rss",
        "https://b.example/atom",
    ]


@pytest.mark.model
def test_cli_code_and_watch(site: Site, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dateline.cli import app

    db = tmp_path / "events.duckdb"
    log = tmp_path / "log.jsonl"
    common = ["--db", str(db), "--log", str(log), "--allow-private", "--delay", "0", "--quiet"]
    runner = CliRunner()
    urls = [site.url("/world/harbour-talks"), site.url("/monde/lyon")]
    result = runner.invoke(
        app, ["code", *urls, *common, "--rejects", str(tmp_path / "rejects.jsonl")]
    )
    assert result.exit_code == 0, result.output
    lines = log_lines(log)
    [coded] = [line for line in lines if line["event"] == "coded"]
    assert int(str(coded["events"])) >= 1  # Abe met Xi: the real pipeline codes a meeting
    end = lines[-1]
    assert end["event"] == "run" and end["rejected_by_reason"] == {"not English": 1}

    site.feed("/feeds/world.rss", "world.rss", etag='"v1"')
    watch = [
        "watch",
        site.url("/feeds/world.rss"),
        "--every",
        "1s",
        "--cycles",
        "2",
        "--rejects",
        str(tmp_path / "watch-rejects.jsonl"),
        *common,
    ]
    result = runner.invoke(app, watch)
    assert result.exit_code == 0, result.output
    runs = [line for line in log_lines(log) if line["event"] == "run" and "cycle" in line]
    ends = [run for run in runs if "run_id" in run]
    # Poll 1: the harbour story was stored by `code` (not offered again), border and rail
    # are new, the PDF is rejected; poll 2: a 304, nothing new, the PDF not asked for again.
    assert [(end["coded"], end["read"], end["rejected"]) for end in ends] == [(2, 2, 1), (0, 0, 0)]
    assert [hit.headers.get("if-none-match") for hit in site.hits_of("/feeds/world.rss")] == [
        None,
        '"v1"',
    ]
    with open_store(db, read_only=True) as store:
        sources = store.connection.execute("SELECT DISTINCT source FROM articles ORDER BY 1")
        assert [row[0] for row in sources.fetchall()] == ["Harbour Post", "The Coastal Ledger"]
