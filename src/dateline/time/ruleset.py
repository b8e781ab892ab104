"""Loading and checking the time rules (fragments, tables, rules) from YAML.

The three files under `rules/` are read once, validated (a bad entry raises
`RuleDataError` naming the file and the entry) and compiled into an immutable
`TimeRules`, which the engine receives ready to run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from dateline.errors import RuleDataError

__all__ = ["RULES_DIR", "Example", "TimeRule", "TimeRules", "load_rules"]

RULES_DIR = Path(__file__).parent / "rules"
_HEADER = ("id", "version", "source", "licence")
_TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
# Which value keys each kind needs; the engine implements each kind.
_KINDS: dict[str, tuple[str, ...]] = {
    "date": (),
    "weekday": ("weekday",),
    "shift": ("unit",),
    "ref": ("value",),
    "literal": ("value",),
    "duration": ("n", "unit"),
    "set": ("n", "unit"),
    "set_month": ("month",),
    "set_weekday": ("weekday",),
    "clock": (),
    "decade": ("decade",),
    "century": ("century",),
    "holiday": ("holiday",),
    "bc_year": ("year",),
}
_VALUE_KEYS = frozenset(
    {
        "kind",
        "year",
        "month",
        "day",
        "day_end",
        "quarter",
        "half",
        "season",
        "year_shift",
        "direction",
        "weekday",
        "part",
        "unit",
        "n",
        "sign",
        "anchor",
        "granularity",
        "value",
        "hour",
        "minute",
        "ampm",
        "word",
        "holiday",
        "decade",
        "century",
        "tense",
        "week_of",
        "narrative_sign",
        "days_only",
        "week_shift",
        "takes_next_day",
        "era",
        "generic",
        "day_shift",
        "years_back",
        "not_after_name",
        "month_any",
        "unknown_day",
        "quarter_ending",
    }
)
# Value keys whose literal settings the engine knows.
_CHOICES: dict[str, frozenset[str]] = {
    "anchor": frozenset({"dct", "narrative"}),
    "granularity": frozenset({"unit", "ago", "reference", "reference_or_unit", "same", "month"}),
    "direction": frozenset({"grammar"}),
    "tense": frozenset({"past", "future"}),
}
_FRAGMENT_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_GROUP_REF = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    dct: dt.date
    value: str
    extent: str | None = None
    mod: str | None = None
    grammar: bool = False


@dataclass(frozen=True, slots=True)
class TimeRule:
    id: str
    type: str
    pattern: str
    regex: re.Pattern[str]
    value: MappingProxyType[str, Any]
    mod: str | MappingProxyType[str, str] | None
    reject_entities: frozenset[str]
    examples: tuple[Example, ...]
    order: int
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimeRules:
    """Everything the engine knows, compiled once and never changed."""

    rules: tuple[TimeRule, ...]
    tables: MappingProxyType[str, MappingProxyType[str, Any]]
    fragments: MappingProxyType[str, str]
    mod_prefix: re.Pattern[str]
    signal: re.Pattern[str]

    def table(self, name: str) -> MappingProxyType[str, Any]:
        return self.tables[name]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleDataError(f"{path}: cannot be read as YAML ({exc}); fix the file.") from exc
    if not isinstance(data, dict):
        raise RuleDataError(f"{path}: expected a mapping with a header and entries.")
    missing = [key for key in _HEADER if key not in data]
    if missing:
        raise RuleDataError(f"{path}: header lacks {missing}; add them (see docs/time.md).")
    return data


def _expand(pattern: str, fragments: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 8:
        raise RuleDataError(f"{where}: fragments refer to each other in a loop.")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise RuleDataError(
                f"{where}: unknown fragment {{{name}}}; define it in fragments.yaml."
            )
        return "(?:" + _expand(fragments[name], fragments, where, depth + 1) + ")"

    return _FRAGMENT_REF.sub(replace, pattern)


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))


def _example(raw: Any, where: str) -> Example:
    if not isinstance(raw, dict) or not {"text", "dct", "value"} <= raw.keys():
        raise RuleDataError(f"{where}: each example needs text, dct and value.")
    dct = raw["dct"]
    if isinstance(dct, str):
        try:
            dct = dt.date.fromisoformat(dct)
        except ValueError as exc:
            raise RuleDataError(f"{where}: dct {dct!r} is not an ISO date.") from exc
    if not isinstance(dct, dt.date):
        raise RuleDataError(f"{where}: dct must be a date.")
    return Example(
        text=str(raw["text"]),
        dct=dct,
        value=str(raw["value"]),
        extent=raw.get("extent"),
        mod=raw.get("mod"),
        grammar=bool(raw.get("grammar", False)),
    )


def _rule(raw: Any, order: int, fragments: dict[str, str], path: Path) -> TimeRule:
    if not isinstance(raw, dict) or "id" not in raw:
        raise RuleDataError(f"{path}: rule #{order} has no id.")
    where = f"{path.name}: rule {raw['id']!r}"
    for key in ("type", "pattern", "value", "examples"):
        if key not in raw:
            raise RuleDataError(f"{where}: missing {key!r}.")
    unknown = set(raw) - {
        "id",
        "type",
        "pattern",
        "value",
        "examples",
        "mod",
        "reject_entities",
        "requires",
    }
    if unknown:
        raise RuleDataError(f"{where}: unknown keys {sorted(unknown)}.")
    if raw["type"] not in _TYPES:
        raise RuleDataError(f"{where}: type must be one of {sorted(_TYPES)}.")
    value = raw["value"]
    if not isinstance(value, dict) or value.get("kind") not in _KINDS:
        raise RuleDataError(f"{where}: value.kind must be one of {sorted(_KINDS)}.")
    bad_keys = set(value) - _VALUE_KEYS
    if bad_keys:
        raise RuleDataError(f"{where}: unknown value keys {sorted(bad_keys)}.")
    for key, allowed in _CHOICES.items():
        if key in value and value[key] not in allowed and not str(value[key]).startswith("$"):
            raise RuleDataError(
                f"{where}: value.{key} must be one of {sorted(allowed)} or a $group."
            )
    needed = [key for key in _KINDS[value["kind"]] if key not in value]
    if needed:
        raise RuleDataError(f"{where}: kind {value['kind']!r} needs {needed}.")
    expanded = _expand(str(raw["pattern"]), fragments, where)
    try:
        regex = re.compile(r"(?<!\w)(?:" + expanded + r")(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise RuleDataError(f"{where}: pattern does not compile ({exc}).") from exc
    for field_value in value.values():
        for group in _GROUP_REF.findall(str(field_value)):
            if group not in regex.groupindex:
                raise RuleDataError(
                    f"{where}: value refers to ${group}, a group the pattern lacks."
                )
    examples = raw["examples"]
    if not isinstance(examples, list) or not examples:
        raise RuleDataError(f"{where}: needs at least one example.")
    mod = raw.get("mod")
    if mod is not None and not isinstance(mod, str | dict):
        raise RuleDataError(f"{where}: mod must be a TimeML mod or a mapping from the `mod` group.")
    if isinstance(mod, dict) and "mod" not in regex.groupindex:
        raise RuleDataError(f"{where}: a mod mapping needs a group named `mod`.")
    requires = raw.get("requires", [])
    if not isinstance(requires, list) or not all(
        isinstance(word, str) and word and word == word.lower() for word in requires
    ):
        raise RuleDataError(f"{where}: requires must be a list of lower-case strings.")
    return TimeRule(
        id=str(raw["id"]),
        type=str(raw["type"]),
        pattern=str(raw["pattern"]),
        regex=regex,
        value=MappingProxyType(dict(value)),
        mod=MappingProxyType(dict(mod)) if isinstance(mod, dict) else mod,
        reject_entities=frozenset(raw.get("reject_entities", ())),
        examples=tuple(_example(e, f"{where} example {i}") for i, e in enumerate(examples)),
        order=order,
        requires=tuple(requires),
    )


def load_rules(directory: Path | None = None) -> TimeRules:
    """Read, validate and compile the rules in `directory` (default: package data)."""
    directory = directory or RULES_DIR
    fragments_data = _read(directory / "fragments.yaml")
    tables_data = _read(directory / "tables.yaml")
    rules_data = _read(directory / "rules.yaml")
    fragments = fragments_data.get("fragments")
    if not isinstance(fragments, dict) or not all(isinstance(v, str) for v in fragments.values()):
        raise RuleDataError(
            f"{directory / 'fragments.yaml'}: `fragments` must map names to regexes."
        )
    tables = tables_data.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(v, dict) for v in tables.values()):
        raise RuleDataError(f"{directory / 'tables.yaml'}: `tables` must map names to mappings.")
    for needed in ("month", "weekday", "number", "vague", "ordinal", "unit", "season", "part"):
        if needed not in tables:
            raise RuleDataError(f"{directory / 'tables.yaml'}: table {needed!r} is missing.")
    for needed in ("rel", "mod_prefix", "signal"):
        if needed not in tables:
            raise RuleDataError(f"{directory / 'tables.yaml'}: table {needed!r} is missing.")
    raw_rules = rules_data.get("rules")
    if not isinstance(raw_rules, list):
        raise RuleDataError(f"{directory / 'rules.yaml'}: `rules` must be a list.")
    rules = tuple(
        _rule(raw, order, fragments, directory / "rules.yaml")
        for order, raw in enumerate(raw_rules)
    )
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleDataError(f"{directory / 'rules.yaml'}: duplicate rule id {rule.id!r}.")
        seen.add(rule.id)
    frozen_tables = MappingProxyType(
        {
            name: MappingProxyType({str(k).lower(): v for k, v in table.items()})
            for name, table in tables.items()
        }
    )
    # The words before an expression that narrow it ("early", "mid-") or bound it ("since").
    mod_prefix = re.compile(
        r"(?:^|(?<=\W))(" + _alternation(list(frozen_tables["mod_prefix"])) + r")(?:-|\s+|-\s*)$",
        re.IGNORECASE,
    )
    signal = re.compile(
        r"(?:^|(?<=\W))(" + _alternation(list(frozen_tables["signal"])) + r")\s+$", re.IGNORECASE
    )
    return TimeRules(
        rules=rules,
        tables=frozen_tables,
        fragments=MappingProxyType(dict(fragments)),
        mod_prefix=mod_prefix,
        signal=signal,
    )
