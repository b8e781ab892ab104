"""Polite, bounded HTTP GETs for pages, feeds and robots.txt.

Every request of a run goes through one `Fetcher`, which

- fetches only ``http`` and ``https`` URLs (never ``file://``, not even as a
  redirect target);
- refuses hosts that resolve to a private, loopback, link-local or otherwise
  non-public address unless `Politeness.allow_private` is set. The address is
  checked when the connection is made, on the address actually connected to, so
  a name that resolves to a public address for one look-up and a private one
  for the next (DNS rebinding) is refused too, and no packet is sent to a
  refused address;
- reads ``/robots.txt`` once per site (again after a day) and honours it,
  including ``Crawl-delay`` (RFC 9309: a 4xx robots.txt allows everything, a
  5xx or an unreachable one disallows everything);
- waits `Politeness.delay` seconds (or the site's crawl delay, if longer)
  between the end of one request to a host and the start of the next;
- bounds connect and read times, the time of a whole response, the number of
  attempts (with exponential backoff, and ``Retry-After`` honoured up to a
  limit), the size of a body (declared or streamed, after decompression), and
  the number of redirects (a loop is named as one);
- checks the content type before reading a body.

Problems come back as `FetchError`, whose `reason` starts with one of the
reject kinds of docs/ingest.md.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import socket
import time
import urllib.robotparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)

from dateline import __version__

__all__ = [
    "DEFAULT_USER_AGENT",
    "FEED_TYPES",
    "PAGE_TYPES",
    "FetchError",
    "Fetcher",
    "Politeness",
    "Response",
    "check_url",
    "is_public_address",
]

DEFAULT_USER_AGENT = f"dateline/{__version__} (news event coding; honours robots.txt)"
# The token matched against robots.txt User-agent lines.
ROBOTS_TOKEN = "dateline"

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Worth another try: the server says it is busy or failed for now.
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_ROBOTS_MAX_AGE = 24 * 3600.0
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Politeness:
    """How dateline fetches: the defaults are documented in docs/ingest.md."""

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 2.0  # seconds between requests to one host (robots.txt may ask for more)
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # the longest wait for the next bytes
    total_timeout: float = 60.0  # the longest a whole response may take
    retries: int = 2  # further attempts after a timeout, a dropped connection or a 429/5xx
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    max_retry_after: float = 120.0  # a longer Retry-After gives up instead of waiting
    max_bytes: int = 10 * 1024 * 1024  # a body larger than this (after decompression) is refused
    max_redirects: int = 5
    allow_private: bool = False  # fetch from private and loopback addresses (tests, local mirrors)
    max_crawl_delay: float = 600.0  # a larger robots.txt Crawl-delay is treated as this


@dataclass(frozen=True, slots=True)
class Response:
    """A response that passed every check; `final_url` is after redirects."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    content_type: str
    attempts: int = 1
    redirects: tuple[str, ...] = ()
    waited: float = 0.0
    seconds: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A URL that could not be fetched: `kind` is the reject kind, `detail` what happened."""

    def __init__(self, kind: str, detail: str, *, status: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.status = status

    @property
    def reason(self) -> str:
        return f"{self.kind}: {self.detail}"


class _Transient(Exception):
    """A failure another attempt may cure."""

    def __init__(self, kind: str, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.retry_after: float | None = None


class _RefusedAddress(Exception):
    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} is {address}")
        self.host = host
        self.address = address


def is_public_address(address: str) -> bool:
    """Whether an IP address is publicly routable (not private, loopback,
    link-local, multicast, reserved, shared or unspecified)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host; else raises `FetchError` ("bad URL")."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise FetchError("bad URL", f"{url!r} cannot be parsed ({error})") from error
    scheme = parts.scheme.lower()
    if scheme == "file":
        raise FetchError("bad URL", "file:// URLs are never fetched; give the file's path instead")
    if scheme not in {"http", "https"}:
        raise FetchError("bad URL", f"only http:// and https:// URLs are fetched, not {scheme}://")
    if not parts.hostname:
        raise FetchError("bad URL", f"{url!r} has no host")
    if parts.username or parts.password:
        raise FetchError("bad URL", "URLs with a user name or password are not fetched")
    return url


