"""Check the blind TimeML test set: well-formed, valid values, consistent dates.

Run from the repository root: `python evalsets/time/validate.py`. Exits non-zero
and lists every problem when a file fails; prints TIMEX3 counts by type otherwise.
It reads the gold annotation only and never runs dateline's time tagger.
"""

from __future__ import annotations

import calendar
import collections
import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from dateline.eval.time import read_timeml

HERE = Path(__file__).resolve().parent
TYPES = {"DATE", "TIME", "DURATION", "SET"}
MODS = {
    "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN",
    "EQUAL_OR_LESS", "EQUAL_OR_MORE", "START", "MID", "END", "APPROX",
}  # fmt: skip
_DAY = r"(?:\d{4}|XXXX)-(?:\d\d|XX)-(?:\d\d|XX)"
_WEEK = r"(?:\d{4}|XXXX)-W(?:\d\d|XX)(?:-(?:[1-7]|WE))?"
_PART = r"\d{4}(?:-(?:Q[1-4X]|H[12X]|SP|SU|FA|WI))?|XXXX-(?:SP|SU|FA|WI)"
_CALENDAR = rf"(?:{_DAY}|{_WEEK}|\d{{4}}-(?:\d\d|XX)|{_PART}|\d{{2,3}})"
_TIME_OF_DAY = r"T(?:\d\d(?::\d\d(?::\d\d)?)?|MO|AF|EV|NI|DT)"
_DURATION = r"P(?:(?:\d+|X)(?:Y|M|W|D|Q|DE|CE))*(?:T(?:(?:\d+|X)[HMS])+)?"
VALUE = {
    "DATE": re.compile(rf"{_CALENDAR}|PRESENT_REF|PAST_REF|FUTURE_REF"),
    "TIME": re.compile(rf"(?:{_DAY}|{_WEEK}){_TIME_OF_DAY}"),
    "DURATION": re.compile(_DURATION),
    "SET": re.compile(rf"{_DURATION}|{_CALENDAR}(?:{_TIME_OF_DAY})?"),
}
WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})


def check_file(path: Path) -> tuple[list[str], collections.Counter[str]]:
    problems: list[str] = []
    types: collections.Counter[str] = collections.Counter()
    raw = path.read_text(encoding="utf-8")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        return [f"{path.name}: not well-formed XML: {error}"], types
    dct_tag = root.find("DCT/TIMEX3")
    if dct_tag is None or dct_tag.get("functionInDocument") != "CREATION_TIME":
        return [f"{path.name}: no DCT TIMEX3"], types
    dct = dt.date.fromisoformat(dct_tag.get("value", ""))
    docid = (root.findtext("DOCID") or "").strip()
    if docid != path.stem or not docid.endswith(dct.strftime("%Y%m%d")):
        problems.append(f"{path.name}: DOCID {docid!r} does not match the file name and DCT")
    if not (root.findtext("TITLE") or "").strip():
        problems.append(f"{path.name}: empty TITLE")
    text_element = root.find("TEXT")
    assert text_element is not None
    words = len("".join(text_element.itertext()).split())
    if not 120 <= words <= 300:
        problems.append(f"{path.name}: {words} words, outside 120-300")
    for index, timex in enumerate(text_element.iter("TIMEX3"), start=1):
        where = f"{path.name} {timex.get('tid')}"
        extent = timex.text or ""
        kind, value, mod = timex.get("type", ""), timex.get("value", ""), timex.get("mod")
        types[kind] += 1
        if timex.get("tid") != f"t{index}":
            problems.append(f"{where}: tid out of order (expected t{index})")
        if not extent.strip() or extent != extent.strip() or len(timex):
            problems.append(f"{where}: empty, padded or nested extent {extent!r}")
        if kind not in TYPES:
            problems.append(f"{where}: bad type {kind!r}")
        elif not VALUE[kind].fullmatch(value):
            problems.append(f"{where}: value {value!r} is not a TimeML {kind} value")
        if mod is not None and mod not in MODS:
            problems.append(f"{where}: bad mod {mod!r}")
        if timex.get("functionInDocument") != "NONE":
            problems.append(f"{where}: functionInDocument must be NONE")
        problems.extend(_consistency(where, extent, kind, value))
    document = read_timeml(path)
    if document.dct != dct or len(document.timexes) != sum(types.values()):
        problems.append(f"{path.name}: dateline's reader disagrees on the DCT or TIMEX3 count")
    for gold in document.timexes:
        if document.text[gold.start : gold.end] != gold.text or not gold.text:
            problems.append(f"{path.name} {gold.tid}: offsets do not reproduce the extent")
    return problems, types


def _consistency(where: str, extent: str, kind: str, value: str) -> list[str]:
    """Named weekdays, months and years in an extent must agree with its value."""
    problems: list[str] = []
    words = re.findall(r"[A-Za-z]+", extent.lower())
    day = re.match(r"(\d{4})-(\d\d)-(\d\d)", value)
    if kind in ("DATE", "TIME") and day:
        date = dt.date(*map(int, day.groups()))
        for word in words:
            if word in WEEKDAYS and WEEKDAYS[word] != date.weekday():
                problems.append(f"{where}: {extent!r} is not a {date:%A} ({value})")
    month = re.match(r"\d{4}-(\d\d)", value)
    named = [MONTHS[word] for word in words if word in MONTHS]
    if kind in ("DATE", "TIME") and month and named and int(month.group(1)) not in named:
        problems.append(f"{where}: month in {extent!r} differs from {value}")
    year = re.search(r"\b(\d{4})\b", extent)
    if kind in ("DATE", "TIME") and year and not value.startswith(year.group(1)):
        problems.append(f"{where}: year in {extent!r} differs from {value}")
    return problems


def main() -> int:
    files = sorted(HERE.glob("*.tml"))
    problems: list[str] = []
    totals: collections.Counter[str] = collections.Counter()
    for path in files:
        file_problems, types = check_file(path)
        problems.extend(file_problems)
        totals.update(types)
    for problem in problems:
        print(problem)
    summary = ", ".join(f"{kind} {totals[kind]}" for kind in sorted(TYPES))
    print(f"{len(files)} files, {sum(totals.values())} TIMEX3 ({summary})")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
