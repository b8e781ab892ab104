"""What every reader shares: numbered lines, the run context, record building.

Readers see their input as numbered text lines. Bytes that are not valid
UTF-8 are kept as lone surrogates (``surrogateescape``) rather than raising,
so one bad line becomes one reject and the rest of the file is still read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from dateline.ingest.dates import BadDateError, parse_date
from dateline.records import Article, Reject

__all__ = [
    "BINARY_SAMPLE_BYTES",
    "EXCERPT_CHARS",
    "MAX_STORY_CHARS",
    "Line",
    "ReadContext",
    "RecordPlace",
    "article_from_fields",
    "binary_lines",
    "binary_problem",
    "clean_text",
    "content_id",
    "display_name",
    "excerpt_of",
    "first_undecodable",
    "printable",
    "restore_comma_joined_paragraphs",
    "text_lines",
]

Line = tuple[int, str]
EXCERPT_CHARS = 80
# The longest story coded (characters of its text); a longer one is rejected as
# `too long`. `read_inputs(max_chars=...)` and `dateline code --max-chars` change it.
MAX_STORY_CHARS = 1_000_000
# How much of a file is looked at to tell text from binary data.
BINARY_SAMPLE_BYTES = 8192

_UNDECODABLE = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# The one rule for control characters in a story's text and title (docs/ingest.md):
# those Python counts as white space become a space, a C1 control (U+0080-U+009F,
# nearly always a Windows-1252 byte read as latin-1) becomes the character it is in
# Windows-1252, a lone surrogate (JSON "\ud800") becomes U+FFFD, and the others (NUL,
# U+0001-U+0008, U+000E-U+001B, U+007F, C1 bytes with no Windows-1252 meaning) go.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACE_CONTROLS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# Bytes that are not text: control bytes other than tab, line feed, form feed,
# carriage return and escape (which some wire formats use).
_BINARY_BYTES = bytes(range(0, 8)) + bytes(range(14, 27)) + bytes(range(28, 32)) + b"\x0b\x7f"


def _control_replacement(match: re.Match[str]) -> str:
    char = match[0]
    if char in _SPACE_CONTROLS:
        return " "
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    if 0x80 <= code <= 0x9F:
        try:
            return bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


def clean_text(text: str) -> str:
    """`text` with its control characters handled by the one rule above."""
    return _CONTROL.sub(_control_replacement, text)


def printable(text: str) -> str:
    """`text` safe to write as UTF-8 anywhere: bytes that were not UTF-8 (kept as
    surrogates) shown as ``\\xNN``, any other lone surrogate as U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _SURROGATE.sub("\ufffd", text)


def display_name(path: str) -> str:
    """A file name as shown in rejects and origins (a name that is not UTF-8
    keeps its bad bytes as ``\\xNN``)."""
    return printable(path)


