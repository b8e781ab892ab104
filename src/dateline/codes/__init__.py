"""CAMEO event codes, Goldstein values, QuadClass, CAMEO->PLOVER, actor types.

    >>> from dateline.codes import CameoCodes
    >>> codes = CameoCodes.load()
    >>> codes.name("040"), codes.quad_class("190"), codes.to_plover("042")
    ('Consult, not specified below', 4, PloverMapping(event='CONSULT', mode='visit'))

The module-level functions use the tables shipped with the package.
"""

from __future__ import annotations

from dateline.codes.tables import (
    QUAD_CLASS_NAMES,
    CameoCode,
    CameoCodes,
    PloverMapping,
    UnknownCodeError,
)

__all__ = [
    "QUAD_CLASS_NAMES",
    "CameoCode",
    "CameoCodes",
    "PloverMapping",
    "UnknownCodeError",
    "actor_type_name",
    "plover_sector_for",
    "to_plover",
]


def to_plover(cameo_code: str) -> PloverMapping | None:
    """PLOVER (event, mode) for a CAMEO code; see `CameoCodes.to_plover`."""
    return CameoCodes.load().to_plover(cameo_code)


def actor_type_name(code: str) -> str | None:
    return CameoCodes.load().actor_type_name(code)


def plover_sector_for(cameo_sector: str) -> str | None:
    return CameoCodes.load().plover_sector_for(cameo_sector)