def _guarded(base: type[HTTPConnection], allow_private: bool) -> type[HTTPConnection]:
    """A connection class that resolves the host itself and connects only to
    addresses the policy allows."""

    def _new_conn(self: HTTPConnection) -> socket.socket:
        host = self._dns_host
        try:
            found = socket.getaddrinfo(host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        allowed = [info for info in found if allow_private or is_public_address(str(info[4][0]))]
        if not allowed:
            raise _RefusedAddress(self.host, str(found[0][4][0]) if found else "?")
        last: OSError | None = None
        for family, kind, proto, _, address in allowed:
            sock = socket.socket(family, kind, proto)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.timeout is not None:
                    sock.settimeout(self.timeout)
                sock.connect(address)
                return sock
            except TimeoutError as error:
                sock.close()
                raise ConnectTimeoutError(
                    self, f"connection to {self.host} timed out ({self.timeout} s)"
                ) from error
            except OSError as error:
                sock.close()
                last = error
        raise NewConnectionError(self, f"cannot connect to {self.host}: {last}")

    return type(f"Guarded{base.__name__}", (base,), {"_new_conn": _new_conn})


def _pool_manager(policy: Politeness) -> urllib3.PoolManager:
    http_pool = type(
        "GuardedHTTPPool",
        (HTTPConnectionPool,),
        {"ConnectionCls": _guarded(HTTPConnection, policy.allow_private)},
    )
    https_pool = type(
        "GuardedHTTPSPool",
        (HTTPSConnectionPool,),
        {"ConnectionCls": _guarded(HTTPSConnection, policy.allow_private)},
    )
    manager = urllib3.PoolManager(num_pools=20, maxsize=1, retries=False)
    manager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return manager


@dataclass(slots=True)
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything disallowed
    why: str
    read_at: float


@dataclass
class Fetcher:
    """One polite HTTP client for a run: rate limits and robots.txt are per host.

    `clock` and `sleep` are for tests; `on_wait` is told of every pause the
    rate limit or a backoff makes (host, seconds, why).
    """

    policy: Politeness = field(default_factory=Politeness)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    on_wait: Callable[[str, float, str], None] | None = None
    on_robots: Callable[[str, str], None] | None = None
    _pool: urllib3.PoolManager = field(init=False, repr=False)
    _next_turn: dict[str, float] = field(init=False, default_factory=dict)
    _robots: dict[str, _Robots] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._pool = _pool_manager(self.policy)

    def close(self) -> None:
        self._pool.clear()

    # -- the one entry point ----------------------------------------------------
    def get(
        self,
        url: str,
        *,
        accept: frozenset[str] | None = None,
        headers: Mapping[str, str] | None = None,
        robots: bool = True,
        max_bytes: int | None = None,
    ) -> Response:
        """GET `url`, following redirects, within every bound of the policy.

        `accept` is the set of content types allowed for a 2xx body (None: any).
        A 304 comes back as a `Response` with an empty body. Raises `FetchError`.
        """
        check_url(url)
        chain = [url]
        current = url
        waited = 0.0
        attempts = 0
        for _ in range(self.policy.max_redirects + 1):
            if robots:
                self.check_robots(current)
            response = self._attempts(current, accept, headers, max_bytes)
            waited += response.waited
            attempts += response.attempts
            if response.status not in _REDIRECTS:
                return Response(
                    url=url,
                    final_url=current,
                    status=response.status,
                    headers=response.headers,
                    body=response.body,
                    content_type=response.content_type,
                    attempts=attempts,
                    redirects=tuple(chain[1:]),
                    waited=waited,
                    seconds=response.seconds,
                )
            location = response.headers.get("location", "").strip()
            if not location:
                raise FetchError(
                    "HTTP error", f"HTTP {response.status} without a Location", status=400
                )
            target = urljoin(current, location)
            try:
                check_url(target)
            except FetchError as error:
                raise FetchError("bad URL", f"redirected to {target}: {error.detail}") from None
            if target in chain:
                loop = " → ".join([*chain[chain.index(target) :], target])
                raise FetchError("too many redirects", f"a redirect loop: {loop}")
            chain.append(target)
            current = target
        raise FetchError(
            "too many redirects",
            f"more than {self.policy.max_redirects} redirects from {url} (last {current})",
        )

    # -- robots.txt -------------------------------------------------------------
    def check_robots(self, url: str) -> None:
        """Raises `FetchError` ("disallowed by robots.txt") unless the site allows `url`."""
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        robots = self._robots.get(site)
        if robots is None or self.clock() - robots.read_at > _ROBOTS_MAX_AGE:
            robots = self._read_robots(site)
            self._robots[site] = robots
        if robots.parser is None:
            raise FetchError("disallowed by robots.txt", robots.why)
        if not robots.parser.can_fetch(self.policy.user_agent, url):
            raise FetchError(
                "disallowed by robots.txt", f"{site}/robots.txt disallows {parts.path or '/'}"
            )

    def crawl_delay(self, host: str) -> float:
        """The pause between two requests to `host`: the policy's, or the site's if longer."""
        delay = self.policy.delay
        for site, robots in self._robots.items():
            if robots.parser is not None and urlsplit(site).hostname == host:
                asked = robots.parser.crawl_delay(self.policy.user_agent)
                if asked is not None:
                    delay = max(delay, min(float(asked), self.policy.max_crawl_delay))
        return delay

    def _read_robots(self, site: str) -> _Robots:
        robots = self._fetch_robots(site)
        if self.on_robots is not None:
            self.on_robots(site, robots.why)
        return robots

    def _fetch_robots(self, site: str) -> _Robots:
        robots_url = f"{site}/robots.txt"
        try:
            response = self.get(robots_url, robots=False, max_bytes=512 * 1024)
        except FetchError as error:
            if error.kind in {"bad URL", "private address"}:
                raise
            if error.status is not None and 400 <= error.status < 500:
                return _Robots(
                    _allow_all(),
                    f"{robots_url} is HTTP {error.status}: everything allowed",
                    self.clock(),
                )
            why = (
                f"{robots_url} could not be read ({error.detail}); until it can, "
                "everything on the site counts as disallowed (RFC 9309)"
            )
            return _Robots(None, why, self.clock())
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(self.policy.user_agent)
        why = f"{robots_url} read" + (f" (Crawl-delay {delay})" if delay is not None else "")
        return _Robots(parser, why, self.clock())

    # -- attempts, the rate limit and one request --------------------------------
    def _attempts(
        self,
        url: str,
        accept: frozenset[str] | None,
        headers: Mapping[str, str] | None,
        max_bytes: int | None,
    ) -> Response:
        host = urlsplit(url).hostname or ""
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            waited += self._wait_turn(host)
            try:
                response = self._once(url, accept, headers, max_bytes)
            except _Transient as failure:
                self._end_turn(host)
                if attempt > self.policy.retries:
                    tries = f"{attempt} attempts" if attempt > 1 else "1 attempt"
                    raise FetchError(
                        failure.kind, f"{failure.detail} ({tries})", status=failure.status
                    ) from None
                pause = self.policy.backoff * 2 ** (attempt - 1)
                if failure.retry_after is not None:
                    if failure.retry_after > self.policy.max_retry_after:
                        raise FetchError(
                            failure.kind,
                            f"{failure.detail}, and the server asks to wait "
                            f"{failure.retry_after:.0f} s (more than {self.policy.max_retry_after:.0f} s)",
                            status=failure.status,
                        ) from None
                    pause = max(pause, failure.retry_after)
                # The backoff is at least the host's delay, so it stands for the next turn.
                self._next_turn[host] = self.clock() + max(pause, self.crawl_delay(host))
                waited += self._wait_turn(host, why=f"retry after {failure.detail}")
                continue
            except FetchError:
                self._end_turn(host)
                raise
            self._end_turn(host)
            return Response(
                url=response.url,
                final_url=response.final_url,
                status=response.status,
                headers=response.headers,
                body=response.body,
                content_type=response.content_type,
                attempts=attempt,
                waited=waited,
                seconds=response.seconds,
            )

    def _end_turn(self, host: str) -> None:
        """The next request to `host` waits the crawl delay from now."""
        self._next_turn[host] = self.clock() + self.crawl_delay(host)

    def _wait_turn(self, host: str, why: str = "rate limit") -> float:
        ready = self._next_turn.get(host)
        if ready is None:
            return 0.0
        pause = ready - self.clock()
        if pause <= 0:
            return 0.0
        if self.on_wait is not None:
            self.on_wait(host, pause, why)
        self.sleep(pause)
        return pause

    def _once(
        self,
        url: str,
        accept: frozenset[str] | None,
        headers: Mapping[str, str] | None,
        max_bytes: int | None,
    ) -> Response:
        policy = self.policy
        started = self.clock()
        request_headers = {
            "User-Agent": policy.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": _accept_header(accept),
            **(headers or {}),
        }
        try:
            raw = self._pool.request(
                "GET",
                url,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                timeout=urllib3.Timeout(connect=policy.connect_timeout, read=policy.read_timeout),
            )
        except _RefusedAddress as refused:
            what = _address_kind(refused.address)
            where = (
                f"{refused.host} is {what}"
                if refused.host == refused.address
                else f"{refused.host} resolves to {refused.address}, {what}"
            )
            raise FetchError(
                "private address",
                f"{where}; pass --allow-private to fetch from private or loopback addresses",
            ) from None
        except (ConnectTimeoutError, ReadTimeoutError, TimeoutError) as error:
            raise _Transient("timed out", _timeout_detail(error, policy)) from None
        except NameResolutionError:
            host = urlsplit(url).hostname
            raise FetchError("cannot connect", f"the host name {host} was not found") from None
        except (HTTPError, OSError) as error:
            raise _Transient("cannot connect", _short_error(error)) from None
        try:
            return self._read(raw, url, accept, max_bytes or policy.max_bytes, started)
        finally:
            raw.release_conn()

    def _read(
        self,
        raw: Any,
        url: str,
        accept: frozenset[str] | None,
        max_bytes: int,
        started: float,
    ) -> Response:
        status = int(raw.status)
        headers = {name.lower(): value for name, value in raw.headers.items()}
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()

        def done(body: bytes = b"") -> Response:
            return Response(
                url=url,
                final_url=url,
                status=status,
                headers=headers,
                body=body,
                content_type=content_type,
                seconds=self.clock() - started,
            )

        if status in _REDIRECTS or status == 304:
            raw.close()
            return done()
        if status in _TRANSIENT_STATUS:
            raw.close()
            failure = _Transient("HTTP error", f"HTTP {status}", status=status)
            failure.retry_after = _retry_after(headers.get("retry-after"))
            raise failure
        if not 200 <= status < 300:
            raw.close()
            raise FetchError(
                "HTTP error", f"HTTP {status} {raw.reason or ''}".strip(), status=status
            )
        if accept is not None and content_type and content_type not in accept:
            raw.close()
            raise FetchError(
                "bad content type",
                f"{content_type or 'no type'}; expected {' or '.join(sorted(accept))}",
            )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raw.close()
            raise FetchError(
                "too large",
                f"the response declares {int(declared):,} bytes; the limit is {max_bytes:,}",
            )
        deadline = started + self.policy.total_timeout
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                # read1: whatever has arrived (at most a chunk, after decompression), so
                # the deadline is checked even when a server sends a byte at a time.
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        "too large",
                        f"more than {max_bytes:,} bytes; stopped reading",
                    )
                if self.clock() > deadline:
                    raise FetchError(
                        "timed out",
                        f"the response took more than {self.policy.total_timeout:g} s; stopped reading",
                    )
                chunks.append(chunk)
        except FetchError:
            raw.close()
            raise
        except (ReadTimeoutError, TimeoutError) as error:
            raw.close()
            raise _Transient("timed out", _timeout_detail(error, self.policy)) from None
        except (HTTPError, OSError) as error:
            raw.close()
            raise _Transient(
                "cannot connect", f"the connection broke: {_short_error(error)}"
            ) from None
        return done(b"".join(chunks))


def _address_kind(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not a public address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (
        ("a loopback address", ip.is_loopback),
        ("a link-local address", ip.is_link_local),
        ("a private address", ip.is_private),
        ("a multicast address", ip.is_multicast),
    ):
        if test:
            return kind
    return "not a public address"


def _allow_all() -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse([])
    return parser


def _accept_header(accept: frozenset[str] | None) -> str:
    if not accept:
        return "*/*"
    return ", ".join(sorted(accept)) + ";q=1.0, */*;q=0.1"


def _timeout_detail(error: Exception, policy: Politeness) -> str:
    if isinstance(error, ConnectTimeoutError) and not isinstance(error, NewConnectionError):
        return f"no connection within {policy.connect_timeout:g} s"
    return f"no data for {policy.read_timeout:g} s"


def _short_error(error: Exception) -> str:
    text = str(error)
    # urllib3 prefixes messages with the connection object's repr.
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return text[:200]


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
