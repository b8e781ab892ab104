"""The machine-readable run log (``--log FILE``): one JSON object a line.

Every line has ``time`` (UTC, ISO 8601) and ``event``; the events and their
fields are listed in docs/ingest.md. The file is appended to, so the log of a
long `dateline watch` (or of a run killed and resumed) is one file, and each
line is flushed as it is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO

__all__ = ["LOG_EVENTS", "RunLog"]

LOG_EVENTS = frozenset(
    {
        "run",  # a run or watch cycle started (inputs) or finished (counts)
        "fetched",  # a response passed every check
        "feed",  # a feed was read: its title and number of items
        "robots",  # a site's robots.txt was read (or could not be)
        "not modified",  # a feed answered 304 to a conditional request
        "waited",  # the rate limit or a backoff paused before a request
        "skipped",  # nothing fetched or coded, and why (already fetched, already stored...)
        "rejected",  # a URL that gave no article, and why
        "article",  # a page gave an article (before coding)
        "coded",  # an article coded and stored, with its number of events
    }
)


class RunLog:
    """Appends JSON lines to `path`; with no path it keeps nothing (and costs nothing)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._handle: TextIO | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")

    def write(self, event: str, **fields: Any) -> None:
        if self._handle is None:
            return
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        row = {"time": now, "event": event}
        row.update({key: value for key, value in fields.items() if value is not None})
        self._handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RunLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
