"""The polite fetcher against a site served from 127.0.0.1 in this test run:
rate limit, robots.txt, timeouts, retries, size, content types, redirects, schemes,
private addresses."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest

from dateline.ingest.web import Fetcher, FetchError, Politeness, is_public_address
from dateline.ingest.web.fetch import PAGE_TYPES
from tests.ingest.web_site import Site, guard_connections

FAST = Politeness(
    allow_private=True,
    delay=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=10.0,
    retries=1,
    backoff=0.05,
)


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    guard_connections(monkeypatch)
    served = Site().start()
    yield served
    served.stop()


def fetch_error(fetcher: Fetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as raised:
        fetcher.get(url, **kwargs)  # type: ignore[arg-type]
    return raised.value


def test_a_page_is_fetched_with_our_user_agent(site: Site) -> None:
    site.page("/world/harbour-talks", "harbour_talks.html")
    response = Fetcher(FAST).get(site.url("/world/harbour-talks"), accept=PAGE_TYPES)
    assert response.status == 200
    assert response.content_type == "text/html"
    assert b"fisheries talks" in response.body
    [robots] = site.hits_of("/robots.txt")  # read first, once
    [page] = site.hits_of("/world/harbour-talks")
    assert robots.started <= page.started
    assert page.headers["user-agent"].startswith("dateline/")


def test_rate_limit_spaces_requests_to_one_host(site: Site) -> None:
    for n in range(3):
        site.page(f"/p{n}", body=b"<p>x</p>")
    waits: list[tuple[str, float, str]] = []
    fetcher = Fetcher(Politeness(allow_private=True, delay=0.3), on_wait=lambda *w: waits.append(w))
    for n in range(3):
        fetcher.get(site.url(f"/p{n}"))
    starts = [hit.started for hit in site.hits]  # robots.txt, then the three pages
    ends = [hit.ended for hit in site.hits]
    assert [hit.path for hit in site.hits] == ["/robots.txt", "/p0", "/p1", "/p2"]
    gaps = [start - end for end, start in zip(ends, starts[1:], strict=False)]
    assert all(gap >= 0.28 for gap in gaps), gaps
    assert len(waits) == 3 and all(why == "rate limit" for _, _, why in waits)


def test_robots_crawl_delay_is_honoured_when_longer(site: Site) -> None:
    site.robots("User-agent: *\nCrawl-delay: 1\n")
    site.page("/a", body=b"<p>a</p>")
    site.page("/b", body=b"<p>b</p>")
    fetcher = Fetcher(Politeness(allow_private=True, delay=0.1))
    fetcher.get(site.url("/a"))
    fetcher.get(site.url("/b"))
    [a] = site.hits_of("/a")
    [b] = site.hits_of("/b")
    assert b.started - a.ended >= 0.95


def test_robots_txt_disallows(site: Site) -> None:
    site.robots("User-agent: *\nDisallow: /private/\n\nUser-agent: dateline\nDisallow: /drafts/\n")
    site.page("/private/memo", body=b"<p>secret</p>")
    site.page("/drafts/story", body=b"<p>draft</p>")
    site.page("/world/story", body=b"<p>fine</p>")
    fetcher = Fetcher(FAST)
    error = fetch_error(fetcher, site.url("/drafts/story"))
    assert error.reason.startswith("disallowed by robots.txt: ")
    assert "/drafts/story" in error.reason
    # The rules for dateline replace those for *: /private/ is not listed for us.
    assert fetcher.get(site.url("/world/story")).status == 200
    assert not site.hits_of("/drafts/story")
    assert len(site.hits_of("/robots.txt")) == 1


def test_robots_txt_for_all_agents(site: Site) -> None:
    site.robots("User-agent: *\nDisallow: /private/\n")
    site.page("/private/memo", body=b"<p>secret</p>")
    error = fetch_error(Fetcher(FAST), site.url("/private/memo"))
    assert error.kind == "disallowed by robots.txt"
    assert not site.hits_of("/private/memo")


def test_unreadable_robots_txt_disallows_everything(site: Site) -> None:
    site.status("/robots.txt", 503)
    site.page("/world/story", body=b"<p>fine</p>")
    error = fetch_error(Fetcher(FAST), site.url("/world/story"))
    assert error.kind == "disallowed by robots.txt"
    assert "could not be read" in error.detail and "RFC 9309" in error.detail
    assert not site.hits_of("/world/story")
    assert len(site.hits_of("/robots.txt")) == 2  # retried once, like any request


def test_slow_host_times_out_after_bounded_retries(site: Site) -> None:
    site.slow("/slow", 1.5, "harbour_talks.html")
    policy = Politeness(allow_private=True, delay=0.0, read_timeout=0.25, retries=1, backoff=0.05)
    started = time.monotonic()
    error = fetch_error(Fetcher(policy), site.url("/slow"))
    elapsed = time.monotonic() - started
    assert error.reason == "timed out: no data for 0.25 s (2 attempts)"
    assert len(site.hits_of("/slow")) == 2
    assert elapsed < 1.4  # two waits of 0.25 s and a backoff, not the host's 1.5 s


def test_a_host_that_does_not_accept_connections_times_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listening socket whose accept queue is full: Linux drops further SYNs, so a
    connection is never made (a host that is down or firewalled, on this machine)."""
    guard_connections(monkeypatch)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    try:
        policy = Politeness(
            allow_private=True, delay=0.0, connect_timeout=0.3, retries=1, backoff=0.05
        )
        started = time.monotonic()
        error = fetch_error(Fetcher(policy), f"http://127.0.0.1:{port}/story", robots=False)
        assert error.reason == "timed out: no connection within 0.3 s (2 attempts)"
        assert time.monotonic() - started < 2.0
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_trickling_response_is_cut_at_the_total_timeout(site: Site) -> None:
    site.trickle("/trickle", every=0.05, total=5.0)
    policy = Politeness(allow_private=True, delay=0.0, read_timeout=1.0, total_timeout=0.5)
    started = time.monotonic()
    error = fetch_error(Fetcher(policy), site.url("/trickle"))
    assert error.kind == "timed out"
    assert "more than 0.5 s" in error.detail
    assert time.monotonic() - started < 2.0
    assert len(site.hits_of("/trickle")) == 1  # not worth another try


