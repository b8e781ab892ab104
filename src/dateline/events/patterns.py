"""Event patterns as data: loading, schema checks and the lemma index.

Two files ship in ``rules/``:

* ``cameo_verbs.json``: PETRARCH2's CAMEO 2.0 verb dictionary compiled by
  ``scripts/build_verbs.py`` (synonym sets, verbs by block, patterns).
* ``event_additions.yaml``: dateline's own hand-written event nouns, verb
  overrides and patterns, each with examples.

Both are validated on load; a bad entry raises `RuleDataError` naming the
file and the entry. At run time patterns are reached through a dict keyed by
trigger lemma, so a token costs one dict lookup plus the few patterns of its
own verb block.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dateline.errors import RuleDataError

__all__ = [
    "RULES_DIR",
    "Pattern",
    "PatternSet",
    "PrepConstraint",
    "Term",
    "TriggerEntry",
    "load_patterns",
]

RULES_DIR = Path(__file__).parent / "rules"
VERBS_FILE = RULES_DIR / "cameo_verbs.json"
ADDITIONS_FILE = RULES_DIR / "event_additions.yaml"

_HEADER_KEYS = ("id", "version", "source", "licence")

# A term is satisfied when any of its alternatives is; an alternative when all
# of its words are found (a synonym set member may be several words).
Term = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class PrepConstraint:
    preps: frozenset[str]
    words: tuple[Term, ...]
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled pattern. `specificity` ranks patterns that all match: the
    one that asks most of the sentence wins."""

    id: str
    code: str | None
    reverse_code: str | None
    before: tuple[Term, ...] = ()
    after: tuple[Term, ...] = ()
    preps: tuple[PrepConstraint, ...] = ()
    source: str | None = None
    target: str | None = None
    text: str = ""
    reciprocal: bool = False
    # words of which at least one must be near the trigger for the pattern to
    # hold: a cheap pre-check before the full match (empty: no pre-check)
    keys: frozenset[str] = frozenset()

    @property
    def specificity(self) -> int:
        return len(self.before) + len(self.after) + sum(1 + len(prep.words) for prep in self.preps)


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """What a trigger lemma can mean: its default code (None: only a
    pattern can make it an event), the particles a phrasal verb needs, and the
    patterns of its block."""

    lemma: str
    kind: str  # "verb" | "noun"
    block: str
    default_code: str | None
    default_reverse: str | None
    particles: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    reciprocal: bool = False
    rule_id: str = ""
    hand_written: bool = False  # dateline's own entries win ties with compiled ones
    # "discuss the Iran-Iraq war": the object is what is talked about, and the
    # actors in it are topics, not parties (only "with" and coordination give those)
    object_is_topic: bool = False


