"""When an event happened.

In order:

1. ``text``: a time expression from the time stage whose `governor` is the
   trigger, or a word in the trigger's own phrase ("a summit ... on July
   7-8"), or the word the trigger hangs from without crossing a clause
   boundary ("held talks in Beijing on March 1", "expected to visit Tokyo
   this week").
2. ``narrative``: the sentence has no usable time expression, the trigger is
   in the past tense, and the sentence before was dated by the text to a past
   date: the narrative's current time carries over ("They met in Lima in
   November. They agreed to ...").
3. ``report``: the story's date.

Durations and sets never date an event; the report date is kept apart in
`Event.report_date` whatever the basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from dateline.records import EventDate, TimeExpr

__all__ = ["BOUND_PREPS", "Narrative", "date_from_timex", "pick_timex", "report_date"]

_DATING_TYPES = frozenset({"DATE", "TIME"})
# Links a trigger shares its time with: its head through these, and back.
_SHARE_UP = frozenset(
    {
        "xcomp",
        "conj",
        "dobj",
        "pobj",
        "prep",
        "pcomp",
        "acomp",
        "attr",
        "nsubjpass",
        "compound",
        "appos",
        "nmod",
    }
)
_CLAUSE = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "csubjpass", "acl"})
# prepositions whose time bounds an event rather than dating it
BOUND_PREPS = frozenset({"since", "until", "till"})


@dataclass
class Narrative:
    """The narrative's current time: the last text-dated past event's date and
    the sentence it came from."""

    date: EventDate | None = None
    sentence_index: int = -1


# "now", "recently": TimeML values that name no interval; an event they modify is dated as
# the text would date it without them (the narrative, the story). ("In the future" stays: it
# makes the act planned.)
_UNDATED_VALUES = frozenset({"", "PRESENT_REF", "PAST_REF"})


def _usable(timex: TimeExpr, doc: Doc | None = None) -> bool:
    if timex.type not in _DATING_TYPES or timex.value in _UNDATED_VALUES:
        return False
    return doc is None or not _bound(timex, doc)


def _bound(timex: TimeExpr, doc: Doc) -> bool:
    """A time that only bounds the event ("met for the first time since November", "its
    first trip since the coup last month"): the object of 'since' or 'until', or inside one."""
    span = doc.char_span(timex.start, timex.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    token = span.root
    for _ in range(4):
        if token.dep_ == "prep" and token.lower_ in BOUND_PREPS:
            return True
        if token.head is token or token.dep_ in _CLAUSE:
            return False
        token = token.head
    return False


def _local(token: Token, limit: int = 3) -> list[Token]:
    """The trigger's own phrase, nearest first (no clause crossing)."""
    found: list[Token] = []
    frontier = [token]
    for _ in range(limit):
        nxt: list[Token] = []
        for node in frontier:
            for child in node.children:
                if child.dep_ in _CLAUSE or child.dep_ == "punct":
                    continue
                found.append(child)
                nxt.append(child)
        frontier = nxt
    return found


def pick_timex(
    trigger: Token,
    by_governor: Mapping[int, Sequence[TimeExpr]],
    by_token: Mapping[int, TimeExpr] | None = None,
) -> TimeExpr | None:
    """The time expression that dates `trigger`, if any (see module doc)."""
    doc = trigger.doc
    for timex in by_governor.get(trigger.i, ()):
        if _usable(timex, doc):
            return timex
    for token in _local(trigger):
        for timex in by_governor.get(token.i, ()):
            if _usable(timex, doc):
                return timex
    if trigger.dep_ in ("advcl", "relcl") and any(
        c.dep_ == "advmod" and c.text.lower() in ("when", "where") for c in trigger.children
    ):
        # "stopped in Geneva on Sunday, where he met ...": the clause a
        # where/when clause hangs from, through the noun it modifies
        host = trigger.head
        if host.dep_ == "pobj" and host.head.dep_ == "prep":
            for timex in by_governor.get(host.head.head.i, ()):
                if _usable(timex, doc):
                    return timex
        # "met in Lima in November, when they agreed": the when-clause shares
        # the time of the clause it hangs from
        for timex in by_governor.get(trigger.head.i, ()):
            if _usable(timex, doc):
                return timex
        inside = (by_token or {}).get(trigger.head.i)
        if inside is not None and _usable(inside, doc):
            return inside  # "in November, when they agreed"
    token = trigger
    for _ in range(4):
        if token.head is token or not (token.dep_ in _SHARE_UP or _shares_clause_time(token)):
            break
        token = token.head
        for timex in by_governor.get(token.i, ()):
            if _usable(timex, doc):
                return timex
    return None


def _shares_clause_time(token: Token) -> bool:
    """ "upended the summit late Saturday, refusing to sign ...": a participle clause with no
    subject and no conjunction of its own happens at the time of the clause it hangs from."""
    return (
        token.dep_ == "advcl"
        and token.tag_ in ("VBG", "VBN")
        and not any(
            c.dep_ in ("nsubj", "nsubjpass", "mark", "aux", "auxpass") for c in token.children
        )
    )


def date_from_timex(timex: TimeExpr) -> EventDate:
    if timex.list_end is not None and timex.start_date is not None:
        # "a summit on February 27 and 28": the event spans the list its day heads.
        return EventDate(
            value=f"{timex.start_date.isoformat()}/{timex.list_end.isoformat()}",
            precision="day",
            basis="text",
            start=timex.start_date,
            end=timex.list_end,
            text=timex.text,
        )
    return EventDate(
        value=timex.value,
        precision=timex.precision,
        basis="text",
        start=timex.start_date,
        end=timex.end_date,
        text=timex.text,
    )


def report_date(article_date: dt.date) -> EventDate:
    return EventDate(
        value=article_date.isoformat(),
        precision="day",
        basis="report",
        start=article_date,
        end=article_date,
    )


def narrative_date(
    narrative: Narrative, trigger: Token, sentence_index: int, article_date: dt.date
) -> EventDate | None:
    """The narrative's current time, when it plausibly still holds."""
    if narrative.date is None or sentence_index - narrative.sentence_index != 1:
        return None
    if trigger.tag_ not in ("VBD", "VBN") and not any(
        c.tag_ == "VBD" for c in trigger.children if c.dep_ in ("aux", "auxpass")
    ):
        return None
    end = narrative.date.end or narrative.date.start
    if end is None or end >= article_date:
        return None
    date = narrative.date
    return EventDate(
        value=date.value,
        precision=date.precision,
        basis="narrative",
        start=date.start,
        end=date.end,
        text=date.text,
    )
