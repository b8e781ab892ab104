"""Check the final blind time set: TempEval-3 layout, TimeML values, weekdays, dateline's reader.

Run from the repository root: ``.venv/bin/python evalsets/time_final/validate.py``.
Prints the counts quoted in README.md and exits 1 on any problem.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

TYPES = {"DATE", "TIME", "DURATION", "SET"}
MODS = {
    "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN",
    "EQUAL_OR_LESS", "EQUAL_OR_MORE", "START", "MID", "END", "APPROX",
}  # fmt: skip

_DATE = (
    r"(?:PRESENT_REF|PAST_REF|FUTURE_REF"
    r"|[0-9X]{2}|[0-9X]{3}|[0-9X]{4}"
    r"|[0-9X]{4}-(?:0[1-9]|1[0-2]|XX)(?:-(?:0[1-9]|[12][0-9]|3[01]|XX))?"
    r"|[0-9X]{4}-W(?:0[1-9]|[1-4][0-9]|5[0-3]|XX)(?:-(?:[1-7]|WE))?"
    r"|[0-9X]{4}-(?:Q[1-4]|H[12]|SP|SU|FA|WI))"
)
_TOD = r"T(?:MO|AF|EV|NI|DT|(?:[01][0-9]|2[0-4]):[0-5][0-9](?::[0-5][0-9])?)"
_DUR = (
    r"P(?=[0-9XT])(?:(?:[0-9]+|X)Y)?(?:(?:[0-9]+|X)M)?(?:(?:[0-9]+|X)W)?(?:(?:[0-9]+|X)D)?"
    r"(?:T(?=[0-9X])(?:(?:[0-9]+|X)H)?(?:(?:[0-9]+|X)M)?(?:(?:[0-9]+|X)S)?)?"
)
VALUE = {
    "DATE": re.compile(rf"^{_DATE}$"),
    "TIME": re.compile(rf"^{_DATE}{_TOD}$"),
    "DURATION": re.compile(rf"^{_DUR}$"),
    "SET": re.compile(rf"^(?:{_DUR}|{_DATE}(?:{_TOD})?)$"),
}

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    "january": 1, "jan.": 1, "february": 2, "feb.": 2, "march": 3, "april": 4, "may": 5,
    "june": 6, "july": 7, "august": 8, "aug.": 8, "september": 9, "sept.": 9, "october": 10,
    "oct.": 10, "november": 11, "nov.": 11, "december": 12, "dec.": 12,
    "jan": 1, "feb": 2, "aug": 8, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip


def _day(value: str) -> dt.date | None:
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if match is None:
        return None
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def check_extent(extent: str, typ: str, value: str) -> list[str]:
    """A weekday, month or four-digit year named in the extent must agree with the value."""
    problems: list[str] = []
    words = re.findall(r"[A-Za-z]+\.?", extent)
    day = _day(value)
    for word in words:
        bare = word.rstrip(".").lower()
        stem = bare[:-1] if bare.endswith("s") else bare
        if stem in WEEKDAYS:
            wanted = WEEKDAYS.index(stem) + 1
            if typ == "SET":
                if not re.match(rf"^XXXX-WXX-{wanted}(?:T|$)", value):
                    problems.append(f"{extent!r}: set value {value} is not weekday {wanted}")
            elif day is None or day.isoweekday() != wanted:
                problems.append(f"{extent!r}: {value} is not a {stem.title()}")
        month = MONTHS.get(word.lower()) if word[0].isupper() else None
        if month is not None and re.match(r"^\d{4}-\d{2}", value) and int(value[5:7]) != month:
            problems.append(f"{extent!r}: {value} is not in month {month}")
    for year in re.findall(r"\b(1[0-9]\d\d|20\d\d)s?\b", extent):
        if typ in ("DATE", "TIME") and not (value.startswith(year) or year.startswith(value)):
            problems.append(f"{extent!r}: {value} does not agree with year {year}")
    return problems


def check_file(path: Path, counts: Counter[str], mods: Counter[str]) -> tuple[list[str], int]:
    problems: list[str] = []
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith('<?xml version="1.0" ?>\n<TimeML '):
        problems.append("does not start with the XML declaration and <TimeML>")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"], 0
    docid = root.findtext("DOCID")
    if docid != path.stem:
        problems.append(f"DOCID {docid!r} is not the file stem")
    dct_timex = root.find("DCT/TIMEX3")
    stamp = path.stem.split("_")[1]
    dct = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}"
    if dct_timex is None or dct_timex.get("value") != dct or dct_timex.text != dct:
        problems.append(f"DCT is not {dct}")
    elif dct_timex.get("functionInDocument") != "CREATION_TIME" or dct_timex.get("tid") != "t0":
        problems.append("DCT TIMEX3 is not t0 with functionInDocument=CREATION_TIME")
    if not (root.findtext("TITLE") or "").strip():
        problems.append("no TITLE")
    text_el = root.find("TEXT")
    if text_el is None:
        return [*problems, "no TEXT"], 0
    plain = "".join(text_el.itertext())
    words = len(plain.split())
    if not 120 <= words <= 300:
        problems.append(f"{words} words (want 120-300)")
    for child in text_el.iter():
        if child is not text_el and child.tag != "TIMEX3":
            problems.append(f"unexpected tag <{child.tag}> in TEXT")
    timexes = text_el.findall(".//TIMEX3")
    for number, timex in enumerate(timexes, start=1):
        extent = timex.text or ""
        typ, value, mod = timex.get("type", ""), timex.get("value", ""), timex.get("mod")
        where = f"t{number} {extent!r}"
        if timex.get("tid") != f"t{number}":
            problems.append(f"{where}: tid {timex.get('tid')} out of sequence")
        if not extent.strip() or extent != extent.strip() or len(timex):
            problems.append(f"{where}: extent must be non-empty plain text without edge spaces")
        if typ not in TYPES:
            problems.append(f"{where}: bad type {typ!r}")
            continue
        if not VALUE[typ].match(value):
            problems.append(f"{where}: value {value!r} is not a TimeML {typ} value")
        if mod is not None and mod not in MODS:
            problems.append(f"{where}: bad mod {mod!r}")
        if timex.get("functionInDocument") != "NONE":
            problems.append(f"{where}: functionInDocument is not NONE")
        problems.extend(f"t{number} {p}" for p in check_extent(extent, typ, value))
        counts[typ] += 1
        if mod:
            mods[mod] += 1
    problems.extend(check_reader(path, dct, timexes))
    return problems, words


def check_reader(path: Path, dct: str, timexes: list[ET.Element]) -> list[str]:
    """dateline's gold reader must load the file with the same DCT, TIMEX3 and extents."""
    from dateline.eval.time import read_timeml

    try:
        document = read_timeml(path)
    except Exception as error:  # report any reader failure as a problem, do not crash
        return [f"read_timeml failed: {error}"]
    problems: list[str] = []
    if str(document.dct)[:10] != dct:
        problems.append(f"reader DCT {document.dct!r} is not {dct}")
    gold = list(document.timexes)
    if len(gold) != len(timexes):
        problems.append(f"reader found {len(gold)} TIMEX3, file has {len(timexes)}")
    for found, timex in zip(gold, timexes, strict=False):
        extent = document.text[found.start : found.end]
        if extent != timex.text:
            problems.append(f"reader offsets give {extent!r} for {timex.text!r}")
        if (found.type, found.value) != (timex.get("type"), timex.get("value")):
            problems.append(f"reader gives {found.type} {found.value} for {timex.text!r}")
    return problems


def main() -> int:
    counts: Counter[str] = Counter()
    mods: Counter[str] = Counter()
    paths = sorted(HERE.glob("*.tml"))
    bad = 0
    total_words = 0
    word_range: list[int] = []
    for path in paths:
        problems, words = check_file(path, counts, mods)
        total_words += words
        word_range.append(words)
        for problem in problems:
            bad += 1
            print(f"{path.name}: {problem}")
    print(f"files: {len(paths)}; words: {total_words} ({min(word_range)}-{max(word_range)})")
    print(
        f"TIMEX3: {sum(counts.values())} " + ", ".join(f"{k} {v}" for k, v in counts.most_common())
    )
    print(f"mod: {sum(mods.values())} " + ", ".join(f"{k} {v}" for k, v in mods.most_common()))
    print("OK" if bad == 0 else f"{bad} problem(s)")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
