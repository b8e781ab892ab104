"""CAMEO and PLOVER code tables, loaded once from package data.

The tables are compiled by ``scripts/build_codes.py`` from the GDELT, Phoenix,
CAMEO-codebook and PLOVER reference files; ``docs/codes.md`` states which
source wins where they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from dateline.errors import RuleDataError

__all__ = [
    "QUAD_CLASS_NAMES",
    "CameoCode",
    "CameoCodes",
    "PloverMapping",
    "UnknownCodeError",
]

DATA_DIR = Path(__file__).parent / "data"

QUAD_CLASS_NAMES: MappingProxyType[int, str] = MappingProxyType(
    {
        1: "verbal cooperation",
        2: "material cooperation",
        3: "verbal conflict",
        4: "material conflict",
    }
)

_REQUIRED_HEADER = ("id", "version", "source", "licence")


class UnknownCodeError(KeyError):
    """A CAMEO code that is not in the table; check with `is_valid` first."""


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    root: str
    name: str
    goldstein: float
    quad_class: int
    goldstein_source: str
    goldstein_phoenix: float | None


class PloverMapping(NamedTuple):
    """A PLOVER event type and mode (``None`` when PLOVER gives no mode)."""

    event: str
    mode: str | None


def _read_table(
    path: Path, columns: tuple[str, ...]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Header fields and rows of one compiled TSV; raises E002 on any defect."""
    if not path.is_file():
        raise RuleDataError(f"{path}: missing; run scripts/build_codes.py to compile it.")
    header: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    names: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(":")
            header.setdefault(key.strip(), value.strip())
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if names is None:
            names = fields
            if tuple(names) != columns:
                raise RuleDataError(
                    f"{path}: columns {names} differ from expected {list(columns)}."
                )
            continue
        if len(fields) != len(names):
            raise RuleDataError(
                f"{path}:{number}: {len(fields)} fields, expected {len(names)}; rebuild the table."
            )
        rows.append(dict(zip(names, fields, strict=True)))
    missing = [key for key in _REQUIRED_HEADER if key not in header]
    if missing:
        raise RuleDataError(f"{path}: header lacks {missing}; rebuild the table.")
    return header, rows


