"""A small web site on 127.0.0.1 for the web ingest tests.

`Site` serves routes from a thread of this test process and logs every request
(path, headers, start and end time), so tests can assert what dateline asked
for and when. Behaviours a real site shows are handlers: slow headers, a body
that trickles, a body streamed until the client hangs up, redirects, failures
before success, conditional answers. Nothing here talks to any other address.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "web"

Handler = Callable[["Request"], None]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    started: float
    ended: float = 0.0


@dataclass
class Request:
    """What a handler gets: the request, and ways to answer it."""

    handler: BaseHTTPRequestHandler
    site: Site
    hit: Hit

    @property
    def path(self) -> str:
        return self.handler.path

    def header(self, name: str) -> str | None:
        return self.hit.headers.get(name.lower())

    def send(
        self,
        status: int = 200,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.handler.send_response(status)
        if content_type:
            self.handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.handler.send_header(name, value)
        if length:
            self.handler.send_header("Content-Length", str(len(body)))
        self.handler.end_headers()
        self.write(body)

    def write(self, data: bytes) -> bool:
        """False once the client has gone."""
        try:
            self.handler.wfile.write(data)
            self.handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            return False
        self.site.bytes_sent += len(data)
        return True


@dataclass
class Site:
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    bytes_sent: int = 0
    _server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> Site:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hit = Hit(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    started=time.monotonic(),
                )
                site.hits.append(hit)
                route = site.routes.get(self.path.split("?", 1)[0])
                request = Request(self, site, hit)
                try:
                    if route is None:
                        request.send(404, b"not here", "text/plain")
                    else:
                        route(request)
                finally:
                    hit.ended = time.monotonic()

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet

        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits_of(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path.split("?", 1)[0] == path]

    # -- routes -----------------------------------------------------------------------
    def page(
        self,
        path: str,
        fixture: str | None = None,
        *,
        body: bytes | None = None,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """A fixture file (with ``{base}`` filled in) or a body, with a status of 200."""

        def answer(request: Request) -> None:
            data = body if body is not None else self.fixture(fixture or "")
            request.send(200, data, content_type, headers)

        self.routes[path] = answer

    def fixture(self, name: str) -> bytes:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        return text.replace("{base}", self.base).encode("utf-8")

    def robots(self, text: str) -> None:
        self.page("/robots.txt", body=text.encode(), content_type="text/plain")

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda request: request.send(status, b"", None, {"Location": location})

    def status(self, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.routes[path] = lambda request: request.send(status, b"no", "text/plain", headers)

    def failing_then(self, path: str, failures: int, status: int, then: Handler) -> None:
        """`status` for the first `failures` requests, then `then`."""
        count = {"n": 0}

        def answer(request: Request) -> None:
            count["n"] += 1
            if count["n"] <= failures:
                request.send(status, b"busy", "text/plain")
            else:
                then(request)

        self.routes[path] = answer

    def slow(self, path: str, seconds: float, fixture: str) -> None:
        """Headers only after `seconds` (a host that does not answer in time)."""

        def answer(request: Request) -> None:
            time.sleep(seconds)
            request.send(200, self.fixture(fixture))

        self.routes[path] = answer

    def trickle(self, path: str, every: float, total: float) -> None:
        """Headers at once, then one byte every `every` seconds for `total` seconds."""

        def answer(request: Request) -> None:
            request.send(200, b"", length=False)
            end = time.monotonic() + total
            while time.monotonic() < end:
                if not request.write(b" "):
                    return
                time.sleep(every)

        self.routes[path] = answer

    def stream(
        self, path: str, size: int, *, declare: bool, content_type: str = "text/html"
    ) -> None:
        """A body of `size` bytes written in 64 KiB pieces until done or the client hangs up."""
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"

        def answer(request: Request) -> None:
            request.handler.send_response(200)
            request.handler.send_header("Content-Type", content_type)
            if declare:
                request.handler.send_header("Content-Length", str(size))
            request.handler.end_headers()
            sent = 0
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                if not request.write(piece):
                    return
                sent += len(piece)

        self.routes[path] = answer

    def gzip_bomb(self, path: str, size: int) -> None:
        """A small gzip body that inflates to `size` bytes."""
        packed = gzip.compress(b"<p>" + b" " * size + b"</p>")

        def answer(request: Request) -> None:
            request.send(200, packed, "text/html", {"Content-Encoding": "gzip"})

        self.routes[path] = answer

    def feed(
        self,
        path: str,
        fixture: str,
        *,
        content_type: str = "application/rss+xml",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """A feed that answers 304 to a matching conditional request."""

        def answer(request: Request) -> None:
            if etag and request.header("If-None-Match") == etag:
                request.send(304, b"", None, {"ETag": etag})
                return
            if last_modified and request.header("If-Modified-Since") == last_modified:
                request.send(304, b"", None, {"Last-Modified": last_modified})
                return
            headers = {}
            if etag:
                headers["ETag"] = etag
            if last_modified:
                headers["Last-Modified"] = last_modified
            request.send(200, self.fixture(fixture), content_type, headers)

        self.routes[path] = answer


def loopback_only(address: object) -> None:
    """Raise unless a socket address is on the loopback interface."""
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str) or not (host.startswith("127.") or host == "::1"):
        raise AssertionError(f"a test tried to connect to {address!r}")


def guard_connections(monkeypatch: object) -> None:
    """Make any connection to an address off this machine fail the test."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        loopback_only(address)
        original(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)  # type: ignore[attr-defined]