def test_busy_server_is_retried_with_backoff_then_read(site: Site) -> None:
    site.failing_then(
        "/busy", 2, 503, lambda request: request.send(200, b"<p>finally</p>", "text/html")
    )
    waits: list[tuple[str, float, str]] = []
    policy = Politeness(allow_private=True, delay=0.0, retries=2, backoff=0.1)
    response = Fetcher(policy, on_wait=lambda *w: waits.append(w)).get(site.url("/busy"))
    assert response.body == b"<p>finally</p>" and response.attempts == 3
    hits = site.hits_of("/busy")
    assert hits[1].started - hits[0].ended >= 0.09  # 0.1 s
    assert hits[2].started - hits[1].ended >= 0.19  # then doubled
    assert [why for _, _, why in waits] == ["retry after HTTP 503", "retry after HTTP 503"]


def test_retries_are_bounded(site: Site) -> None:
    site.status("/down", 502)
    error = fetch_error(Fetcher(FAST), site.url("/down"))
    assert error.reason == "HTTP error: HTTP 502 (2 attempts)"
    assert len(site.hits_of("/down")) == 2


def test_a_long_retry_after_gives_up_at_once(site: Site) -> None:
    site.status("/later", 429, {"Retry-After": "3600"})
    error = fetch_error(Fetcher(FAST), site.url("/later"))
    assert error.kind == "HTTP error"
    assert "asks to wait 3600 s" in error.detail
    assert len(site.hits_of("/later")) == 1


def test_client_errors_are_not_retried(site: Site) -> None:
    error = fetch_error(Fetcher(FAST), site.url("/missing"))
    assert error.reason == "HTTP error: HTTP 404 Not Found"
    assert error.status == 404
    assert len(site.hits_of("/missing")) == 1


FIFTY_MB = 50 * 1024 * 1024


def test_a_50_mb_response_streamed_is_cut_at_the_limit(site: Site) -> None:
    site.stream("/huge", FIFTY_MB, declare=False)
    started = time.monotonic()
    error = fetch_error(Fetcher(FAST), site.url("/huge"))  # the default limit, 10 MiB
    assert error.reason == "too large: more than 10,485,760 bytes; stopped reading"
    assert time.monotonic() - started < 5.0
    time.sleep(0.2)
    assert site.bytes_sent < 20 * 1024 * 1024  # the client hung up; the rest was never sent


def test_a_declared_50_mb_response_is_refused_before_reading(site: Site) -> None:
    site.stream("/huge", FIFTY_MB, declare=True)
    error = fetch_error(Fetcher(FAST), site.url("/huge"))
    assert error.reason == (
        "too large: the response declares 52,428,800 bytes; the limit is 10,485,760"
    )
    time.sleep(0.2)
    assert site.bytes_sent < 5 * 1024 * 1024


def test_the_size_limit_holds_after_decompression(site: Site) -> None:
    site.gzip_bomb("/bomb", 20 * 1024 * 1024)  # ~20 KB on the wire
    error = fetch_error(Fetcher(FAST), site.url("/bomb"))
    assert error.kind == "too large"


