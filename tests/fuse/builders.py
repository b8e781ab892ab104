"""Hand-made reports and events for the fusion tests (no model)."""

from __future__ import annotations

import datetime as dt
import hashlib

from dateline.eval.stories import timeml_interval
from dateline.fuse import Report
from dateline.records import Article, Document, Event, EventActor, EventDate, EventLocation


def parse_spec(spec: str) -> dict[str, str | None]:
    """``"SOURCE TARGET CODE MODALITY DATE [PLACE]"``; TARGET ``-`` for none,
    DATE ``-`` for an undated event (dated by its story)."""
    parts = spec.split()
    source, target, code, modality, date = parts[:5]
    return {
        "source": source,
        "target": None if target == "-" else target,
        "code": code,
        "modality": modality,
        "date": None if date == "-" else date,
        "place": parts[5] if len(parts) > 5 else None,
    }


def make_actor(token: str) -> EventActor:
    """``CODE`` or ``CODE=Name_Of_Actor`` (a proper name) or ``CODE=Q123`` (a
    knowledge-base id; the name is then the code)."""
    code, _, named = token.partition("=")
    kb_id = named if named[:1] == "Q" and named[1:].isdigit() else None
    name = named.replace("_", " ") if named and not kb_id else code
    return EventActor(text=name, name=name, cameo_code=code, country=code[:3], kb_id=kb_id)


def _precision(value: str) -> str:
    if "W" in value:
        return "week"
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "day")


def make_event(spec: str, article_id: str, report_date: dt.date, k: int = 0) -> Event:
    fields = parse_spec(spec)
    value = fields["date"]
    if value is None:
        date = EventDate(report_date.isoformat(), "day", "report", report_date, report_date)
    else:
        interval = timeml_interval(value)
        assert interval is not None, value
        date = EventDate(value, _precision(value), "text", interval[0], interval[1], "then")
    source = str(fields["source"])
    target = fields["target"]
    place = fields["place"]
    event_id = hashlib.sha1(f"{article_id}:{k}:{spec}".encode()).hexdigest()[:16]
    return Event(
        event_id=event_id,
        article_id=article_id,
        sentence_index=k,
        sentence=f"Story {article_id} says: {spec}.",
        trigger="met",
        source=make_actor(source),
        target=make_actor(target) if target else None,
        cameo_code=str(fields["code"]),
        cameo_root=str(fields["code"])[:2],
        cameo_name="name",
        goldstein=1.0,
        quad_class=1,
        modality=str(fields["modality"]),
        date=date,
        report_date=report_date,
        location=EventLocation(text=place, name=place, country=place) if place else None,
        rules_version="test",
    )


def make_report(
    spec: str, article_id: str = "a1", report_date: dt.date | None = None,
    outlet: str | None = None,
) -> Report:  # fmt: skip
    fields = parse_spec(spec)
    day = report_date or _default_report_date(fields["date"])
    return Report.from_event(make_event(spec, article_id, day), outlet or f"outlet-{article_id}")


def _default_report_date(value: str | None) -> dt.date:
    interval = timeml_interval(value) if value else None
    return interval[1] + dt.timedelta(days=1) if interval else dt.date(2017, 4, 3)


def make_document(
    article_id: str, day: dt.date, specs: list[str], outlet: str = "Wire"
) -> Document:
    article = Article(id=article_id, date=day, text=" ".join(specs) or "nothing", source=outlet)
    events = tuple(make_event(spec, article_id, day, k) for k, spec in enumerate(specs))
    return Document(article=article, events=events)