def _unique(path: Path, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise RuleDataError(f"{path}: duplicate entry {key!r}.")
        seen.add(key)


class CameoCodes:
    """Lookups over CAMEO event codes, PLOVER types and modes, and actor types.

    Immutable after construction; build it with `CameoCodes.load()` (cached for
    the package data) and pass it to whatever needs it.
    """

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        events_path = data_dir / "cameo_events.tsv"
        _, event_rows = _read_table(
            events_path,
            (
                "code",
                "root",
                "name",
                "goldstein",
                "goldstein_source",
                "goldstein_phoenix",
                "quad_class",
                "name_source",
            ),
        )
        _unique(events_path, [row["code"] for row in event_rows])
        codes: dict[str, CameoCode] = {}
        for row in event_rows:
            code = row["code"]
            try:
                entry = CameoCode(
                    code=code,
                    root=row["root"],
                    name=row["name"],
                    goldstein=float(row["goldstein"]),
                    quad_class=int(row["quad_class"]),
                    goldstein_source=row["goldstein_source"],
                    goldstein_phoenix=float(row["goldstein_phoenix"])
                    if row["goldstein_phoenix"]
                    else None,
                )
            except ValueError as error:
                raise RuleDataError(f"{events_path}: entry {code!r}: {error}.") from error
            if (
                not code.isdigit()
                or len(code) not in (2, 3, 4)
                or entry.root != code[:2]
                or entry.quad_class not in QUAD_CLASS_NAMES
                or not entry.name
                or not -10.0 <= entry.goldstein <= 10.0
            ):
                raise RuleDataError(f"{events_path}: entry {code!r} is malformed: {row}.")
            codes[code] = entry
        self._codes: MappingProxyType[str, CameoCode] = MappingProxyType(codes)

        types_path = data_dir / "plover_event_types.tsv"
        _, type_rows = _read_table(types_path, ("event", "quad_category", "requires_recipient"))
        _unique(types_path, [row["event"] for row in type_rows])
        self._plover_events: MappingProxyType[str, str] = MappingProxyType(
            {row["event"]: row["quad_category"] for row in type_rows}
        )

        modes_path = data_dir / "plover_modes.tsv"
        _, mode_rows = _read_table(modes_path, ("event", "mode", "description"))
        modes: dict[str, set[str]] = {}
        for row in mode_rows:
            if row["event"] not in self._plover_events:
                raise RuleDataError(
                    f"{modes_path}: mode {row['mode']!r} of unknown {row['event']}."
                )
            modes.setdefault(row["event"], set()).add(row["mode"])
        self._plover_modes: MappingProxyType[str, frozenset[str]] = MappingProxyType(
            {event: frozenset(values) for event, values in modes.items()}
        )

        map_path = data_dir / "cameo_to_plover.tsv"
        _, map_rows = _read_table(map_path, ("cameo", "event", "mode", "context", "source_mode"))
        _unique(map_path, [row["cameo"] for row in map_rows])
        mapping: dict[str, PloverMapping] = {}
        for row in map_rows:
            event, mode = row["event"], row["mode"] or None
            if event not in self._plover_events or (
                mode is not None and mode not in self._plover_modes.get(event, frozenset())
            ):
                raise RuleDataError(f"{map_path}: entry {row['cameo']!r}: {event}/{mode} invalid.")
            mapping[row["cameo"]] = PloverMapping(event, mode)
        self._plover: MappingProxyType[str, PloverMapping] = MappingProxyType(mapping)

        sectors_path = data_dir / "plover_sectors.tsv"
        _, sector_rows = _read_table(sectors_path, ("sector", "description"))
        _unique(sectors_path, [row["sector"] for row in sector_rows])
        self._plover_sectors: MappingProxyType[str, str] = MappingProxyType(
            {row["sector"]: row["description"] for row in sector_rows}
        )

        actors_path = data_dir / "cameo_actor_types.tsv"
        _, actor_rows = _read_table(actors_path, ("code", "kind", "description", "plover_sector"))
        _unique(actors_path, [row["code"] for row in actor_rows])
        for row in actor_rows:
            if row["plover_sector"] and row["plover_sector"] not in self._plover_sectors:
                raise RuleDataError(f"{actors_path}: entry {row['code']!r}: unknown PLOVER sector.")
        self._actor_types: MappingProxyType[str, str] = MappingProxyType(
            {row["code"]: row["description"] for row in actor_rows if row["description"]}
        )
        self._sector_map: MappingProxyType[str, str | None] = MappingProxyType(
            {row["code"]: row["plover_sector"] or None for row in actor_rows}
        )

    @classmethod
    def load(cls) -> CameoCodes:
        """The tables shipped with the package, read once per process."""
        return _default_tables()

    # CAMEO event codes -------------------------------------------------------

    def is_valid(self, code: str) -> bool:
        return code in self._codes

    def entry(self, code: str) -> CameoCode:
        try:
            return self._codes[code]
        except KeyError:
            raise UnknownCodeError(
                f"{code!r} is not a CAMEO event code; codes are strings like '04' or '0431'."
            ) from None

    def name(self, code: str) -> str:
        return self.entry(code).name

    def root(self, code: str) -> str:
        return self.entry(code).root

    def goldstein(self, code: str) -> float:
        """GDELT's Goldstein value (see docs/codes.md for the 7 disagreements)."""
        return self.entry(code).goldstein

    def quad_class(self, code: str) -> int:
        """GDELT's QuadClass: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict."""
        return self.entry(code).quad_class

    def codes(self) -> tuple[str, ...]:
        return tuple(self._codes)

    def roots(self) -> tuple[str, ...]:
        return tuple(code for code in self._codes if len(code) == 2)

    # PLOVER -------------------------------------------------------------------

    def to_plover(self, cameo_code: str) -> PloverMapping | None:
        """PLOVER event and mode for a CAMEO code, falling back to the parent
        code and then to the root's ``X0`` code; ``None`` for roots 01 and 02
        (PLOVER dropped statements and appeals) and for unknown codes."""
        if cameo_code not in self._codes:
            return None
        candidates = [cameo_code]
        if len(cameo_code) == 4:
            candidates.append(cameo_code[:3])
        candidates.append(cameo_code[:2] + "0")
        for candidate in candidates:
            if candidate in self._plover:
                return self._plover[candidate]
        return None

    def plover_event_types(self) -> tuple[str, ...]:
        return tuple(self._plover_events)

    def plover_quad_category(self, event: str) -> str | None:
        return self._plover_events.get(event)

    def plover_modes(self, event: str) -> frozenset[str]:
        return self._plover_modes.get(event, frozenset())

    def is_plover_event(self, event: str) -> bool:
        return event in self._plover_events

    # Actors -------------------------------------------------------------------

    def actor_type_name(self, code: str) -> str | None:
        """Description of a CAMEO actor-type code (``GOV``, ``MIL``, ``IGO``...)."""
        return self._actor_types.get(code)

    def plover_sector_for(self, cameo_sector: str) -> str | None:
        """PLOVER sector for a CAMEO actor-type code (``MED`` -> ``JRN``)."""
        return self._sector_map.get(cameo_sector)

    def plover_sectors(self) -> tuple[str, ...]:
        return tuple(self._plover_sectors)


@lru_cache(maxsize=1)
def _default_tables() -> CameoCodes:
    return CameoCodes(DATA_DIR)
