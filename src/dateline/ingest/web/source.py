"""`WebReader`: URLs of pages and feeds to `Article` and `Reject`, like any other input.

One reader serves one run (`dateline code`) or one `dateline watch`; it owns
the polite `Fetcher` (so the rate limit and robots.txt span the whole run), the
`CrawlState` (what earlier runs fetched) and the `RunLog`.

A page gives an article with

- ``id``: ``web-`` and 16 hex digits of the SHA-1 of its canonical URL, so a
  page fetched again (an updated story) replaces its earlier version in the
  store instead of adding a second article;
- ``url``: the canonical URL (the page's ``<link rel="canonical">`` when it is
  on the same host, else the URL after redirects; scheme and host lower-cased,
  default port, fragment and tracking parameters such as ``utm_*`` removed);
- ``source``: the outlet (the page's ``og:site_name`` or similar, else the host);
- ``title``, ``text`` (main text without boilerplate), ``date`` (publication
  date: the page's own, else its feed item's);
- ``origin``: the URL fetched, the fetch time (UTC) and where the date came from.

De-duplication: a URL (or its canonical form) fetched before is not fetched
again: its stored article is offered to the store, which skips it when it is
already coded (``--force`` fetches again). A page whose text is the same as an
article already fetched under another canonical URL (one wire story on five
sites) is rejected as ``duplicate text`` naming the first: one story is one
article, coded once, and the state keeps every URL it was seen at
(`CrawlState.urls_of`). Different texts about one event (each outlet's own
report) stay separate articles, which fusion joins into one event with many
sources: that is what fusion measures, while five copies of one text are one
report, and counting them five times would inflate ``n_reports``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.util
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateline.errors import IngestError
from dateline.ingest.common import excerpt_of
from dateline.ingest.dates import BadDateError, parse_date
from dateline.ingest.web.extract import (
    LanguageCheck,
    extract_page,
    language_name,
    outlet_from_url,
)
from dateline.ingest.web.feeds import FeedError, FeedItem, looks_like_feed, parse_feed
from dateline.ingest.web.fetch import (
    FEED_TYPES,
    PAGE_TYPES,
    Fetcher,
    FetchError,
    Politeness,
    Response,
    check_url,
)
from dateline.ingest.web.log import RunLog
from dateline.ingest.web.state import CrawlState, FeedState, PageState
from dateline.records import Article, Reject

__all__ = ["WebReader", "canonical_url", "web_article_id"]

_TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid", "igshid")
# Rejects that say something about the page itself: remembered, so a watch does
# not fetch the page again every cycle. Network failures are tried again next run.
_LASTING = frozenset(
    {"no story text", "missing date", "bad date", "not English", "bad content type"}
)


def canonical_url(url: str) -> str:
    """`url` with scheme and host lower-cased, default port, empty path, fragment
    and tracking parameters normalised away; the rest of the query kept in order."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else f"{host}:{port}"
    )
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def web_article_id(canonical: str) -> str:
    return "web-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    """A hash of the words of a text, blind to spacing and case."""
    return hashlib.sha1(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WebReader:
    """Reads http(s) URLs of article pages and RSS/Atom feeds, politely.

    `refetch` fetches URLs fetched by earlier runs again. `new_only` (what
    `dateline watch` uses) offers a feed's items only when they are new or
    were fetched but never stored (a run killed before its batch was written);
    `feeds_only` (also `watch`) reads every URL named as a feed.
    """

    def __init__(
        self,
        policy: Politeness | None = None,
        *,
        state: CrawlState | None = None,
        log: RunLog | None = None,
        today: dt.date | None = None,
        refetch: bool = False,
        new_only: bool = False,
        feeds_only: bool = False,
        language: LanguageCheck | None = None,
        fetcher: Fetcher | None = None,
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self.log = log or RunLog()
        self.fetcher = fetcher or Fetcher(
            policy or Politeness(), on_wait=self._log_wait, on_robots=self._log_robots
        )
        self.state = state or CrawlState()
        self.today = today
        self.refetch = refetch
        self.new_only = new_only
        self.feeds_only = feeds_only
        self.language = language or LanguageCheck()
        self.now = now
        # The articles offered in this run: id -> canonical URL (for the "coded" log lines).
        self.offered: dict[str, str] = {}

    def close(self) -> None:
        """Close the connections, the crawl state and the log."""
        self.fetcher.close()
        self.state.close()
        self.log.close()

    # -- what the user names --------------------------------------------------------
    def read(self, url: str) -> Iterator[Article | Reject]:
        """The article of a page URL, or the articles of a feed URL's items."""
        _require_web_extra()
        url = url.strip()
        try:
            check_url(url)
        except FetchError as error:
            yield self._reject(url, error.reason)
            return
        if self.feeds_only or self.state.feed(url) is not None:
            yield from self.read_feed(url)
            return
        known = None if self.refetch else self.state.page_for_url(canonical_url(url))
        if known is not None:
            yield from self._known(url, known, None)
            return
        try:
            response = self.fetcher.get(url, accept=PAGE_TYPES | FEED_TYPES)
        except FetchError as error:
            yield self._fetch_failed(url, error, "")
            return
        self._log_fetched(response)
        if _is_feed(response):
            yield from self.read_feed(url, response)
        elif response.content_type in FEED_TYPES:
            yield self._reject(
                url, f"bad content type: {response.content_type} that is not an RSS or Atom feed"
            )
        else:
            yield from self._page(url, response, None)

    def read_feed(self, url: str, response: Response | None = None) -> Iterator[Article | Reject]:
        """The articles of a feed's items; a conditional request when the feed was read before."""
        today = self._today()
        known = self.state.feed(url)
        if response is None:
            try:
                check_url(url)
                response = self.fetcher.get(
                    url, accept=FEED_TYPES | PAGE_TYPES, headers=_conditional(known)
                )
            except FetchError as error:
                yield self._reject(url, error.reason)
                return
            self._log_fetched(response)
        if response.not_modified and known is not None:
            self.log.write("not modified", url=url, items=len(known.items))
            items = [FeedItem.from_dict(row) for row in known.items]
        else:
            if not _is_feed(response):
                yield self._reject(
                    url,
                    f"bad content type: {response.content_type or 'no type'} that is not "
                    "an RSS or Atom feed",
                )
                return
            fetched_at = self.now()
            try:
                feed = parse_feed(
                    response.body,
                    response.final_url,
                    fetched_at=fetched_at,
                    today=today,
                    headers=response.headers,
                )
            except FeedError as error:
                yield self._reject(url, f"bad feed: {error}")
                return
            items = list(feed.items)
            # Saved before the items are read: a run killed half-way finds them here
            # even when the next request is answered 304.
            self.state.save_feed(
                FeedState(
                    url=url,
                    title=feed.title,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    items=[item.to_dict() for item in items],
                    fetched_at=_iso(fetched_at),
                )
            )
            self.log.write("feed", url=url, title=feed.title, items=len(items))
        for item in items:
            yield from self._item(item)

    # -- items and pages ---------------------------------------------------------------
    def _item(self, item: FeedItem) -> Iterator[Article | Reject]:
        try:
            check_url(item.url)
        except FetchError as error:
            yield self._reject(item.url, error.reason, item.title)
            return
        known = None if self.refetch else self.state.page_for_url(canonical_url(item.url))
        if known is not None:
            yield from self._known(item.url, known, item)
            return
        try:
            response = self.fetcher.get(item.url, accept=PAGE_TYPES)
        except FetchError as error:
            yield self._fetch_failed(item.url, error, item.title)
            return
        self._log_fetched(response)
        yield from self._page(item.url, response, item)

    def _known(
        self, url: str, page: PageState, item: FeedItem | None
    ) -> Iterator[Article | Reject]:
        """A URL fetched by an earlier run: its article or reject again, without fetching."""
        if self.new_only and (page.stored or page.status != "article"):
            self.log.write(
                "skipped",
                url=url,
                reason=f"already fetched {page.fetched_at}"
                + (" and stored" if page.stored else f" ({page.reason})"),
            )
            return
        if page.status == "article" and page.article is not None:
            article = _article_from_dict(page.article)
            self.log.write(
                "skipped",
                url=url,
                article_id=article.id,
                reason=f"already fetched {page.fetched_at}; the stored copy is used "
                "(--force fetches again)",
            )
            self.offered[article.id] = page.canonical
            yield article
            return
        yield self._reject(
            url, page.reason or "no story text: rejected before", item.title if item else ""
        )

    def _page(
        self, url: str, response: Response, item: FeedItem | None
    ) -> Iterator[Article | Reject]:
        fetched_at = self.now()
        today = self._today()
        final = response.final_url
        extracted = extract_page(response.body, final, today=today)
        canonical = canonical_url(final)
        if extracted is not None and extracted.canonical:
            declared = canonical_url(extracted.canonical)
            # A page may only speak for its own site: a canonical link to another host
            # could otherwise replace that host's article in the store.
            if _same_site(declared, canonical):
                canonical = declared
        aliases = [canonical_url(u) for u in (url, *response.redirects, final)]
        title = (extracted.title if extracted else "") or (item.title if item else "")

        def remember(status: str, reason: str | None, **extra: Any) -> None:
            self.state.save_page(
                PageState(
                    canonical=canonical,
                    article_id=extra.get("article_id"),
                    status=status,
                    reason=reason,
                    text_hash=extra.get("text_hash"),
                    duplicate_of=extra.get("duplicate_of"),
                    article=extra.get("article"),
                    fetched_at=_iso(fetched_at),
                    stored=False,
                ),
                [*aliases, canonical],
            )

        def reject(reason: str) -> Reject:
            if reason.split(":", 1)[0] in _LASTING:
                remember("rejected", reason)
            return self._reject(url, reason, title or (extracted.text if extracted else ""))

        if extracted is None:
            yield reject("no story text: no article text found on the page")
            return
        dated = _publication_date(extracted.date, item, today)
        if isinstance(dated, str):
            yield reject(dated)
            return
        date, basis = dated
        foreign = self.language.not_english(extracted.text)
        if foreign is not None:
            code, probability = foreign
            yield reject(
                f"not English: detected {language_name(code)} ({code}, p={probability:.2f}); "
                "dateline codes English-language news"
            )
            return
        digest = text_hash(extracted.text)
        first = self.state.page_with_text(digest, canonical)
        if first is not None:
            reason = (
                f"duplicate text: the same text as {first.canonical} "
                f"(article {first.article_id}, fetched {first.fetched_at}); one story is coded once"
            )
            remember("duplicate", reason, text_hash=digest, duplicate_of=first.canonical)
            yield self._reject(url, reason, title)
            return
        article = Article(
            id=web_article_id(canonical),
            date=date,
            text=extracted.text,
            title=title,
            source=extracted.outlet or outlet_from_url(final),
            url=canonical,
            origin=f"{final} fetched {_iso(fetched_at)}; date from {basis}",
        )
        remember(
            "article",
            None,
            article_id=article.id,
            text_hash=digest,
            article=_article_to_dict(article),
        )
        self.log.write(
            "article",
            url=url,
            canonical=canonical,
            article_id=article.id,
            date=article.date.isoformat(),
            date_from=basis,
            outlet=article.source,
            title=article.title,
            characters=len(article.text),
        )
        self.offered[article.id] = canonical
        yield article

    # -- after the run -------------------------------------------------------------------
    def log_outcomes(self, store: Any, run_id: str) -> None:
        """One ``coded`` or ``skipped`` line per article this run offered, from the store;
        articles found in the store are marked stored in the crawl state."""
        ids = list(self.offered)
        if not ids:
            return
        rows = store.connection.execute(
            "SELECT article_id, n_events, run_id FROM articles WHERE list_contains(?, article_id)",
            [ids],
        ).fetchall()
        found = {row[0]: (row[1], row[2]) for row in rows}
        for article_id in ids:
            url = self.offered[article_id]
            if article_id not in found:
                continue
            events, stored_by = found[article_id]
            if stored_by == run_id:
                self.log.write("coded", url=url, article_id=article_id, events=events)
            else:
                self.log.write(
                    "skipped",
                    url=url,
                    article_id=article_id,
                    events=events,
                    reason=f"already coded by run {stored_by}",
                )
        self.state.mark_stored(list(found))
        self.offered.clear()

    # -- helpers ------------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def _fetch_failed(self, url: str, error: FetchError, excerpt: str) -> Reject:
        """A reject for a URL that could not be fetched; remembered when it says
        something lasting about the URL (a PDF stays a PDF), so a watch does not ask
        again every cycle. Timeouts and HTTP errors are tried again next run."""
        if error.kind in _LASTING:
            self.state.save_page(
                PageState(
                    canonical=canonical_url(url),
                    article_id=None,
                    status="rejected",
                    reason=error.reason,
                    text_hash=None,
                    duplicate_of=None,
                    article=None,
                    fetched_at=_iso(self.now()),
                    stored=False,
                ),
                [canonical_url(url)],
            )
        return self._reject(url, error.reason, excerpt)

    def _reject(self, url: str, reason: str, excerpt: str = "") -> Reject:
        self.log.write("rejected", url=url, reason=reason)
        return Reject(file=url, line=None, reason=reason, excerpt=excerpt_of(excerpt))

    def _log_fetched(self, response: Response) -> None:
        self.log.write(
            "fetched",
            url=response.url,
            final_url=response.final_url if response.final_url != response.url else None,
            status=response.status,
            content_type=response.content_type or None,
            bytes=len(response.body),
            seconds=round(response.seconds, 3),
            attempts=response.attempts,
            waited=round(response.waited, 3) if response.waited else None,
        )

    def _log_robots(self, site: str, outcome: str) -> None:
        self.log.write("robots", site=site, outcome=outcome)

    def _log_wait(self, host: str, seconds: float, why: str) -> None:
        self.log.write("waited", host=host, seconds=round(seconds, 3), why=why)


