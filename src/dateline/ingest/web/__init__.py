"""Live ingest: article pages and RSS/Atom feeds over http(s), politely.

    from dateline.ingest import read_inputs
    from dateline.ingest.web import CrawlState, Politeness, RunLog, WebReader

    reader = WebReader(Politeness(delay=5), state=CrawlState("crawl.sqlite"), log=RunLog("log.jsonl"))
    for item in read_inputs(["https://example.org/feed.xml"], web=reader):
        ...  # an Article (url, outlet in `source`, title, date) or a Reject

Sources, fields, politeness defaults, de-duplication and `dateline watch`:
docs/ingest.md.
"""

from __future__ import annotations

from dateline.ingest.web.extract import LanguageCheck, extract_page
from dateline.ingest.web.feeds import Feed, FeedItem, parse_feed, relative_date
from dateline.ingest.web.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchError,
    Politeness,
    Response,
    is_public_address,
)
from dateline.ingest.web.log import LOG_EVENTS, RunLog
from dateline.ingest.web.source import WebReader, canonical_url, web_article_id
from dateline.ingest.web.state import CrawlState, state_path_for

__all__ = [
    "DEFAULT_USER_AGENT",
    "LOG_EVENTS",
    "CrawlState",
    "Feed",
    "FeedItem",
    "FetchError",
    "Fetcher",
    "LanguageCheck",
    "Politeness",
    "Response",
    "RunLog",
    "WebReader",
    "canonical_url",
    "extract_page",
    "is_public_address",
    "parse_feed",
    "relative_date",
    "state_path_for",
    "web_article_id",
]
