"""`read_inputs`: files, directories and stdin to a stream of articles and rejects.

The format of a file is chosen by its extension; ``.txt``, files without an
extension and stdin are sniffed from their first non-blank line. Everything
streams: a file is opened only when the previous one is done, and JSONL, CSV
and SGML are read a record at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dateline.errors import IngestError
from dateline.ingest.common import (
    BINARY_SAMPLE_BYTES,
    MAX_STORY_CHARS,
    Line,
    ReadContext,
    RecordPlace,
    binary_lines,
    binary_problem,
    display_name,
    text_lines,
)
from dateline.ingest.jsonl import read_json_array, read_jsonl
from dateline.ingest.seed import looks_like_seed, read_seed
from dateline.ingest.sgml import read_reuters_sgml
from dateline.ingest.tabular import read_table
from dateline.records import Article, Reject

if TYPE_CHECKING:
    from dateline.ingest.web import WebReader

__all__ = ["EXTENSIONS", "NOT_STORY_NAMES", "STDIN", "Format", "is_url", "read_inputs"]

STDIN = "-"
STDIN_NAME = "<stdin>"


class Format(Enum):
    SEED = "seed"
    JSONL = "jsonl"
    JSON_ARRAY = "json-array"
    CSV = "csv"
    TSV = "tsv"
    SGML = "sgml"
    URLS = "urls"


EXTENSIONS: dict[str, Format | None] = {
    ".txt": None,  # seed format, but sniffed: a .txt may hold anything
    "": None,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".json": Format.JSONL,
    ".csv": Format.CSV,
    ".tsv": Format.TSV,
    ".sgm": Format.SGML,
    ".sgml": Format.SGML,
    ".urls": Format.URLS,
}
# Documentation that sits next to data (the Reuters folder has a README.txt);
# skipped when met inside a directory, read like any file when named directly.
NOT_STORY_NAMES = frozenset(
    {"readme", "license", "licence", "copying", "notice", "changes", "changelog", "authors"}
)

Reader = Callable[[Iterable[Line], str, ReadContext], Iterator[Article | Reject]]

# An input with a scheme (http://, https://, and file:// to be refused) is a URL
# for the web reader (docs/ingest.md, "Web pages and feeds").
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(path: str | Path) -> bool:
    return isinstance(path, str) and _URL.match(path) is not None


def read_inputs(
    paths: Sequence[str | Path],
    stdin: TextIO | None = None,
    *,
    today: dt.date | None = None,
    max_chars: int = MAX_STORY_CHARS,
    web: WebReader | None = None,
) -> Iterator[Article | Reject]:
    """Every article in `paths`, and a `Reject` for every record that could not be read.

    A path is a file, a directory (read recursively in sorted order, skipping
    hidden files, files with other extensions and READMEs), or ``"-"`` for
    `stdin` (``sys.stdin`` when not given). Order is stable: paths in the
    order given, records in file order. `today` bounds publication dates
    (default: the real today); a story longer than `max_chars` characters is
    rejected as ``too long``. Raises `IngestError` before reading anything
    if a path does not exist.

    A path that is an http(s) URL (or a ``.urls`` file, or a ``.txt`` file or
    stdin whose first line is one, listing one URL a line) is read by `web`
    (default: a `WebReader` with the default politeness and no memory of
    earlier runs).
    """
    missing = [
        display_name(str(path))
        for path in paths
        if str(path) != STDIN and not is_url(path) and not os.path.lexists(path)
    ]
    if missing:
        raise IngestError(f"no such file or directory: {', '.join(missing)}")
    context = ReadContext(today=today or dt.date.today(), max_chars=max_chars, web=web)
    for path in paths:
        if is_url(path):
            yield from _read_urls([(1, str(path))], "", context)
        elif str(path) == STDIN:
            yield from _read_stream(stdin if stdin is not None else sys.stdin, context)
        elif Path(path).is_dir():
            for file in _files_in(Path(path)):
                if isinstance(file, Reject):
                    yield file
                else:
                    yield from _read_file(file, context, explicit=False)
        else:
            yield from _read_file(Path(path), context, explicit=True)


def _files_in(root: Path) -> Iterator[Path | Reject]:
    """The story files under `root` in sorted order, and a reject for every
    folder that cannot be listed and every link that leads nowhere."""
    found: list[tuple[tuple[str, ...], Path | Reject]] = []

    def unreadable(error: OSError) -> None:
        folder = Path(error.filename) if error.filename else root
        reason = error.strerror or str(error)
        reject = RecordPlace(file=display_name(str(folder)), line=None, record=None).reject(
            f"cannot read folder: {reason}; its files were not read"
        )
        found.append((_relative(folder, root), reject))

    for folder, folders, files in os.walk(root, onerror=unreadable):
        here = Path(folder)
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            file = here / name
            if name.startswith(".") or _is_documentation(file):
                continue
            if file.suffix.lower() not in EXTENSIONS:
                continue
            if file.is_symlink() and not file.exists():
                reject = RecordPlace(file=display_name(str(file)), line=None, record=None).reject(
                    f"dangling link: it points to {display_name(os.readlink(file))}, "
                    "which does not exist"
                )
                found.append((_relative(file, root), reject))
            elif file.is_file():
                found.append((_relative(file, root), file))
    found.sort(key=lambda entry: entry[0])
    for _, item in found:
        yield item


def _relative(path: Path, root: Path) -> tuple[str, ...]:
    try:
        return path.relative_to(root).parts
    except ValueError:
        return path.parts


def _is_documentation(file: Path) -> bool:
    return file.stem.lower() in NOT_STORY_NAMES or file.name.lower() in NOT_STORY_NAMES


def _read_file(file: Path, context: ReadContext, *, explicit: bool) -> Iterator[Article | Reject]:
    name = display_name(str(file))
    whole = RecordPlace(file=name, line=None, record=None)
    try:
        with file.open("rb") as handle:
            sample = handle.read(BINARY_SAMPLE_BYTES)
            problem = binary_problem(sample)
            if problem is not None:
                yield whole.reject(problem, sample.decode("latin-1"))
                return
            handle.seek(0)
            declared = EXTENSIONS.get(file.suffix.lower())
            fallback = "latin-1" if declared is Format.SGML else None
            lines = binary_lines(handle, fallback_encoding=fallback)
            head, lines = _peek(lines)
            chosen = _choose_format(file.suffix.lower(), head)
            if chosen is None:
                if explicit:
                    yield RecordPlace(file=name, line=1, record=None).reject(
                        _unknown_format(file.suffix), head
                    )
                # else: not a story file (a Makefile next to the data); skipped.
                return
            if chosen is Format.SGML and fallback is None:
                handle.seek(0)
                lines = binary_lines(handle, fallback_encoding="latin-1")
            records = 0
            for item in _reader_for(chosen)(lines, name, context):
                records += 1
                yield item
            # A URL list that brings nothing new (feeds already read) is not an error.
            if records == 0 and head.strip() and chosen is not Format.URLS:
                yield whole.reject(_no_records(chosen), head)
    except OSError as error:
        yield whole.reject(f"cannot read file: {error.strerror or error}")


def _read_stream(stream: TextIO, context: ReadContext) -> Iterator[Article | Reject]:
    raw = getattr(stream, "buffer", None)
    lines = binary_lines(raw) if raw is not None else text_lines(stream)
    head, lines = _peek(lines)
    problem = binary_problem(head.encode("utf-8", "surrogateescape")[:BINARY_SAMPLE_BYTES])
    if problem is not None:
        yield RecordPlace(file=STDIN_NAME, line=None, record=None).reject(problem, head)
        return
    chosen = _choose_format("", head)
    if chosen is None:
        if head.strip():
            yield RecordPlace(file=STDIN_NAME, line=1, record=None).reject(
                _unknown_format(""), head
            )
        return
    records = 0
    for item in _reader_for(chosen)(lines, STDIN_NAME, context):
        records += 1
        yield item
    if records == 0 and chosen is not Format.URLS:
        yield RecordPlace(file=STDIN_NAME, line=None, record=None).reject(_no_records(chosen), head)


def _peek(lines: Iterator[Line]) -> tuple[str, Iterator[Line]]:
    """The first non-blank line, and all the lines again."""
    seen: list[Line] = []
    for number, line in lines:
        seen.append((number, line))
        if line.strip():
            return line, itertools.chain(seen, lines)
    return "", iter(seen)


def _choose_format(suffix: str, head: str) -> Format | None:
    declared = EXTENSIONS.get(suffix)
    if declared is Format.JSONL and suffix == ".json" and head.lstrip().startswith("["):
        return Format.JSON_ARRAY
    if declared is not None:
        return declared
    return _sniff(head, is_txt=suffix == ".txt")


def _sniff(head: str, *, is_txt: bool) -> Format | None:
    start = head.lstrip()
    if looks_like_seed(start):
        return Format.SEED
    if start.startswith("{"):
        return Format.JSONL
    if start.startswith("[") and not is_txt:
        return Format.JSON_ARRAY
    if start.startswith(("<REUTERS", "<!DOCTYPE lewis")):
        return Format.SGML
    if start.lower().startswith(("http://", "https://")):
        return Format.URLS
    columns = {name.strip().strip('"').lower() for name in start.replace("\t", ",").split(",")}
    if "text" in columns and not is_txt:
        return Format.TSV if "\t" in start else Format.CSV
    # A .txt that is none of these is a seed story with a broken header.
    return Format.SEED if is_txt else None


def _reader_for(chosen: Format) -> Reader:
    if chosen is Format.CSV:
        return lambda lines, file, context: read_table(lines, file, context, ",")
    if chosen is Format.TSV:
        return lambda lines, file, context: read_table(lines, file, context, "\t")
    readers: dict[Format, Reader] = {
        Format.SEED: read_seed,
        Format.JSONL: read_jsonl,
        Format.JSON_ARRAY: read_json_array,
        Format.SGML: read_reuters_sgml,
        Format.URLS: _read_urls,
    }
    return readers[chosen]


def _read_urls(
    lines: Iterable[Line], file: str, context: ReadContext
) -> Iterator[Article | Reject]:
    """Each URL (one a line; blank lines and ``#`` comments skipped) through the web reader."""
    if context.web is None:
        from dateline.ingest.web import WebReader

        context.web = WebReader(today=context.today)
    for _, line in lines:
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        place = RecordPlace(file=url, line=None, record=None)
        for item in context.web.read(url):
            yield context.admit(item, place) if isinstance(item, Article) else item


def _unknown_format(suffix: str) -> str:
    what = f"'{suffix}' files" if suffix else "this input"
    return (
        f"unrecognised format: dateline cannot read {what}; "
        "use .txt (date header), .jsonl, .csv, .tsv, .sgm or .urls"
    )


def _no_records(chosen: Format) -> str:
    what = {
        Format.SGML: "no <REUTERS> block",
        Format.CSV: "a header but no rows",
        Format.TSV: "a header but no rows",
    }.get(chosen, "no record")
    return f"no records: the input is read as {chosen.value} but holds {what}"