def _require_web_extra() -> None:
    missing = [
        name
        for name in ("trafilatura", "htmldate", "feedparser", "py3langid")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise IngestError(
            f"reading URLs needs {', '.join(missing)}: install dateline's web extra "
            "(pip install 'dateline[web]'; ./install.sh installs it)"
        )


def _is_feed(response: Response) -> bool:
    if response.content_type in {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    }:
        return True
    if response.content_type in FEED_TYPES or not response.content_type:
        return looks_like_feed(response.body)
    return response.content_type in PAGE_TYPES and looks_like_feed(response.body)


def _publication_date(
    page_date: str | None, item: FeedItem | None, today: dt.date
) -> tuple[dt.date, str] | str:
    """The story's date and where it came from, or the reason there is none."""
    if page_date:
        try:
            return parse_date(page_date, today=today), "page"
        except BadDateError as error:
            return f"bad date: the page's date {error}"
    if item is not None and item.date is not None:
        note = f" ({item.date_note}: {item.date_text!r})" if item.date_note else ""
        return item.date, f"feed item{note}"
    where = " and its feed item gives none" if item is not None else ""
    return (
        "missing date: the page gives no publication date (no date <meta> tag, "
        f"JSON-LD, <time> element or date in the URL){where}"
    )


def _conditional(feed: FeedState | None) -> dict[str, str]:
    headers = {}
    if feed is not None and feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed is not None and feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def _same_site(one: str, other: str) -> bool:
    def host(url: str) -> str:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")

    return host(one) == host(other) and urlsplit(one).port == urlsplit(other).port


def _article_to_dict(article: Article) -> dict[str, Any]:
    row = dataclasses.asdict(article)
    row["date"] = article.date.isoformat()
    return row


def _article_from_dict(row: dict[str, Any]) -> Article:
    return Article(**{**row, "date": dt.date.fromisoformat(row["date"])})