@dataclass(frozen=True)
class PatternSet:
    """All patterns, indexed by trigger lemma and part of speech."""

    verbs: Mapping[str, tuple[TriggerEntry, ...]]
    nouns: Mapping[str, tuple[TriggerEntry, ...]]
    reporting: frozenset[str] = frozenset()
    embedding: Mapping[str, str] = field(default_factory=dict)
    pattern_only: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    # nouns naming no thing one can strike ("a campaign", "the image"): a
    # violent block default does not code a verb acting on them
    abstract_objects: frozenset[str] = frozenset()
    # nouns whose complement is an act wished for, not done ("the need for A
    # and B to boost exchange"): a trigger there codes nothing
    reference_heads: frozenset[str] = frozenset()
    # things a country word only qualifies ("North American demand", "the U.S.
    # Farm Act", "Brazilian imports"): as a verb's subject they do not act
    owned_things: frozenset[str] = frozenset()
    # agency rhetoric's objects ("pushed forward plots", "intensified the
    # smear campaign"): no block default codes a verb acting on them
    rhetoric_objects: frozenset[str] = frozenset()
    # places one visits that belong to someone ("the statues of X"): their
    # owner is not the visit's host
    sites: frozenset[str] = frozenset()
    # a trigger dated by its own words (or the narrative) more than this many
    # years before the story is a historical reference, not news (0: off)
    historical_years: int = 0
    # people who have died, by lower-cased name or knowledge-base id: an act
    # whose source died before the story is remembered, not reported
    departed: Mapping[str, dt.date] = field(default_factory=dict)
    # nouns naming a whole people ("the nation", "the masses"): what a people
    # "will never pardon" or "will deal" is a stance, not an act
    populace_heads: frozenset[str] = frozenset()
    # nouns that make "of X" a place ("120 miles east of Bahrain", "off the
    # coast of Qatar"): X there is where, not whom
    place_frames: frozenset[str] = frozenset()
    # envoy nouns: the country after "Ambassador to" is part of the title
    envoy_nouns: frozenset[str] = frozenset()

    def entries(self, lemma: str, noun: bool) -> tuple[TriggerEntry, ...]:
        return (self.nouns if noun else self.verbs).get(lemma, ())

    def explain(self, rule_id: str) -> str:
        """What a `rule_id` on an event stands for, for `dateline inspect`:
        the pattern as written (``- * TALKS [046]``) or the default it was."""
        for table in (self.verbs, self.nouns):
            for entries in table.values():
                for entry in entries:
                    if entry.rule_id == rule_id:
                        code = entry.default_code or ""
                        if entry.default_reverse:
                            code += ":" + entry.default_reverse
                        kind = (
                            "hand-written entry"
                            if entry.hand_written
                            else f"block {entry.block} default"
                        )
                        return f"{entry.kind} {entry.lemma!r}: {kind} [{code}]"
                    for pattern in entry.patterns:
                        if pattern.id == rule_id:
                            return pattern.text or f"{entry.kind} {entry.lemma!r} pattern {rule_id}"
        return ""

    @property
    def pattern_count(self) -> int:
        seen: set[str] = set()
        for table in (self.verbs, self.nouns):
            for entries in table.values():
                for entry in entries:
                    seen.update(p.id for p in entry.patterns)
        return len(seen)


def _fail(path: Path | str, entry: str, message: str) -> RuleDataError:
    return RuleDataError(f"{path}: entry {entry}: {message}; fix the rule file or rebuild it")


def _check_header(data: Mapping[str, Any], path: Path | str) -> None:
    header = data.get("header", data)
    if not isinstance(header, Mapping):
        raise _fail(path, "header", "missing header")
    for key in _HEADER_KEYS:
        if not header.get(key):
            raise _fail(path, "header", f"missing {key!r}")


def _expand_word(
    word: str, synsets: Mapping[str, list[str]], path: Path | str, entry: str, depth: int = 0
) -> Term:
    if not word.startswith("&"):
        return (tuple(word.split()),)
    name = word.upper()
    if name not in synsets:
        raise _fail(path, entry, f"unknown synonym set {word!r}")
    if depth > 5:
        raise _fail(path, entry, f"synonym set {word!r} nests too deep")
    alternatives: list[tuple[str, ...]] = []
    for member in synsets[name]:
        if member.startswith("&"):
            alternatives.extend(_expand_word(member, synsets, path, entry, depth + 1))
        else:
            alternatives.append(tuple(member.split()))
    return tuple(alternatives)


def _terms(
    words: Any, synsets: Mapping[str, list[str]], path: Path | str, entry: str
) -> tuple[Term, ...]:
    if words is None:
        return ()
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise _fail(path, entry, "words must be a list of non-empty strings")
    return tuple(_expand_word(w, synsets, path, entry) for w in words)


def _check_code(code: Any, path: Path | str, entry: str) -> str | None:
    if code is None:
        return None
    if not isinstance(code, str) or not code.strip():
        raise _fail(path, entry, f"bad code {code!r}")
    return code


