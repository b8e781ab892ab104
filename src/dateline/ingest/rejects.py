"""Writing rejects to JSON Lines and counting what a run read."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dateline.records import Article, Reject

__all__ = ["REJECT_KINDS", "IngestCounts", "reject_kind", "write_rejects"]

# Every reason starts with one of these, a colon, then what to fix
# (docs/ingest.md lists them; a test checks both stay in step).
REJECT_KINDS = frozenset(
    {
        "bad JSON",
        "not a JSON object",
        "missing text",
        "bad text",
        "empty text",
        "no story text",
        "missing date",
        "bad date",
        "no date header",
        "undecodable bytes",
        "wrong number of fields",
        "bad CSV",
        "missing text column",
        "missing date column",
        "bad SGML",
        "duplicate id",
        "unrecognised format",
        "cannot read file",
        "cannot read folder",
        "dangling link",
        "binary file",
        "no records",
        "too long",
        # Given while coding, not reading (dateline.run): a stage failed or ran
        # past its time budget on this story; the rest of the run went on.
        "coding failed",
        "too slow",
    }
)
# Given by the web reader (dateline.ingest.web; docs/ingest.md, "Web pages and feeds"),
# which also gives `no story text`, `missing date` and `bad date` for pages.
REJECT_KINDS = REJECT_KINDS | frozenset(
    {
        "bad URL",
        "private address",
        "disallowed by robots.txt",
        "timed out",
        "cannot connect",
        "HTTP error",
        "too large",
        "bad content type",
        "too many redirects",
        "bad feed",
        "not English",
        "duplicate text",
    }
)


def reject_kind(reject: Reject) -> str:
    """The fixed part of a reason ("bad JSON", "duplicate id"...), before the colon."""
    return reject.reason.split(":", 1)[0].strip()


def write_rejects(rejects: Iterable[Reject], path: str | Path) -> int:
    """Write `rejects` to `path` as JSON Lines (file, line, record, reason,
    excerpt), replacing the file; returns how many were written."""
    written = 0
    # backslashreplace: a reason or name holding a lone surrogate cannot stop the writing.
    with Path(path).open("w", encoding="utf-8", errors="backslashreplace") as out:
        for reject in rejects:
            row = {
                "file": reject.file,
                "line": reject.line,
                "record": reject.record,
                "reason": reject.reason,
                "excerpt": reject.excerpt,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    return written


@dataclass(slots=True)
class IngestCounts:
    """Articles read and rejects by kind, for the one-line run summary."""

    read: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def add(self, item: Article | Reject) -> None:
        if isinstance(item, Reject):
            self.rejected[reject_kind(item)] += 1
        else:
            self.read += 1

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def total(self) -> int:
        return self.read + self.rejected_total

    def summary(self) -> str:
        """E.g. ``read 19,043, rejected 2,535 (no story text 1,798, empty text 737)``."""
        text = f"read {self.read:,}, rejected {self.rejected_total:,}"
        if self.rejected:
            kinds = ", ".join(f"{kind} {count:,}" for kind, count in self.rejected.most_common())
            text += f" ({kinds})"
        return text
