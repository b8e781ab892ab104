"""The typed records that flow through dateline's stages.

One `Document` per article travels through the pipeline. The records it
collects (`Sentence`, `TimeExpr`, `ActorMention`, `Place`, `Event`) are frozen:
a stage adds new records to the document, it never edits what an earlier
stage found. The `Document` itself is a mutable envelope only because the
spaCy `Doc` it carries is mutable and expensive to copy.

All character offsets (`start`, `end`) index into `Article.text`, end exclusive.
"""

from __future__ import annotations

import datetime as dt
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
    "Modality",
    "Place",
    "Reject",
    "Sentence",
    "Span",
    "TimeExpr",
    "jsonable",
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
