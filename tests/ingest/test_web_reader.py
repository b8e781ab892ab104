"""Pages and feeds to articles and rejects (`WebReader`, `read_inputs` with URLs),
against a site served from 127.0.0.1 in this test run."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dateline.ingest import read_inputs, reject_kind
from dateline.ingest.web import (
    CrawlState,
    Politeness,
    RunLog,
    WebReader,
    canonical_url,
    relative_date,
    web_article_id,
)
from dateline.records import Article, Reject
from tests.ingest.web_site import Site, guard_connections

FAST = Politeness(allow_private=True, delay=0.0, read_timeout=2.0, retries=0, backoff=0.05)
TODAY = dt.date(2024, 3, 6)
FETCHED = dt.datetime(2024, 3, 6, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    guard_connections(monkeypatch)
    served = Site().start()
    served.page("/world/harbour-talks", "harbour_talks.html")
    served.page("/world/border-crossing", "undated.html")
    served.page("/politics/rail-link", "rail_link.html")
    served.page("/wire/fisheries", "harbour_talks_copy.html")
    served.page("/monde/lyon", "french.html")
    served.page("/files/annual-report.pdf", body=b"%PDF-1.4", content_type="application/pdf")
    yield served
    served.stop()


def reader(tmp_path: Path, **kwargs: object) -> WebReader:
    options: dict[str, object] = {
        "state": CrawlState(tmp_path / "crawl.sqlite"),
        "log": RunLog(tmp_path / "log.jsonl"),
        "today": TODAY,
        "now": lambda: FETCHED,
    }
    options.update(kwargs)
    return WebReader(FAST, **options)  # type: ignore[arg-type]


def log_lines(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "log.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read(web: WebReader, *urls: str) -> list[Article | Reject]:
    return list(read_inputs(list(urls), web=web, today=TODAY))


def test_an_article_page_keeps_url_outlet_title_date_and_fetch_time(
    site: Site, tmp_path: Path
) -> None:
    [article] = read(reader(tmp_path), site.url("/world/harbour-talks"))
    assert isinstance(article, Article)
    canonical = site.url("/world/harbour-talks")
    assert article.id == web_article_id(canonical)
    assert article.url == canonical
    assert article.source == "The Coastal Ledger"
    assert article.title == "Japan and China agree to reopen fisheries talks"
    assert article.date == dt.date(2024, 3, 5)  # the date in its own zone (+09:00)
    assert article.origin == f"{canonical} fetched 2024-03-06T01:30:00Z; date from page"
    assert article.text.startswith("Japanese Prime Minister Shinzo Abe met Chinese President")
    assert article.text.count("\n\n") == 3  # four paragraphs
    for boilerplate in ("Subscribe", "cookies", "Most read", "soups", "All rights reserved"):
        assert boilerplate not in article.text
    assert "agree to reopen fisheries talks" not in article.text  # the headline is the title


def test_a_json_ld_date_and_a_canonical_link_to_another_site(site: Site, tmp_path: Path) -> None:
    [article] = read(reader(tmp_path), site.url("/politics/rail-link"))
    assert isinstance(article, Article)
    assert article.date == dt.date(2024, 3, 4)
    assert article.source == "Harbour Post"
    # The page names https://elsewhere.example/... as canonical: not its own site, so ignored.
    assert article.url == site.url("/politics/rail-link")


def test_a_page_without_a_date_is_rejected(site: Site, tmp_path: Path) -> None:
    [reject] = read(reader(tmp_path), site.url("/world/border-crossing"))
    assert isinstance(reject, Reject)
    assert reject.file == site.url("/world/border-crossing")
    assert reject.reason.startswith("missing date: the page gives no publication date")
    assert reject.excerpt == "Border crossing reopens after talks"


def test_a_non_english_page_is_rejected_with_its_language(site: Site, tmp_path: Path) -> None:
    [reject] = read(reader(tmp_path), site.url("/monde/lyon"))
    assert isinstance(reject, Reject)
    assert reject_kind(reject) == "not English"
    assert reject.reason.startswith("not English: detected French (fr, p=")
    assert reject.reason.endswith("dateline codes English-language news")


def test_a_feed_gives_its_items_with_relative_links_and_dates(site: Site, tmp_path: Path) -> None:
    site.feed("/feeds/world.rss", "world.rss")
    items = read(reader(tmp_path), site.url("/feeds/world.rss"))
    by_url = {item.url if isinstance(item, Article) else item.file: item for item in items}
    # Relative links ("../world/harbour-talks?utm_...", "/world/border-crossing") are resolved
    # against the feed's URL; tracking parameters leave the canonical URL.
    harbour = by_url[site.url("/world/harbour-talks")]
    assert isinstance(harbour, Article) and harbour.date == dt.date(2024, 3, 5)
    assert site.hits_of("/world/harbour-talks")[0].path.endswith("utm_source=rss&utm_medium=feed")
    # The undated page takes its item's date, "3 hours ago" at the fetch time 01:30 UTC.
    border = by_url[site.url("/world/border-crossing")]
    assert isinstance(border, Article)
    assert border.date == dt.date(2024, 3, 5)
    assert border.origin.endswith(
        "date from feed item (relative, resolved against the fetch time "
        "2024-03-06T01:30:00Z: '3 hours ago')"
    )
    rail = by_url[site.url("/politics/rail-link")]
    assert isinstance(rail, Article) and rail.date == dt.date(2024, 3, 4)
    pdf = by_url[site.url("/files/annual-report.pdf")]
    assert isinstance(pdf, Reject)
    assert pdf.reason.startswith("bad content type: application/pdf")
    assert pdf.excerpt == "Annual report of the port authority"


def test_an_atom_feed(site: Site, tmp_path: Path) -> None:
    site.feed("/politics.atom", "world.atom", content_type="application/atom+xml")
    items = read(reader(tmp_path), site.url("/politics.atom"))
    assert [type(item).__name__ for item in items] == ["Article", "Article"]
    rail, border = items
    assert isinstance(border, Article) and isinstance(rail, Article)
    assert rail.url == site.url("/politics/rail-link")
    # No date on the page: the entry's, as written in its own zone (07:30+03:00 is the 5th).
    assert border.date == dt.date(2024, 3, 5)
    assert border.origin.endswith("date from feed item")


def test_a_feed_served_as_xml_or_html_is_still_a_feed(site: Site, tmp_path: Path) -> None:
    site.feed("/rss-as-xml", "world.rss", content_type="text/xml")
    site.feed("/rss-as-html", "world.rss", content_type="text/html")
    web = reader(tmp_path)
    assert len(read(web, site.url("/rss-as-xml"))) == 4
    assert len(read(web, site.url("/rss-as-html"))) == 4


def test_conditional_requests_on_feeds(site: Site, tmp_path: Path) -> None:
    site.feed("/etag.rss", "world.rss", etag='"v1"')
    site.feed("/modified.rss", "world.atom", last_modified="Tue, 05 Mar 2024 12:00:00 GMT")
    web = reader(tmp_path)
    first = read(web, site.url("/etag.rss"), site.url("/modified.rss"))
    pages = len(site.hits) - 2
    again = read(reader(tmp_path), site.url("/etag.rss"), site.url("/modified.rss"))
    etag_hits = site.hits_of("/etag.rss")
    assert "if-none-match" not in etag_hits[0].headers
    assert etag_hits[1].headers["if-none-match"] == '"v1"'
    modified_hits = site.hits_of("/modified.rss")
    assert modified_hits[1].headers["if-modified-since"] == "Tue, 05 Mar 2024 12:00:00 GMT"
    # 304: the items of the last full response, from the crawl state; no page fetched again.
    # Two feeds twice and robots.txt once per reader; the PDF item is not asked for again.
    assert len(site.hits) == pages + 4 + 1
    assert [getattr(item, "id", None) for item in again] == [
        getattr(item, "id", None) for item in first
    ]
    events = [line["event"] for line in log_lines(tmp_path)]
    assert events.count("not modified") == 2


def test_a_url_is_fetched_once_across_runs(site: Site, tmp_path: Path) -> None:
    url = site.url("/world/harbour-talks")
    [first] = read(reader(tmp_path), url)
    [again] = read(reader(tmp_path), url + "?utm_campaign=spring#comments")
    assert again == first
    assert len(site.hits_of("/world/harbour-talks")) == 1
    skipped = [line for line in log_lines(tmp_path) if line["event"] == "skipped"]
    assert skipped and "already fetched 2024-03-06T01:30:00Z" in str(skipped[0]["reason"])
    # --force fetches again.
    [forced] = read(reader(tmp_path, refetch=True), url)
    assert forced == first and len(site.hits_of("/world/harbour-talks")) == 2


def test_the_same_text_at_another_url_is_one_article(site: Site, tmp_path: Path) -> None:
    web = reader(tmp_path)
    first, copy = read(web, site.url("/world/harbour-talks"), site.url("/wire/fisheries"))
    assert isinstance(first, Article) and isinstance(copy, Reject)
    assert copy.reason.startswith(
        f"duplicate text: the same text as {site.url('/world/harbour-talks')} (article {first.id}"
    )
    assert web.state.urls_of(first.url or "") == [
        site.url("/world/harbour-talks"),
        site.url("/wire/fisheries"),
    ]
    # Remembered: asked again, the copy is rejected again without a fetch.
    [again] = read(reader(tmp_path), site.url("/wire/fisheries"))
    assert isinstance(again, Reject) and again.reason == copy.reason
    assert len(site.hits_of("/wire/fisheries")) == 1


def test_a_url_listed_twice_in_one_run_is_read_once(site: Site, tmp_path: Path) -> None:
    url = site.url("/world/harbour-talks")
    first, second = read(reader(tmp_path), url, url)
    assert isinstance(first, Article)
    assert isinstance(second, Reject) and reject_kind(second) == "duplicate id"
    assert len(site.hits_of("/world/harbour-talks")) == 1


def test_new_only_offers_what_was_never_stored(site: Site, tmp_path: Path) -> None:
    site.feed("/feeds/world.rss", "world.rss")
    web = reader(tmp_path, new_only=True)
    first = read(web, site.url("/feeds/world.rss"))
    assert sum(isinstance(item, Article) for item in first) == 3
    # Nothing stored yet (a run killed before its batch was written): offered again, from
    # the crawl state, without a fetch; rejected pages are not offered again.
    web = reader(tmp_path, new_only=True)
    second = read(web, site.url("/feeds/world.rss"))
    assert [item for item in second if isinstance(item, Article)] == [
        item for item in first if isinstance(item, Article)
    ]
    assert not any(isinstance(item, Reject) for item in second)
    assert len(site.hits_of("/world/harbour-talks")) == 1
    web.state.mark_stored(list(web.offered))
    assert read(reader(tmp_path, new_only=True), site.url("/feeds/world.rss")) == []


def test_a_url_list_file(site: Site, tmp_path: Path) -> None:
    listing = tmp_path / "reading.urls"
    listing.write_text(
        f"# stories to code\n{site.url('/world/harbour-talks')}\n\n"
        f"{site.url('/monde/lyon')}\nfile:///etc/passwd\n",
        encoding="utf-8",
    )
    plain = tmp_path / "reading.txt"
    plain.write_text(site.url("/politics/rail-link") + "\n", encoding="utf-8")
    items = read(reader(tmp_path), str(listing), str(plain))
    assert [reject_kind(i) if isinstance(i, Reject) else "article" for i in items] == [
        "article",
        "not English",
        "bad URL",
        "article",
    ]


def test_a_file_url_is_a_reject_not_a_missing_path(site: Site, tmp_path: Path) -> None:
    [reject] = read(reader(tmp_path), "file:///etc/passwd")
    assert isinstance(reject, Reject)
    assert reject.reason == "bad URL: file:// URLs are never fetched; give the file's path instead"


def test_loopback_refused_by_default(site: Site, tmp_path: Path) -> None:
    web = WebReader(state=CrawlState(), today=TODAY)  # the default politeness
    [reject] = read(web, site.url("/world/harbour-talks"))
    assert isinstance(reject, Reject) and reject_kind(reject) == "private address"
    assert "--allow-private" in reject.reason
    assert not site.hits


def test_the_log_says_what_happened(site: Site, tmp_path: Path) -> None:
    site.feed("/feeds/world.rss", "world.rss")
    read(reader(tmp_path), site.url("/feeds/world.rss"), site.url("/monde/lyon"))
    lines = log_lines(tmp_path)
    assert all(isinstance(line["time"], str) and line["time"].endswith("Z") for line in lines)
    events = [line["event"] for line in lines]
    assert events[0] == "robots"
    assert events.count("fetched") == 5  # the feed, three items, the French page (not the PDF)
    assert events.count("article") == 3 and events.count("rejected") == 2
    rejected = {line["url"]: line["reason"] for line in lines if line["event"] == "rejected"}
    assert str(rejected[site.url("/monde/lyon")]).startswith("not English: detected French")
    feed = next(line for line in lines if line["event"] == "feed")
    assert feed["items"] == 4 and feed["title"] == "The Coastal Ledger: World"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.ORG:80/a?b=1&utm_source=x#top", "http://example.org/a?b=1"),
        ("https://example.org:443", "https://example.org/"),
        ("https://example.org:8443/a?fbclid=1&gclid=2&id=7", "https://example.org:8443/a?id=7"),
        ("https://[2001:db8::1]/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_urls(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 hours ago", dt.date(2024, 3, 5)),
        ("45 minutes ago", dt.date(2024, 3, 6)),
        ("an hour ago", dt.date(2024, 3, 6)),
        ("2 days ago", dt.date(2024, 3, 4)),
        ("yesterday", dt.date(2024, 3, 5)),
        ("Just now", dt.date(2024, 3, 6)),
        ("Tue, 05 Mar 2024", None),
        ("soon", None),
    ],
)
def test_relative_feed_dates(text: str, expected: dt.date | None) -> None:
    assert relative_date(text, FETCHED) == expected


UNDATED = (Path(__file__).parent / "fixtures" / "web" / "undated.html").read_bytes()


@pytest.mark.parametrize(
    ("edit", "url", "expected"),
    [
        (
            (
                b"<h1>Border",
                b'<p>Published <time datetime="2024-03-05T10:00">5 March</time></p><h1>Border',
            ),
            "http://news.test/world/border",
            "2024-03-05",
        ),
        ((b"", b""), "http://news.test/2024/03/04/border-crossing", "2024-03-04"),
        # A date the story merely mentions is not its publication date.
        ((b"agreed to reopen", b"agreed on 12 March 2015 to reopen"), "http://news.test/b", None),
        ((b"", b""), "http://news.test/world/border", None),
    ],
)
def test_where_a_page_date_may_come_from(
    edit: tuple[bytes, bytes], url: str, expected: str | None
) -> None:
    from dateline.ingest.web import extract_page

    body = UNDATED.replace(*edit) if edit[0] else UNDATED
    extracted = extract_page(body, url, today=TODAY)
    assert extracted is not None and extracted.date == expected
