"""`Lexicon`: the English words (and small code tables) the actors engine decides by.

They live in ``data/lexicon.yaml``, one list per rule, each with a ``why`` and
``examples`` that run as tests (tests/actors/test_lexicon.py). This module reads
that file through one schema and hands the engine typed, immutable sets; a bad
file raises E002 (`RuleDataError`) on load, naming the list and what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dateline.errors import RuleDataError

__all__ = ["LEXICON_PATH", "Lexicon", "load_lexicon"]

LEXICON_PATH = Path(__file__).parent / "data" / "lexicon.yaml"
_HEADER = ("id", "version", "source", "licence")
_ENTRY_KEYS = {"why", "words", "table", "examples"}
_EXAMPLE_KEYS = {"text", "date", "mention", "expected"}
_ISO3 = re.compile(r"^[A-Z]{3}$")
# lists of CAMEO codes rather than words: checked against the CAMEO tables on load
_SECTOR_LISTS = ("state_sectors", "bare_sectors")
_COUNTRY_LISTS = ("surname_first",)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One frozen set per word list of ``lexicon.yaml`` (see its ``why`` there)."""

    locative_prepositions: frozenset[str]
    recipient_prepositions: frozenset[str]
    dealing_nouns: frozenset[str]
    motion_verbs: frozenset[str]
    visit_verbs: frozenset[str]
    visit_nouns: frozenset[str]
    meet_verbs: frozenset[str]
    compass_words: frozenset[str]
    former_words: frozenset[str]
    owner_prepositions: frozenset[str]
    articles: frozenset[str]
    list_joiners: frozenset[str]
    state_sectors: frozenset[str]
    bare_sectors: frozenset[str]
    bare_institutions: frozenset[str]
    body_modifiers: frozenset[str]
    body_units: frozenset[str]
    currency_words: frozenset[str]
    language_words: frozenset[str]
    prefixes: frozenset[str]
    origin_participles: frozenset[str]
    named_rounds: frozenset[str]
    geographic_heads: frozenset[str]
    state_name_words: frozenset[str]
    institution_words: frozenset[str]
    country_group_nouns: frozenset[str]
    government_group_nouns: frozenset[str]
    person_group_nouns: frozenset[str]
    not_person_nouns: frozenset[str]
    recalled_titles: frozenset[str]
    recalled_bodies: frozenset[str]
    organisation_heads: frozenset[str]
    company_suffixes: frozenset[str]
    recalled_companies: frozenset[str]
    pronouns: frozenset[str]
    male_pronouns: frozenset[str]
    speaker_pronouns: frozenset[str]
    speaker_nouns: frozenset[str]
    quoted_self_pronouns: frozenset[str]
    referring_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    reporting_verbs: frozenset[str]
    sent_documents: frozenset[str]
    publishing_verbs: frozenset[str]
    honorifics: frozenset[str]
    surname_first: frozenset[str]
    default_modifiers: frozenset[str]
    # ISO3 of a state now gone's successor → (the old state's code, the day it ended)
    successors: MappingProxyType[str, tuple[str, dt.date]]
    # a truncated Phoenix stem ("minist") → the words it stands for
    stems: MappingProxyType[str, tuple[str, ...]]
    # a compass word → the half of a divided country it names in a story of that country
    divided_halves: MappingProxyType[str, str]
    path: Path = LEXICON_PATH  # the file it was read from

    def __reduce__(self) -> tuple[Any, ...]:
        # Stages travel to worker processes: the lexicon is read there again (cached).
        return (load_lexicon, (self.path,))


_TABLES = {"successors", "stems", "divided_halves"}
_WORD_LISTS = tuple(f.name for f in fields(Lexicon) if f.name not in {*_TABLES, "path"})


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """The lexicon in `path` (the package's by default), validated; cached, it is immutable."""
    entries = _entries(path)
    words = {name: _words(path, name, entries[name]) for name in _WORD_LISTS}
    _check_codes(path, words)
    return Lexicon(
        **words,
        successors=_successors(path, entries["successors"]),
        stems=_stems(path, entries["stems"]),
        divided_halves=_halves(path, entries["divided_halves"]),
        path=path,
    )


