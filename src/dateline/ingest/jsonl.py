"""JSON Lines: one story object per line (``.jsonl``, ``.ndjson``, ``.json``).

Fields: ``id``, ``date`` (or ``published``), ``title``, ``text``, optional
``source`` and ``url``; other fields are ignored. Lines are read one at a
time, so a file of any size streams. Blank lines are not records and are
skipped. A ``.json`` file holding one JSON array of such objects is also
read (that form cannot stream, and its records have no line numbers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from dateline.ingest.common import (
    Line,
    ReadContext,
    RecordPlace,
    article_from_fields,
    first_undecodable,
)
from dateline.records import Article, Reject

__all__ = ["read_json_array", "read_jsonl"]


def read_jsonl(
    lines: Iterable[Line], file: str, context: ReadContext
) -> Iterator[Article | Reject]:
    record = 0
    for number, line in lines:
        if not line.strip():
            continue
        record += 1
        place = RecordPlace(file=file, line=number, record=record)
        column = first_undecodable(line)
        if column is not None:
            yield place.reject(
                f"undecodable bytes: column {column} is not UTF-8; save the file as UTF-8",
                line,
            )
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield place.reject(
                f"bad JSON: {error.msg} at column {error.colno}; "
                "each line must be one complete JSON object",
                line,
            )
            continue
        except (RecursionError, ValueError) as error:
            yield place.reject(f"bad JSON: {_unreadable(error)}", line)
            continue
        yield _from_value(value, place, line, context)


def _unreadable(error: Exception) -> str:
    """What json could not read besides a syntax error: nesting deeper than the
    interpreter's stack, or an integer too long to convert."""
    if isinstance(error, RecursionError):
        return "the value is nested too deeply to read; a story is a flat object"
    return f"{error}; a story is a flat object of strings"


def read_json_array(
    lines: Iterable[Line], file: str, context: ReadContext
) -> Iterator[Article | Reject]:
    content = "".join(line for _, line in lines)
    whole = RecordPlace(file=file, line=1, record=None)
    column = first_undecodable(content)
    if column is not None:
        yield whole.reject("undecodable bytes: the file is not UTF-8; save it as UTF-8", content)
        return
    try:
        values = json.loads(content)
    except json.JSONDecodeError as error:
        yield whole.reject(
            f"bad JSON: {error.msg} at line {error.lineno}, column {error.colno}", content
        )
        return
    except (RecursionError, ValueError) as error:
        yield whole.reject(f"bad JSON: {_unreadable(error)}", content)
        return
    if not isinstance(values, list):
        yield whole.reject("bad JSON: expected an array of story objects", content)
        return
    for index, value in enumerate(values, start=1):
        place = RecordPlace(file=file, line=None, record=index)
        yield _from_value(value, place, _shown(value), context)


def _shown(value: Any) -> str:
    """The start of an array element as JSON, for its excerpt (a nested value
    too deep to write back is shown by its type)."""
    try:
        return json.dumps(value, ensure_ascii=False)[:200]
    except (RecursionError, ValueError):
        return f"<{type(value).__name__}>"


def _from_value(value: Any, place: RecordPlace, raw: str, context: ReadContext) -> Article | Reject:
    if not isinstance(value, dict):
        kind = type(value).__name__
        return place.reject(f"not a JSON object: the record is a {kind}, expected {{...}}", raw)
    fields = {str(key).strip().lower(): item for key, item in value.items()}
    return article_from_fields(fields, place, raw, context)