def binary_problem(sample: bytes) -> str | None:
    """Why the first bytes of a file say it is not text, or None.

    A NUL byte, or more than one byte in ten that is a control character no
    text uses, marks binary data (an image, a zip, UTF-16 text)."""
    if not sample:
        return None
    if b"\x00" in sample:
        hint = (
            " (UTF-16 text? save it as UTF-8)" if sample[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        )
        return f"binary file: it holds NUL bytes, so it is not a text file{hint}"
    controls = sum(sample.count(byte) for byte in _BINARY_BYTES)
    if controls * 10 > len(sample):
        return f"binary file: {controls} of its first {len(sample)} bytes are control characters, so it is not a text file"
    return None


def binary_lines(handle: BinaryIO, fallback_encoding: str | None = None) -> Iterator[Line]:
    """Numbered lines of a byte stream decoded as UTF-8.

    A line that is not UTF-8 is decoded with `fallback_encoding` when one is
    given (Reuters SGML is latin-1), else with its bad bytes kept as
    surrogates for the reader to reject.
    """
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            if fallback_encoding is not None:
                line = raw.decode(fallback_encoding)
            else:
                line = raw.decode("utf-8", "surrogateescape")
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield number, line


def text_lines(stream: Iterable[str]) -> Iterator[Line]:
    for number, line in enumerate(stream, start=1):
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield number, line


def first_undecodable(text: str) -> int | None:
    """The 1-based column of the first byte that was not UTF-8, if any."""
    found = _UNDECODABLE.search(text)
    return None if found is None else found.start() + 1


def excerpt_of(text: str) -> str:
    """A short one-line, JSON-safe excerpt of a raw record."""
    flat = _SPACES.sub(" ", text[: 4 * EXCERPT_CHARS]).strip()
    flat = _SURROGATE.sub("\ufffd", clean_text(flat))
    if len(flat) > EXCERPT_CHARS:
        flat = flat[: EXCERPT_CHARS - 1] + "…"
    return flat


def content_id(date: dt.date, text: str) -> str:
    """A stable id for a story that came without one: a hash of date and text."""
    digest = hashlib.sha1(f"{date.isoformat()}\n{text}".encode()).hexdigest()
    return f"sha1-{digest[:16]}"


@dataclass(frozen=True, slots=True)
class RecordPlace:
    """Where a record sits in its input: for rejects and `Article.origin`."""

    file: str
    line: int | None
    record: int | None

    @property
    def origin(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def reject(self, reason: str, raw: str = "") -> Reject:
        return Reject(
            file=printable(self.file),
            line=self.line,
            reason=clean_text(printable(reason)),
            record=self.record,
            excerpt=excerpt_of(raw),
        )


@dataclass(slots=True)
class ReadContext:
    """State shared by the readers of one `read_inputs` call.

    `first_seen` maps each article id to where it was first read, so a second
    story under the same id is rejected instead of overwriting the first.
    """

    today: dt.date
    max_chars: int = MAX_STORY_CHARS
    first_seen: dict[str, str] = field(default_factory=dict)
    web: Any = None  # the WebReader of URL inputs (dateline.ingest.web), made on first use

    def too_long(self, text: str, place: RecordPlace, raw: str) -> Reject | None:
        """A `too long` reject for a story over `max_chars`, else None."""
        if len(text) <= self.max_chars:
            return None
        return place.reject(
            f"too long: the story has {len(text):,} characters, more than the maximum of "
            f"{self.max_chars:,}; split it into shorter stories or raise --max-chars",
            raw,
        )

    def admit(self, article: Article, place: RecordPlace) -> Article | Reject:
        too_long = self.too_long(article.text, place, article.title or article.text)
        if too_long is not None:
            return too_long
        earlier = self.first_seen.get(article.id)
        if earlier is not None:
            return place.reject(
                f"duplicate id: {article.id!r} was already read at {earlier}; "
                "give each story its own id",
                article.title or article.text,
            )
        self.first_seen[article.id] = place.origin
        return article


def article_from_fields(
    fields: Mapping[str, Any],
    place: RecordPlace,
    raw: str,
    context: ReadContext,
) -> Article | Reject:
    """An `Article` from a JSON object or CSV row (keys already lower-cased)."""
    text_value = fields.get("text")
    if "text" not in fields:
        return place.reject("missing text: the record has no 'text' field", raw)
    if text_value is not None and not isinstance(text_value, str):
        kind = type(text_value).__name__
        return place.reject(f"bad text: 'text' must be a string, not {kind}", raw)
    too_long = context.too_long(text_value or "", place, raw)
    if too_long is not None:  # before any work on a text of any size
        return too_long
    text = clean_text(_normalise_newlines(text_value or ""))
    identifier = _optional_string(fields.get("id"))
    source = _optional_string(fields.get("source"))
    if _is_comma_joined(identifier, source):
        text = restore_comma_joined_paragraphs(text)
    text = text.strip()
    if not text:
        return place.reject("empty text: the 'text' field is empty", raw)

    date_value = fields.get("date") or fields.get("published")
    if date_value is None or (isinstance(date_value, str) and not date_value.strip()):
        return place.reject("missing date: the record has no 'date' or 'published' value", raw)
    if not isinstance(date_value, str):
        kind = type(date_value).__name__
        return place.reject(f"bad date: expected a string like 2017-04-03, not {kind}", raw)
    try:
        date = parse_date(date_value, today=context.today)
    except BadDateError as error:
        return place.reject(f"bad date: {error}", raw)

    title = clean_text(_optional_string(fields.get("title")) or "")
    article = Article(
        id=identifier or content_id(date, text),
        date=date,
        text=text,
        title=_SPACES.sub(" ", title).strip(),
        source=source,
        url=_optional_string(fields.get("url")),
        origin=place.origin,
    )
    return context.admit(article, place)


def _optional_string(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        text = clean_text(str(value)).strip()
        return text or None
    return None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


# --- KCNA: paragraphs joined by ", " ---------------------------------------
#
# The KCNA dump stores a story's paragraphs joined with ", " (empty paragraphs
# and carriage returns between them), which leaves ", ," runs and a comma
# straight after a sentence's full stop. Both are restored to paragraph breaks;
# a comma after an abbreviation ("U.S., Japan") is left alone.

_COMMA_RUN = re.compile(r"[ \t]*,(?:[ \t\r]*,)+[ \t\r]*")
# Not before a lower-case word: '"Long live Korea!", said the crowd' is one sentence.
_COMMA_AFTER_SENTENCE = re.compile(r"([.!?:][\"'”’]?)[ \t]*,[ \t\r]+(?![a-z])")
_ABBREVIATIONS = frozenset(
    [
        "etc",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "st",
        "mr",
        "mrs",
        "ms",
        "dr",
        "no",
        "vs",
        "gen",
        "col",
        "lt",
        "prof",
        "sec",
        "dept",
        "govt",
    ]
)
_BREAK = "\n\n"


def _is_comma_joined(identifier: str | None, source: str | None) -> bool:
    return (identifier or "").upper().startswith("KCNA") or (source or "").upper().startswith(
        "KCNA"
    )


def restore_comma_joined_paragraphs(text: str) -> str:
    """KCNA text with its ", "-joined paragraphs split back onto lines."""
    text = _COMMA_RUN.sub(_BREAK, text)
    text = _COMMA_AFTER_SENTENCE.sub(_sentence_end_break, text)
    text = text.replace("\r", "\n")
    paragraphs = (part.strip().strip(",").strip() for part in re.split(r"\n\s*\n", text))
    return _BREAK.join(part for part in paragraphs if part)


def _sentence_end_break(match: re.Match[str]) -> str:
    # A short window keeps this linear on long stories; words are shorter.
    before = match.string[max(0, match.start() - 40) : match.start()]
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    punctuation = match[1]
    if punctuation.startswith(".") and _is_abbreviation(word):
        return match[0]
    return punctuation + _BREAK


def _is_abbreviation(word: str) -> bool:
    """'U.S', 'C.C' or 'etc' (the word before a final full stop)."""
    bare = word.strip("\"'“”‘’()[]")
    return "." in bare or bare.lower() in _ABBREVIATIONS or (len(bare) == 1 and bare.isupper())
