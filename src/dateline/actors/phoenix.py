"""Readers for PETRARCH/TABARI-format actor and agent dictionaries.

The format (documented here because PETRARCH documents it only in code):

Actor files
    ``PHRASE [CODE]``           a primary phrase with a default code
    ``+PHRASE``                 a synonym of the primary phrase above it
    ``\\t[CODE DATE-DATE]``     a dated role (``>DATE``: from DATE on, ``<DATE``: until DATE)
    ``\\t[CODE]``               a default code given on its own line
    ``PHRASE [C1 D-D] [C2]``    several codes may stand on the primary line
    ``# ...`` / ``; ...``       comments; ``<!-- ... -->`` comment blocks

Dates are ``YYMMDD`` or ``YYYYMMDD``; two-digit years below 30 are 20YY.
Words in a phrase are separated by ``_`` or blanks; a trailing ``_`` only
marks the last word as complete and is dropped here.

Agent files
    ``PHRASE {PLURAL} [~CODE]``  a role noun whose code is appended to the actor
                                 code (``[CODE~]``: prepended); ``{}`` means no
                                 regular plural is generated
    ``!MARKER! = A, B``          a substitution set used as ``!MARKER!`` in phrases

These functions return plain records; `ActorKnowledge.from_phoenix` indexes them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dateline.actors.text import fold
from dateline.errors import RuleDataError

__all__ = [
    "PhoenixActor",
    "PhoenixAgent",
    "PhoenixRole",
    "parse_date",
    "phrase_tokens",
    "read_actor_file",
    "read_agent_file",
]

_BRACKET = re.compile(r"\[([^\]]*)\]")
_POSSESSIVE = re.compile(r"(\w)('s|s')$")


@dataclass(frozen=True, slots=True)
class PhoenixRole:
    """One code, optionally bounded by dates (inclusive)."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(slots=True)
class PhoenixActor:
    """A primary phrase with its synonyms and codes, in file order."""

    phrases: list[str]
    roles: list[PhoenixRole] = field(default_factory=list)
    default: str | None = None
    comment: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class PhoenixAgent:
    phrase: str
    code: str  # e.g. "~GOV" (appended) or "NGO~" (prepended)
    plural: str | None = None  # None: regular plurals; "": none; else the given plural


def parse_date(text: str) -> dt.date:
    """``YYMMDD`` or ``YYYYMMDD`` as a date; raises ValueError."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) not in (6, 8):
        raise ValueError(f"not a TABARI date: {text!r}")
    if len(digits) == 6:
        year = int(digits[:2])
        digits = (f"20{digits[:2]}" if year < 30 else f"19{digits[:2]}") + digits[2:]
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    # TABARI files use 00 for an unknown month or day.
    return dt.date(year, max(month, 1), max(day, 1))


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A dictionary phrase as the lower-cased tokens spaCy would give.

    Underscores and blanks separate words, hyphens are dropped (the matcher
    skips hyphen tokens, so "Kim Jong-un" and "Kim Jong Un" meet), and a
    possessive ending becomes its own token as spaCy splits it.
    """
    words: list[str] = []
    for raw in re.split(r"[_\s,()]+", fold(phrase)):
        for part in raw.split("-"):
            if not part:
                continue
            match = _POSSESSIVE.search(part)
            if match and len(part) > 2 and "." not in part and match.group(2) == "s'":
                # spaCy splits a plural possessive after the s: "Workers' Party" → workers, '
                words.append(part[:-1])
                words.append("'")
            elif match and len(part) > 2 and "." not in part:
                words.append(part[: match.start(2)])
                words.append(match.group(2))
            else:
                words.append(part)
    return tuple(w for w in words if w not in {"(", ")", ","})


def _strip_comment(line: str) -> tuple[str, str]:
    for mark in ("#", ";"):
        if mark in line:
            head, _, tail = line.partition(mark)
            return head, tail.strip()
    return line, ""


def _parse_code(body: str, path: Path, lineno: int) -> PhoenixRole | str:
    """A bracket body: ``CODE`` (a default) or ``CODE <date``, ``>date``, ``d-d``."""
    parts = body.strip().split(None, 1)
    if not parts:
        raise RuleDataError(f"{path}:{lineno}: empty code bracket")
    code = parts[0].strip().upper()
    if len(parts) == 1:
        return code
    rest = parts[1].replace(" ", "")
    try:
        if rest.startswith("<"):
            return PhoenixRole(code, None, parse_date(rest[1:]))
        if rest.startswith(">"):
            return PhoenixRole(code, parse_date(rest[1:]), None)
        first, _, second = rest.partition("-")
        return PhoenixRole(code, parse_date(first), parse_date(second))
    except ValueError as exc:
        raise RuleDataError(f"{path}:{lineno}: bad date restriction [{body}]: {exc}") from exc


