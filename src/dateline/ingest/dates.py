"""Publication dates as written by newswires, parsed with explicit guards.

A story's date anchors every relative time expression in it, so a wrong
guess here silently shifts every event of the story. The parser therefore
refuses rather than guesses: a two-digit year, a numeric day/month order that
could be read both ways, a missing day, a weekday that contradicts the date,
or a date after today are all errors (`BadDateError`), which the readers turn
into rejects.

The date kept is the calendar date as written, in the zone it was written in
(``2017-04-03T23:30:00-05:00`` is 2017-04-03): that is the day the reporter's
"today" and "yesterday" refer to.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateutil_parser

__all__ = ["EARLIEST_YEAR", "FUTURE_TOLERANCE_DAYS", "BadDateError", "parse_date"]

# News archives reach back to the nineteenth century; anything earlier is a typo.
EARLIEST_YEAR = 1800
# Wire services date stories in their own zone, so "tomorrow" in UTC+14 is fine.
FUTURE_TOLERANCE_DAYS = 1

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# Fast paths for the two forms that make up nearly all real input (ISO from
# JSON feeds, DD-MON-YYYY from Reuters); everything else goes to dateutil.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.,]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
_DAY_MON_YEAR = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_NUMERIC_DMY_OR_MDY = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})(?!\d)")
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?:\d{4})?(?!\d)")
_WEEKDAY = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b", re.IGNORECASE
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Two parses with different defaults reveal which parts the string lacked.
_DEFAULT_A = dt.datetime(2001, 1, 1)
_DEFAULT_B = dt.datetime(2002, 2, 2)


class BadDateError(ValueError):
    """The string is not a usable publication date; the message says why."""


def parse_date(value: str, *, today: dt.date | None = None) -> dt.date:
    """The calendar date in `value`, or `BadDateError` saying what to fix.

    Accepted: ISO 8601 dates and datetimes (with or without a zone),
    ``26-FEB-1987 15:01:01.79``, ``April 3, 2017``, ``3 April 2017``,
    ``Mon, 03 Apr 2017 10:00:00 GMT``, ``2017/04/03``, ``20170403`` and other
    forms dateutil reads, as long as the year has four digits, the day and
    month cannot be swapped, and the date is not after `today` (plus one day).
    """
    text = value.strip()
    if not text:
        raise BadDateError("the date is empty")
    date = _parse_fast(text)
    if date is None:
        date = _parse_general(text)
    return _checked(date, text, today)


def _parse_fast(text: str) -> dt.date | None:
    iso = _ISO.fullmatch(text)
    if iso:
        return _make_date(int(iso[1]), int(iso[2]), int(iso[3]), text)
    reuters = _DAY_MON_YEAR.fullmatch(text)
    if reuters:
        month = _MONTHS.get(reuters[2].lower())
        if month is None:
            raise BadDateError(f"unknown month name {reuters[2]!r} in {text!r}")
        return _make_date(int(reuters[3]), month, int(reuters[1]), text)
    return None


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise BadDateError(f"{text!r} is not a real date ({error})") from None


def _parse_general(text: str) -> dt.date:
    years = {int(found[1]) for found in _FOUR_DIGITS.finditer(text)}
    if not years:
        raise BadDateError(f"{text!r} has no four-digit year; write it as YYYY-MM-DD")
    numeric = _NUMERIC_DMY_OR_MDY.search(text)
    if numeric:
        first, second = int(numeric[1]), int(numeric[2])
        if first <= 12 and second <= 12 and first != second:
            raise BadDateError(f"{text!r} could be day/month or month/day; write it as YYYY-MM-DD")
    try:
        parsed_a = dateutil_parser.parse(text, default=_DEFAULT_A, ignoretz=True)
        parsed_b = dateutil_parser.parse(text, default=_DEFAULT_B, ignoretz=True)
    except (ValueError, OverflowError):
        raise BadDateError(f"{text!r} is not a date dateline can read; use YYYY-MM-DD") from None
    if parsed_a.year != parsed_b.year or parsed_a.year not in years:
        raise BadDateError(f"{text!r} has no clear four-digit year; write it as YYYY-MM-DD")
    if parsed_a.month != parsed_b.month:
        raise BadDateError(f"{text!r} has no month; a full date is needed")
    if parsed_a.day != parsed_b.day:
        raise BadDateError(f"{text!r} has no day; a full date is needed")
    date = parsed_a.date()
    weekday = _WEEKDAY.search(text)
    if weekday and _WEEKDAYS.index(weekday[1].lower()) != date.weekday():
        raise BadDateError(
            f"{text!r}: {date.isoformat()} is a {date.strftime('%A')}, not {weekday[0]}"
        )
    return date


def _checked(date: dt.date, text: str, today: dt.date | None) -> dt.date:
    if date.year < EARLIEST_YEAR:
        raise BadDateError(f"{text!r} is before {EARLIEST_YEAR}; check the year")
    latest = (today or dt.date.today()) + dt.timedelta(days=FUTURE_TOLERANCE_DAYS)
    if date > latest:
        raise BadDateError(f"{text!r} is in the future (after {latest.isoformat()})")
    return date
