"""The records of fusion: a `Report` (one coded event as one outlet told it) and
the `FusedEvent` (one real-world event with all the reports of it; defined with
the other records in `dateline.records`, since the store writes it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from dateline.records import Event, FusedEvent, FusedMember

__all__ = ["FusedEvent", "FusedMember", "Report"]


@dataclass(frozen=True, slots=True)
class Report:
    """The fields of one stored event that fusion reads (one row of `events`
    joined with its article's outlet)."""

    event_id: str
    article_id: str
    report_date: dt.date
    source_code: str
    target_code: str | None
    cameo_code: str
    modality: str
    date_value: str
    date_precision: str
    date_basis: str
    date_start: dt.date | None
    date_end: dt.date | None
    outlet: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    source_country: str | None = None
    target_country: str | None = None
    cameo_name: str = ""
    plover_event: str | None = None
    plover_mode: str | None = None
    location_name: str | None = None
    location_country: str | None = None
    sentence: str = ""
    # Who the actors are, beyond their codes (`EventActor.kb_id`): fusion asks
    # two reports naming different people of one code to stay apart.
    source_kb_id: str | None = None
    target_kb_id: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Report:
        """A report from a row of the store's fusion queries (columns named as the
        fields; other columns, such as `record_md5` and `fused_id`, are ignored)."""
        return cls(**{name: row[name] for name in _FIELDS if name in row})

    @classmethod
    def from_event(cls, event: Event, outlet: str | None = None) -> Report:
        target = event.target
        place = event.location
        return cls(
            event_id=event.event_id,
            article_id=event.article_id,
            report_date=event.report_date,
            source_code=event.source.cameo_code,
            target_code=target.cameo_code if target else None,
            cameo_code=event.cameo_code,
            modality=event.modality,
            date_value=event.date.value,
            date_precision=event.date.precision,
            date_basis=event.date.basis,
            date_start=event.date.start,
            date_end=event.date.end,
            outlet=outlet,
            source_name=event.source.name,
            target_name=target.name if target else None,
            source_country=event.source.country,
            target_country=target.country if target else None,
            cameo_name=event.cameo_name,
            plover_event=event.plover_event,
            plover_mode=event.plover_mode,
            location_name=place.name if place else None,
            location_country=place.country if place else None,
            sentence=event.sentence,
            source_kb_id=event.source.kb_id,
            target_kb_id=target.kb_id if target else None,
        )


_FIELDS = tuple(f.name for f in fields(Report))
