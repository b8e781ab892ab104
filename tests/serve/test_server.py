"""`dateline serve`: the CLI's checks and warning, and a real uvicorn server in a subprocess."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dateline.cli import app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls of `run_server`, recorded instead of starting a server."""
    calls: list[dict[str, Any]] = []

    def record(db_path: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
        calls.append({"db": db_path, "host": host, "port": port})

    monkeypatch.setattr("dateline.serve.run_server", record)
    return calls


def test_serve_binds_to_loopback_by_default(fake_db: Path, started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(fake_db)])
    assert result.exit_code == 0, result.output
    assert started == [{"db": fake_db, "host": "127.0.0.1", "port": 8000}]
    assert "warning" not in result.output


def test_serve_warns_when_bound_beyond_this_machine(
    fake_db: Path, started: list[dict[str, Any]]
) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--db", str(fake_db), "--host", "0.0.0.0", "--port", "9001"]
    )
    assert result.exit_code == 0, result.output
    assert started == [{"db": fake_db, "host": "0.0.0.0", "port": 9001}]
    assert "warning" in result.output and "0.0.0.0" in result.output


def test_serve_without_a_database_fails(tmp_path: Path, started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no database" in result.output
    assert started == []


def test_serve_refuses_a_bad_port(fake_db: Path, started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(fake_db), "--port", "70000"])
    assert result.exit_code == 2
    assert started == []


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, dict(answer.headers), answer.read()


def test_uvicorn_serves_the_api(fake_db: Path, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    command = [
        sys.executable,
        "-c",
        "from dateline.cli import app; app()",
        "serve",
        "--db",
        str(fake_db),
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(f"http://127.0.0.1:{port}/api/v1/meta")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.2)
        assert status == 200
        meta = json.loads(body)
        assert meta["counts"] == {"articles": 3, "events": 6, "runs": 1}
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "server" not in {name.lower() for name in headers}
        status, headers, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b"/static/dashboard.js" in body
        # Concurrent requests: each runs on a cursor of its own over the one connection.
        paths = ["/api/v1/meta", "/api/v1/events?actor=JPN", "/api/v1/timeline", "/api/v1/dyads"]
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda i: _get(f"http://127.0.0.1:{port}{paths[i % 4]}"), range(80))
            )
        assert [status for status, _, _ in answers] == [200] * 80
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(f"http://127.0.0.1:{port}/api/v1/events?q=" + "x" * 3000)
        assert refused.value.code == 414
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    assert "dashboard at http://127.0.0.1:" in (tmp_path / "server.log").read_text()
