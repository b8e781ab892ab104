"""Places: a gazetteer over GeoNames cities, countries, seas and curated
disputed features, and the stage that resolves the places a story names.

    >>> from dateline.places import Gazetteer, find_places
    >>> [(p.name, p.country) for p in find_places("They met in Lima, Peru.", Gazetteer.load())]
    [('Peru', 'PER')]

(Without spaCy entities only the phrase scan runs: countries, seas and curated
features; cities come from the NER candidates that `PlaceStage` passes in.)
"""

from __future__ import annotations

from dateline.places.gazetteer import Gazetteer, GazetteerEntry, normalise_name
from dateline.places.stage import EntitySpan, PlaceStage, find_places

__all__ = [
    "EntitySpan",
    "Gazetteer",
    "GazetteerEntry",
    "PlaceStage",
    "find_places",
    "normalise_name",
]