def examples(path: Path = LEXICON_PATH) -> list[tuple[str, dict[str, Any]]]:
    """(list name, example) for every example in the file, in file order."""
    return [
        (name, example) for name, entry in _entries(path).items() for example in entry["examples"]
    ]


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    """The file's lists, each checked for its keys and examples; the header checked."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleDataError(f"{path}: cannot read the actors lexicon: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleDataError(f"{path}: expected a mapping with a header and 'lists'")
    missing_header = [key for key in _HEADER if key not in data]
    if missing_header:
        raise RuleDataError(f"{path}: header lacks {missing_header}")
    lists = data.get("lists")
    if not isinstance(lists, dict):
        raise RuleDataError(f"{path}: 'lists' must map list names to entries")
    expected = {*_WORD_LISTS, *_TABLES}
    unknown, absent = sorted(set(lists) - expected), sorted(expected - set(lists))
    if unknown or absent:
        raise RuleDataError(
            f"{path}: lists must be exactly the engine's; unknown {unknown}, missing {absent}"
        )
    for name, entry in lists.items():
        _check_entry(path, name, entry)
    return lists


def _check_entry(path: Path, name: str, entry: Any) -> None:
    where = f"{path}: list {name!r}"
    if not isinstance(entry, dict) or set(entry) - _ENTRY_KEYS:
        raise RuleDataError(f"{where}: an entry has only the keys {sorted(_ENTRY_KEYS)}")
    if not isinstance(entry.get("why"), str) or not entry["why"].strip():
        raise RuleDataError(f"{where}: needs a one-line 'why'")
    body = "table" if name in _TABLES else "words"
    if body not in entry:
        raise RuleDataError(f"{where}: needs '{body}'")
    examples = entry.get("examples")
    if not isinstance(examples, list) or not examples:
        raise RuleDataError(f"{where}: needs at least one example")
    for n, example in enumerate(examples):
        if (
            not isinstance(example, dict)
            or not set(example) >= _EXAMPLE_KEYS
            or set(example) - _EXAMPLE_KEYS - {"knowledge"}
            or not isinstance(example["date"], dt.date)
            or example["mention"] not in str(example["text"])
            or example.get("knowledge", "package") not in {"package", "phoenix"}
        ):
            raise RuleDataError(
                f"{where}: examples[{n}] needs text, date (YYYY-MM-DD), a mention found in "
                f"the text, expected (a code or null) and optionally knowledge: phoenix"
            )


def _words(path: Path, name: str, entry: dict[str, Any]) -> frozenset[str]:
    words = entry["words"]
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        raise RuleDataError(
            f"{path}: list {name!r}: 'words' must be a non-empty list of strings "
            f"(quote words YAML reads as other things: yes, no, on, off, null)"
        )
    if len(set(words)) != len(words):
        doubled = sorted({w for w in words if words.count(w) > 1})
        raise RuleDataError(f"{path}: list {name!r}: duplicate words {doubled}")
    return frozenset(words)


def _check_codes(path: Path, words: dict[str, frozenset[str]]) -> None:
    from dateline.codes import CameoCodes

    codes = CameoCodes.load()
    for name in _SECTOR_LISTS:
        unknown = sorted(w for w in words[name] if codes.actor_type_name(w) is None)
        if unknown:
            raise RuleDataError(f"{path}: list {name!r}: not CAMEO actor types: {unknown}")
    for name in _COUNTRY_LISTS:
        bad = sorted(w for w in words[name] if not _ISO3.match(w))
        if bad:
            raise RuleDataError(f"{path}: list {name!r}: not ISO3 codes: {bad}")


def _successors(path: Path, entry: dict[str, Any]) -> MappingProxyType[str, tuple[str, dt.date]]:
    table = entry["table"]
    if not isinstance(table, dict) or not table:
        raise RuleDataError(f"{path}: successors: 'table' must map ISO3 codes to rows")
    found: dict[str, tuple[str, dt.date]] = {}
    for iso3, row in table.items():
        if (
            not _ISO3.match(str(iso3))
            or not isinstance(row, dict)
            or not _ISO3.match(str(row.get("state", "")))
            or not isinstance(row.get("until"), dt.date)
        ):
            raise RuleDataError(
                f"{path}: successors: {iso3!r} needs {{state: ISO3, until: YYYY-MM-DD}}"
            )
        found[str(iso3)] = (str(row["state"]), row["until"])
    return MappingProxyType(found)


def _stems(path: Path, entry: dict[str, Any]) -> MappingProxyType[str, tuple[str, ...]]:
    table = entry["table"]
    if (
        not isinstance(table, dict)
        or not table
        or not all(
            isinstance(stem, str)
            and isinstance(words, list)
            and words
            and all(isinstance(w, str) and w.startswith(stem) for w in words)
            for stem, words in table.items()
        )
    ):
        raise RuleDataError(f"{path}: stems: 'table' must map a stem to the words it begins")
    return MappingProxyType({stem: tuple(words) for stem, words in table.items()})


def _halves(path: Path, entry: dict[str, Any]) -> MappingProxyType[str, str]:
    table = entry["table"]
    if (
        not isinstance(table, dict)
        or not table
        or not all(isinstance(word, str) and _ISO3.match(str(iso3)) for word, iso3 in table.items())
    ):
        raise RuleDataError(f"{path}: divided_halves: 'table' must map a word to an ISO3 code")
    return MappingProxyType({word: str(iso3) for word, iso3 in table.items()})
