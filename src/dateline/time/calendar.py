"""Calendar periods: a granularity plus the first day of the period.

A `Period` is what a resolved DATE or TIME expression denotes: ``month`` and
2017-03-01 is March 2017. It knows its TimeML value, its inclusive interval and
how to move by whole units, so the engine never does date arithmetic itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "GRANULARITIES",
    "Period",
    "add_months",
    "floor_date",
    "shift_date",
]

# Coarse to fine. "weekend" sits next to "week"; "time" is a day with a clock/part suffix.
GRANULARITIES = (
    "century",
    "decade",
    "year",
    "half-year",
    "quarter",
    "season",
    "month",
    "week",
    "weekend",
    "day",
    "time",
)
_MONTHS_IN = {"year": 12, "half-year": 6, "quarter": 3, "season": 3, "month": 1}
_SEASON_BY_START_MONTH = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    year = max(1, min(9999, year))
    return dt.date(year, month0 + 1, 1)


def floor_date(day: dt.date, granularity: str) -> dt.date:
    """The first day of the period of `granularity` that holds `day`."""
    if granularity == "century":
        return dt.date(max(1, day.year // 100 * 100), 1, 1)
    if granularity == "decade":
        return dt.date(max(1, day.year // 10 * 10), 1, 1)
    if granularity == "year":
        return dt.date(day.year, 1, 1)
    if granularity == "half-year":
        return dt.date(day.year, 1 if day.month <= 6 else 7, 1)
    if granularity == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if granularity == "season":
        # Winter runs December to February and belongs to the year of its December.
        if day.month in (1, 2):
            return dt.date(day.year - 1, 12, 1)
        return dt.date(day.year, (day.month - 3) // 3 * 3 + 3, 1)
    if granularity == "month":
        return dt.date(day.year, day.month, 1)
    if granularity in ("week", "weekend"):
        monday = day - dt.timedelta(days=day.weekday())
        return monday + dt.timedelta(days=5) if granularity == "weekend" else monday
    return day


def shift_date(day: dt.date, unit: str, n: int) -> dt.date:
    """Move `day` by `n` whole units (calendar arithmetic, clamped to real dates)."""
    if unit in ("day", "time"):
        return day + dt.timedelta(days=n)
    if unit in ("week", "weekend"):
        return day + dt.timedelta(weeks=n)
    if unit == "decade":
        return add_months(day, 120 * n)
    if unit == "century":
        return add_months(day, 1200 * n)
    months = _MONTHS_IN.get(unit, 12) * n
    shifted = add_months(day, months)
    last = _month_end(shifted).day
    return shifted.replace(day=min(day.day, last))


def _month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: `granularity` and its first day; `suffix` adds a time
    of day to a ``time`` period (``T15:00``, ``TMO``)."""

    granularity: str
    first: dt.date
    suffix: str = ""

    @classmethod
    def holding(cls, day: dt.date, granularity: str, suffix: str = "") -> Period:
        return cls(granularity, floor_date(day, granularity), suffix)

    @property
    def last(self) -> dt.date:
        g = self.granularity
        if g in ("day", "time"):
            return self.first
        if g == "week":
            return self.first + dt.timedelta(days=6)
        if g == "weekend":
            return self.first + dt.timedelta(days=1)
        if g == "decade":
            return dt.date(min(9999, self.first.year + 9), 12, 31)
        if g == "century":
            return dt.date(min(9999, self.first.year + 99), 12, 31)
        return add_months(self.first, _MONTHS_IN[g]) - dt.timedelta(days=1)

    @property
    def value(self) -> str:
        g, d = self.granularity, self.first
        if g == "century":
            return f"{d.year // 100:02d}"
        if g == "decade":
            return f"{d.year // 10:03d}"
        if g == "year":
            return f"{d.year:04d}"
        if g == "half-year":
            return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
        if g == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if g == "season":
            return f"{d.year:04d}-{_SEASON_BY_START_MONTH[d.month]}"
        if g == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if g in ("week", "weekend"):
            iso = d.isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}" + ("-WE" if g == "weekend" else "")
        return d.isoformat() + self.suffix

    def shifted(self, unit: str, n: int) -> Period:
        return Period.holding(shift_date(self.first, unit, n), self.granularity, self.suffix)

    def distance(self, day: dt.date) -> int:
        """Days between `day` and this period (0 when the period holds it)."""
        if day < self.first:
            return (self.first - day).days
        if day > self.last:
            return (day - self.last).days
        return 0
