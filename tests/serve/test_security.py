"""Security of the HTTP server: bounded requests, capped limits, parameterised SQL,
security headers on every answer, a dashboard with no inline code, loopback by default."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dateline.serve import SECURITY_HEADERS, bind_warning, create_app, is_loopback, queries
from dateline.serve.app import MAX_LIMIT, MAX_QUERY_BYTES, STATIC
from dateline.serve.queries import EventFilter
from dateline.store import FusedQuery

PATHS = [
    "/",
    "/api/docs",
    "/api/v1/meta",
    "/api/v1/events",
    "/api/v1/events/nope",
    "/api/v1/events?limit=0",
    "/static/dashboard.js",
    "/static/missing.js",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(fake_client: Any, path: str) -> None:
    answer = fake_client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, (path, name)
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_an_over_long_query_string_is_refused(fake_client: Any) -> None:
    answer = fake_client.get("/api/v1/events", params={"q": "x" * (MAX_QUERY_BYTES + 1)})
    assert answer.status_code == 414
    assert answer.headers["content-security-policy"] == SECURITY_HEADERS["content-security-policy"]
    assert fake_client.get("/api/v1/events", params={"q": "x" * 200}).status_code == 200


def test_an_over_long_path_is_refused(fake_client: Any) -> None:
    assert fake_client.get("/api/v1/events/" + "a" * 2000).status_code == 414


def test_request_bodies_are_refused(fake_client: Any) -> None:
    big = fake_client.request("GET", "/api/v1/meta", content=b"x" * 5000)
    assert big.status_code == 413
    streamed = fake_client.request("GET", "/api/v1/meta", content=iter([b"x" * 10]))
    assert streamed.status_code == 413  # chunked: no length to check, so no body at all
    assert fake_client.post("/api/v1/events", content=b"{}").status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"limit": MAX_LIMIT + 1},
        {"limit": 0},
        {"offset": -1},
        {"offset": 10**9},
        {"actor": "A" * 33},
        {"actor": "JPN' OR 1=1 --"},
        {"dyad": "CHN"},
        {"dyad": "CHN,JPN,USA"},
        {"root": "21"},
        {"root": "0; DROP TABLE events"},
        {"cameo": "04a"},
        {"quadclass": 5},
        {"modality": "rumoured"},
        {"country": "CHINA"},
        {"q": "x" * 201},
        {"since": "2017-13-01"},
        {"since": "2017-02-30"},
        {"until": "0"},
        {"until": "1490000000"},
        {"order": "random()"},
        {"cursor": "2017-01-01~x' OR 1=1 --"},
    ],
    ids=str,
)
def test_bad_parameters_are_422(fake_client: Any, params: dict[str, Any]) -> None:
    answer = fake_client.get("/api/v1/events", params=params)
    assert answer.status_code == 422, answer.text
    # FastAPI's documented error shape, naming the parameter.
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["query", next(iter(params))]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/dyads", {"limit": 101}),
        ("/api/v1/actors", {"limit": 101}),
        ("/api/v1/timeline", {"interval": "hour"}),
        ("/api/v1/timeline", {"by": "source_code"}),
        ("/api/v1/timeline", {"date": "date_start"}),
        ("/api/v1/fused", {"min_reports": 0}),
    ],
    ids=str,
)
def test_aggregate_limits_and_choices_are_bounded(
    fake_client: Any, path: str, params: dict[str, Any]
) -> None:
    assert fake_client.get(path, params=params).status_code == 422


def test_injection_in_free_text_is_only_a_value(fake_client: Any) -> None:
    for text in ["' OR 1=1 --", "%", "_", "\\", "'; DROP TABLE events; --"]:
        answer = fake_client.get("/api/v1/events", params={"q": text})
        assert answer.status_code == 200
        assert answer.json()["total"] == 0, text
    # A LIKE wildcard would match everything; contains() takes it literally.
    assert fake_client.get("/api/v1/events", params={"q": "Story"}).json()["total"] == 6
    assert fake_client.get("/api/v1/articles/a0' OR '1'='1").status_code == 404
    assert fake_client.get("/api/v1/meta").json()["counts"]["events"] == 6


class RecordingConnection:
    """A DuckDB connection that keeps every SQL text and its parameters."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        self.calls: list[tuple[str, list[Any]]] = []

    def execute(self, sql: str, params: list[Any] | None = None) -> Any:
        self.calls.append((sql, list(params or [])))
        return self.connection.execute(sql, params or [])


