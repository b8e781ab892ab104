"""The one filter vocabulary, and the reads that the CLI, HTTP and Python share.

`EventQuery` is what `dateline events --actor ... --q ...`, the API's
`/api/v1/events?actor=...&q=...` and `dateline.read_events(db, actor=...)` all
build, so a filter means the same wherever it is typed:

========== ============================================================================
filter     meaning
========== ============================================================================
actor      source or target actor code starts with it (``CHN`` matches ``CHNGOV``)
dyad       (A, B): one actor starts with A and the other with B, either direction
country    ISO3 country of the source or the target actor
since      the event's date interval ends on or after this day
until      the event's date interval starts on or before this day
cameo      CAMEO code prefix: ``04`` (a root), ``036``; one digit is a root (``4`` = ``04``)
quadclass  QuadClass 1-4
modality   asserted, planned, possible or negated
q          words in the sentence (case-insensitive substring)
========== ============================================================================

An event whose date is only a vague reference (``PAST_REF``: "recently") has
no interval; `since`/`until` test its report date, and the timeline counts it
apart, never in a period it may not fall in. Every value is bound as a query
parameter: nothing a user types becomes SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

__all__ = [
    "MAX_PERIODS",
    "QUAD_ROOTS",
    "EventQuery",
    "FusedQuery",
    "TooManyPeriodsError",
    "normalise_cameo",
    "period_starts",
    "timeline",
]

# QuadClass by CAMEO root (docs/codes.md): the fused table has roots, not classes.
QUAD_ROOTS: dict[int, tuple[str, ...]] = {
    1: ("01", "02", "03", "04", "05"),
    2: ("06", "07", "08"),
    3: ("09", "10", "11", "12", "13"),
    4: ("14", "15", "16", "17", "18", "19", "20"),
}
MAX_PERIODS = 50_000  # a zero-filled timeline longer than this is refused


class TooManyPeriodsError(ValueError):
    """A zero-filled timeline would have more periods than `MAX_PERIODS`."""


def normalise_cameo(value: str | None) -> str | None:
    """A CAMEO code prefix as stored: ``4`` → ``04``; ValueError unless 1-4 digits."""
    if value is None or value == "":
        return None
    text = value.strip()
    if not text.isdigit() or not 1 <= len(text) <= 4:
        raise ValueError(f"{value!r} is not a CAMEO code or prefix (01-20, 04, 036, 0311)")
    return text.zfill(2) if len(text) == 1 else text


def _shared(
    *,
    actor: str | None,
    dyad: tuple[str, str] | None,
    country: str | None,
    since: dt.date | None,
    until: dt.date | None,
    cameo: str | None,
    cameo_root: str | None,
    modality: str | None,
    undated_start: str,
    undated_end: str,
) -> tuple[list[str], list[Any]]:
    """The clauses events and fused events share, with their bound values.
    `undated_start`/`undated_end` name the columns that stand for an undated
    record's interval."""
    clauses: list[str] = []
    params: list[Any] = []
    if actor:
        clauses.append("(starts_with(source_code, ?) OR starts_with(target_code, ?))")
        params += [actor.upper(), actor.upper()]
    if dyad:
        a, b = dyad[0].upper(), dyad[1].upper()
        clauses.append(
            "((starts_with(source_code, ?) AND starts_with(target_code, ?))"
            " OR (starts_with(source_code, ?) AND starts_with(target_code, ?)))"
        )
        params += [a, b, b, a]
    if country:
        clauses.append("(source_country = ? OR target_country = ?)")
        params += [country.upper(), country.upper()]
    # A record is inside [since, until] when its date interval overlaps it.
    if since:
        clauses.append(f"coalesce(date_end, {undated_end}) >= ?")
        params.append(since)
    if until:
        clauses.append(f"coalesce(date_start, {undated_start}) <= ?")
        params.append(until)
    prefix = normalise_cameo(cameo)
    if prefix:
        clauses.append("starts_with(cameo_code, ?)")
        params.append(prefix)
    if cameo_root:
        clauses.append("cameo_root = ?")
        params.append(cameo_root.zfill(2))
    if modality:
        clauses.append("modality = ?")
        params.append(modality)
    return clauses, params


def _where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


@dataclass(frozen=True)
class EventQuery:
    """Filters for stored events (module docstring); every value is bound.

    `cameo_root` (exactly this root) is kept beside `cameo` (a code prefix,
    which covers roots) for older callers and the API's `root`."""

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    cameo: str | None = None
    quadclass: int | None = None
    modality: str | None = None
    q: str | None = None
    cameo_root: str | None = None
    article_id: str | None = None
    article_ids: tuple[str, ...] | None = None
    limit: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = _shared(
            actor=self.actor,
            dyad=self.dyad,
            country=self.country,
            since=self.since,
            until=self.until,
            cameo=self.cameo,
            cameo_root=self.cameo_root,
            modality=self.modality,
            undated_start="report_date",
            undated_end="report_date",
        )
        if self.quadclass is not None:
            clauses.append("quad_class = ?")
            params.append(int(self.quadclass))
        if self.q:
            # contains() takes the needle as a value: no LIKE wildcards to escape.
            clauses.append("contains(lower(sentence), ?)")
            params.append(self.q.lower())
        if self.article_id:
            clauses.append("article_id = ?")
            params.append(self.article_id)
        if self.article_ids is not None:
            clauses.append("list_contains(?, article_id)")
            params.append(list(self.article_ids))
        return _where(clauses), params


