"""RSS and Atom feeds to lists of items (feedparser).

An item keeps its link (made absolute against the feed's URL, so relative links
work), its title and its date. The date is read as written, in its own zone
(`parse_date`), else from feedparser's parse of it (UTC), else, when it is
relative ("2 hours ago", "yesterday", as some sites write), resolved against
the time the feed was fetched, in UTC, which is said in the item's `date_note`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from dateline.ingest.dates import BadDateError, parse_date

__all__ = ["MAX_ITEMS", "Feed", "FeedItem", "looks_like_feed", "parse_feed", "relative_date"]

MAX_ITEMS = 500  # items read from one feed response

_RELATIVE = re.compile(
    r"^\s*(?:(?P<n>\d+|an?|one)\s+(?P<unit>second|sec|minute|min|hour|hr|day|week)s?\s+ago"
    r"|(?P<word>just now|now|today|yesterday))\s*\.?\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {
    "second": 1,
    "sec": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86400,
    "week": 7 * 86400,
}


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str
    title: str = ""
    date: dt.date | None = None
    date_text: str = ""  # the date as the feed wrote it
    date_note: str = ""  # how a relative date was resolved

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_text": self.date_text,
            "date_note": self.date_note,
        }

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> FeedItem:
        date = row.get("date")
        return cls(
            url=str(row["url"]),
            title=str(row.get("title") or ""),
            date=dt.date.fromisoformat(date) if date else None,
            date_text=str(row.get("date_text") or ""),
            date_note=str(row.get("date_note") or ""),
        )


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    items: tuple[FeedItem, ...]


class FeedError(Exception):
    pass


def looks_like_feed(body: bytes) -> bool:
    """Whether a body whose type says only XML (or nothing) is RSS, RDF or Atom."""
    head = body[:2048].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(
    body: bytes,
    url: str,
    *,
    fetched_at: dt.datetime,
    today: dt.date,
    headers: Mapping[str, str] | None = None,
) -> Feed:
    """The items of a feed, in the feed's order (at most `MAX_ITEMS`); raises `FeedError`."""
    import feedparser

    response_headers = {"content-location": url, **(headers or {})}
    # A stream, never a string: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    if not parsed.get("version") and not parsed.get("entries"):
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS or Atom feed{f' ({problem})' if problem else ''}")
    items = []
    seen: set[str] = set()
    for entry in parsed.entries[:MAX_ITEMS]:
        link = _entry_link(entry)
        if not link:
            continue
        link = urljoin(url, link)
        if link in seen:
            continue
        seen.add(link)
        date, text, note = _entry_date(entry, fetched_at=fetched_at, today=today)
        items.append(
            FeedItem(
                url=link,
                title=" ".join(str(entry.get("title") or "").split()),
                date=date,
                date_text=text,
                date_note=note,
            )
        )
    title = " ".join(str(parsed.feed.get("title") or "").split())
    return Feed(title=title, items=tuple(items))


def _entry_link(entry: Any) -> str:
    link = entry.get("link")
    if link:
        return str(link).strip()
    for candidate in entry.get("links") or ():
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"]).strip()
    return ""


def _entry_date(
    entry: Any, *, fetched_at: dt.datetime, today: dt.date
) -> tuple[dt.date | None, str, str]:
    for key in ("published", "updated", "created"):
        text = str(entry.get(key) or "").strip()
        if not text:
            continue
        try:
            return parse_date(text, today=today), text, ""
        except BadDateError:
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed is not None:
            day = dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            if day <= today + dt.timedelta(days=1):
                return day, text, "read by feedparser, in UTC"
        relative = relative_date(text, fetched_at)
        if relative is not None:
            return relative, text, f"relative, resolved against the fetch time {_iso(fetched_at)}"
        return None, text, ""
    return None, "", ""


def relative_date(text: str, now: dt.datetime) -> dt.date | None:
    """The UTC day of "3 hours ago", "yesterday", "just now"... at `now`; None if not relative."""
    found = _RELATIVE.match(text)
    if found is None:
        return None
    now = now.astimezone(dt.UTC)
    word = (found["word"] or "").lower()
    if word in {"just now", "now", "today"}:
        return now.date()
    if word == "yesterday":
        return now.date() - dt.timedelta(days=1)
    count_text = found["n"].lower()
    count = 1 if count_text in {"a", "an", "one"} else int(count_text)
    seconds = count * _UNIT_SECONDS[found["unit"].lower()]
    return (now - dt.timedelta(seconds=seconds)).date()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