MARKER = "Zq9Marker"


def test_no_user_value_ever_becomes_sql(fake_db: Path) -> None:
    """Every query the API makes, with a marker in every string filter: the marker
    reaches DuckDB only as a bound parameter, never inside the SQL text."""
    connection = duckdb.connect(str(fake_db), read_only=True)
    recording = RecordingConnection(connection)
    where = EventFilter(
        actor=MARKER + "A",
        dyad=(MARKER + "B", MARKER + "C"),
        since=dt.date(2016, 1, 1),
        until=dt.date(2018, 1, 1),
        cameo_root="04",
        cameo="04",
        quadclass=1,
        modality="asserted",
        country="ZQM",
        q=MARKER + "D",
        article_id=MARKER + "E",
    )
    con: Any = recording
    queries.find_events(con, where, limit=5, offset=1)
    queries.find_events(con, where, limit=5, order="desc", after=(dt.date(2017, 1, 1), MARKER))
    for interval in ("day", "week", "month", "year"):
        queries.timeline(con, where, interval=interval)  # type: ignore[arg-type]
    queries.timeline(con, where, by="root", date="report")
    queries.dyads(con, where, limit=5)
    queries.dyads(con, where, limit=5, directed=False)
    queries.actors(con, where, limit=5)
    queries.event(con, MARKER + "F")
    queries.article(con, MARKER + "G")
    queries.find_fused(con, FusedQuery(actor=MARKER + "H", dyad=(MARKER, MARKER)), limit=5)
    queries.find_fused(
        con, FusedQuery(country="ZQM", cameo="04", quadclass=2, q=MARKER + "J"), limit=5
    )
    queries.fused_event(con, MARKER + "I")
    queries.meta(con, "test")
    assert len(recording.calls) > 15
    for sql, _ in recording.calls:
        assert MARKER.lower() not in sql.lower(), sql
        assert "ZQM" not in sql
    bound = [p for _, params in recording.calls for p in params if isinstance(p, str)]
    assert sum(MARKER.lower() in p.lower() for p in bound) >= 9
    connection.close()


def test_fused_endpoints_on_a_store_without_fusion(tmp_path: Path, fake_db: Path) -> None:
    from fastapi.testclient import TestClient

    old = tmp_path / "old.duckdb"
    connection = duckdb.connect(str(old))
    connection.execute(f"ATTACH '{fake_db}' AS fake (READ_ONLY)")
    for table in ("articles", "events", "runs"):
        connection.execute(f"CREATE TABLE {table} AS SELECT * FROM fake.{table}")
    connection.close()
    with TestClient(create_app(old, rules_version="test")) as client:
        assert client.get("/api/v1/meta").json()["fused"]["available"] is False
        answer = client.get("/api/v1/fused")
        assert answer.status_code == 404 and "dateline fuse" in answer.json()["detail"]
        assert client.get("/api/v1/events").json()["total"] == 6


def test_a_missing_database_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"E005|no database"):
        create_app(tmp_path / "none.duckdb")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_loopback_binds_quietly(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert (bind_warning(host) is None) is loopback


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text += data.strip()


@pytest.mark.parametrize("page", ["index.html", "api-docs.html"])
def test_pages_have_no_inline_code_and_load_nothing_from_outside(page: str) -> None:
    parser = _Tags()
    parser.feed((STATIC / page).read_text(encoding="utf-8"))
    assert parser.script_text == ""
    for tag, attrs in parser.tags:
        assert tag != "style"
        assert "style" not in attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href"):
            value = attrs.get(name)
            if value and tag in ("script", "link"):
                assert value.startswith("/static/"), value
                assert (STATIC / value.removeprefix("/static/")).is_file(), value


def test_our_scripts_never_write_html() -> None:
    """Data reaches the page through textContent and setAttribute only."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in STATIC.glob("*.js"))
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code, sink
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", code), "a network address"
