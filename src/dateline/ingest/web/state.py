"""What dateline remembers between runs about the web: a small SQLite file.

``<db>.web.sqlite`` next to the DuckDB store (``:memory:`` for an in-memory
store) holds

- ``pages``: one row per canonical URL fetched: the article it gave (as JSON,
  so a page is never fetched twice for the same story and a run killed before
  its batch was stored codes it from here on the next run), or the reason it
  was rejected; the hash of its text; whether it was stored by a finished run;
- ``urls``: every URL asked for or redirected through, and the canonical URL it
  led to (the many URLs of one story);
- ``feeds``: per feed, its ``ETag`` and ``Last-Modified`` for conditional
  requests and the items of its last full response (so a 304 still lists them).

Every write is its own transaction, committed at once: the state is never
ahead of what was fetched, and the store's own idempotence covers the rest.
The event store stays the only writer of the DuckDB file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CrawlState", "FeedState", "PageState", "state_path_for"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    canonical TEXT PRIMARY KEY,
    article_id TEXT,
    status TEXT NOT NULL,            -- article | rejected | duplicate
    reason TEXT,
    text_hash TEXT,
    duplicate_of TEXT,               -- the canonical URL whose text this page repeats
    article TEXT,                    -- the Article as JSON
    fetched_at TEXT NOT NULL,
    stored INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pages_text_hash ON pages(text_hash);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    canonical TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    items TEXT NOT NULL,             -- JSON list of FeedItem dicts
    fetched_at TEXT NOT NULL
);
"""


def state_path_for(db: str | Path) -> str:
    """The crawl state that goes with a store: ``<db>.web.sqlite``, or in memory."""
    name = str(db)
    return ":memory:" if name == ":memory:" else f"{name}.web.sqlite"


@dataclass(frozen=True, slots=True)
class PageState:
    canonical: str
    article_id: str | None
    status: str
    reason: str | None
    text_hash: str | None
    duplicate_of: str | None
    article: dict[str, Any] | None
    fetched_at: str
    stored: bool


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    items: list[dict[str, Any]]
    fetched_at: str


class CrawlState:
    """The crawl state in `path`; the file is made on first use, so a run that
    reads no URL leaves none behind."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._connection: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: autocommit, with explicit transactions where
            # two writes go together.
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            if self.path != ":memory:":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            self._connection = connection
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- pages and urls -----------------------------------------------------------
    def page_for_url(self, url: str) -> PageState | None:
        """The page a URL led to before (by itself, or as an alias of its canonical URL)."""
        row = self.connection.execute(
            f"SELECT {_PAGE_COLUMNS} FROM pages WHERE canonical = ("
            " SELECT canonical FROM urls WHERE url = ?) OR canonical = ? LIMIT 1",
            [url, url],
        ).fetchone()
        return None if row is None else _page(row)

    def page_with_text(self, text_hash: str, other_than: str) -> PageState | None:
        """An article page with the same text under another canonical URL."""
        row = self.connection.execute(
            f"SELECT {_PAGE_COLUMNS} FROM pages WHERE text_hash = ? AND canonical <> ?"
            " AND status = 'article' ORDER BY fetched_at LIMIT 1",
            [text_hash, other_than],
        ).fetchone()
        return None if row is None else _page(row)

    def save_page(self, page: PageState, urls: Iterable[str]) -> None:
        """Record a fetched page and every URL that led to it, in one transaction."""
        con = self.connection
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    page.canonical,
                    page.article_id,
                    page.status,
                    page.reason,
                    page.text_hash,
                    page.duplicate_of,
                    None if page.article is None else json.dumps(page.article, ensure_ascii=False),
                    page.fetched_at,
                    int(page.stored),
                ],
            )
            con.executemany(
                "INSERT OR REPLACE INTO urls VALUES (?, ?, ?)",
                [(url, page.canonical, page.fetched_at) for url in dict.fromkeys(urls)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def mark_stored(self, article_ids: Sequence[str]) -> None:
        """These articles are in the store: a watch no longer offers them again."""
        if not article_ids:
            return
        con = self.connection
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(
                "UPDATE pages SET stored = 1 WHERE article_id = ?", [(i,) for i in article_ids]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def urls_of(self, canonical: str) -> list[str]:
        """Every URL that led to this page, and to pages that repeat its text."""
        rows = self.connection.execute(
            "SELECT url FROM urls WHERE canonical = ? OR canonical IN"
            " (SELECT canonical FROM pages WHERE duplicate_of = ?)"
            " ORDER BY canonical <> ?, seen_at, url",
            [canonical, canonical, canonical],
        ).fetchall()
        return [row[0] for row in rows]

    def counts(self) -> dict[str, int]:
        rows = self.connection.execute("SELECT status, count(*) FROM pages GROUP BY status")
        found = {status: count for status, count in rows.fetchall()}
        found["feeds"] = self.connection.execute("SELECT count(*) FROM feeds").fetchone()[0]
        return found

    # -- feeds ----------------------------------------------------------------------
    def feed(self, url: str) -> FeedState | None:
        row = self.connection.execute(
            "SELECT url, title, etag, last_modified, items, fetched_at FROM feeds WHERE url = ?",
            [url],
        ).fetchone()
        if row is None:
            return None
        return FeedState(
            url=row[0],
            title=row[1] or "",
            etag=row[2],
            last_modified=row[3],
            items=json.loads(row[4]),
            fetched_at=row[5],
        )

    def save_feed(self, feed: FeedState) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO feeds VALUES (?, ?, ?, ?, ?, ?)",
            [
                feed.url,
                feed.title,
                feed.etag,
                feed.last_modified,
                json.dumps(feed.items, ensure_ascii=False),
                feed.fetched_at,
            ],
        )


_PAGE_COLUMNS = (
    "canonical, article_id, status, reason, text_hash, duplicate_of, article, fetched_at, stored"
)


def _page(row: Sequence[Any]) -> PageState:
    return PageState(
        canonical=row[0],
        article_id=row[1],
        status=row[2],
        reason=row[3],
        text_hash=row[4],
        duplicate_of=row[5],
        article=None if row[6] is None else json.loads(row[6]),
        fetched_at=row[7],
        stored=bool(row[8]),
    )