def test_content_type_is_checked_before_the_body_is_read(site: Site) -> None:
    site.stream("/report.pdf", FIFTY_MB, declare=False, content_type="application/pdf")
    error = fetch_error(Fetcher(FAST), site.url("/report.pdf"), accept=PAGE_TYPES)
    assert error.reason == (
        "bad content type: application/pdf; expected application/xhtml+xml or text/html"
    )
    time.sleep(0.2)
    assert site.bytes_sent < 5 * 1024 * 1024


def test_redirects_are_followed_and_recorded(site: Site) -> None:
    site.redirect("/old", "/newer", 301)
    site.redirect("/newer", "/world/harbour-talks", 302)
    site.page("/world/harbour-talks", "harbour_talks.html")
    response = Fetcher(FAST).get(site.url("/old"))
    assert response.final_url == site.url("/world/harbour-talks")
    assert response.redirects == (site.url("/newer"), site.url("/world/harbour-talks"))


def test_a_redirect_loop_is_named(site: Site) -> None:
    site.redirect("/loop/a", "/loop/b")
    site.redirect("/loop/b", "/loop/a")
    error = fetch_error(Fetcher(FAST), site.url("/loop/a"))
    a, b = site.url("/loop/a"), site.url("/loop/b")
    assert error.reason == f"too many redirects: a redirect loop: {a} → {b} → {a}"
    assert len(site.hits) == 3  # robots.txt, a, b


def test_redirects_are_bounded(site: Site) -> None:
    for n in range(10):
        site.redirect(f"/hop/{n}", f"/hop/{n + 1}")
    error = fetch_error(Fetcher(FAST), site.url("/hop/0"))
    assert error.kind == "too many redirects"
    assert "more than 5 redirects" in error.detail
    assert len(site.hits_of("/hop/6")) == 0 and len(site.hits_of("/hop/5")) == 1


def test_a_redirect_to_a_file_is_refused(site: Site) -> None:
    site.redirect("/sneaky", "file:///etc/passwd")
    error = fetch_error(Fetcher(FAST), site.url("/sneaky"))
    assert error.reason.startswith("bad URL: redirected to file:///etc/passwd: file:// URLs")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "file:// URLs are never fetched"),
        ("ftp://127.0.0.1/pub/story.txt", "only http:// and https:// URLs are fetched, not ftp://"),
        ("javascript://alert(1)", "not javascript://"),
        ("http:///no-host", "has no host"),
        ("http://user:secret@127.0.0.1/", "user name or password"),
        ("http://127.0.0.1:99999/", "cannot be parsed"),
    ],
)
def test_only_http_urls_are_fetched(site: Site, url: str, says: str) -> None:
    error = fetch_error(Fetcher(FAST), url)
    assert error.kind == "bad URL"
    assert says in error.detail
    assert not site.hits


def test_loopback_is_refused_without_allow_private(site: Site) -> None:
    site.page("/world/harbour-talks", "harbour_talks.html")
    fetcher = Fetcher(Politeness())  # the defaults: private addresses refused
    error = fetch_error(fetcher, site.url("/world/harbour-talks"))
    assert error.reason == (
        "private address: 127.0.0.1 is a loopback address; "
        "pass --allow-private to fetch from private or loopback addresses"
    )
    error = fetch_error(fetcher, site.url("/world/harbour-talks").replace("127.0.0.1", "localhost"))
    assert error.reason.startswith("private address: localhost resolves to 127.0.0.1,")
    assert not site.hits  # refused before connecting: not even robots.txt was asked for


def test_a_redirect_to_a_private_address_is_refused(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public page that redirects inwards is refused at the redirect, before any
    packet goes to the private address. (The test site stands for a public one by
    counting 127.0.0.1, and only it, as public.)"""
    import dateline.ingest.web.fetch as fetch

    monkeypatch.setattr(fetch, "is_public_address", lambda address: address == "127.0.0.1")
    port = site.base.rsplit(":", 1)[1]
    site.redirect("/out", f"http://127.0.0.2:{port}/admin")
    error = fetch_error(Fetcher(Politeness(delay=0.0)), site.url("/out"))
    assert error.reason.startswith("private address: 127.0.0.2 is a loopback address")
    assert [hit.path for hit in site.hits] == ["/robots.txt", "/out"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.5", False),
        ("192.168.1.20", False),
        ("169.254.169.254", False),  # cloud metadata
        ("fe80::1", False),
        ("fc00::1", False),
        ("100.64.0.1", False),  # shared address space
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("not an address", False),
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public  # no network: the address is only classified
