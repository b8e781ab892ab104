"""The time stage: find every time expression and normalise it against the story's date.

`tag_time(doc, dct)` works on any spaCy parse; `TimeStage` fills
`Document.timexes` in the pipeline. The knowledge is in `rules/` (fragments,
tables, rules with examples), loaded once by `load_rules()`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

from dateline.records import Document, TimeExpr
from dateline.time.engine import tag
from dateline.time.ruleset import TimeRules, load_rules

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["TimeRules", "TimeStage", "default_rules", "load_rules", "tag_text", "tag_time"]


@lru_cache(maxsize=1)
def default_rules() -> TimeRules:
    """The rules shipped with the package, compiled once per process."""
    return load_rules()


def tag_time(doc: Doc, dct: dt.date, rules: TimeRules | None = None) -> list[TimeExpr]:
    """Every time expression in a parsed text, resolved against `dct`
    (offsets into `doc.text`, sentence indexes from `doc.sents`)."""
    return tag(doc.text, dct, rules or default_rules(), doc)


def tag_text(text: str, dct: dt.date, rules: TimeRules | None = None) -> list[TimeExpr]:
    """The same without a parse: no governors, and underspecified expressions
    take the nearest reading instead of the one their verb's tense gives."""
    return tag(text, dct, rules or default_rules(), None)


class TimeStage:
    name = "time"
    requires = frozenset({"spacy_doc", "sentences"})
    provides = frozenset({"timexes"})

    def __init__(self, rules: TimeRules | None = None) -> None:
        self.rules = rules if rules is not None else default_rules()

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            if document.spacy_doc is None:
                document.timexes = tuple(
                    tag(document.article.text, document.article.date, self.rules)
                )
            else:
                document.timexes = tuple(
                    tag(
                        document.spacy_doc.text,
                        document.article.date,
                        self.rules,
                        document.spacy_doc,
                    )
                )
        return batch
