"""CSV and TSV with a header row naming the columns.

Columns (any order, case-insensitive): ``text`` (required), ``date`` or
``published`` (one required), ``id``, ``title``, ``source``, ``url``; others
are ignored. Quoted fields may span lines; a record's line is the line its
row starts on.

Rows are read strictly: a quote that is never closed, or a closing quote
followed by anything but the delimiter, makes the row a `bad CSV` reject
naming the line it starts on, and reading goes on from the next line, so an
unterminated quote cannot swallow the rows after it. A row over several lines
rejected for its number of fields is read again from its second line too.
"""

from __future__ import annotations

import csv
import sys
from collections import deque
from collections.abc import Iterable, Iterator

from dateline.ingest.common import (
    Line,
    ReadContext,
    RecordPlace,
    article_from_fields,
    first_undecodable,
)
from dateline.records import Article, Reject

__all__ = ["DATE_COLUMNS", "read_table"]

DATE_COLUMNS = ("date", "published")
# Whole stories sit in one field, far beyond csv's default 128 KiB limit.
_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def read_table(
    lines: Iterable[Line], file: str, context: ReadContext, delimiter: str
) -> Iterator[Article | Reject]:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    texts = _LineFeed(lines)
    reader = csv.reader(texts, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    record = 0
    while True:
        texts.start_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            record += 1
            start, first = texts.row_lines[0] if texts.row_lines else (texts.last_number, "")
            place = RecordPlace(file=file, line=start, record=record)
            yield place.reject(f"bad CSV: {_explain(error, start)}", first)
            texts.read_again_after_first()
            continue
        start = texts.row_lines[0][0]
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        raw = delimiter.join(row)
        if header is None:
            header = [name.strip().lower() for name in row]
            problem = _header_problem(header, delimiter)
            if problem:
                yield RecordPlace(file=file, line=start, record=None).reject(problem, raw)
                return
            continue
        record += 1
        place = RecordPlace(file=file, line=start, record=record)
        column = first_undecodable(raw)
        if column is not None:
            yield place.reject(
                "undecodable bytes: this row is not UTF-8; save the file as UTF-8", raw
            )
            continue
        if len(row) != len(header):
            yield place.reject(
                f"wrong number of fields: {len(row)} found, the header has {len(header)}; "
                "quote fields that contain the delimiter or a line break",
                raw,
            )
            # A row that ran over several lines and still does not fit most likely
            # swallowed the rows after an unclosed quote: read them again.
            texts.read_again_after_first()
            continue
        yield article_from_fields(dict(zip(header, row, strict=True)), place, raw, context)


def _header_problem(header: list[str], delimiter: str) -> str | None:
    shown = ", ".join(header[:8]) or "(nothing)"
    if "text" not in header:
        hint = "tab-separated" if delimiter == "\t" else "comma-separated"
        return f"missing text column: the {hint} header has {shown}; add a 'text' column"
    if not any(name in header for name in DATE_COLUMNS):
        return f"missing date column: the header has {shown}; add a 'date' column"
    return None


def _explain(error: csv.Error, start: int) -> str:
    message = str(error)
    if "unexpected end of data" in message or "expected after" in message:
        return (
            f"the quoted field that opens on line {start} is not closed where it should be "
            f'({message}); close the quote, or double a quote inside a field ("")'
        )
    return f"{message}; the row that starts on line {start} is skipped"


class _LineFeed:
    """Feeds csv.reader line by line, remembering the lines of the row being read
    so that after a bad row the lines it swallowed can be read again."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self._lines = iter(lines)
        self._again: deque[Line] = deque()
        self.row_lines: list[Line] = []
        self.last_number = 0
        self._reread = 0

    def start_row(self) -> None:
        self.row_lines = []

    def read_again_after_first(self) -> None:
        """Feed every line of the bad row but its first once more (within a budget
        of lines read twice, so no input makes reading quadratic)."""
        again = self.row_lines[1:]
        if self._reread + len(again) <= 4 * self.last_number + 10_000:
            self._reread += len(again)
            self._again.extendleft(reversed(again))
        self.row_lines = []

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else next(self._lines)
        self.row_lines.append(line)
        self.last_number = line[0]
        return line[1]