def _compile_pattern(
    raw: Mapping[str, Any], synsets: Mapping[str, list[str]], path: Path | str
) -> Pattern:
    pattern_id = raw.get("id")
    if not isinstance(pattern_id, str) or not pattern_id:
        raise _fail(path, repr(raw)[:60], "pattern without an id")
    preps: list[PrepConstraint] = []
    for prep in raw.get("preps") or []:
        if not isinstance(prep, Mapping) or not prep.get("prep"):
            raise _fail(path, pattern_id, "a prepositional constraint needs 'prep'")
        names = prep["prep"] if isinstance(prep["prep"], list) else [prep["prep"]]
        preps.append(
            PrepConstraint(
                preps=frozenset(str(p).lower() for p in names),
                words=_terms(prep.get("words") or [], synsets, path, pattern_id),
                role=prep.get("role"),
            )
        )
    for role_key in ("source", "target"):
        if raw.get(role_key) not in (None, "before", "after", "prep"):
            raise _fail(path, pattern_id, f"{role_key} must be before, after or prep")
    before = _terms(raw.get("before") or [], synsets, path, pattern_id)
    after = _terms(raw.get("after") or [], synsets, path, pattern_id)
    return Pattern(
        keys=_keys(after[0] if after else before[0] if before else None, preps),
        id=pattern_id,
        code=_check_code(raw.get("code"), path, pattern_id),
        reverse_code=_check_code(raw.get("reverse_code"), path, pattern_id),
        before=before,
        after=after,
        preps=tuple(preps),
        source=raw.get("source"),
        target=raw.get("target"),
        text=str(raw.get("text", "")),
        reciprocal=bool(raw.get("reciprocal", False)),
    )


def _keys(term: Term | None, preps: list[PrepConstraint]) -> frozenset[str]:
    if term is None:
        return frozenset(preps[0].preps) if preps else frozenset()
    keys: set[str] = set()
    for alternative in term:
        word = alternative[0]
        keys.update((word, word + "s"))
        if word.endswith("s"):
            keys.add(word[:-1])
    return frozenset(keys)


def _split(code: str | None) -> tuple[str | None, str | None]:
    if code is None:
        return None, None
    primary, _, reverse = code.partition(":")
    return primary or None, reverse or None


def compile_verb_dictionary(
    data: Mapping[str, Any], path: Path | str, prefix_lemmas: Iterable[str] = ()
) -> dict[str, list[TriggerEntry]]:
    """Turn a parsed PETRARCH verb dictionary (see `petrarch.parse_verb_dictionary`)
    into trigger entries keyed by lemma."""
    for key in ("synsets", "blocks", "verbs", "patterns"):
        if key not in data:
            raise _fail(path, key, "missing section")
    synsets: Mapping[str, list[str]] = data["synsets"]
    blocks: Mapping[str, str | None] = data["blocks"]
    by_block: dict[str, list[Pattern]] = {}
    seen: set[str] = set()
    for raw in data["patterns"]:
        pattern = _compile_pattern(raw, synsets, path)
        if pattern.id in seen:
            raise _fail(path, pattern.id, "duplicate pattern id")
        seen.add(pattern.id)
        block = raw.get("block")
        if block not in blocks:
            raise _fail(path, pattern.id, f"unknown verb block {block!r}")
        by_block.setdefault(block, []).append(pattern)
    index: dict[str, list[TriggerEntry]] = {}
    for verb in data["verbs"]:
        lemma = verb.get("lemma")
        block = verb.get("block")
        if not isinstance(lemma, str) or not lemma or block not in blocks:
            raise _fail(path, repr(verb)[:60], "a verb needs a lemma and a known block")
        code = verb["code"] if "code" in verb else blocks[block]
        primary, reverse = _split(code)
        entry = TriggerEntry(
            lemma=lemma,
            kind="verb",
            block=block,
            default_code=primary,
            default_reverse=reverse,
            particles=tuple(verb.get("particles") or ()),
            patterns=tuple(by_block.get(block, ())),
            rule_id=f"{block.lower()}:{lemma}"
            + ("_" + "_".join(verb["particles"]) if verb.get("particles") else ""),
        )
        for form in [lemma, *verb.get("forms", [])]:
            index.setdefault(form, []).append(entry)
    return index


def _load_additions(path: Path, synsets: Mapping[str, list[str]]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleDataError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, Mapping):
        raise _fail(path, "file", "not a mapping")
    _check_header(data, path)
    local_synsets = dict(synsets)
    for name, members in (data.get("synsets") or {}).items():
        if not isinstance(members, list):
            raise _fail(path, name, "a synonym set is a list of words")
        local_synsets[str(name).upper()] = [str(m).lower() for m in members]
    nouns, verbs = _read_trigger_entries(data, path, local_synsets)
    lists = _read_word_lists(data, path)
    return {"nouns": nouns, "verbs": verbs, **lists, "raw": data}


