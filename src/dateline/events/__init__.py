"""The events stage: who did what to whom, when, where, and whether it happened.

    >>> from dateline.events import EventStage
    >>> stage = EventStage()          # CAMEO 2.0 patterns + dateline's additions

See docs/events.md for the pattern format and the conventions.
"""

from dateline.events.engine import UNILATERAL_ROOTS, EventStage
from dateline.events.patterns import PatternSet, load_patterns

__all__ = ["UNILATERAL_ROOTS", "EventStage", "PatternSet", "load_patterns"]
