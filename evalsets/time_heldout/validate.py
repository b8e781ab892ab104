"""Check the held-out TimeML set in this folder and print its counts.

Run from the repository root: ``.venv/bin/python evalsets/time_heldout/validate.py``.
Exits with status 1 and one line per problem when a file is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from dateline.eval.time import read_timeml

FOLDER = Path(__file__).resolve().parent

TYPES = {"DATE", "TIME", "DURATION", "SET"}
MODS = {
    "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN",
    "EQUAL_OR_LESS", "EQUAL_OR_MORE", "START", "MID", "END", "APPROX",
}  # fmt: skip
REFS = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}

# TimeML 1.2.1 value grammar (the parts a news set uses).
_YEAR = r"(?:\d{4}|XXXX)"
_DAY_PART = r"(?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?|-W(?:\d\d|XX)(?:-(?:[1-7]|WE))?|-Q[1-4]|-H[12]|-(?:SP|SU|FA|WI))"
DATE_VALUE = re.compile(rf"^(?:{_YEAR}{_DAY_PART}?|\d{{3}}|\d\d)$")
TIME_VALUE = re.compile(
    rf"^{_YEAR}-(?:\d\d-\d\d|W\d\d-[1-7]|XX-XX)T(?:MO|AF|EV|NI|DT|(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?|24:00)$"
)
DURATION_VALUE = re.compile(r"^P(?=[\dXT])(?:(?:\d+|X)[YMWD])*(?:T(?:(?:\d+|X)[HMS])+)?$")

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip


def value_problem(kind: str, value: str) -> str | None:
    """Why `value` is not a TimeML value for a TIMEX3 of type `kind`, or None."""
    if kind == "DATE":
        ok = value in REFS or bool(DATE_VALUE.match(value))
    elif kind == "TIME":
        ok = value in REFS or bool(TIME_VALUE.match(value))
    elif kind == "DURATION":
        ok = bool(DURATION_VALUE.match(value))
    else:  # SET: a period (P1W) or a date pattern with X (XXXX-WXX-3, XXXX-FA)
        ok = bool(DURATION_VALUE.match(value)) or (
            "X" in value and bool(DATE_VALUE.match(value) or TIME_VALUE.match(value))
        )
    return None if ok else f"value {value!r} is not a TimeML {kind} value"


def agreement_problem(extent: str, value: str) -> str | None:
    """A weekday, month or four-digit year named in the extent that the value contradicts."""
    words = re.findall(r"[a-z]+", extent.lower())
    day = re.match(r"^(\d{4})-(\d\d)-(\d\d)", value)
    if day:
        date = dt.date(*(int(part) for part in day.groups()))
        for word in words:
            if word in WEEKDAYS and WEEKDAYS.index(word) != date.weekday():
                return f"{extent!r} names a {word} but {value} is a {date:%A}"
    if re.match(r"^\d{4}-\d\d", value):
        named = [MONTHS[word] for word in words if word in MONTHS]
        if named and int(value[5:7]) not in named:
            return f"{extent!r} names a month other than the one in {value}"
    for year in re.findall(r"\b(\d{4})\b", extent):
        if not value.startswith(year) and value[:3] != year[:3]:
            return f"{extent!r} names {year} but the value is {value}"
    return None


def check(path: Path, counts: Counter[str], mods: Counter[str]) -> list[str]:
    """Every problem found in one file (empty when it is good); adds to the counts."""
    problems: list[str] = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [f"not well-formed XML ({exc})"]
    if root.findtext("DOCID") != path.stem:
        problems.append("DOCID is not the file name")
    dct = root.find("DCT/TIMEX3")
    if dct is None or dct.get("functionInDocument") != "CREATION_TIME":
        return [*problems, "no CREATION_TIME TIMEX3 in <DCT>"]
    dct_value = dct.get("value", "")
    if dct_value.replace("-", "") != path.stem.split("_")[-1] or dct.text != dct_value:
        problems.append(f"DCT {dct_value!r} does not match the file name")
    if not (root.findtext("TITLE") or "").strip():
        problems.append("no <TITLE>")
    text = root.find("TEXT")
    if text is None:
        return [*problems, "no <TEXT>"]
    words = len("".join(text.itertext()).split())
    if not 120 <= words <= 300:
        problems.append(f"{words} words (want 120-300)")
    timexes = text.findall("TIMEX3")
    for index, timex in enumerate(timexes, start=1):
        tid, kind, value = timex.get("tid"), timex.get("type", ""), timex.get("value", "")
        extent = timex.text or ""
        where = f"{tid} {extent!r}"
        if tid != f"t{index}":
            problems.append(f"{where}: tid should be t{index}")
        if not extent.strip() or extent != extent.strip() or len(timex):
            problems.append(f"{where}: the extent must be plain, trimmed, non-empty text")
        if timex.get("functionInDocument") != "NONE":
            problems.append(f'{where}: functionInDocument should be "NONE"')
        if kind not in TYPES:
            problems.append(f"{where}: type {kind!r}")
            continue
        for problem in (value_problem(kind, value), agreement_problem(extent, value)):
            if problem:
                problems.append(f"{where}: {problem}")
        mod = timex.get("mod")
        if mod is not None:
            if mod not in MODS:
                problems.append(f"{where}: mod {mod!r}")
            mods[mod] += 1
        counts[kind] += 1
    gold = read_timeml(path)
    if gold.dct.isoformat() != dct_value:
        problems.append("dateline's reader finds another DCT")
    if len(gold.timexes) != len(timexes):
        problems.append("dateline's reader finds another number of TIMEX3")
    for found in gold.timexes:
        if gold.text[found.start : found.end] != found.text or not found.text.strip():
            problems.append(f"{found.tid}: reader offsets do not reproduce the extent")
    return problems


def main() -> int:
    files = sorted(FOLDER.glob("*.tml"))
    counts: Counter[str] = Counter()
    mods: Counter[str] = Counter()
    failed = False
    for path in files:
        for problem in check(path, counts, mods):
            failed = True
            print(f"{path.name}: {problem}")
    if not files:
        print(f"no .tml files in {FOLDER}")
        return 1
    dcts = [read_timeml(path).dct for path in files]
    print(f"{len(files)} files, DCTs {min(dcts)} .. {max(dcts)}")
    print(
        f"TIMEX3 {sum(counts.values())}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common())
    )
    print("mod: " + ", ".join(f"{k} {n}" for k, n in mods.most_common()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
