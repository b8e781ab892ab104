"""The seed format: one story per file, after a ``date YYYY-MM-DD`` header.

    date 2017-04-03 Japan and China are arranging ...      (text on the date's line)
     date 2017-04-03 09:30                                 (or on the next line)
    Japan and China are arranging ...

The header may be indented and may carry a time (``HH:MM``), which is not
kept: an `Article` has a date. The format has no headline, so the title is
empty rather than a copy of the first sentence (the text keeps that sentence,
and a made-up title would look like a real headline downstream).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dateline.ingest.common import (
    Line,
    ReadContext,
    RecordPlace,
    clean_text,
    content_id,
    first_undecodable,
)
from dateline.ingest.dates import BadDateError, parse_date
from dateline.records import Article, Reject

__all__ = ["SEED_HEADER", "looks_like_seed", "read_seed"]

SEED_HEADER = re.compile(
    r"\A\s*date[ \t]+(?P<date>\S+)(?:[ \t]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?[ \t]*(?:\r?\n)?",
    re.IGNORECASE,
)


def looks_like_seed(first_line: str) -> bool:
    return first_line.lstrip().lower().startswith("date ")


def read_seed(lines: Iterable[Line], file: str, context: ReadContext) -> Iterator[Article | Reject]:
    numbered = list(lines)
    content = "".join(line for _, line in numbered)
    place = RecordPlace(file=file, line=1, record=1)
    for number, line in numbered:
        column = first_undecodable(line)
        if column is not None:
            bad_line = RecordPlace(file=file, line=number, record=1)
            yield bad_line.reject(
                f"undecodable bytes: line {number}, column {column} is not UTF-8; "
                "save the file as UTF-8",
                line,
            )
            return
    header = SEED_HEADER.match(content)
    if header is None:
        yield place.reject(
            "no date header: a story file must start with 'date YYYY-MM-DD'", content
        )
        return
    try:
        date = parse_date(header["date"], today=context.today)
    except BadDateError as error:
        yield place.reject(f"bad date: {error}", content)
        return
    text = clean_text(content[header.end() :].replace("\r\n", "\n")).strip()
    if not text:
        yield place.reject("empty text: nothing follows the date header", content)
        return
    article = Article(
        id=content_id(date, text),
        date=date,
        text=text,
        origin=place.origin,
    )
    yield context.admit(article, place)