def _read_trigger_entries(
    data: Mapping[str, Any], path: Path, local_synsets: Mapping[str, list[str]]
) -> tuple[dict[str, list[TriggerEntry]], dict[str, list[TriggerEntry]]]:
    """The hand-written noun and verb entries, each checked (id, lemmas, examples, codes)."""
    nouns: dict[str, list[TriggerEntry]] = {}
    verbs: dict[str, list[TriggerEntry]] = {}
    seen: set[str] = set()
    for kind, table in (("noun", nouns), ("verb", verbs)):
        for raw in data.get(f"{kind}s") or []:
            rule_id = raw.get("id") if isinstance(raw, Mapping) else None
            if not isinstance(rule_id, str) or not rule_id:
                raise _fail(path, repr(raw)[:60], f"a {kind} entry needs an id")
            if rule_id in seen:
                raise _fail(path, rule_id, "duplicate id")
            seen.add(rule_id)
            lemmas = raw.get("lemmas")
            if not isinstance(lemmas, list) or not lemmas:
                raise _fail(path, rule_id, "lemmas must be a non-empty list")
            if not isinstance(raw.get("examples"), list) or not raw["examples"]:
                raise _fail(path, rule_id, "every hand-written entry carries examples")
            primary, reverse = _split(_check_code(raw.get("code"), path, rule_id))
            patterns = []
            for number, raw_pattern in enumerate(raw.get("patterns") or [], start=1):
                if not isinstance(raw_pattern, Mapping):
                    raise _fail(path, rule_id, "a pattern is a mapping")
                pattern = dict(raw_pattern)
                pattern.setdefault("id", f"{rule_id}:{number}")
                code = _check_code(pattern.get("code"), path, pattern["id"])
                pattern["code"], pattern["reverse_code"] = _split(code)
                pattern.setdefault("reciprocal", raw.get("reciprocal", False))
                patterns.append(_compile_pattern(pattern, local_synsets, path))
            entry = TriggerEntry(
                lemma=str(lemmas[0]),
                kind=kind,
                block=rule_id,
                default_code=primary,
                default_reverse=reverse,
                particles=tuple(raw.get("particles") or ()),
                patterns=tuple(patterns),
                reciprocal=bool(raw.get("reciprocal", False)),
                rule_id=rule_id,
                hand_written=True,
                object_is_topic=bool(raw.get("object_is_topic", False)),
            )
            for lemma in lemmas:
                table.setdefault(str(lemma).lower(), []).append(entry)
    return nouns, verbs


# The additions file's word lists: the key in the file and the name in `PatternSet`.
_WORD_LISTS = (
    ("reporting_verbs", "reporting"),
    ("pattern_only_verbs", "pattern_only"),
    ("abstract_objects", "abstract_objects"),
    ("reference_heads", "reference_heads"),
    ("owned_things", "owned_things"),
    ("rhetoric_objects", "rhetoric_objects"),
    ("visited_sites", "sites"),
    ("populace_heads", "populace_heads"),
    ("place_frames", "place_frames"),
    ("envoy_nouns", "envoy_nouns"),
)
_MODALITIES = ("planned", "possible", "negated", "asserted")


