"""The time engine: find expressions with the rule regexes, then resolve them.

Finding runs the compiled rules over the raw text (no parse needed), keeps the
longest non-overlapping matches and widens them by modifier words ("early",
"mid-"). Resolving turns each match's `value` spec into a TimeML value and an
interval, against the story's date or, for anaphoric expressions ("the
previous day"), against the last date the narrative reached. The parse, when
there is one, is consulted only for the governor of each expression and the
tense that decides the direction of underspecified ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

from dateutil.easter import easter

from dateline.records import TimeExpr
from dateline.time import grammar
from dateline.time.calendar import GRANULARITIES, SEASON_START_MONTH, Period, shift_date
from dateline.time.ruleset import TimeRule, TimeRules

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Match", "find", "tag"]

Direction = Literal["past", "future", "present", "none"]
# How an underspecified period is chosen among its candidates.
Choice = Literal["past", "strict_past", "future", "strict_future", "this", "closest", "onward"]

_GROUP_REF = re.compile(r"\$([a-z_][a-z0-9_]*)")
_NARRATIVE_COARSE = frozenset({"century", "decade"})


class _Anchor(NamedTuple):
    """A day other than the story's date to resolve against: a report's day, or
    the narrative's (`narrative` True), and the id of the expression that gave it."""

    id: str
    day: dt.date
    narrative: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """One expression found in the text by one rule."""

    start: int
    end: int
    rule: TimeRule
    groups: Mapping[str, str | None]
    mod: str | None
    signal: str | None


@dataclass(slots=True)
class _Resolved:
    value: str
    precision: str
    period: Period | None = None
    anchor: str = "dct"
    direction: Direction = "none"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    updates_reference: bool = True

    @classmethod
    def of(cls, period: Period, dct: dt.date, anchor: str, **extra: Any) -> _Resolved:
        """A resolved period: its value, interval and direction from the story's date;
        the precision is the period's unless `extra` says otherwise."""
        fields: dict[str, Any] = {
            "precision": period.granularity,
            "direction": _direction_of(period, dct),
            **extra,
        }
        return cls(
            value=period.value,
            period=period,
            anchor=anchor,
            start_date=period.first,
            end_date=period.last,
            **fields,
        )

    def move_to(self, period: Period, dct: dt.date, anchor: str) -> None:
        """Put this reading on `period`, counted from `anchor` (the expression before it,
        which fixed it); its precision stays."""
        self.period, self.value, self.anchor = period, period.value, anchor
        self.start_date, self.end_date = period.first, period.last
        self.direction = _direction_of(period, dct)


@dataclass(slots=True)
class _Context:
    dct: dt.date
    reference: tuple[str, Period] | None = None
    # The last quarter or half-year named: what "a year ago", "the quarter" compare with.
    fiscal: tuple[str, Period] | None = None
    # The year of "the nine months" a report gives after its quarter: until a quarter is
    # named again, "a year earlier" and "the 1988 period" compare with that year.
    span: tuple[str, Period] | None = None
    # Whether the narrative has left the story's date (its last date was absolute or
    # anchored to another date, not to the story's date), and in which sentence.
    off_dct: bool = False
    reference_sentence: int = 0
    # The sentence of the expression being resolved, and whether the word it
    # modifies is a noun ("overnight losses") rather than a verb.
    sentence: int = 0
    modifies_noun: bool = False
    # Whether a finite verb in the simple past governs the expression through "in",
    # "on" or "during" ("changed … in December"): what it tells was done, so the past
    # reading stands even where a later one lies nearer the story's date.
    done: bool = False
    # Resolved dates that anchor nothing: bounds under "since" ("since the flood of 1997").
    not_references: set[str] = field(default_factory=set)
    # A narrative (history) rather than news: most of its years are far from its date.
    narrative: bool = False
    # id, period and governor token index of every resolved date, in text order.
    resolved: list[tuple[str, Period, int | None, int]] | None = None


