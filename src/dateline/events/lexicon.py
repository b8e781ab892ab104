"""The events engine's word lists, read from rule data (`rules/lexicon.yaml`).

Every list has a `why` and at least one example (run by tests/events/test_steps.py, in the
format of rules/steps.yaml). The engine reads its words from here, so a changed word is a
changed rule file: it shows in `rules_version` and needs no code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dateline.errors import RuleDataError

__all__ = ["LEXICON_FILE", "LISTS", "Lexicon", "load_lexicon"]

LEXICON_FILE = Path(__file__).parent / "rules" / "lexicon.yaml"
# The lists the engine reads; the file must have exactly these.
LISTS = (
    "relational_objects",
    "agent_nouns",
    "agent_suffixes",
    "people_nouns",
    "directive_embedders",
    "accusation_verbs",
    "commissives",
    "ready_words",
    "threat_verbs",
    "light_verbs",
    "departure_verbs",
    "eventful_embedders",
    "particles",
    "stative_passives",
    "crowd_words",
    "first_second_person",
    "topic_preps",
    "party_phrase_preps",
    "party_preps",
    "domestic_patients",
    "resignation_words",
    "refusal_verbs",
    "rejection_verbs",
    "declined_acts",
    "counterpart_nouns",
    "document_nouns",
    "act_nouns",
    "conduct_nouns",
    "damning_words",
    "verdict_verbs",
    "praise_words",
    "blame_words",
    "demand_verbs",
    "appeal_verbs",
    "raid_words",
    "resignation_phrasals",
)
_HEADER = ("id", "version", "source", "licence")


@dataclass(frozen=True, slots=True)
class Lexicon:
    lists: Mapping[str, tuple[str, ...]]
    why: Mapping[str, str]
    examples: Mapping[str, tuple[dict[str, Any], ...]]

    def words(self, name: str) -> frozenset[str]:
        return frozenset(self.lists[name])

    def ordered(self, name: str) -> tuple[str, ...]:
        return self.lists[name]


def _fail(path: Path, entry: str, message: str) -> RuleDataError:
    return RuleDataError(f"{path}: entry {entry}: {message}; fix the rule file")


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The word lists of `path`, checked: a header, exactly the lists in `LISTS`, each with
    a why, lower-case words and an example."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleDataError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, Mapping):
        raise _fail(path, "file", "not a mapping")
    for key in _HEADER:
        if not data.get(key):
            raise _fail(path, "header", f"missing {key!r}")
    raw = data.get("lists")
    if not isinstance(raw, Mapping):
        raise _fail(path, "lists", "missing or not a mapping")
    unknown = sorted(set(raw) - set(LISTS))
    missing = [name for name in LISTS if name not in raw]
    if unknown or missing:
        raise _fail(path, "lists", f"unknown {unknown}, missing {missing}")
    lists: dict[str, tuple[str, ...]] = {}
    why: dict[str, str] = {}
    examples: dict[str, tuple[dict[str, Any], ...]] = {}
    for name in LISTS:
        entry = raw[name]
        if not isinstance(entry, Mapping):
            raise _fail(path, name, "not a mapping")
        words = entry.get("words")
        if not isinstance(words, list) or not words:
            raise _fail(path, name, "words must be a non-empty list")
        if any(not isinstance(w, str) or w != w.strip().lower() or not w for w in words):
            raise _fail(path, name, "words are non-empty lower-case strings")
        if not isinstance(entry.get("why"), str) or not entry["why"].strip():
            raise _fail(path, name, "a list needs a why")
        if not isinstance(entry.get("examples"), list) or not entry["examples"]:
            raise _fail(path, name, "a list needs an example")
        lists[name] = tuple(words)
        why[name] = entry["why"].strip()
        examples[name] = tuple(entry["examples"])
    return Lexicon(lists, why, examples)