def _read_word_lists(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The additions file's word lists and settings, each checked for its shape."""
    lists: dict[str, Any] = {}
    for key, name in _WORD_LISTS:
        words = data.get(key) or []
        if not isinstance(words, list):
            raise _fail(path, key, "must be a list of words")
        lists[name] = frozenset(str(v).lower() for v in words)
    embedding = data.get("embedding") or {}
    if not isinstance(embedding, Mapping):
        raise _fail(path, "embedding", "must map words to modalities")
    for word, modality in embedding.items():
        if modality not in _MODALITIES:
            raise _fail(path, f"embedding:{word}", f"unknown modality {modality!r}")
    lists["embedding"] = {str(k).lower(): str(v) for k, v in embedding.items()}
    historical_years = data.get("historical_years", 0)
    if not isinstance(historical_years, int) or historical_years < 0:
        raise _fail(path, "historical_years", "must be a whole number of years >= 0")
    lists["historical_years"] = historical_years
    lists["departed"] = _read_departed(data, path)
    return lists


def _read_departed(data: Mapping[str, Any], path: Path) -> dict[str, dt.date]:
    """People who had died, by name and knowledge-base id, with the day they died."""
    departed: dict[str, dt.date] = {}
    for raw in data.get("departed") or []:
        if (
            not isinstance(raw, Mapping)
            or not isinstance(raw.get("died"), dt.date)
            or not isinstance(raw.get("names"), list)
            or not raw["names"]
        ):
            raise _fail(path, f"departed:{raw!r}"[:80], "needs names (a list) and died (a date)")
        for key in [*raw["names"], *(raw.get("kb_ids") or [])]:
            departed[str(key).lower()] = raw["died"]
    return departed


def read_verb_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RuleDataError(
            f"{path}: cannot read: {exc}; rebuild it with scripts/build_verbs.py"
        ) from exc
    if not isinstance(data, dict):
        raise _fail(path, "file", "not a JSON object")
    _check_header(data, path)
    return data


def load_patterns(
    verbs: Mapping[str, Any] | Path | None = None,
    additions: Path | None = ADDITIONS_FILE,
    verbs_label: str = "",
) -> PatternSet:
    """Load the verb dictionary (default: the compiled CAMEO 2.0 file) and our
    hand-written additions, merged into one lemma index.

    `verbs` may be a path to a compiled JSON file or an already parsed
    dictionary (the PETRARCH validation suite passes its own).
    Hand-written verb entries come first, so they win ties.
    """
    if verbs is None:
        verbs = VERBS_FILE
    if isinstance(verbs, Path):
        label = str(verbs)
        verb_data: Mapping[str, Any] = read_verb_file(verbs)
    else:
        label = verbs_label or "<verb dictionary>"
        verb_data = verbs
    verb_index = compile_verb_dictionary(verb_data, label)
    nouns: dict[str, list[TriggerEntry]] = {}
    reporting: frozenset[str] = frozenset()
    pattern_only: frozenset[str] = frozenset()
    abstract_objects: frozenset[str] = frozenset()
    reference_heads: frozenset[str] = frozenset()
    owned_things: frozenset[str] = frozenset()
    rhetoric_objects: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    embedding: dict[str, str] = {}
    historical_years = 0
    departed: Mapping[str, dt.date] = {}
    populace_heads: frozenset[str] = frozenset()
    place_frames: frozenset[str] = frozenset()
    envoy_nouns: frozenset[str] = frozenset()
    sources = [label]
    if additions is not None:
        extra = _load_additions(additions, verb_data["synsets"])
        sources.append(str(additions))
        for lemma, entries in extra["verbs"].items():
            verb_index[lemma] = entries + verb_index.get(lemma, [])
        nouns = extra["nouns"]
        reporting = extra["reporting"]
        pattern_only = extra["pattern_only"]
        abstract_objects = extra["abstract_objects"]
        reference_heads = extra["reference_heads"]
        owned_things = extra["owned_things"]
        rhetoric_objects = extra["rhetoric_objects"]
        sites = extra["sites"]
        embedding = extra["embedding"]
        historical_years = extra["historical_years"]
        departed = extra["departed"]
        populace_heads = extra["populace_heads"]
        place_frames = extra["place_frames"]
        envoy_nouns = extra["envoy_nouns"]
    return PatternSet(
        verbs={k: tuple(v) for k, v in verb_index.items()},
        nouns={k: tuple(v) for k, v in nouns.items()},
        reporting=reporting,
        embedding=embedding,
        pattern_only=pattern_only,
        sources=tuple(sources),
        abstract_objects=abstract_objects,
        reference_heads=reference_heads,
        owned_things=owned_things,
        rhetoric_objects=rhetoric_objects,
        sites=sites,
        historical_years=historical_years,
        departed=departed,
        populace_heads=populace_heads,
        place_frames=place_frames,
        envoy_nouns=envoy_nouns,
    )


def additions_examples(path: Path = ADDITIONS_FILE) -> list[tuple[str, dict[str, Any]]]:
    """(rule id, example) pairs from the hand-written file, for the tests."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs: list[tuple[str, dict[str, Any]]] = []
    for kind in ("nouns", "verbs"):
        for raw in data.get(kind) or []:
            for example in raw.get("examples") or []:
                pairs.append(
                    (raw["id"], example if isinstance(example, dict) else {"text": example})
                )
    return pairs
