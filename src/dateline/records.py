"""The typed records that flow through dateline's stages.

One `Document` per article travels through the pipeline. The records it
collects (`Sentence`, `TimeExpr`, `ActorMention`, `Place`, `Event`) are frozen:
a stage adds new records to the document, it never edits what an earlier
stage found. The `Document` itself is a mutable envelope only because the
spaCy `Doc` it carries is mutable and expensive to copy.

All character offsets (`start`, `end`) index into `Article.text`, end exclusive.

The records also own their conversions: `to_dict`/`from_dict` for the nested
JSON of the documented schema, and `to_row` (`from_row`) for the flat rows the
store keeps, keyed by column name, so that no stage hands another a positional
tuple. Fused events (`FusedEvent`, made by `dateline.fuse`) are records here
too, because the store writes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # spaCy is only needed by stages that parse
    from spacy.tokens import Doc

__all__ = [
    "SCHEMA_VERSION",
    "ActorMention",
    "Article",
    "Document",
    "Event",
    "EventActor",
    "EventDate",
    "EventLocation",
    "FusedEvent",
    "FusedMember",
    "MemberIndex",
    "Modality",
    "Place",
    "Reject",
    "Sentence",
    "Span",
    "TimeExpr",
    "jsonable",
    "record_to_dict",
]

# Bump when a stored or exported field changes meaning or shape (docs/schema.md).
# 1.1: the event's location carries the place's `geonameid` and `feature` (additive).
SCHEMA_VERSION = "1.1"

Modality = Literal["asserted", "planned", "possible", "negated"]
MODALITIES: tuple[str, ...] = ("asserted", "planned", "possible", "negated")


@dataclass(frozen=True, slots=True)
class Span:
    """A character span into the article text (end exclusive)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """One dated news story as read from its input.

    `origin` says where it came from (``file:line`` or ``file#record``) so that
    any later problem can be traced back to the input.
    """

    id: str
    date: dt.date
    text: str
    title: str = ""
    source: str | None = None
    url: str | None = None
    origin: str = ""

    def to_row(self) -> dict[str, Any]:
        """The article's own columns of the store's `articles` table (the store
        adds its content hash, event count, run and versions)."""
        return {
            "article_id": self.id, "date": self.date, "title": self.title,
            "source": self.source, "url": self.url, "origin": self.origin, "text": self.text,
        }  # fmt: skip

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Article:
        """The inverse of `to_row` (other columns of the row are ignored)."""
        return cls(
            id=row["article_id"],
            date=row["date"],
            text=row["text"],
            title=row["title"] or "",
            source=row["source"],
            url=row["url"],
            origin=row["origin"] or "",
        )


@dataclass(frozen=True, slots=True)
class Reject:
    """An input record that could not be read, and why."""

    file: str
    line: int | None
    reason: str
    record: int | None = None
    excerpt: str = ""


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A TIMEX3 expression normalised against the story's date.

    `value` is the TimeML value (``2016-11``, ``2017-W14``, ``PT4H``,
    ``PAST_REF``...). `start_date`/`end_date` give the inclusive interval the
    value covers (None for durations and refs). `anchor` is ``"dct"`` when it
    was resolved against the story's date, or the `id` of the time expression
    it was resolved against (narrative anchoring), or ``"none"`` for absolute
    dates. `governor` is the character offset of the token (verb or event noun)
    the expression modifies, so events can be dated by the expression that
    governs their trigger. `list_end` is the last day of a list or span of days
    this day heads ("February 27 and 28", "from Monday to Wednesday"): TimeML
    tags each day on its own, and an event on all of them spans to `list_end`.
    """

    id: str
    start: int
    end: int
    text: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str
    precision: str
    sentence_index: int
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    mod: str | None = None
    anchor: str = "dct"
    direction: Literal["past", "future", "present", "none"] = "none"
    governor: int | None = None
    rule_id: str = ""
    list_end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A political actor named or referred to in the text.

    `cameo_code` is the full CAMEO actor code (``JPNGOV``, ``CHN``, ``IGOUNO``).
    `head` is the character offset of the syntactic head token of the mention,
    which the events stage uses to attach the mention to a verb's arguments.
    `antecedent` is the id of the mention this one corefers with, if any.
    """

    id: str
    start: int
    end: int
    text: str
    name: str
    cameo_code: str
    sentence_index: int
    country: str | None = None
    sector: str | None = None
    plover_sector: str | None = None
    kb_id: str | None = None
    kind: Literal["country", "igo", "person", "composed", "coref", "group", "org"] = "country"
    head: int | None = None
    antecedent: str | None = None
    rule_id: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    start: int
    end: int
    text: str
    name: str
    sentence_index: int
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature: str = ""
    rule_id: str = ""