def _content_lines(path: Path, skip_stop: bool) -> Iterator[tuple[int, str]]:
    """The lines of a PETRARCH dictionary that carry entries, with their line
    numbers: blank lines, ``#`` comments and ``<!-- ... -->`` blocks are left
    out (and, with `skip_stop`, ``---STOP---`` markers)."""
    in_block = False
    text = path.read_text(encoding="utf-8", errors="replace")
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if in_block:
            if "-->" in raw:
                in_block = False
            continue
        stripped = raw.strip()
        if stripped.startswith("<!"):
            if "-->" not in stripped and stripped.startswith("<!--"):
                in_block = True
            continue
        if not stripped or stripped.startswith("#") or (skip_stop and "---STOP---" in stripped):
            continue
        yield lineno, raw


def read_actor_file(path: Path, lenient: bool = True) -> list[PhoenixActor]:
    """Parse a PETRARCH actor dictionary.

    With `lenient`, a malformed date restriction is skipped as PETRARCH does
    (it only logs); otherwise it raises `RuleDataError` naming file and line.
    """
    actors: list[PhoenixActor] = []
    current: PhoenixActor | None = None
    for lineno, raw in _content_lines(path, skip_stop=True):
        body, comment = _strip_comment(raw)
        if not body.strip():
            continue
        if raw[0] in " \t" and body.strip().startswith("["):
            if current is None:
                continue
            for match in _BRACKET.finditer(body):
                try:
                    parsed = _parse_code(match.group(1), path, lineno)
                except RuleDataError:
                    if lenient:
                        continue
                    raise
                if isinstance(parsed, str):
                    current.default = parsed
                else:
                    current.roles.append(parsed)
            continue
        is_synonym = body.lstrip().startswith("+")
        phrase = _BRACKET.split(body, maxsplit=1)[0].strip().lstrip("+").strip()
        codes = list(_BRACKET.finditer(body))
        if is_synonym and current is not None:
            if phrase:
                current.phrases.append(phrase)
            target = current
        else:
            current = PhoenixActor(phrases=[phrase] if phrase else [], comment=comment, line=lineno)
            actors.append(current)
            target = current
        for match in codes:
            try:
                parsed = _parse_code(match.group(1), path, lineno)
            except RuleDataError:
                if lenient:
                    continue
                raise
            if isinstance(parsed, str):
                target.default = parsed
            else:
                target.roles.append(parsed)
    return [actor for actor in actors if actor.phrases]


def read_agent_file(path: Path) -> list[PhoenixAgent]:
    """Parse a PETRARCH agent dictionary, expanding ``!MARKER!`` sets."""
    markers: dict[str, list[str]] = {}
    agents: list[PhoenixAgent] = []
    for lineno, raw in _content_lines(path, skip_stop=False):
        body, _ = _strip_comment(raw)
        body = body.strip()
        if not body:
            continue
        if body.startswith("!") and "=" in body and "[" not in body:
            name = body[1 : body.index("!", 1)]
            markers[name.upper()] = [
                item.strip() for item in body.split("=", 1)[1].split(",") if item.strip()
            ]
            continue
        code_match = _BRACKET.search(body)
        if code_match is None:
            continue  # PETRARCH skips an agent without a code
        code = code_match.group(1).replace(" ", "").upper()
        if "~" not in code:
            raise RuleDataError(f"{path}:{lineno}: agent code [{code}] has no '~'")
        phrase_part = body[: code_match.start()].strip()
        plural: str | None = None
        if "{" in phrase_part:
            phrase_part, _, rest = phrase_part.partition("{")
            plural = rest.partition("}")[0].strip()
            phrase_part = phrase_part.strip()
        expanded = [phrase_part]
        marker = re.search(r"!([A-Za-z]+)!", phrase_part)
        if marker:
            name = marker.group(1).upper()
            if name not in markers:
                raise RuleDataError(f"{path}:{lineno}: substitution marker !{name}! is not defined")
            expanded = [
                phrase_part[: marker.start()] + item + phrase_part[marker.end() :]
                for item in markers[name]
            ]
            plural = ""  # substituted forms get no further plurals (PETRARCH)
        for phrase in expanded:
            agents.append(PhoenixAgent(phrase=phrase, code=code, plural=plural))
    return agents
