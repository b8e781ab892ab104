"""Reading dated news stories: seed files, JSON Lines, CSV/TSV, Reuters SGML.

    from dateline.ingest import IngestCounts, read_inputs, write_rejects

    counts = IngestCounts()
    for item in read_inputs(["stories/", "extra.jsonl"]):
        counts.add(item)
        ...  # an Article to code, or a Reject to keep

Formats, accepted date forms and reject reasons: docs/ingest.md.
"""

from __future__ import annotations

from dateline.ingest.common import content_id, restore_comma_joined_paragraphs
from dateline.ingest.dates import BadDateError, parse_date
from dateline.ingest.reader import STDIN, Format, read_inputs
from dateline.ingest.rejects import REJECT_KINDS, IngestCounts, reject_kind, write_rejects

__all__ = [
    "REJECT_KINDS",
    "STDIN",
    "BadDateError",
    "Format",
    "IngestCounts",
    "content_id",
    "parse_date",
    "read_inputs",
    "reject_kind",
    "restore_comma_joined_paragraphs",
    "write_rejects",
]