@dataclass(frozen=True, slots=True)
class EventActor:
    text: str
    name: str
    cameo_code: str
    country: str | None = None
    sector: str | None = None
    plover_sector: str | None = None
    kb_id: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened. `basis` is ``text`` when a time expression in
    the story dated it, ``narrative`` when it took the narrative's current time,
    and ``report`` when only the story's date was known."""

    value: str
    precision: str
    basis: Literal["text", "narrative", "report"]
    start: dt.date | None = None
    end: dt.date | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class EventLocation:
    """Where an event happened: the resolved `Place`, with its GeoNames id (None for
    curated features and seas without one) and its `feature` kind (``country``,
    ``city``, ``admin1``, ``sea`` or a curated feature's kind)."""

    text: str
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    article_id: str
    sentence_index: int
    sentence: str
    trigger: str
    source: EventActor
    target: EventActor | None
    cameo_code: str
    cameo_root: str
    cameo_name: str
    goldstein: float
    quad_class: int
    modality: str
    date: EventDate
    report_date: dt.date
    plover_event: str | None = None
    plover_mode: str | None = None
    location: EventLocation | None = None
    evidence: dict[str, Span | None] = field(default_factory=dict)
    rule_id: str = ""
    schema_version: str = SCHEMA_VERSION
    rules_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready nested dict in the documented schema (docs/schema.md)."""
        return jsonable(asdict(self))

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Event:
        """The inverse of `to_dict` (dates from ISO strings, spans from dicts)."""
        source = _actor(record["source"])
        if source is None:
            raise ValueError(f"event {record.get('event_id')!r} has no source actor")
        report_date = _date(record["report_date"])
        if report_date is None:
            raise ValueError(f"event {record.get('event_id')!r} has no report date")
        date = record["date"]
        location = record.get("location")
        return cls(
            **{
                **record,
                "source": source,
                "target": _actor(record.get("target")),
                "date": EventDate(
                    **{**date, "start": _date(date["start"]), "end": _date(date["end"])}
                ),
                "report_date": report_date,
                "location": None if location is None else EventLocation(**location),
                "evidence": {key: _span(span) for key, span in record.get("evidence", {}).items()},
            }
        )

    def to_row(self) -> dict[str, Any]:
        """The event as a row of the store's `events` table (docs/schema.md, flat
        columns), keyed by column name; `record` is the JSON of `to_dict`."""
        source, target, date, place = self.source, self.target, self.date, self.location
        return {
            "event_id": self.event_id, "article_id": self.article_id,
            "sentence_index": self.sentence_index, "sentence": self.sentence,
            "trigger": self.trigger,
            **_actor_columns("source", source), **_actor_columns("target", target),
            "cameo_code": self.cameo_code, "cameo_root": self.cameo_root,
            "cameo_name": self.cameo_name, "goldstein": self.goldstein,
            "quad_class": self.quad_class, "plover_event": self.plover_event,
            "plover_mode": self.plover_mode, "modality": self.modality,
            "date_value": date.value, "date_start": date.start, "date_end": date.end,
            "date_precision": date.precision, "date_basis": date.basis, "date_text": date.text,
            "report_date": self.report_date,
            "location_name": place.name if place else None,
            "location_country": place.country if place else None,
            "location_lat": place.lat if place else None,
            "location_lon": place.lon if place else None,
            "location_geonameid": place.geonameid if place else None,
            "location_feature": (place.feature or None) if place else None,
            "rule_id": self.rule_id,
            "record": json.dumps(self.to_dict(), ensure_ascii=False),
            "schema_version": self.schema_version, "rules_version": self.rules_version,
        }  # fmt: skip


def _actor_columns(prefix: str, actor: EventActor | None) -> dict[str, Any]:
    """An event's source or target as the store's flat columns (all None for no target)."""
    return {
        f"{prefix}_text": actor.text if actor else None,
        f"{prefix}_name": actor.name if actor else None,
        f"{prefix}_code": actor.cameo_code if actor else None,
        f"{prefix}_country": actor.country if actor else None,
        f"{prefix}_sector": actor.sector if actor else None,
    }


def _span(value: Mapping[str, int] | None) -> Span | None:
    return None if value is None else Span(value["start"], value["end"])


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _actor(value: Mapping[str, Any] | None) -> EventActor | None:
    if value is None:
        return None
    return EventActor(**{**value, "span": _span(value.get("span"))})


@dataclass(frozen=True, slots=True)
class MemberIndex:
    """Where fusion filed one report of a fused event, as the store's
    `fused_members` table keeps it to fuse new reports incrementally: the block
    and days it is looked for under (`dateline.fuse.FusionKey`), and the digest
    of the stored event record it was fused from (a re-coded event changes it)."""

    block: str | None
    lo: dt.date | None
    hi: dt.date | None
    record_md5: str


@dataclass(frozen=True, slots=True)
class FusedMember:
    """One report of a fused event: which event of which story, told by whom, when."""

    event_id: str
    article_id: str
    outlet: str | None
    report_date: dt.date
    modality: str
    cameo_code: str
    source_code: str
    target_code: str | None
    date_value: str


@dataclass(frozen=True, slots=True)
class FusedEvent:
    """One real-world event with every report of it (made by `dateline.fuse`).

    The canonical who/what/whom/when/where is voted from the reports that
    assert the event (all reports when none does): the most specific actor
    codes, the most reported CAMEO code, the narrowest date, the most reported
    place. `modality` is ``asserted`` when any report asserts it;
    `asserted_by` lists those reports' article ids, so a planned-then-held
    meeting says which stories only announced it.
    """

    fused_id: str
    source_code: str
    target_code: str | None
    source_name: str | None
    target_name: str | None
    source_country: str | None
    target_country: str | None
    cameo_code: str
    cameo_root: str
    cameo_name: str
    plover_event: str | None
    plover_mode: str | None
    modality: str
    date_value: str
    date_precision: str
    date_start: dt.date | None
    date_end: dt.date | None
    location_name: str | None
    location_country: str | None
    n_reports: int
    n_sources: int
    first_report: dt.date
    last_report: dt.date
    asserted_by: tuple[str, ...]
    members: tuple[FusedMember, ...]
    fusion_version: str = ""
    schema_version: str = SCHEMA_VERSION

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(member.event_id for member in self.members)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready nested dict in the documented schema (docs/fusion.md)."""
        result: dict[str, Any] = jsonable(asdict(self))
        return result

    def to_row(self) -> dict[str, Any]:
        """The fused event as a row of the store's `fused_events` table, keyed by
        column name; `record` is the JSON of `to_dict`."""
        return {
            "fused_id": self.fused_id, "source_code": self.source_code,
            "source_name": self.source_name, "source_country": self.source_country,
            "target_code": self.target_code, "target_name": self.target_name,
            "target_country": self.target_country, "cameo_code": self.cameo_code,
            "cameo_root": self.cameo_root, "cameo_name": self.cameo_name,
            "plover_event": self.plover_event, "plover_mode": self.plover_mode,
            "modality": self.modality, "date_value": self.date_value,
            "date_precision": self.date_precision, "date_start": self.date_start,
            "date_end": self.date_end, "location_name": self.location_name,
            "location_country": self.location_country, "n_reports": self.n_reports,
            "n_sources": self.n_sources, "n_events": len(self.members),
            "n_asserted": len(self.asserted_by), "first_report": self.first_report,
            "last_report": self.last_report,
            "record": json.dumps(self.to_dict(), ensure_ascii=False),
            "fusion_version": self.fusion_version, "schema_version": self.schema_version,
        }  # fmt: skip

    def member_rows(self, index: Mapping[str, MemberIndex]) -> list[dict[str, Any]]:
        """Its members as rows of the store's `fused_members` table, keyed by
        column name; `index` says where each member (by event id) was filed."""
        rows = []
        for member in self.members:
            where = index[member.event_id]
            rows.append(
                {
                    "event_id": member.event_id, "fused_id": self.fused_id,
                    "article_id": member.article_id, "outlet": member.outlet,
                    "report_date": member.report_date, "modality": member.modality,
                    "cameo_code": member.cameo_code, "block": where.block, "lo": where.lo,
                    "hi": where.hi, "record_md5": where.record_md5,
                    "fusion_version": self.fusion_version,
                }
            )  # fmt: skip
        return rows


@dataclass(slots=True)
class Document:
    """The envelope one article travels in through the stages."""

    article: Article
    spacy_doc: Doc | None = None
    sentences: tuple[Sentence, ...] = ()
    timexes: tuple[TimeExpr, ...] = ()
    mentions: tuple[ActorMention, ...] = ()
    places: tuple[Place, ...] = ()
    events: tuple[Event, ...] = ()
    provided: set[str] = field(default_factory=lambda: {"article"})

    def sentence_at(self, char: int) -> Sentence | None:
        for sentence in self.sentences:
            if sentence.start <= char < sentence.end:
                return sentence
        return None


def jsonable(value: Any) -> Any:
    """A nested value with dates as ISO strings and tuples as lists, ready for JSON."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record_to_dict(record: Any) -> dict[str, Any]:
    """Any frozen record as a JSON-ready dict (dates as ISO strings)."""
    result: dict[str, Any] = jsonable(asdict(record))
    return result
