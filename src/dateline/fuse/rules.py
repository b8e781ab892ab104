"""The fusion rule file: which codes, dyads, dates and modalities one event may be reported under.

Loaded once and immutable; `FusionRules.version` is a digest of the file and
the window so that a stored fusion made under other rules is recognised and
rebuilt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dateline.errors import RuleDataError
from dateline.records import MODALITIES

__all__ = ["FusionExample", "FusionRules", "load_fusion_rules"]

_HEADER = ("id", "version", "source", "licence")


@dataclass(frozen=True, slots=True)
class FusionExample:
    """Two reports written as ``"SOURCE TARGET CODE MODALITY DATE [PLACE]"`` and
    whether they must fuse."""

    family: str
    a: str
    b: str
    fuse: bool
    same_article: bool = False
    same_outlet: bool = False


@dataclass(frozen=True, slots=True)
class FusionRules:
    reciprocal_roots: frozenset[str]
    # CAMEO code prefix -> family id; the longest matching prefix wins.
    family_prefixes: tuple[tuple[str, str], ...]
    reciprocal_families: frozenset[str]
    day_window_days: int
    report_lookback_days: int
    max_interval_days: int
    modality_links: frozenset[frozenset[str]]
    examples: tuple[FusionExample, ...] = ()
    digest: str = ""
    domestic_exact: bool = False
    name: str = field(default="dateline-fusion")
    # Version 3: named actors must agree, one outlet's reports get a narrower
    # day window, and how an undated report may join a dated one.
    identity_agreement: bool = False
    same_outlet_window_days: int | None = None
    undated_joins: str = "code_or_place"
    undated_domestic_joins: str = "code_or_place"

    @property
    def version(self) -> str:
        """Identifies the rules and the window a stored fusion was made with."""
        return f"{self.digest}:w{self.day_window_days}"

    def with_window(self, days: int | None) -> FusionRules:
        """These rules with another day window (``dateline fuse --window-days``)."""
        if days is None or days == self.day_window_days:
            return self
        if days < 0:
            raise RuleDataError(f"the day window must be 0 or more days, not {days}")
        return replace(self, day_window_days=days)

    def code_class(self, cameo_code: str) -> str:
        """The class two codes must share to be one event: a family id or ``root:NN``."""
        for prefix, family in self.family_prefixes:
            if cameo_code.startswith(prefix):
                return family
        return f"root:{cameo_code[:2]}"

    def is_reciprocal(self, code_class: str) -> bool:
        if code_class.startswith("root:"):
            return code_class[5:] in self.reciprocal_roots
        return code_class in self.reciprocal_families

    def modalities_match(self, first: str, second: str) -> bool:
        return first == second or frozenset((first, second)) in self.modality_links


def _fail(path: str, where: str, message: str) -> RuleDataError:
    return RuleDataError(f"{path}: {where}: {message}; fix the rule file")


def _code(value: Any, path: str, where: str) -> str:
    text = str(value)
    if not text.isdigit() or not 2 <= len(text) <= 4:
        raise _fail(path, where, f"{value!r} is not a CAMEO code or root (two to four digits)")
    return text


def _examples(entries: Any, family: str, path: str) -> list[FusionExample]:
    found = []
    for n, entry in enumerate(entries or []):
        where = f"{family} example {n}"
        if not isinstance(entry, dict) or not {"a", "b", "fuse"} <= set(entry):
            raise _fail(path, where, "an example needs `a`, `b` and `fuse`")
        found.append(
            FusionExample(
                family,
                str(entry["a"]),
                str(entry["b"]),
                bool(entry["fuse"]),
                bool(entry.get("same_article", False)),
                bool(entry.get("same_outlet", False)),
            )
        )
    return found


_UNDATED_JOINS = ("code_or_place", "code_and_name", "same_sentence")


def parse_fusion_rules(data: Any, path: str, digest: str = "") -> FusionRules:
    if not isinstance(data, dict):
        raise _fail(path, "file", "expected a mapping")
    for key in _HEADER:
        if not data.get(key):
            raise _fail(path, "header", f"missing `{key}`")
    roots = frozenset(str(r).zfill(2) for r in data.get("reciprocal_roots") or [])
    for root in roots:
        _code(root, path, "reciprocal_roots")
    dates = data.get("dates") or {}
    try:
        window = int(dates["day_window_days"])
        lookback = int(dates["report_lookback_days"])
        longest = int(dates["max_interval_days"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(path, "dates", f"needs integer day_window_days, report_lookback_days, "
                    f"max_interval_days ({exc})") from exc  # fmt: skip
    same_outlet_window = dates.get("same_outlet_window_days")
    if same_outlet_window is not None and (
        not isinstance(same_outlet_window, int) or not 0 <= same_outlet_window <= window
    ):
        raise _fail(path, "dates", "same_outlet_window_days must be 0..day_window_days")
    links: set[frozenset[str]] = set()
    for pair in data.get("modality_links") or []:
        if not isinstance(pair, list) or len(pair) != 2 or not set(pair) <= set(MODALITIES):
            raise _fail(path, "modality_links", f"{pair!r} is not a pair of {MODALITIES}")
        links.add(frozenset(pair))
    prefixes: dict[str, str] = {}
    reciprocal: set[str] = set()
    examples: list[FusionExample] = []
    family_ids: set[str] = set()
    for n, family in enumerate(data.get("families") or []):
        if not isinstance(family, dict) or not family.get("id") or not family.get("codes"):
            raise _fail(path, f"family {n}", "needs `id` and `codes`")
        family_id = str(family["id"])
        if family_id in family_ids or family_id.startswith("root:"):
            raise _fail(path, family_id, "duplicate or reserved family id")
        family_ids.add(family_id)
        for value in family["codes"]:
            code = _code(value, path, family_id)
            if code in prefixes:
                raise _fail(path, family_id, f"code {code} is already in family {prefixes[code]}")
            prefixes[code] = family_id
        if family.get("reciprocal", False):
            reciprocal.add(family_id)
        if not family.get("examples"):
            raise _fail(path, family_id, "a family needs `examples`")
        examples += _examples(family["examples"], family_id, path)
    examples += _examples(data.get("examples"), "general", path)
    joins = data.get("undated_joins") or {}
    if not isinstance(joins, dict) or set(joins) - {"foreign", "domestic"}:
        raise _fail(path, "undated_joins", "expected a mapping with `foreign` and `domestic`")
    undated_joins = str(joins.get("foreign", "code_or_place"))
    undated_domestic_joins = str(joins.get("domestic", undated_joins))
    for value in (undated_joins, undated_domestic_joins):
        if value not in _UNDATED_JOINS:
            raise _fail(path, "undated_joins", f"{value!r} is not one of {_UNDATED_JOINS}")
    ordered = tuple(sorted(prefixes.items(), key=lambda item: (-len(item[0]), item[0])))
    return FusionRules(
        reciprocal_roots=roots,
        family_prefixes=ordered,
        reciprocal_families=frozenset(reciprocal),
        day_window_days=window,
        report_lookback_days=lookback,
        max_interval_days=longest,
        modality_links=frozenset(links),
        examples=tuple(examples),
        digest=digest,
        domestic_exact=bool(data.get("domestic_exact", False)),
        name=str(data["id"]),
        identity_agreement=bool(data.get("identity_agreement", False)),
        same_outlet_window_days=same_outlet_window,
        undated_joins=undated_joins,
        undated_domestic_joins=undated_domestic_joins,
    )


def load_fusion_rules(path: str | Path | None = None) -> FusionRules:
    """The packaged rules (``fuse/rules/fusion.yaml``) or another file."""
    if path is None:
        source = resources.files("dateline.fuse").joinpath("rules/fusion.yaml")
        raw = source.read_bytes()
        name = "fuse/rules/fusion.yaml"
    else:
        raw = Path(path).read_bytes()
        name = str(path)
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise _fail(name, "file", f"not valid YAML ({exc})") from exc
    return parse_fusion_rules(data, name, hashlib.sha256(raw).hexdigest()[:12])
