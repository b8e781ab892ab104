"""What the parse tells about a time expression: the word it modifies and the
tense of its clause.

The regex layer finds and normalises expressions without the parse; this module
is only asked where an expression is underspecified ("in November", "Sunday")
and for the governor the events stage dates triggers by.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "REPORTING_VERBS",
    "Tense",
    "compares_figure",
    "expression_head",
    "governor",
    "simple_past",
    "tense",
]

# "since": the expression bounds a span that runs up to now ("in custody since his
# arrest in January"), so it lies in the past whatever else the clause says.
Tense = Literal["past", "since", "future", "future_in_past", "possible", "present", "none"]

_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo", "ll"})
_FUTURE_IN_PAST_AUX = frozenset({"would", "'d"})
_MODAL_FUTURE = frozenset({"may", "might", "should", "must", "can", "ca"})
# "could" is as often the past of "can" ("could not be reached Wednesday") as a
# possibility ("could come as early as Tuesday"): the nearest reading.
_MODAL_EITHER = frozenset({"could"})
_PERFECT_AUX = frozenset({"has", "have", "had", "'ve", "'s"})
_PAST_AUX = frozenset({"was", "were", "did", "had"})
_PRESENT_AUX = frozenset({"is", "are", "am", "'re", "'m", "does", "do"})
# Heads whose complement clause is planned, not yet done ("expected to visit").
_PLANNING = frozenset(
    {
        "expect",
        "schedule",
        "plan",
        "due",
        "set",
        "slate",
        "intend",
        "aim",
        "hope",
        "likely",
        "prepare",
        "arrange",
        "seek",
        "want",
        "propose",
        "agree",
        "promise",
        "vow",
        "pledge",
        "threaten",
        "going",
        "poised",
        "expected",
        "scheduled",
    }
)
# Adjectives that make the noun they qualify a planned event ("the proposed June 30
# deregulation", "the scheduled May vote"), as the small model lemmatises them; the
# upcoming ones say it lies ahead whenever told.
_UPCOMING_ADJECTIVES = frozenset({"upcoming", "forthcoming", "impending"})
_PLANNED_ADJECTIVES = _UPCOMING_ADJECTIVES | frozenset(
    {"propose", "proposed", "plan", "planned", "schedule", "scheduled"}
)
# Verbs whose time expression dates the planned event, not the planning
# ("planned a demonstration on Saturday", "scheduled talks for July").
# Forms the small model lemmatises wrongly ("slated" → "slat").
_LEMMA_FIXES = {"slated": "slate", "slates": "slate"}
_PLANNED_EVENT_VERBS = frozenset(
    {"plan", "schedule", "slate", "postpone", "delay", "defer", "reschedule"}
)
# Verbs that move a planned event: the new day comes after "until", "to", "for",
# "till" or "into" ("postponed the vote until Friday") and lies ahead (or either way
# when the move is told in the past, "was postponed to May 4": it may have been
# overtaken); any other date on them is when the move was made ("postponed the vote
# on Monday", "was delayed on Tuesday") and takes the verb's own tense.
_DELAY_VERBS = frozenset({"postpone", "delay", "defer", "reschedule", "adjourn"})
_NEW_DAY = re.compile(r"\b(?:until|till|til|to|for|into)\s+$", re.IGNORECASE)
# Verbs of a scheduled start or end: in the simple present they tell a timetable
# ("the president's term ends in June", "the truce expires on June 2", "a consultation
# closes on Friday 25 April"), which lies ahead.
_SCHEDULE_VERBS = frozenset(
    {"end", "expire", "begin", "start", "open", "close", "resume", "finish", "conclude"}
)
# Verbs that report speech: a date on them is when it was said, and the clause
# they govern is dated from that day ("said on Friday it would … on Tuesday").
REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "announce",
        "report",
        "state",
        "add",
        "claim",
        "confirm",
        "deny",
        "warn",
        "insist",
        "predict",
        "declare",
        "disclose",
        "reveal",
        "indicate",
        "note",
        "explain",
        "assert",
        "promise",
        "pledge",
        "vow",
        "threaten",
        "agree",
        "decide",
        "urge",
    }
)
_TIME_NOUNS = frozenset(
    {
        "year",
        "month",
        "week",
        "day",
        "quarter",
        "period",
        "time",
        "hour",
        "minute",
        "weekend",
        "morning",
        "evening",
        "night",
        "afternoon",
        "decade",
        "century",
        "season",
        "date",
    }
)


def expression_head(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def governor(doc: Doc, start: int, end: int) -> Token | None:
    """The verb or event noun the expression at [start, end) modifies.

    Walks up from the expression's head through prepositions, noun-phrase
    adverbials and proper names (a place the parser attached the date to) until
    it reaches a verb, or a common noun reached through a preposition.
    """
    head = expression_head(doc, start, end)
    if head is None:
        return None
    inside = range(head.i, head.i + 1)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None:
        inside = range(span.start, span.end)
    if span is not None and span.start > 0:
        # "said Sunday", "announced on Friday": a date right after a reporting verb
        # dates the report, whatever the parser attached it to.
        before = doc[span.start - 1]
        if before.text.lower() == "on" and span.start > 1:
            before = doc[span.start - 2]
        if before.pos_ == "VERB" and before.lemma_.lower() in REPORTING_VERBS:
            return before
    token = head
    via_prep = False
    for _ in range(10):
        parent = token.head
        if parent.i == token.i:
            return None if token.i in inside else token
        if parent.i in inside:
            token = parent
            continue
        if parent.pos_ in ("VERB", "AUX"):
            return parent
        if parent.pos_ == "ADP" or token.dep_ in ("pobj", "pcomp"):
            via_prep = True
            token = parent
            continue
        if (
            parent.pos_ == "NOUN"
            and (via_prep or token.dep_ in ("npadvmod", "compound", "nmod", "amod"))
            and parent.lemma_.lower() not in _TIME_NOUNS
        ):
            return parent
        if parent.pos_ == "ADJ" and token.dep_ in ("prep", "npadvmod"):
            return parent
        token = parent
    return None


def _clause_verb(token: Token) -> Token | None:
    for _ in range(10):
        if token.pos_ in ("VERB", "AUX") or token.tag_ == "MD":
            return token
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def tense(token: Token | None, before: str = "") -> Tense:
    """The tense of the clause `token` belongs to, as far as its direction goes.

    `before` is the text just before the expression, for verbs whose date depends on
    its preposition ("postponed until Friday" looks ahead, "postponed on Monday" not).
    """
    if token is None:
        return "none"
    if token.text.lower() == "effective" or (
        token.lemma_.lower() == "take"
        and token.tag_ in ("VB", "VBZ", "VBP")
        and any(c.dep_ == "dobj" and c.text.lower() == "effect" for c in token.children)
    ):
        # "a pact effective June 1", "takes effect on Jan. 1": a change announced
        # ahead of its day.
        return "future"
    if token.pos_ == "NOUN" and token.lemma_.lower() in ("deadline", "ultimatum", "forecast"):
        # "before a Monday deadline", "missed a Friday deadline": a deadline is set
        # ahead and may have passed; whichever day is nearer. So is a forecast ("rain
        # forecast for Sunday raised the risk").
        return "possible"
    if token.pos_ == "NOUN" and token.head.i != token.i:
        planned = {
            c.lemma_.lower() for c in token.children if c.dep_ == "amod"
        } & _PLANNED_ADJECTIVES
        if planned:
            # "the proposed June 30 deregulation", "the planned March 3 vote": the day a
            # plan gives its event lies ahead when the plan is told; told in a past clause
            # it may have come since (the nearest reading). "the upcoming May 5 summit"
            # lies ahead either way.
            if planned & _UPCOMING_ADJECTIVES:
                return "future"
            return "possible" if tense(token.head) in ("past", "since") else "future"
    verb = _clause_verb(token)
    if verb is None:
        return "none"
    # An auxiliary the parser made the head of its verb ("will" → "be").
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.text.lower() for c in auxes}
    if verb.text.lower() in _FUTURE_AUX:
        return "future"
    if words & _FUTURE_AUX:
        return "future"
    if (
        words & (_FUTURE_IN_PAST_AUX | _MODAL_FUTURE | _MODAL_EITHER)
        and words & {"have", "'ve"}
        and verb.tag_ == "VBN"
    ):
        # "may have been hit on Wednesday", "would have met Friday": a modal perfect
        # looks back.
        return "past"
    if words & _FUTURE_IN_PAST_AUX:
        return "future_in_past"
    if words & _MODAL_FUTURE:
        return "future"
    if words & _MODAL_EITHER:
        return "possible"
    if (
        verb.dep_ == "conj"
        and verb.tag_ in ("VB", "VBN")
        and verb.head.i != verb.i
        and not words - {"be", "been"}
    ):
        # A verb joined to another with no finite word of its own shares its
        # auxiliaries: "will return … and be sworn in on Friday" looks ahead.
        return tense(verb.head, before)
    lemma = _LEMMA_FIXES.get(verb.text.lower(), verb.lemma_.lower())
    if lemma in _SCHEDULE_VERBS and verb.tag_ in ("VBZ", "VBP") and not words:
        return "future"
    if lemma in _DELAY_VERBS:
        if verb.i == token.i and _NEW_DAY.search(before):
            return "possible" if _planned_before(verb) else "future"
    elif lemma in _PLANNED_EVENT_VERBS or (
        lemma in _PLANNING and verb.tag_ in ("VBN", "JJ", "VBG") and not _set_as_done(verb, lemma)
    ):
        return "possible" if _planned_before(verb) else "future"
    if "to" in words or verb.dep_ == "xcomp":
        head = verb.head
        if head.lemma_.lower() in _PLANNING or head.text.lower() in _PLANNING:
            return "possible" if _planned_before(head) else "future"
        if head.text.lower() in ("was", "were") and head.lemma_ == "be" and "to" in words:
            # "MPs were to vote on Monday", "the plan was to meet on Friday": a plan
            # stated in the past, which may have come since; the nearest reading.
            return "possible"
        outer = tense(head) if head.i != verb.i else "none"
        if outer in ("future", "present"):
            return "future"
        return outer
    if words & _PERFECT_AUX and (verb.tag_ == "VBN" or (verb.tag_ == "VBG" and "been" in words)):
        # "has met", "have been searching since …": it began before the story.
        return "past"
    if words & _PAST_AUX:
        return "past"
    if verb.tag_ == "VBD":
        return "past"
    if verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl", "advcl"):
        return "past"
    if (
        verb.tag_ == "VBG"
        and not words
        and verb.dep_ in ("advcl", "acl", "conj", "xcomp")
        and verb.head.i != verb.i
    ):
        # A participle clause ("has fluctuated, rising … in March") shares the
        # tense of the clause it hangs from.
        return tense(verb.head)
    if words & _PRESENT_AUX or verb.tag_ in ("VBZ", "VBP", "VBG"):
        return "present"
    return "none"


def simple_past(token: Token) -> bool:
    """Whether `token` is a finite verb in the simple past with no auxiliary ("changed",
    "signed"): not a participle, a plan or a perfect."""
    return (
        token.tag_ == "VBD"
        and token.pos_ == "VERB"
        and not any(c.dep_ in ("aux", "auxpass") for c in token.children)
    )


def _planned_before(plan: Token) -> bool:
    """A plan stated in the past ("had been due to expire Friday", "was first due to
    open on March 9", "were scheduled to") was often overtaken: its day may be past
    or ahead."""
    if (
        plan.dep_ == "acl"
        and plan.head.head.i != plan.head.i
        and plan.head.head.pos_ in ("VERB", "AUX")
    ):
        # "a memorial planned for Saturday was canceled": a plan that the clause
        # around it reports in the past.
        return tense(plan.head.head) == "past"
    # "had been due": the parser may hang "due" from "been", and "had" from that.
    owners = (
        [plan, plan.head] if plan.dep_ in ("acomp", "attr") or plan.head.lemma_ == "be" else [plan]
    )
    return any(
        c.text.lower() in ("had", "was", "were") and c.dep_ in ("aux", "auxpass")
        for owner in owners
        for c in owner.children
    ) or any(owner.text.lower() in ("was", "were") for owner in owners if owner is not plan)


def _set_as_done(verb: Token, lemma: str) -> bool:
    """ "set" plans only with "to" or "for" ("set to meet", "set for Monday");
    "a record set on Aug. 6" was done."""
    return lemma == "set" and not any(
        c.text.lower() in ("to", "for") or c.dep_ == "xcomp" for c in verb.children
    )


def under_since(doc: Doc, start: int, end: int) -> bool:
    """Whether the expression at [start, end) sits in a "since" phrase: "since
    March", "since his arrest in January" (up to four steps up the tree)."""
    token = expression_head(doc, start, end)
    for _ in range(4):
        if token is None or token.head.i == token.i:
            return False
        token = token.head
        if token.lower_ == "since" and token.dep_ in ("prep", "mark"):
            return True
        if token.pos_ in ("VERB", "AUX"):
            return False
    return False


def under_ahead_of(doc: Doc, start: int, end: int) -> bool:
    """Whether the expression sits in an "ahead of" phrase ("ahead of the election in
    June"): what is ahead lies in the future."""
    token = expression_head(doc, start, end)
    for _ in range(4):
        if token is None or token.head.i == token.i:
            return False
        token = token.head
        if token.lower_ == "ahead" and any(child.lower_ == "of" for child in token.children):
            return True
        if token.lower_ == "of" and token.head.lower_ == "ahead":
            return True
        if token.pos_ in ("VERB", "AUX"):
            return False
    return False


# A figure set beside another for comparison ("3.2 pct in February, compared with 3.4
# pct in September", "stands at 4.5 pct, against 5.1 pct in September", "down from
# 7.4 pct in October", "off 1.8 pct from 7.06 mln last year"): the figure it is compared
# with has been measured, so its date lies in the past whatever the tense of the clause
# that reports the new one; so has the one a change is told after ("rose 4.0 pct in
# February after a 9.8 pct rise in January", "after rising 3.5 pct in January"). A bare
# "from" opens a range as often ("will rise from 5 pct
# in July to 7 pct in 1988"). Up to nine words may stand between the comparison and the
# date, so the second figure of a compared list is a baseline too ("against 70.6 billion
# in February and 98.6 billion crowns in March 1986"); "unchanged from 5.2 pct in May".
_COMPARISON = re.compile(
    r"\b(?:compared (?:with|to)|against|versus|vs\.?"
    r"|after (?:an?|rising|falling|gaining|dropping|declining|increasing|decreasing)"
    r"(?=\s+[0-9][^\s,;:]*\s+(?:pct|percent|per cent)\b)"
    r"|(?:up|down|off|unchanged)(?:\s+[0-9][^\s,;:]*(?:\s+(?:pct|percent|per cent|points?))?)?\s+from)\s+"
    r"(?P<figure>(?:[^\s,;:]+\s+){0,9})(?:in|on|at|for|during|of)?\s*$",
    re.IGNORECASE,
)


def compares_figure(doc: Doc, start: int) -> bool:
    """Whether the expression starting at `start` dates a figure that a comparison
    ("compared with", "against", "versus", "up/down from") sets beside another: the
    words between hold a number and no verb."""
    head = doc.char_span(start, start + 1, alignment_mode="expand")
    if head is None or len(head) == 0:
        return False
    # the text from the sentence's start (at most 80 characters) up to `start`, read from
    # the tokens: `doc.text` joins the whole document on every call (quadratic in a long
    # story)
    first = head[0].i
    while first > 0 and not doc[first].is_sent_start:
        first -= 1
    sentence_start = doc[first].idx
    prefix = doc[first : head[0].i + 1].text_with_ws
    before = prefix[max(0, start - 80 - sentence_start) : start - sentence_start]
    found = _COMPARISON.search(before)
    if found is None or not re.search(r"[0-9]", found.group("figure")):
        return False
    words = doc.char_span(
        max(sentence_start, start - len(before) + found.start("figure")),
        start,
        alignment_mode="expand",
    )
    return words is not None and not any(token.pos_ in ("VERB", "AUX") for token in words)