def find(text: str, rules: TimeRules) -> list[Match]:
    """Every expression in `text`, longest match first, none overlapping, in text order."""
    found: list[tuple[int, int, int, TimeRule, re.Match[str]]] = []
    lowered = text.lower()
    for rule in rules.rules:
        if rule.requires and not any(word in lowered for word in rule.requires):
            continue
        timex_group = "timex" in rule.regex.groupindex
        for match in rule.regex.finditer(text):
            if timex_group and match.group("timex") is not None:
                start, end = match.span("timex")
            else:
                start, end = match.span()
            if end > start:
                found.append((start, end, rule.order, rule, match))
    found.sort(key=lambda item: (item[0] - item[1], item[2], item[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, TimeRule, re.Match[str]]] = []
    for start, end, _, rule, match in found:
        position = bisect.bisect_left(taken, (start, end))
        before = taken[position - 1] if position else None
        after = taken[position] if position < len(taken) else None
        if (before and before[1] > start) or (after and after[0] < end):
            continue
        taken.insert(position, (start, end))
        chosen.append((start, end, rule, match))
    chosen.sort(key=lambda item: item[0])
    return [_widen(text, start, end, rule, match, rules) for start, end, rule, match in chosen]


def _widen(
    text: str, start: int, end: int, rule: TimeRule, match: re.Match[str], rules: TimeRules
) -> Match:
    groups = match.groupdict()
    mod: str | None = None
    if isinstance(rule.mod, str):
        mod = rule.mod
    elif rule.mod is not None and groups.get("mod"):
        mod = rule.mod.get(str(groups["mod"]).lower())
    if rule.type in ("DATE", "TIME"):
        prefix = rules.mod_prefix.search(text, max(0, start - 24), start)
        if prefix is not None and prefix.end() == start:
            mod = rules.table("mod_prefix")[prefix.group(1).lower()]
            start = prefix.start()
    signal_match = rules.signal.search(text, max(0, start - 12), start)
    signal = None
    if signal_match is not None and signal_match.end() == start:
        signal = rules.table("signal")[signal_match.group(1).lower()]
    return Match(start, end, rule, groups, mod, signal)


# A quarter described in passing ("After a flat second quarter, the company's
# third-quarter profit rose …", "a strong first half"): an article and an adjective
# before it. It is not the period the report is about, so "a year ago" and "the
# year-earlier period" keep comparing with the quarter reported.
_DESCRIBED_IN_PASSING = re.compile(r"(?i)\ban? [a-z-]+ $")


# "the nine months", "the first nine months": the part of the year a company report
# totals after its quarter ("For the nine months, net was … a year earlier"); only once
# a quarter has been named, so only in a report.
_NINE_MONTHS = re.compile(r"(?i)the (?:first |latest |last |past )?nine[- ]months?\b")


def tag(text: str, dct: dt.date, rules: TimeRules, doc: Doc | None = None) -> list[TimeExpr]:
    """Find and resolve every time expression in `text` against `dct`.

    With `doc` (a parse of exactly `text`), expressions get a governor, a
    sentence index and the direction their clause's tense gives them.
    """
    sentence_starts: list[int] = []
    if doc is not None:
        sentence_starts = [sentence.start_char for sentence in doc.sents]
    matches = find(text, rules)
    context = _Context(dct=dct, resolved=[], narrative=_is_narrative(matches, dct, text))
    records: list[TimeExpr] = []
    previous_rule: TimeRule | None = None  # the rule of the last expression kept
    for match in matches:
        if match.rule.value.get("not_after_name") and _after_name(text, match.start, match.end):
            continue
        governing: Token | None = None
        clause: grammar.Tense = "none"
        compared = ahead = False
        if doc is not None:
            if match.rule.reject_entities and _rejected_by_entities(doc, match):
                continue
            governing = grammar.governor(doc, match.start, match.end)
            clause = grammar.tense(governing, text[max(0, match.start - 12) : match.start])
            # A bound set in the past often lies ahead ("gave them until Tuesday",
            # "extended the loans through January"): the nearest reading.
            if match.signal == "ON_OR_BEFORE" and clause == "past":
                clause = "possible"
            if match.signal == "ON_OR_AFTER" or grammar.under_since(doc, match.start, match.end):
                clause = "since"
            elif grammar.under_ahead_of(doc, match.start, match.end) or _AHEAD_OF_NOUN.search(
                text, max(0, match.start - 60), match.start
            ):
                # "ahead of" puts the date after the clause's own time, not after the
                # story's: told in the past ("Ahead of his departure on Thursday, he had
                # said …") it may already have come; the nearest reading.
                clause = "possible" if clause == "past" else "future"
                ahead = True
            compared = not ahead and grammar.compares_figure(doc, match.start)
            if compared and clause not in ("past", "since"):
                clause = "past"
        timex_id = f"t{len(records) + 1}"
        sentence_index = bisect.bisect_right(sentence_starts, match.start) - 1 if doc else 0
        context.sentence = sentence_index
        context.modifies_noun = governing is not None and governing.pos_ == "NOUN"
        context.done = (
            clause == "past"
            and governing is not None
            and grammar.simple_past(governing)
            and _DONE_ON.search(text, max(0, match.start - 8), match.start) is not None
        )
        # A report's day or the narrative's time, where either replaces the story's date.
        other_anchor = _reported_anchor(governing, context, sentence_index)
        if other_anchor is None:
            other_anchor = _narrative_anchor(context, sentence_index)
        resolved = _resolve(match, context, rules, clause, other_anchor)
        if resolved is None:
            continue
        if records:
            _apposed_quarter(records[-1], match, resolved, text, dct)
            _end_of_named_period(records[-1], match, resolved, text, dct)
            records[-1] = _month_before_dated_month(records[-1], match, resolved, text, dct)
            _on_day_named_before(records[-1], match, resolved, text, dct)
            _follow_coordinated_day(match, resolved, records[-1], text, dct)
            _follow_coordinated_date(match, resolved, records[-1], text, dct)
            records[-1] = _head_of_list(records[-1], match, resolved, text)
            if previous_rule is not None and previous_rule.value.get("takes_next_day"):
                records[-1] = _day_named_after(
                    records[-1], timex_id, match, resolved, text, dct, context
                )
        if match.signal == "ON_OR_AFTER" and resolved.start_date and resolved.start_date <= dct:
            resolved.end_date = dct
            resolved.direction = "past"
        mod = match.mod or (match.signal if resolved.period is not None else None)
        if mod in ("START", "MID", "END") and resolved.period is not None:
            resolved.start_date, resolved.end_date = _narrow(resolved.period, mod)
        records.append(
            TimeExpr(
                id=timex_id,
                start=match.start,
                end=match.end,
                text=text[match.start : match.end],
                type=cast(Any, _type(match, resolved)),
                value=resolved.value,
                precision=resolved.precision,
                sentence_index=max(0, sentence_index),
                start_date=resolved.start_date,
                end_date=resolved.end_date,
                mod=mod,
                anchor=resolved.anchor,
                direction=resolved.direction,
                governor=governing.idx if governing is not None else None,
                rule_id=match.rule.id,
            )
        )
        previous_rule = match.rule
        if resolved.period is not None and (match.signal == "ON_OR_AFTER" or clause == "since"):
            # "since 1997" is a bound, not the day the story has reached.
            context.not_references.add(timex_id)
        if resolved.period is not None and context.resolved is not None:
            context.resolved.append(
                (
                    timex_id,
                    resolved.period,
                    governing.i if governing is not None else None,
                    sentence_index,
                )
            )
            # In a history, an aside counted from the text's own date ("the past
            # year") does not move the narrative's time.
            if (
                resolved.updates_reference
                and resolved.period.granularity not in _NARRATIVE_COARSE
                and match.signal is None
                and clause != "since"
                and not (context.narrative and resolved.anchor == "dct")
                # The date of a figure a comparison sets beside another ("off 1.8 pct
                # from 7.06 mln last year") is a baseline, not the time the report has
                # reached: "a year earlier" after it still counts from the report's time.
                and not compared
            ):
                context.reference = (timex_id, resolved.period)
                # A date within a year of the story's date keeps the story's timeline.
                context.off_dct = (
                    resolved.anchor != "dct" and resolved.period.distance(dct) > _NARRATIVE_DISTANCE
                )
                context.reference_sentence = sentence_index
            if (
                resolved.updates_reference
                and resolved.period.granularity in ("quarter", "half-year")
                # A quarter still to come is a forecast ("losses through the third
                # quarter of 1990"), not the one the report is about. (One under way may
                # be a fiscal quarter already reported: "its fourth quarter ended Aug. 26".)
                and resolved.period.first <= dct
                # One under way that the clause looks ahead to ("expect the trend to
                # continue into the fourth quarter") is a forecast too.
                and not (clause in ("future", "future_in_past") and resolved.period.last >= dct)
                and not _DESCRIBED_IN_PASSING.search(text, max(0, match.start - 24), match.start)
            ):
                context.fiscal = (timex_id, resolved.period)
                context.span = None
        if (
            context.fiscal is not None
            and resolved.value == "P9M"
            and _NINE_MONTHS.match(text, match.start, match.end)
        ):
            fiscal_year = context.fiscal[1].last.year
            context.span = (timex_id, Period("year", dt.date(fiscal_year, 1, 1)))
    return records


# What joins two days of one list ("Tuesday and Wednesday") or one span ("Monday to Friday").
_COORDINATION = re.compile(r"\s*(?:(?P<list>,|and|or)|to|through|until|-|–)\s*")


def _apposed_quarter(
    previous: TimeExpr, match: Match, resolved: _Resolved, text: str, dct: dt.date
) -> None:
    """A quarter that renames the one before it ("In the comparable year-ago quarter,
    the second quarter ended Oct. 31, …") lies in that one's year."""
    if (
        resolved.period is None
        or resolved.period.granularity != "quarter"
        or match.groups.get("year")
        or match.rule.value.get("kind") != "date"
        or previous.start_date is None
        or previous.precision != "quarter"
        or text[previous.end : match.start] != ", "
        or previous.start_date.year == resolved.period.first.year
    ):
        return
    period = Period("quarter", resolved.period.first.replace(year=previous.start_date.year))
    resolved.move_to(period, dct, previous.id)


def _end_of_named_period(
    previous: TimeExpr, match: Match, resolved: _Resolved, text: str, dct: dt.date
) -> None:
    """The day that ends a quarter or a year just named ("the second quarter ended Oct.
    31", of a quarter a year back) lies within a year of that period (a fiscal one runs
    up to nine months from its calendar name): a reading further off takes the year
    that puts it nearest the period's middle."""
    if (
        resolved.period is None
        or resolved.period.granularity != "day"
        or match.groups.get("year")
        or previous.start_date is None
        or previous.end_date is None
        or previous.precision not in ("quarter", "half-year", "year")
        or not _ENDED.fullmatch(text, previous.end, match.start)
    ):
        return
    named = Period(previous.precision, previous.start_date)
    if named.distance(resolved.period.first) <= 366:
        return
    middle = previous.start_date + (previous.end_date - previous.start_date) / 2
    day = resolved.period.first
    candidates = [
        found
        for year in range(middle.year - 1, middle.year + 2)
        if (found := _day_or_none(year, day.month, day.day)) is not None
    ]
    nearest = min(candidates, key=lambda found: abs((found - middle).days))
    resolved.move_to(Period("day", nearest), dct, previous.id)


_ENDED = re.compile(r"\s+(?:ended|ending)\s+")


def _month_before_dated_month(
    previous: TimeExpr, match: Match, resolved: _Resolved, text: str, dct: dt.date
) -> TimeExpr:
    """A bare month joined to a month with a year ("between May and December 1986", "in
    March and April 1985") takes that year, or the one before when it comes later in
    the calendar ("from November to February 1987")."""
    period = resolved.period
    if (
        period is None
        or period.granularity != "month"
        or not match.groups.get("year")
        or previous.precision != "month"
        or previous.start_date is None
        or re.search(r"[0-9]", previous.text)
        or _MONTH_JOINT.fullmatch(text, previous.end, match.start) is None
    ):
        return previous
    month = previous.start_date.month
    year = period.first.year if month <= period.first.month else period.first.year - 1
    if year == previous.start_date.year:
        return previous
    joined = Period("month", dt.date(year, month, 1))
    return replace(
        previous,
        value=joined.value,
        start_date=joined.first,
        end_date=joined.last,
        anchor="none",
        direction=_direction_of(joined, dct),
    )


_MONTH_JOINT = re.compile(r"\s*(?:-|–|/)\s*|\s+(?:and|or|to|through|until|till)\s+")


def _follow_coordinated_day(
    match: Match, resolved: _Resolved, previous: TimeExpr, text: str, dct: dt.date
) -> None:
    """A bare weekday joined to the day before it is the nearest such weekday to
    that day in a list ("next Tuesday and Wednesday", "Friday and Thursday"), the
    first one after it in a span ("Friday to Monday")."""
    joint = _COORDINATION.fullmatch(text[previous.end : match.start])
    if (
        joint is None
        or match.rule.value.get("kind") != "weekday"
        or match.rule.value.get("direction")
        or resolved.period is None
        or previous.start_date is None
        or previous.precision != "day"
        or previous.start_date != previous.end_date
    ):
        return
    offset = (resolved.period.first - previous.start_date).days % 7
    if offset == 0:
        return
    if joint.group("list") and offset > 3:
        offset -= 7
    day = previous.start_date + dt.timedelta(days=offset)
    resolved.move_to(
        Period(resolved.period.granularity, day, resolved.period.suffix), dct, previous.id
    )


# What joins two dates of one span: "for May 20/Jun 20 shipment", "from Dec. 20 to Jan. 5",
# "(April-March)".
_DATE_SPAN = re.compile(r"\s*(?:to|through|until|till|-|–|/)\s*")


def _follow_coordinated_date(
    match: Match, resolved: _Resolved, previous: TimeExpr, text: str, dct: dt.date
) -> None:
    """A month or a day with no year that ends a span opened by a date of the same kind
    lies on or after it, in the first year that does: "for May 20/Jun 20 shipment" in a
    story of April (was last June), "from Dec. 20 to Jan. 5", "fiscal 1987/88
    (April-March)". (In a list, "in March and October", each keeps its own tense.)"""
    if (
        _DATE_SPAN.fullmatch(text[previous.end : match.start]) is None
        or not previous.rule_id.startswith("date.month")
        or match.rule.value.get("kind") != "date"
        or match.groups.get("year") is not None
        or "year" in match.rule.value
        or "year_shift" in match.rule.value
        or match.rule.value.get("generic")
        or resolved.period is None
        or resolved.period.granularity not in ("day", "month")
        or previous.start_date is None
        or previous.precision != resolved.period.granularity
    ):
        return
    candidates = [resolved.period.shifted("year", n) for n in (-1, 0, 1)]
    later = [p for p in candidates if p.first >= previous.start_date]
    if not later:
        return
    period = min(later, key=lambda p: p.first)
    if period == resolved.period:
        return
    resolved.move_to(period, dct, previous.id)


# What joins a clock time (or "the 40th day") to the day named right after it:
# "at 09:30 GMT on Friday", "1430 GMT, Tuesday", "entered its 40th day on Sunday".
# A capitalised word inside a sentence, then the year: "a venture called Orion 1980", "a
# drill dubbed Hoguk 2012", "Global Handwashing Day 2011". The word before the name shows
# it is not the sentence's first word ("In 1990", "That 1978 resolution").
_NAME_BEFORE = re.compile(r"(?P<before>[^\s.!?:;\"'“”()]+)[ ]+(?-i:[A-Z][a-z]+)[ ]+$")


def _after_name(text: str, start: int, end: int) -> bool:
    """Whether the year at [start, end) ends a name (a capitalised word inside a
    sentence right before it): a name that holds a year, not the year itself. A year
    that opens a span ("Eastern Theater 1861-1863", a heading) is a time."""
    return (
        text[end : end + 1] not in ("-", "–", "/")
        and _NAME_BEFORE.search(text, max(0, start - 60), start) is not None
    )


# The prepositions that date what a verb tells ("signed in November", "met on May 3").
_DONE_ON = re.compile(r"\b(?:in|on|during)\s+$", re.IGNORECASE)
# "ahead of the election in June": the date of the happening "ahead of" names, which the
# parser may hang from the clause's verb instead ("who lead in the polls ahead of the
# election in June").
_AHEAD_OF_NOUN = re.compile(
    r"\bahead of (?:the |a |an |[A-Za-z]+'s )?(?:[a-z-]+ ){0,2}[a-z-]+ (?:in|on|at|for|set for|due in|due on) $"
)
# "on Aug. 20 at 9 a.m.", "Tuesday, at about 10 a.m.": a clock right after a day.
_DAY_THEN_CLOCK = re.compile(r",?\s+(?:at|from)\s+(?:about\s+|around\s+|approximately\s+)?")


def _on_day_named_before(
    previous: TimeExpr, match: Match, resolved: _Resolved, text: str, dct: dt.date
) -> None:
    """A clock time right after a day ("a hearing on Aug. 20 at 9 a.m.", "on Tuesday at
    10 a.m.") is on that day, however far it lies from the story's date or the
    narrative's last day (TimeML tags the two apart, but they name one time)."""
    spec = match.rule.value
    if (
        spec["kind"] != "clock"
        or spec.get("weekday")
        or spec.get("month")
        or resolved.period is None
        or previous.precision != "day"
        or previous.start_date is None
        or previous.start_date != previous.end_date
        or previous.list_end is not None
        or _DAY_THEN_CLOCK.fullmatch(text[previous.end : match.start]) is None
    ):
        return
    resolved.move_to(Period("time", previous.start_date, resolved.period.suffix), dct, previous.id)


# A restatement in parentheses may stand between ("2130 local time (1830 GMT) on Saturday").
# ("… local time on Sunday", "… Moscow time, Friday": a zone the clock's rule left outside).
_NEXT_DAY_JOINT = re.compile(
    r"(?:\s+(?:local|(?-i:[A-Z][a-z]+))\s+time)?(?:\s*\([^()]{1,24}\))?,?\s*(?:on\s+)?"
)


def _day_named_after(
    previous: TimeExpr,
    day_id: str,
    match: Match,
    resolved: _Resolved,
    text: str,
    dct: dt.date,
    context: _Context,
) -> TimeExpr:
    """A clock time or ordinal day whose rule `takes_next_day`, followed at once by a
    day ("… on Friday"), falls on that day, not on the story's or the narrative's:
    TimeML keeps the two apart ("on" is a signal), but they name one time."""
    day = resolved.start_date
    if (
        day is None
        or resolved.precision != "day"
        or resolved.end_date != day
        or previous.start_date is None
        or previous.start_date == day
        or _NEXT_DAY_JOINT.fullmatch(text[previous.end : match.start]) is None
    ):
        return previous
    if previous.precision == "time" and re.match(r"\d{4}-\d\d-\d\d", previous.value):
        period = Period("time", day, previous.value[10:])
    elif previous.precision == "day":
        period = Period("day", day)
    else:
        return previous
    resolved_so_far = context.resolved or []
    for index, (timex_id, _period, governor_index, sentence) in enumerate(resolved_so_far):
        if timex_id == previous.id:
            resolved_so_far[index] = (timex_id, period, governor_index, sentence)
    return replace(
        previous,
        value=period.value,
        start_date=day,
        end_date=day,
        anchor=day_id,
        direction=_direction_of(period, dct),
    )


# What joins the days of one list or span: "27 and 28", "Monday to Wednesday", "7-8".
_DAY_JOINT = re.compile(r"\s*(?:and|to|through|until|-|–)\s*")
# The longest list of days one event may span.
_LIST_DAYS = 14


def _head_of_list(previous: TimeExpr, match: Match, resolved: _Resolved, text: str) -> TimeExpr:
    """The previous day with `list_end` set when this day continues its list or span
    ("February 27 and 28"), so an event dated by the first day spans both."""
    if (
        previous.precision != "day"
        or previous.start_date is None
        or previous.start_date != previous.end_date
        or resolved.precision != "day"
        or resolved.start_date is None
        or resolved.start_date != resolved.end_date
        or _DAY_JOINT.fullmatch(text[previous.end : match.start]) is None
    ):
        return previous
    head_start = previous.start_date
    last = resolved.start_date
    if not 0 < (last - head_start).days <= _LIST_DAYS:
        return previous
    return replace(previous, list_end=last)


def _type(match: Match, resolved: _Resolved) -> str:
    if match.rule.type == "TIME" and resolved.precision != "time":
        return "DATE"
    if match.rule.type == "DATE" and re.match(r"P[0-9XT]", resolved.value):
        return "DURATION"
    return match.rule.type


def _rejected_by_entities(doc: Doc, match: Match) -> bool:
    span = doc.char_span(match.start, match.end, alignment_mode="expand")
    if span is None:
        return False
    labels = {token.ent_type_ for token in span}
    return "DATE" not in labels and bool(labels & match.rule.reject_entities)


def _reported_anchor(
    governing: Token | None, context: _Context, sentence_index: int
) -> _Anchor | None:
    """The day of a report that governs this clause ("said on Friday it would …
    on Tuesday"): the date of an earlier expression in the same sentence that
    modifies a verb this expression's clause hangs from."""
    if governing is None or not context.resolved:
        return None
    ancestors = {
        token.i for token in governing.ancestors if token.lemma_.lower() in grammar.REPORTING_VERBS
    }
    if not ancestors:
        return None
    for timex_id, period, governor_index, index in reversed(context.resolved):
        if index != sentence_index:
            break
        if (
            governor_index is not None
            and governor_index in ancestors
            and period.granularity in ("day", "time")
        ):
            return _Anchor(timex_id, period.first)
    return None


# How far (days) from a news story's date a day may lie and still be the day that a
# bare clock time or "overnight" belongs to ("the previous vote, on 6 May" is background).
_CLOCK_REFERENCE_DAYS = 14


def _day_reference(context: _Context, near_dct_only: bool) -> tuple[str, Period] | None:
    """The last day (or time) the text resolved: what a clock time, a part of the
    day or "two days later" counts from. A coarser reference ("the flood of 1997")
    is passed over; in news, with `near_dct_only`, so is a day far from the story's."""
    for timex_id, period, _governor, _sentence in reversed(context.resolved or []):
        if period.granularity not in ("day", "time"):
            continue
        if (
            near_dct_only
            and not context.narrative
            and period.distance(context.dct) > _CLOCK_REFERENCE_DAYS
        ):
            continue
        if context.reference is not None and timex_id == context.reference[0]:
            return context.reference
        if timex_id not in context.not_references:
            return timex_id, period
    return None


# How many sentences a narrative time carries over to a month or weekday with no year.
_NARRATIVE_WINDOW = 30
# How far (days) from the story's date the narrative must be before it takes over.
_NARRATIVE_DISTANCE = 365


# How far into a text a story's lead runs.
_LEAD_CHARS = 400


def _is_narrative(matches: list[Match], dct: dt.date, text: str) -> bool:
    """A text tells a story away from its own date (a history, an obituary) when at
    least three years are written out, two thirds of them lie over a year from its
    date, and it hardly says "yesterday", "Friday" or "last week". News, whose
    written-out years sit around the story's date or which counts from it, is not."""
    years: list[int] = []
    deictic = weekdays = 0
    for match in matches:
        kind = match.rule.value.get("kind")
        # "the past year", "the next decade" count from a history's own time as well.
        counts_from_dct = match.rule.value.get("anchor") != "narrative" and not text[
            match.start : match.start + 4
        ].lower().startswith("the ")
        if kind == "weekday" or (kind == "shift" and counts_from_dct):
            deictic += 1
        # A news story names its own day in its first lines ("… said Monday").
        weekdays += kind == "weekday" and match.start < _LEAD_CHARS
        if match.rule.value.get("kind") != "date" or not match.groups.get("year"):
            continue
        year_text = str(match.groups["year"])
        if year_text.isdigit() and len(year_text) == 4:
            years.append(int(year_text))
    far = sum(abs(year - dct.year) > 1 for year in years)
    # A long history quotes its people ("today", "next year"): a few such words per
    # ten written-out years do not make it news.
    counts_from_its_date = deictic >= 2 and deictic * 10 > len(years) and deictic * 4000 > len(text)
    return (
        len(years) >= 3 and far * 3 >= len(years) * 2 and not counts_from_its_date and weekdays == 0
    )


def _narrative_anchor(context: _Context, sentence_index: int) -> _Anchor | None:
    """When the narrative has moved off the story's date ("On September 1, 1939, …
    by early October"), a month or weekday with no year takes the narrative's."""
    if (
        not context.narrative
        or context.reference is None
        or not context.off_dct
        or sentence_index - context.reference_sentence > _NARRATIVE_WINDOW
    ):
        return None
    timex_id, period = context.reference
    return _Anchor(timex_id, period.first, narrative=True)


def _narrow(period: Period, mod: str) -> tuple[dt.date, dt.date]:
    first, last = period.first, period.last
    days = (last - first).days + 1
    if days < 3:
        return first, last
    third = days // 3
    if mod == "START":
        return first, first + dt.timedelta(days=third - 1)
    if mod == "END":
        return last - dt.timedelta(days=third - 1), last
    return first + dt.timedelta(days=third), last - dt.timedelta(days=third)


# --------------------------------------------------------------------------- fields


def _field(spec: Mapping[str, Any], key: str, groups: Mapping[str, str | None]) -> str | None:
    raw = spec.get(key)
    if raw is None:
        return None
    if isinstance(raw, str) and "$" in raw:
        missing = False

        def substitute(found: re.Match[str]) -> str:
            nonlocal missing
            value = groups.get(found.group(1))
            if value is None:
                missing = True
                return ""
            return value

        text = _GROUP_REF.sub(substitute, raw)
        return None if missing else text
    return str(raw)


def _lookup(rules: TimeRules, table: str, text: str | None) -> Any:
    if text is None:
        return None
    key = " ".join(text.lower().rstrip(".").split())
    return rules.table(table).get(key)


def _int(text: str | None, table: Mapping[str, Any] | None = None) -> int | None:
    if text is None:
        return None
    cleaned = text.lower().rstrip(".")
    if table is not None and cleaned in table:
        return int(table[cleaned])
    digits = re.match(r"\d+", cleaned)
    return int(digits.group()) if digits else None


def _number(rules: TimeRules, text: str | None) -> float | str | None:
    """A count: 2, 2.5, or "X" for vague counts ("several")."""
    if text is None:
        return None
    key = " ".join(text.lower().split())
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", key):
        key = key.replace(",", "")  # "2,799 days"
    if key == "x":
        return "X"
    if key.endswith(" 1/2") and key[:-4].isdigit():
        return float(key[:-4]) + 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", key):
        return float(key)
    vague = rules.table("vague")
    if key in vague:
        return vague[key] if vague[key] == "X" else float(vague[key])
    numbers = rules.table("number")
    if key in numbers:
        return float(numbers[key])
    half = 0.0
    if key.endswith(" and a half"):
        half, key = 0.5, key[: -len(" and a half")]
    total = 0.0
    for part in re.split(r"[- ]", key):
        if part == "a":
            part = "one"
        if part not in numbers:
            return None
        # "two hundred" multiplies; "twenty-one" adds.
        total = max(total, 1.0) * 100 if part == "hundred" else total + float(numbers[part])
    return total + half


def _unit(rules: TimeRules, text: str | None) -> str | None:
    if text is None:
        return None
    word = text.lower().replace("-", " ").split()[-1]
    adverb = rules.table("unit_adverb").get(word) if "unit_adverb" in rules.tables else None
    if adverb:
        return str(adverb)
    if word == "centuries":
        return "century"
    if word.endswith("s"):
        word = word[:-1]
    return word if word in rules.table("unit") else None


def _count_text(n: float | str) -> str:
    if n == "X":
        return "X"
    number = float(n)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _year(text: str | None, dct: dt.date, rules: TimeRules | None = None) -> int | None:
    if text is None:
        return None
    if not text.isdigit():
        # "nineteen ninety-six": the hundreds, then the rest as a number.
        if rules is None:
            return None
        first, _, rest = text.lower().partition(" ")
        hundreds = rules.table("year_word").get(first)
        tail = _number(rules, rest)
        if hundreds is None or not isinstance(tail, float):
            return None
        return int(hundreds) * 100 + int(tail)
    year = int(text)
    if (
        len(text) == 2
    ):  # '89 → the century that puts it nearest before the story, within 20 years after
        year += dct.year // 100 * 100
        if year > dct.year + 20:
            year -= 100
    return year


# --------------------------------------------------------------------------- resolving


def _resolve(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    kind = match.rule.value["kind"]
    resolver = _RESOLVERS[kind]
    try:
        return resolver(match, context, rules, clause, reported)
    except (ValueError, OverflowError):  # an impossible date such as "Feb. 30"
        return None


def _choice_from_grammar(clause: grammar.Tense) -> Choice:
    if clause in ("past", "since"):
        return "past"
    if clause in ("future", "future_in_past"):
        return "future"
    return "closest"


def _choice_from_rel(rules: TimeRules, text: str | None) -> Choice | None:
    if text is None:
        return None
    rel = _lookup(rules, "rel", text)
    if rel is None:
        return None
    return "strict_past" if rel < 0 else "strict_future" if rel > 0 else "this"


def _choose(candidates: list[Period], anchor: dt.date, choice: Choice, coarse: str) -> Period:
    if choice == "past":
        pool = [p for p in candidates if p.first <= anchor]
        return max(pool, key=lambda p: p.first) if pool else candidates[0]
    if choice == "strict_past":
        pool = [p for p in candidates if p.last < anchor]
        return max(pool, key=lambda p: p.first) if pool else candidates[0]
    if choice == "future":
        pool = [p for p in candidates if p.last >= anchor]
        return min(pool, key=lambda p: p.first) if pool else candidates[-1]
    if choice == "strict_future":
        pool = [p for p in candidates if p.first > anchor]
        return min(pool, key=lambda p: p.first) if pool else candidates[-1]
    if choice == "onward":
        # A narrative moves forward: a period before the anchor counts three times as far.
        return min(
            candidates,
            key=lambda p: (
                3 * p.distance(anchor) if p.last < anchor else p.distance(anchor),
                p.first,
            ),
        )
    if choice == "this":
        holding = Period.holding(anchor, coarse)
        pool = [p for p in candidates if holding.first <= p.first <= holding.last]
        if pool:
            return pool[0]
    return min(candidates, key=lambda p: (p.distance(anchor), p.first))


def _overrule_tense(period: Period, candidates: list[Period], anchor: dt.date) -> Period:
    """A tense can mislead ("extended the offer to Nov. 20" two weeks before it):
    a reading far from the story's date yields to one within two months of it."""
    if period.distance(anchor) <= 183:
        return period
    near = min(candidates, key=lambda p: p.distance(anchor))
    return near if near.distance(anchor) <= 62 else period


def _direction_of(period: Period, dct: dt.date) -> Direction:
    if period.last < dct:
        return "past"
    if period.first > dct:
        return "future"
    return "present"


def _resolve_date(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    spec, groups, dct = match.rule.value, match.groups, context.dct
    # The expression's own form can fix the tense: a futures month ("under the May
    # futures") is a delivery still ahead, whatever the tense of the clause that quotes it.
    clause = cast(grammar.Tense, spec.get("tense", clause))
    year = _year(_field(spec, "year", groups), dct, rules)
    if year is not None and "era" in spec:
        # A year of another calendar counted from its era: Juche 1 is 1912.
        year = int(_field(spec, "year", groups) or 0) + int(spec["era"])
    month_text = _field(spec, "month", groups)
    month = _int(month_text, rules.table("month")) if month_text else None
    day = _int(_field(spec, "day", groups), rules.tables.get("day_word"))
    day_end = _int(_field(spec, "day_end", groups))
    if spec.get("quarter") == "fiscal":
        # "the 1988 period" in a company report: the quarter (or half) under
        # discussion, in the year the text names.
        if year is None:
            return None
        if context.span is not None:
            period = Period("year", dt.date(year, 1, 1))
        elif context.fiscal is not None:
            fiscal = context.fiscal[1]
            period = Period(fiscal.granularity, fiscal.first.replace(year=year))
        else:
            period = Period("year", dt.date(year, 1, 1))
        return _Resolved.of(
            period,
            dct,
            "none" if context.fiscal is None else context.fiscal[0],
            updates_reference=False,
        )
    if spec.get("generic") and month is not None and day is not None:
        # A day that names something ("the September 10 Prize", "the February 8
        # Vinalon Complex") is a day of every year, not one the story tells.
        return _Resolved(value=f"XXXX-{month:02d}-{day:02d}", precision="day", anchor="none")
    quarter = _int(_field(spec, "quarter", groups), rules.table("ordinal"))
    half = _int(_field(spec, "half", groups), rules.table("half"))
    season = _lookup(rules, "season", _field(spec, "season", groups))
    if season is None and spec.get("season") in SEASON_START_MONTH:
        season = spec["season"]

    granularity = "year"
    if day is not None and (month is not None or spec.get("month_any")):
        granularity = "day"
    elif month is not None:
        granularity = "month"
    elif season is not None:
        granularity = "season"
    elif quarter is not None:
        granularity = "quarter"
    elif half is not None:
        granularity = "half-year"

    def first_day(y: int) -> dt.date:
        if granularity == "day":
            return dt.date(y, cast(int, month), cast(int, day))
        if granularity == "month":
            return dt.date(y, cast(int, month), 1)
        if granularity == "season":
            return dt.date(y, SEASON_START_MONTH[str(season)], 1)
        if granularity == "quarter":
            return dt.date(y, (cast(int, quarter) - 1) * 3 + 1, 1)
        if granularity == "half-year":
            return dt.date(y, 1 if half == 1 else 7, 1)
        return dt.date(y, 1, 1)

    anchor = "dct"
    direction: Direction = "none"
    shift_text = _field(spec, "year_shift", groups)
    if year is not None:
        anchor = "none"
        period = Period(granularity, first_day(year))
        direction = _direction_of(period, dct)
    elif shift_text == "narrative":
        # "in November that year": the month in the year the narrative has reached
        # (the story's year when it has reached none).
        base_year = dct.year
        if context.reference is not None:
            anchor, base_year = context.reference[0], context.reference[1].first.year
        period = Period(granularity, first_day(base_year))
        direction = _direction_of(period, dct)
    elif shift_text is not None:
        shift = _lookup(rules, "rel", shift_text)
        if shift is None:
            shift = int(shift_text)
        period = Period(granularity, first_day(dct.year + int(shift)))
        direction = _direction_of(period, dct)
    else:
        if granularity == "year":
            return None
        anchor_day = dct
        rule_choice = _choice_from_rel(rules, _field(spec, "direction", groups))
        years_back = int(spec.get("years_back", 0))
        if years_back:
            # "in May a year ago": the May nearest to the day a year before the story's.
            anchor_day = shift_date(dct, "year", -years_back)
            rule_choice = "closest"
        choice = rule_choice or _choice_from_grammar(clause)
        if (
            reported is not None
            and not years_back
            and (rule_choice is None or not reported.narrative)
        ):
            anchor, anchor_day = reported.id, reported.day
            if reported.narrative:
                choice = "onward"
        candidates = []
        if spec.get("month_any") and day is not None:
            # "on the 18th": that day of the month before, this month or the next; after
            # a day or a month the text has named ("made a counteroffer on 2 October. On
            # the 5th, …"), of that month or the next, as a narrative moves on.
            if (
                context.reference is not None
                and context.reference[1].granularity in ("day", "time", "month")
                and context.reference[0] not in context.not_references
            ):
                anchor, anchor_day = context.reference[0], context.reference[1].first
                choice = "onward"
            for n in (-1, 0, 1):
                first = shift_date(anchor_day.replace(day=1), "month", n)
                try:
                    candidates.append(Period("day", first.replace(day=day)))
                except ValueError:  # "the 31st" in a month of 30 days
                    continue
        else:
            for y in (anchor_day.year - 1, anchor_day.year, anchor_day.year + 1):
                try:
                    candidates.append(Period(granularity, first_day(y)))
                except ValueError:  # Feb. 29 in a common year
                    continue
        if not candidates:
            return None
        period = _choose(
            candidates, anchor_day, choice, "month" if spec.get("month_any") else "year"
        )
        if (
            choice == "strict_past"
            and granularity == "month"
            and str(_field(spec, "direction", groups)).lower() == "last"
            and shift_date(period.first, "month", 1) == anchor_day.replace(day=1)
        ):
            # "last February" on March 1: the month just past is "last month"; named, it
            # is the one a year before (TimeBank's 1997-02 in a story of 1998-03-01).
            period = period.shifted("year", -1)
        if (
            choice != "onward"
            and rule_choice is None
            and clause != "since"
            and granularity in ("day", "month", "quarter")
            and not (context.done and reported is None)
        ):
            period = _overrule_tense(period, candidates, anchor_day)
        weekday = _lookup(rules, "weekday", _field(spec, "weekday", groups))
        if weekday is not None and granularity == "day" and period.first.isoweekday() != weekday:
            # "Saturday 5 February" names a year in which 5 February is a Saturday: the
            # nearest such around the anchor, else around the story's date (an obituary
            # that told 1997 ends on its own days: "a memorial on Saturday 5 February").
            for around in (anchor_day, dct):
                fitting = [
                    Period("day", day_)
                    for y in (around.year - 1, around.year, around.year + 1)
                    for day_ in [_day_or_none(y, cast(int, month), cast(int, day))]
                    if day_ is not None and day_.isoweekday() == weekday
                ]
                if fitting:
                    period = min(fitting, key=lambda p: p.distance(around))
                    if around is dct:
                        anchor = "dct"
                    break
        direction = _direction_of(period, dct)
    if spec.get("quarter_ending") and granularity == "day":
        # "the quarter ended Sept. 30": the quarter the report named in the sentences
        # just before ("its fiscal first quarter … the quarter ended Sept. 29": a fiscal
        # quarter keeps its own name, 1989-Q1); else the calendar quarter that holds
        # the middle of the three months before that day.
        for named_id, named, _, named_sentence in reversed(context.resolved or []):
            if context.sentence - named_sentence > 2:
                break
            if named.granularity == "quarter" and abs(named.first.year - period.first.year) <= 1:
                return _Resolved.of(named, dct, named_id)
        period = Period.holding(period.first - dt.timedelta(days=45), "quarter")
        direction = _direction_of(period, dct)
    if spec.get("week_of") and granularity == "day":
        # "the week of March 6": the week that holds the day.
        period = Period.holding(period.first, "week")
    suffix = _part_suffix(rules, _field(spec, "part", groups))
    if suffix and granularity == "day":
        # "the morning of Nov. 14": a part of that day.
        period = Period("time", period.first, suffix)
    resolved = _Resolved.of(period, dct, anchor, direction=direction)
    if day_end is not None and granularity == "day" and day_end > cast(int, day):
        end = period.first.replace(day=day_end)
        resolved.value = f"{period.first.isoformat()}/{end.isoformat()}"
        resolved.end_date = end
    return resolved


def _day_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # Feb. 29 in a common year
        return None


def _part_suffix(rules: TimeRules, text: str | None) -> str:
    part = _lookup(rules, "part", text)
    return f"T{part}" if part else ""


def _resolve_weekday(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    spec, groups = match.rule.value, match.groups
    weekday = _lookup(rules, "weekday", _field(spec, "weekday", groups))
    if weekday is None:
        return None
    # The expression's own form can fix the tense ("Friday's ruling" is one that happened).
    clause = cast(grammar.Tense, spec.get("tense", clause))
    rel_text = _field(spec, "direction", groups)
    anchor, anchor_day = "dct", context.dct
    narrative = False
    if reported is not None and (rel_text is None or not reported.narrative):
        anchor, anchor_day, narrative = reported.id, reported.day, reported.narrative
        if (
            narrative
            and context.reference
            and context.reference[1].granularity not in ("day", "time")
        ):
            # A weekday counts from a day, not from a month.
            anchor, anchor_day, narrative = "dct", context.dct, False
    # "the previous Friday" counts back from the narrative, not from the story's date.
    if (
        rel_text is not None
        and rel_text.lower().startswith("the ")
        and context.reference is not None
    ):
        anchor, reference = context.reference
        anchor_day = reference.first
    # News reports what happened: a weekday no tense points forward is the last one;
    # but a simple present with a weekday is a schedule ("Arafat meets Albright
    # Monday"), so that takes the nearer one.
    choice = _choice_from_rel(rules, rel_text) or _choice_from_grammar(clause)
    if narrative:
        choice = "onward"
    elif choice == "closest" and clause not in ("present", "possible"):
        choice = "past"
    if "week_shift" in spec:
        # "Thursday next week": that weekday in the week after the anchor's.
        anchor_day += dt.timedelta(days=7 * int(spec["week_shift"]))
        choice = "this"
    offset = (int(weekday) - anchor_day.isoweekday()) % 7
    candidates = [
        Period("day", anchor_day + dt.timedelta(days=offset + 7 * k)) for k in (-2, -1, 0, 1)
    ]
    period = _choose(candidates, anchor_day, choice, "week")
    side = _field(spec, "day_shift", groups)
    if side is not None:
        # "the day before last Tuesday's hearing": a day counted from the weekday.
        period = Period("day", period.first + dt.timedelta(days=-1 if side == "before" else 1))
    suffix = _part_suffix(rules, _field(spec, "part", groups))
    if suffix:
        period = Period("time", period.first, suffix)
    return _Resolved.of(period, context.dct, anchor, precision="day")


def _finer(a: str, b: str) -> str:
    return a if GRANULARITIES.index(a) > GRANULARITIES.index(b) else b


def _resolve_shift(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    spec, groups, dct = match.rule.value, match.groups, context.dct
    unit = _unit(rules, _field(spec, "unit", groups))
    named_season: str | None = None
    if unit is None:
        season = _lookup(rules, "season", _field(spec, "unit", groups))
        if season is None:
            return None
        unit, named_season = "season", str(season)
    count = _number(rules, _field(spec, "n", groups)) if "n" in spec else 1.0
    sign_text = _field(spec, "sign", groups)
    sign = 1
    if sign_text is not None:
        looked_up = _lookup(rules, "rel", sign_text)
        sign = int(looked_up) if looked_up is not None else int(sign_text)
    if count is None:
        return None
    if count == "X":
        value = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return _Resolved(value=value, precision=value, direction="past" if sign < 0 else "future")
    steps = float(count)
    if not steps.is_integer() or unit in ("hour", "minute", "second"):
        return None
    offset = int(steps) * sign

    anchor = "dct"
    base = Period("day", dct)
    if spec.get("anchor") == "narrative" and context.reference is not None:
        anchor, base = context.reference
        if (
            unit == "day"
            and (spec.get("part") or base.granularity not in ("day", "time"))
            # "that same day" is a day of the narrative's own month, not the last day named;
            # "at that time" is the narrative's own time, as precise as it was given.
            and not spec.get("unknown_day")
            and spec.get("granularity") != "same"
        ):
            # A part of a day ("overnight", "the previous night") belongs to a day
            # near the story's; "two days later" after "the flood of 1997" counts
            # from the last day the text named, not from a year.
            day_reference = _day_reference(
                context, near_dct_only="narrative_sign" in spec or bool(spec.get("days_only"))
            )
            if day_reference is not None:
                anchor, base = day_reference
            elif spec.get("part") or spec.get("days_only"):
                anchor, base = "dct", Period("day", dct)
        if spec.get("days_only") and base.granularity not in ("day", "time"):
            # "by mid-morning" after "in 2017": the narrative names no day; the story's.
            anchor, base = "dct", Period("day", dct)
        if (
            "narrative_sign" in spec
            and anchor != "dct"
            and base.first < dct
            and context.sentence != context.reference_sentence
            and not context.modifies_noun
        ):
            # "overnight" a sentence after a past day the story tells is the night
            # that follows it ("… that afternoon. Overnight, the dam broke"); in the
            # same sentence, on a noun ("hit by overnight losses in New York") or
            # counted from the story's own date, the night before.
            offset = int(steps) * int(spec["narrative_sign"])
    granularity_rule = spec.get("granularity", "unit")
    granularity = "day" if unit == "day" else unit
    if granularity_rule == "month":
        # "the same month last year" names a month, however precisely the narrative
        # gave its own time ("in February", "on Feb. 12").
        granularity = "month"
    if (
        anchor != "dct"
        and offset == 0
        and granularity_rule == "unit"
        and granularity in GRANULARITIES
        and GRANULARITIES.index(base.granularity) < GRANULARITIES.index(granularity)
    ):
        if (
            named_season is not None
            and named_season in SEASON_START_MONTH
            and (base.granularity == "year")
        ):
            # "that winter" after "the 1926 general strike": that year's winter.
            season = Period("season", dt.date(base.first.year, SEASON_START_MONTH[named_season], 1))
            return _Resolved.of(season, dct, anchor, updates_reference=False)
        if spec.get("unknown_day") and unit == "day" and base.granularity in ("month", "year"):
            # "that same day" after "last October": one day of that month, which the
            # text does not give (TimeML writes the unknown digits as X).
            unknown = "-XX" if base.granularity == "month" else "-XX-XX"
            same = _Resolved.of(base, dct, anchor, updates_reference=False)
            same.value = base.value + unknown
            return same
        # "that day" after a month or a year names no day the text gives: generic.
        return None
    if granularity_rule == "ago" and unit == "week" and steps <= 2:
        # "two weeks ago" is a day; "six weeks ago" a week (a day would claim
        # a precision the text does not give).
        granularity = "day"
    if granularity_rule == "same":
        # "at that time": the narrative's own time, as precise as it was given.
        if anchor == "dct":
            return _Resolved(value="PAST_REF", precision="PAST_REF", direction="past")
        return _Resolved.of(base, dct, anchor, updates_reference=False)
    updates_reference = True
    if granularity_rule in ("reference", "reference_or_unit"):
        # A compared period ("a year earlier", "up from the prior quarter") is not the
        # one the report is about.
        updates_reference = unit != "year" and offset == 0
        if unit == "year" and context.span is not None:
            # After "the nine months" the report compares that part of the year with
            # the same part of the year before: the year is as precise as TimeML goes.
            anchor, base = context.span
            granularity = "year"
        elif context.fiscal is not None:
            # Company reports compare a quarter with the same quarter a year before.
            anchor, base = context.fiscal
            granularity = base.granularity
        elif granularity_rule == "reference" and unit == "quarter":
            # "the quarter" with no quarter named yet: the last one completed; "the
            # prior quarter" counts back from the one under way.
            base = Period.holding(shift_date(dct, "quarter", -1 if offset == 0 else 0), "quarter")
            anchor = "dct"
        elif anchor != "dct":
            granularity = _finer(base.granularity, granularity)
            if granularity == "time":
                granularity = "day"
    # "a year earlier" in a story about a quarter means that quarter a year before.
    if (
        granularity_rule == "ago"
        and anchor != "dct"
        and unit == "year"
        and base.granularity in ("quarter", "half-year", "month")
    ):
        granularity = base.granularity
    shifted = shift_date(base.first, unit, offset)
    period = Period.holding(shifted, granularity)
    if (
        spec.get("anchor") == "narrative"
        and str(spec.get("n", "")).startswith("$")  # a count the text gives
        and offset > 0
        and unit != "day"
        and clause == "past"
        and period.first > dct
    ):
        # "U Nu won power at the ballot box. Just two years later, his army commander
        # overthrew him": counted from the last date told (here the story's own week) it
        # would lie ahead of a past clause, so it counts from a time the text does not
        # give. What it gives is the length (TimeBank writes "Three days later" as P3D).
        return _Resolved(
            value=_duration_value(rules, steps, unit),
            precision=unit,
            updates_reference=False,
        )
    if named_season is not None and named_season in SEASON_START_MONTH and offset:
        # "the following spring": the next spring after the narrative's time, not the
        # next season of any name.
        seasons = [
            Period("season", dt.date(year, SEASON_START_MONTH[named_season], 1))
            for year in range(base.first.year - 2, base.first.year + 3)
        ]
        later = [p for p in seasons if p.first > base.last]
        earlier = [p for p in seasons if p.last < base.first]
        pool = later[: abs(offset)] if offset > 0 else earlier[-abs(offset) :]
        if pool:
            period = pool[-1] if offset > 0 else pool[0]
    if spec.get("direction") == "grammar":
        if clause in ("past", "since") and period.first > dct:
            period = period.shifted(unit, -1)
        elif clause in ("future", "future_in_past") and period.last < dct:
            period = period.shifted(unit, 1)
    if (
        anchor != "dct"
        and offset > 0
        and granularity == "day"
        and clause == "past"
        and base.first <= dct < period.first
    ):
        # "Soldiers cleared it on Wednesday, and two days later the convoy reached the
        # village", told in the past on Thursday: what is told as done cannot lie after
        # the story's date; the count overshoots (days counted loosely), the story's day.
        period = Period("day", dct)
    suffix = _part_suffix(rules, _field(spec, "part", groups))
    if suffix:
        period = Period("time", period.first, suffix)
    return _Resolved.of(period, dct, anchor, updates_reference=updates_reference)


def _resolve_ref(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    value = str(match.rule.value["value"])
    direction: Direction = {"PAST_REF": "past", "FUTURE_REF": "future"}.get(value, "present")  # type: ignore[assignment]
    return _Resolved(value=value, precision=value, direction=direction)


def _resolve_literal(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    value = str(match.rule.value["value"])
    if value.startswith("DCT_YEAR"):
        # A period of the story's year that the text does not place ("the week" → 1989-WXX).
        value = f"{context.dct.year:04d}{value[len('DCT_YEAR') :]}"
        return _Resolved(value=value, precision="year", anchor="dct", direction="none")
    return _Resolved(value=value, precision="duration", anchor="none")


def _resolve_duration(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    spec, groups = match.rule.value, match.groups
    unit = _unit(rules, _field(spec, "unit", groups))
    count = _number(rules, _field(spec, "n", groups))
    if unit is None or count is None or unit == "weekend":
        return None
    if count != "X" and _field(spec, "half", groups):
        count = float(count) + 0.5
    return _Resolved(value=_duration_value(rules, count, unit), precision=unit, anchor="none")


# Fractions are written in the next smaller unit (P2Y6M, PT1M30S); decades and
# centuries in years (P20Y), as the TimeML corpora write them.
_SMALLER = {
    "year": ("month", 12),
    "day": ("hour", 24),
    "hour": ("minute", 60),
    "minute": ("second", 60),
}
_IN_YEARS = {"decade": 10, "century": 100}


def _duration_value(rules: TimeRules, count: float | str, unit: str) -> str:
    if count != "X" and unit in _IN_YEARS:
        count, unit = float(count) * _IN_YEARS[unit], "year"
    elif unit == "decade":
        # "for decades": some number of years (PXY: TimeBank's "decades-long", "less
        # than a decade"; PXDE is in neither corpus).
        unit = "year"
    parts: list[tuple[float | str, str]] = [(count, unit)]
    if count != "X" and not float(count).is_integer() and unit in _SMALLER:
        whole = int(float(count))
        smaller, factor = _SMALLER[unit]
        rest = round((float(count) - whole) * factor, 3)
        parts = [(float(whole), unit)] if whole else []
        parts.append((rest, smaller))
    date_part = ""
    time_part = ""
    for amount, part_unit in parts:
        piece = _count_text(amount) + rules.table("unit")[part_unit]
        if part_unit in ("hour", "minute", "second"):
            time_part += piece
        else:
            date_part += piece
    return "P" + date_part + ("T" + time_part if time_part else "")


def _resolve_set(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    resolved = _resolve_duration(match, context, rules, clause, reported)
    if resolved is None:
        return None
    resolved.precision = "set"
    return resolved


def _resolve_set_month(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    month = _lookup(rules, "month", _field(match.rule.value, "month", match.groups))
    if month is None:
        return None
    return _Resolved(value=f"XXXX-{int(month):02d}", precision="set", anchor="none")


def _resolve_set_weekday(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    weekday = _lookup(rules, "weekday", _field(match.rule.value, "weekday", match.groups))
    if weekday is None:
        return None
    suffix = _part_suffix(rules, _field(match.rule.value, "part", match.groups))
    return _Resolved(value=f"XXXX-WXX-{int(weekday)}{suffix}", precision="set", anchor="none")


# The hour a part of the day begins, for what comes before it on the clock.
_PART_START = {"TMO": 6, "TMI": 12, "TAF": 12, "TEV": 17, "TNI": 20}


def _late_in_the_day(suffix: str) -> bool:
    """Whether a time of day (``TAF``, ``TEV``, ``TNI``, ``T18:30``) is past noon."""
    return _hour_of(suffix) >= 12


def _hour_of(suffix: str) -> int:
    """The hour a time of day (``TAF``, ``T18:30``) begins at; -1 for none."""
    if suffix in _PART_START:
        return _PART_START[suffix]
    clock = re.fullmatch(r"T(\d\d)(?::\d\d)?", suffix)
    return int(clock.group(1)) if clock is not None and int(clock.group(1)) < 24 else -1


def _resolve_clock(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    spec, groups = match.rule.value, match.groups
    word = (_field(spec, "word", groups) or "").lower()
    hour = _int(_field(spec, "hour", groups))
    minute = _int(_field(spec, "minute", groups)) or 0
    ampm = (_field(spec, "ampm", groups) or "").lower()
    if word:
        hour = 24 if word == "midnight" else 12
    if hour is None:
        return None
    if ampm.startswith("p") and hour < 12:
        hour += 12
    if ampm.startswith("a") and hour == 12:
        hour = 0
    # The day comes from a weekday or date in the same expression, else the
    # narrative's current day, else the story's date.
    day = context.dct
    anchor = "dct"
    dated: _Resolved | None = None
    if _field(spec, "weekday", groups):
        dated = _resolve_weekday(match, context, rules, clause, reported)
    elif _field(spec, "month", groups):
        dated = _resolve_date(match, context, rules, clause, reported)
    elif (day_reference := _day_reference(context, near_dct_only=True)) is not None:
        anchor, reference = day_reference
        day = reference.first
        if (
            hour <= 12
            and _late_in_the_day(reference.suffix)
            and hour < _hour_of(reference.suffix)
            and day < context.dct
        ):
            # A narrative moves forward: a morning clock after a later part of a past
            # day ("left on Sunday afternoon … derailed at 2:15 a.m.", "On Monday night
            # the governor agreed … handed over at 7:30 a.m.") is the next day's.
            day += dt.timedelta(days=1)
    if dated is not None and dated.period is not None:
        day, anchor = dated.period.first, dated.anchor
    elif word == "midnight" and anchor == "dct" and clause in ("past", "since"):
        # "The fire broke out shortly after midnight": the midnight that began the
        # story's day (the end of the day before), not the one still to come.
        day -= dt.timedelta(days=1)
    elif 21 <= hour < 24 and day == context.dct and clause == "past":
        # "Polls closed at 9 p.m.", "the doors closed at 10pm" told as done, with no day,
        # in a story of the morning after: a story is dated by the day it is filed, and
        # what it tells of that day's late evening has mostly not happened yet.
        day -= dt.timedelta(days=1)
    period = Period("time", day, f"T{hour:02d}:{minute:02d}")
    return _Resolved(
        value=period.value,
        precision="time",
        period=period,
        anchor=anchor,
        direction=_direction_of(period, context.dct),
        start_date=day,
        end_date=day,
    )


def _resolve_decade(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    decade = _int(_field(match.rule.value, "decade", match.groups), rules.table("decade_word"))
    if decade is None:
        return None
    period = Period("decade", dt.date(max(1, decade * 10), 1, 1))
    return _Resolved.of(period, context.dct, "none")


def _resolve_century(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    text = _field(match.rule.value, "century", match.groups)
    century = _lookup(rules, "century", text)
    if century is None:
        century = _int(text)
    if not century:
        return None
    period = Period("century", dt.date(max(1, (int(century) - 1) * 100), 1, 1))
    return _Resolved.of(period, context.dct, "none")


def _holiday_date(rule_value: str, year: int) -> dt.date:
    if rule_value == "easter":
        return easter(year)  # Western (Gregorian) Easter Sunday
    if rule_value == "election":
        # The American Election Day: the Tuesday after the first Monday of November.
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(1 - first.isoweekday()) % 7 + 1)
    parts = [int(part) for part in rule_value.split("-")]
    if len(parts) == 2:
        return dt.date(year, parts[0], parts[1])
    month, weekday, nth = parts
    first = dt.date(year, month, 1)
    offset = (weekday - first.isoweekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (nth - 1))


def _resolve_holiday(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    spec, groups, dct = match.rule.value, match.groups, context.dct
    rule_value = _lookup(rules, "holiday", _field(spec, "holiday", groups))
    if rule_value is None:
        return None
    year = _year(_field(spec, "year", groups), dct, rules)
    anchor = "dct"
    # "Easter week": the week that holds the day, chosen as a week ("as Easter week
    # began" on its Monday is this one, though Easter Sunday is still ahead).
    granularity = "week" if spec.get("week_of") else "day"
    if year is not None:
        period = Period.holding(_holiday_date(str(rule_value), year), granularity)
        anchor = "none"
    else:
        candidates = [
            Period.holding(_holiday_date(str(rule_value), y), granularity)
            for y in (dct.year - 1, dct.year, dct.year + 1)
        ]
        period = _choose(candidates, dct, _choice_from_grammar(clause), "year")
    return _Resolved.of(period, dct, anchor)


def _resolve_bc_year(
    match: Match,
    context: _Context,
    rules: TimeRules,
    clause: grammar.Tense,
    reported: _Anchor | None,
) -> _Resolved | None:
    # Python dates stop at year 1, so a year before Christ has a value but no interval.
    year = _int(_field(match.rule.value, "year", match.groups))
    if year is None or year == 0:
        return None
    return _Resolved(value=f"BC{year:04d}", precision="year", anchor="none", direction="past")


_Resolver = Callable[[Match, _Context, TimeRules, grammar.Tense, _Anchor | None], _Resolved | None]
_RESOLVERS: dict[str, _Resolver] = {
    "date": _resolve_date,
    "weekday": _resolve_weekday,
    "shift": _resolve_shift,
    "ref": _resolve_ref,
    "literal": _resolve_literal,
    "duration": _resolve_duration,
    "set": _resolve_set,
    "set_month": _resolve_set_month,
    "set_weekday": _resolve_set_weekday,
    "clock": _resolve_clock,
    "decade": _resolve_decade,
    "century": _resolve_century,
    "holiday": _resolve_holiday,
    "bc_year": _resolve_bc_year,
}
