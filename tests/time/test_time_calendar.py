"""Calendar periods: values, intervals and shifts, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from dateline.time.calendar import Period, shift_date

D = dt.date


@pytest.mark.parametrize(
    ("granularity", "day", "value", "first", "last"),
    [
        ("week", D(2017, 4, 3), "2017-W14", D(2017, 4, 3), D(2017, 4, 9)),
        ("week", D(2016, 1, 1), "2015-W53", D(2015, 12, 28), D(2016, 1, 3)),
        ("weekend", D(2017, 4, 5), "2017-W14-WE", D(2017, 4, 8), D(2017, 4, 9)),
        ("season", D(2017, 10, 2), "2017-FA", D(2017, 9, 1), D(2017, 11, 30)),
        ("season", D(2017, 1, 15), "2016-WI", D(2016, 12, 1), D(2017, 2, 28)),
        ("quarter", D(1989, 8, 1), "1989-Q3", D(1989, 7, 1), D(1989, 9, 30)),
        ("half-year", D(2016, 8, 1), "2016-H2", D(2016, 7, 1), D(2016, 12, 31)),
        ("month", D(2016, 2, 10), "2016-02", D(2016, 2, 1), D(2016, 2, 29)),
        ("decade", D(1994, 5, 1), "199", D(1990, 1, 1), D(1999, 12, 31)),
        ("century", D(1994, 5, 1), "19", D(1900, 1, 1), D(1999, 12, 31)),
        ("year", D(2006, 5, 1), "2006", D(2006, 1, 1), D(2006, 12, 31)),
    ],
)
def test_period(granularity: str, day: dt.date, value: str, first: dt.date, last: dt.date) -> None:
    period = Period.holding(day, granularity)
    assert (period.value, period.first, period.last) == (value, first, last)


@pytest.mark.parametrize(
    ("day", "unit", "n", "expected"),
    [
        (D(2017, 3, 31), "month", -1, D(2017, 2, 28)),
        (D(2016, 2, 29), "year", -1, D(2015, 2, 28)),
        (D(2017, 4, 3), "week", -1, D(2017, 3, 27)),
        (D(1989, 11, 1), "quarter", -1, D(1989, 8, 1)),
        (D(1944, 6, 6), "day", 2, D(1944, 6, 8)),
        (D(1994, 6, 6), "decade", 1, D(2004, 6, 1)),
    ],
)
def test_shift(day: dt.date, unit: str, n: int, expected: dt.date) -> None:
    assert shift_date(day, unit, n) == expected


def test_distance() -> None:
    march = Period.holding(D(2017, 3, 5), "month")
    assert march.distance(D(2017, 3, 20)) == 0
    assert march.distance(D(2017, 4, 3)) == 3
    assert march.distance(D(2017, 2, 27)) == 2