@dataclass(frozen=True)
class FusedQuery:
    """The same filters for fused events. `q` keeps a fused event when one of its
    reports' sentences holds the words; `quadclass` goes by the fused CAMEO root;
    `min_reports` keeps events told by at least that many stories."""

    actor: str | None = None
    dyad: tuple[str, str] | None = None
    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    cameo: str | None = None
    quadclass: int | None = None
    modality: str | None = None
    q: str | None = None
    cameo_root: str | None = None
    min_reports: int | None = None
    limit: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = _shared(
            actor=self.actor,
            dyad=self.dyad,
            country=self.country,
            since=self.since,
            until=self.until,
            cameo=self.cameo,
            cameo_root=self.cameo_root,
            modality=self.modality,
            undated_start="first_report",
            undated_end="last_report",
        )
        if self.quadclass is not None:
            clauses.append("list_contains(?, cameo_root)")
            params.append(list(QUAD_ROOTS.get(int(self.quadclass), ())))
        if self.q:
            clauses.append(
                "fused_id IN (SELECT m.fused_id FROM fused_members m JOIN events e"
                " ON e.event_id = m.event_id WHERE contains(lower(e.sentence), ?))"
            )
            params.append(self.q.lower())
        if self.min_reports:
            clauses.append("n_reports >= ?")
            params.append(self.min_reports)
        return _where(clauses), params


Interval = Literal["day", "week", "month", "year"]
TimelineBy = Literal["quadclass", "root"]
DateBasis = Literal["event", "report"]

# The timeline's grouping column and its date columns, by validated key.
_TIMELINE_KEY = {"quadclass": "CAST(quad_class AS VARCHAR)", "root": "cameo_root"}
_TIMELINE_DATES = {"event": ("date_start", "date_end"), "report": ("report_date", "report_date")}


def _next_period(day: dt.date, interval: Interval) -> dt.date:
    if interval == "day":
        return day + dt.timedelta(days=1)
    if interval == "week":
        return day + dt.timedelta(days=7)
    if interval == "month":
        return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return dt.date(day.year + 1, 1, 1)


def period_starts(first: dt.date, last: dt.date, interval: Interval) -> list[dt.date]:
    """Every period start from `first` to `last` (both period starts), inclusive."""
    periods: list[dt.date] = []
    day = first
    while day <= last:
        periods.append(day)
        if len(periods) > MAX_PERIODS:
            raise TooManyPeriodsError(
                f"more than {MAX_PERIODS} {interval}s between {first} and {last}:"
                " choose a coarser interval or narrow the dates"
            )
        day = _next_period(day, interval)
    return periods


def timeline(
    connection: duckdb.DuckDBPyConnection,
    where: EventQuery,
    interval: Interval = "month",
    by: TimelineBy = "quadclass",
    date: DateBasis = "event",
    fill: bool = False,
) -> dict[str, Any]:
    """Event counts per period, by QuadClass or CAMEO root, under `where`.

    An event counts in a period only when its whole date interval lies inside
    it. The others are counted apart: `spanning` (dated, but more coarsely than
    the period: "in 2016" on a monthly chart) and `undated` (only a vague
    reference such as ``PAST_REF``, with no interval at all), so the chart never
    invents a precision. `fill` adds every empty period between the first and
    the last one with events (TooManyPeriodsError past `MAX_PERIODS`).
    """
    from dateline.codes import QUAD_CLASS_NAMES, CameoCodes

    sql, params = where.where()
    first, last = _TIMELINE_DATES[date]
    key = _TIMELINE_KEY[by]
    inside = f"date_trunc(?, {first}) = date_trunc(?, {last})"
    joiner = " AND " if sql else " WHERE "
    rows = connection.execute(
        f"SELECT CAST(date_trunc(?, {first}) AS DATE) AS period, {key} AS k, count(*) AS n"
        f" FROM events{sql}{joiner}{first} IS NOT NULL AND {inside}"
        " GROUP BY ALL ORDER BY period, k",
        [interval, *params, interval, interval],
    ).fetchall()
    ((spanning, undated),) = connection.execute(
        f"SELECT count(*) FILTER (WHERE {first} IS NOT NULL AND NOT ({inside})),"
        f" count(*) FILTER (WHERE {first} IS NULL) FROM events{sql}",
        [interval, interval, *params],
    ).fetchall()
    periods: dict[str, dict[str, int]] = {}
    keys: set[str] = set()
    for period, group, n in rows:
        periods.setdefault(period.isoformat(), {})[str(group)] = int(n)
        keys.add(str(group))
    if fill and periods:
        days = [dt.date.fromisoformat(p) for p in periods]
        periods = {
            day.isoformat(): periods.get(day.isoformat(), {})
            for day in period_starts(min(days), max(days), interval)
        }
    if by == "quadclass":
        series = [{"key": str(q), "label": QUAD_CLASS_NAMES[q]} for q in sorted(QUAD_CLASS_NAMES)]
    else:
        codes = CameoCodes.load()
        series = [{"key": k, "label": _root_name(codes, k)} for k in sorted(keys)]
    return {
        "interval": interval,
        "by": by,
        "date": date,
        "series": series,
        "buckets": [{"period": p, "counts": c} for p, c in periods.items()],
        "spanning": int(spanning or 0),
        "undated": int(undated or 0),
    }


def _root_name(codes: Any, root: str) -> str:
    try:
        return str(codes.name(root))
    except KeyError:
        return root
