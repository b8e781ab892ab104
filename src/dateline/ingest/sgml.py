"""Reuters-21578 SGML (``.sgm``): ``<REUTERS ... NEWID="n">`` blocks.

The files are not valid XML (control characters, ``&#3;`` entities, latin-1),
so the reader scans lines for ``<REUTERS`` ... ``</REUTERS>`` and reads each
block's elements with regular expressions; one block is in memory at a time.

The story text is the ``<BODY>``. A block without a BODY uses what its
``<TEXT>`` holds once the TITLE, DATELINE and AUTHOR are taken out (the
unprocessed ``TYPE="UNPROC"`` tables). Headline-only briefs
(``TYPE="BRIEF"``, whose text is the placeholder "Blah blah blah.") are
rejected as having no story text, with their headline in the excerpt.

The wire text is hard-wrapped at ~70 columns with paragraphs indented; it is
re-flowed so that a sentence is not broken by newlines: an indented line
starts a paragraph, a line indented by one or two spaces (table rows) starts
a new line, and any other line continues the one before.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from dateline.ingest.common import Line, ReadContext, RecordPlace, clean_text, content_id
from dateline.ingest.dates import BadDateError, parse_date
from dateline.records import Article, Reject

__all__ = ["REUTERS_SOURCE", "read_reuters_sgml"]

REUTERS_SOURCE = "Reuters"
# Briefs carry only a headline; their TEXT is "******Blah blah blah."
_PLACEHOLDER = re.compile(r"[*\s]*blah blah blah\.?", re.IGNORECASE)

_OPEN = "<REUTERS"
_CLOSE = "</REUTERS>"
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_DATE = re.compile(r"<DATE>(.*?)</DATE>", re.DOTALL)
_DATE_VALUE = re.compile(r"\d{1,2}-[A-Za-z]{3}-\d{4}(?:\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?)?")
_TEXT = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.DOTALL)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_NOT_STORY = re.compile(r"<(TITLE|DATELINE|AUTHOR)>.*?</\1>", re.DOTALL)
_TAG = re.compile(r"</?[A-Z]+\b[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SIGN_OFF = re.compile(r"\n\s*Reuters?\s*\Z", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def read_reuters_sgml(
    lines: Iterable[Line], file: str, context: ReadContext
) -> Iterator[Article | Reject]:
    block: list[str] = []
    start = 0
    record = 0
    for number, line in lines:
        if not block:
            position = line.find(_OPEN)
            if position < 0:
                continue
            start, line = number, line[position:]
        elif line.lstrip().startswith(_OPEN):
            record += 1
            place = RecordPlace(file=file, line=start, record=record)
            yield place.reject(_unclosed(start), "".join(block))
            block, start = [], number
        block.append(line)
        if _CLOSE in line:
            record += 1
            place = RecordPlace(file=file, line=start, record=record)
            yield _read_block("".join(block), place, context)
            block = []
    if block:
        record += 1
        place = RecordPlace(file=file, line=start, record=record)
        yield place.reject(_unclosed(start), "".join(block))


def _unclosed(start: int) -> str:
    return f"bad SGML: the <REUTERS> block at line {start} has no closing </REUTERS>"


def _read_block(block: str, place: RecordPlace, context: ReadContext) -> Article | Reject:
    newid = _NEWID.search(block[: block.find(">") + 1])
    title_match = _TITLE.search(block)
    title = _flat(_clean(title_match[1])) if title_match else ""
    shown = title or (f'<REUTERS NEWID="{newid[1]}">' if newid else block)

    date_match = _DATE.search(block)
    if date_match is None:
        return place.reject("missing date: the story has no <DATE>", shown)
    date_text = _clean(date_match[1]).strip()
    date_value = _DATE_VALUE.match(date_text)
    try:
        date = parse_date(date_value[0] if date_value else date_text, today=context.today)
    except BadDateError as error:
        return place.reject(f"bad date: {error}", shown)

    body = _BODY.search(block)
    if body is not None:
        raw_text = body[1]
    else:
        text_match = _TEXT.search(block)
        raw_text = _NOT_STORY.sub("", text_match[1]) if text_match else ""
    text = _reflow(_SIGN_OFF.sub("", _TAG.sub("", _clean(raw_text))))
    if _PLACEHOLDER.fullmatch(text) or not any(char.isalnum() for char in text):
        if title:
            return place.reject(
                "no story text: a headline-only brief (the headline is in the excerpt)", shown
            )
        return place.reject("empty text: the story has no BODY and an empty TEXT", shown)

    article = Article(
        id=f"reuters-{newid[1]}" if newid else content_id(date, text),
        date=date,
        text=text,
        title=title,
        source=REUTERS_SOURCE,
        origin=place.origin,
    )
    return context.admit(article, place)


def _clean(raw: str) -> str:
    """Entities decoded and wire control characters (&#2; &#3; ...) removed; then
    the one rule for any other control character (`clean_text`)."""
    return clean_text(_CONTROL.sub("", html.unescape(raw).replace("\r\n", "\n")))


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _reflow(text: str) -> str:
    paragraphs: list[list[str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            paragraphs.append([])
            continue
        indent = len(line) - len(line.lstrip())
        if not paragraphs or indent >= 3:
            paragraphs.append([stripped])
        elif indent > 0:
            paragraphs[-1].append("\n" + stripped)
        elif paragraphs[-1]:
            paragraphs[-1].append(" " + stripped)
        else:
            paragraphs[-1].append(stripped)
    joined = ("".join(parts).strip() for parts in paragraphs)
    return "\n\n".join(paragraph for paragraph in joined if paragraph)
