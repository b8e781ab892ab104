"""`ActorKnowledge`: countries, organisations, people with dated roles and role
nouns, validated on load and indexed by token phrase.

Two sources:
- `ActorKnowledge.load()`: the package data compiled by `scripts/build_actors.py`
  (countries.tsv, organisations.tsv, people.tsv, roles.tsv, agents.tsv,
  name_origins.tsv) plus the
  hand-kept curated.yaml;
- `ActorKnowledge.from_phoenix(actors_paths, agents_path)`: PETRARCH/Phoenix
  dictionaries, e.g. the fictional ones of the PETRARCH validation suite.

Lookups go through token tries (lower-cased, folded words), so matching a
mention costs a few dictionary steps, never a scan of the knowledge.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from dateline.actors.lexicon import load_lexicon
from dateline.actors.phoenix import (
    PhoenixActor,
    PhoenixAgent,
    phrase_tokens,
    read_actor_file,
    read_agent_file,
)
from dateline.actors.text import agent_forms, fold, plural_forms
from dateline.errors import RuleDataError

__all__ = [
    "CAMEO_TO_PLOVER",
    "INTERNATIONAL_PREFIXES",
    "NON_STATE_PREFIXES",
    "ActorKnowledge",
    "Agent",
    "Country",
    "Entity",
    "NameTarget",
    "PhraseTrie",
    "Role",
    "split_code",
]

DATA = Path(__file__).parent / "data"
_END = "\x00"

# First three letters of the codes of bodies that belong to no country at all
# (intergovernmental and non-governmental bodies, international militant groups): a person
# holding an office of one stands for the body, not for his nationality.
INTERNATIONAL_PREFIXES = frozenset({"IGO", "NGO", "IMG"})
# First three letters of a CAMEO code that are not a country.
NON_STATE_PREFIXES = INTERNATIONAL_PREFIXES | frozenset(
    {"NGM", "MNC", "UIS", "INT",
     # a sector standing alone ("Reuters [MED]"): an actor of no country
     "MED", "BUS", "GOV", "MIL", "REB", "OPP", "JUD", "LEG", "COP", "SPY", "UAF", "CRM", "CVL",
     "EDU", "ELI", "HLH", "LAB", "AGR", "REF", "REL", "CHR", "MUS", "JEW", "BUD", "HIN", "HRI",
     "ENV", "PTY", "SOC", "MOD", "RAD", "UNK", "JRN", "DEV", "PPL"}
)  # fmt: skip
# CAMEO sector → PLOVER sector (CAMEO MED is media → PLOVER JRN; HLH is health → MED).
CAMEO_TO_PLOVER: Mapping[str, str] = MappingProxyType(
    {
        "GOV": "GOV", "MIL": "MIL", "REB": "REB", "OPP": "OPP", "JUD": "JUD", "LEG": "LEG",
        "COP": "COP", "SPY": "SPY", "UAF": "UAF", "BUS": "BUS", "CRM": "CRM", "CVL": "CVL",
        "EDU": "EDU", "ELI": "ELI", "MED": "JRN", "HLH": "MED", "LAB": "LAB", "AGR": "AGR",
        "REF": "REF", "REL": "REL", "CHR": "REL", "MUS": "REL", "JEW": "REL", "BUD": "REL",
        "HIN": "REL", "NGO": "SOC", "NGM": "SOC", "HRI": "SOC", "ENV": "SOC", "PTY": "PTY",
        "SOC": "SOC", "PRM": "PRM", "PRE": "PRE",
    }
)  # fmt: skip
_CODE = re.compile(r"^[A-Z0-9]{3,}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def split_code(code: str) -> tuple[str | None, str | None]:
    """(country, sector) of a CAMEO actor code: ``JPNGOV`` → (JPN, GOV),
    ``IGOUNO`` → (None, None), ``CHN`` → (CHN, None)."""
    if len(code) < 3:
        return None, None
    head = code[:3]
    if head in NON_STATE_PREFIXES:
        return None, None
    sector = code[3:6] if len(code) >= 6 else None
    return head, sector


@dataclass(frozen=True, slots=True)
class Role:
    """A code held from `start` to `end` (inclusive; None is open)."""

    code: str
    start: dt.date | None
    end: dt.date | None
    source: str
    position: str = ""

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or organisation. `code_on(day)` is its CAMEO code as of `day`."""

    id: str
    kind: Literal["person", "org", "igo", "country"]
    name: str
    country: str | None
    default_code: str
    roles: tuple[Role, ...] = ()
    kb_id: str | None = None
    leader: bool = False
    surname: str = ""
    gender: str = ""  # "m", "f" or "" (unknown)
    # A bare name other states' bodies also bear ("Congress", "House of Representatives"):
    # the entity only where the story is not about another country (`drafts._entity_draft`).
    shared_name: tuple[str, ...] = ()

    def role_on(self, day: dt.date | None) -> Role | None:
        if day is None:
            return None
        for role in self.roles:
            if role.covers(day):
                return role
        return None

    def code_on(self, day: dt.date | None) -> str:
        role = self.role_on(day)
        return role.code if role else self.default_code


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str
    kb_id: str | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    """A role noun. `code` is the part added to the actor code (``GOV``,
    ``GOVFRM``); `prepend` puts it before (``NGO~``); `inherit` means the noun
    carries no sector of its own ("spokesman": the sector of what it speaks for)."""

    phrase: str
    code: str
    plover_sector: str | None
    prepend: bool = False
    inherit: bool = False
    former: bool = False

    @property
    def sector(self) -> str | None:
        return self.code[:3] if self.code else None


@dataclass(frozen=True, slots=True)
class NameTarget:
    """What a matched phrase names: a country (by name, adjective or capital),
    a seat of government (a code), or an entity (index into `entities`)."""

    kind: Literal["country", "capital", "seat", "entity", "epithet"]
    key: str | int
    case_sensitive: bool = False


class PhraseTrie:
    """A trie over token tuples; `longest(words, i)` finds the longest phrase at `i`."""

    __slots__ = ("_root", "size")

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self.size = 0

    def add(self, tokens: Sequence[str], value: Any) -> None:
        if not tokens:
            return
        node = self._root
        for token in tokens:
            node = node.setdefault(token, {})
        values = node.setdefault(_END, [])
        if value not in values:
            values.append(value)
            self.size += 1

    def get(self, tokens: Sequence[str]) -> tuple[Any, ...]:
        node: Any = self._root
        for token in tokens:
            node = node.get(token)
            if node is None:
                return ()
        return tuple(node.get(_END, ()))

    def longest(self, words: Sequence[str], start: int) -> tuple[int, tuple[Any, ...]] | None:
        """(end, values) of the longest phrase starting at `start`, or None."""
        node: Any = self._root
        best: tuple[int, tuple[Any, ...]] | None = None
        i = start
        while i < len(words):
            node = node.get(words[i])
            if node is None:
                break
            i += 1
            if _END in node:
                best = (i, tuple(node[_END]))
        return best


def _date(text: str, where: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise RuleDataError(f"{where}: bad date {text!r}; use YYYY-MM-DD") from exc


def _read_tsv(path: Path, columns: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    """Rows of a data TSV after its `#` header and column line, checked for width."""
    if not path.exists():
        raise RuleDataError(f"{path}: knowledge file is missing; run scripts/build_actors.py")
    header_seen = False
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if not header_seen:
                if tuple(cells) != columns:
                    raise RuleDataError(
                        f"{path}:{lineno}: expected columns {columns}, found {tuple(cells)}"
                    )
                header_seen = True
                continue
            if len(cells) != len(columns):
                raise RuleDataError(
                    f"{path}:{lineno}: expected {len(columns)} columns, found {len(cells)}"
                )
            yield lineno, cells


def _header(path: Path) -> dict[str, str]:
    header: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].strip().partition(":")
            header[key.strip()] = value.strip()
    for key in ("id", "version", "source"):
        if key not in header:
            raise RuleDataError(f"{path}: header lacks '# {key}:'")
    return header


class ActorKnowledge:
    """Immutable, indexed actor knowledge. Build with `load()` or `from_phoenix()`."""

    def __init__(
        self,
        *,
        countries: Mapping[str, Country],
        entities: Sequence[Entity],
        names: PhraseTrie,
        agents: PhraseTrie,
        title_countries: PhraseTrie | None = None,
        epithets: Mapping[str, tuple[str | None, bool]] | None = None,
        modifiers: frozenset[str] = frozenset(),
        source: str = "",
        petrarch: bool = False,
        ambiguous: Mapping[tuple[str, ...], tuple[str, ...]] | None = None,
        name_origins: Mapping[str, str] | None = None,
        business_heads: frozenset[str] = frozenset(),
        business_bodies: frozenset[str] = frozenset(),
        business_qualifiers: frozenset[str] = frozenset(),
    ) -> None:
        self.countries: Mapping[str, Country] = MappingProxyType(dict(countries))
        self.entities: tuple[Entity, ...] = tuple(entities)
        self.names = names
        self.agents = agents
        self.title_countries = title_countries or PhraseTrie()
        # epithet phrase ("reclusive country") → (preferred country or None, prefer it even
        # when the story does not name it)
        self.epithets: Mapping[str, tuple[str | None, bool]] = MappingProxyType(
            dict(epithets or {})
        )
        # words that may stand between a country and a role noun ("vice", "assistant")
        self.modifiers = modifiers
        # a country word inside a company's name ("Japan Air Lines", "French
        # industrial gas group", "<Gregg River Co> of Canada") names a business:
        # nouns that end such a name, bodies ("council") that do with a trade word
        # before them ("Forest Industry Council"), and those trade words
        self.business_heads = business_heads
        self.business_bodies = business_bodies
        self.business_qualifiers = business_qualifiers
        self.source = source
        # PETRARCH's conventions (dictionaries read by from_phoenix): a role noun takes
        # the country after "in" ("lawmakers in Fornost") and is appended to an
        # organisation's code; dateline's own knowledge does neither.
        self.petrarch = petrarch
        # country words shared by several countries ("Korean"): phrase tokens → candidates,
        # the one the story names most wins, else the first
        self.ambiguous: Mapping[tuple[str, ...], tuple[str, ...]] = MappingProxyType(
            dict(ambiguous or {})
        )
        # folded name part → the country nearly all known office holders bearing it
        # belong to ("takeo" → JPN); weak evidence for a titled person nothing else places
        self.name_origins: Mapping[str, str] = MappingProxyType(dict(name_origins or {}))
        # folded surname → the known people bearing it ("cavusoglu" → Mevlüt Çavuşoğlu),
        # for a title and a lone surname ("Foreign Minister Çavuşoğlu", "President Trump")
        surnames: dict[str, list[int]] = {}
        for index, entity in enumerate(self.entities):
            if entity.kind == "person" and entity.surname:
                surnames.setdefault(fold(entity.surname), []).append(index)
        self.person_surnames: Mapping[str, tuple[int, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in surnames.items()}
        )
        self._frozen = True

    def __reduce__(self) -> tuple[Any, ...]:
        # Stages travel to worker processes: the package knowledge is reloaded there
        # from its files (cached per process), other knowledge is rebuilt from its parts.
        if self.source.startswith("package:"):
            return (_load_package, (self.source.removeprefix("package:"),))
        state = {
            name: dict(value) if isinstance(value, MappingProxyType) else value
            for name, value in self.__dict__.items()
        }
        return (_restore, (state,))

    def __setattr__(self, name: str, value: Any) -> None:
        # Shared by every stage and worker: built once, never changed afterwards.
        if getattr(self, "_frozen", False):
            raise AttributeError(f"ActorKnowledge is immutable; cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return (
            f"ActorKnowledge(source={self.source!r}, countries={len(self.countries)}, "
            f"entities={len(self.entities)}, names={self.names.size}, agents={self.agents.size})"
        )

    # ------------------------------------------------------------ lookups

    def lookup(self, phrase: str) -> tuple[NameTarget, ...]:
        """The targets a phrase names (exact phrase, folded)."""
        return self.names.get(phrase_tokens(phrase))

    def entity(self, key: int) -> Entity:
        return self.entities[key]

    def find_entities(self, phrase: str) -> tuple[Entity, ...]:
        return tuple(
            self.entities[t.key]
            for t in self.lookup(phrase)
            if t.kind == "entity" and isinstance(t.key, int)
        )

    def agent(self, phrase: str) -> Agent | None:
        found = self.agents.get(phrase_tokens(phrase))
        return found[0] if found else None

    def country_name(self, iso3: str | None) -> str:
        if iso3 and iso3 in self.countries:
            return self.countries[iso3].name
        return iso3 or ""

    def plover_sector(self, sector: str | None) -> str | None:
        return CAMEO_TO_PLOVER.get(sector) if sector else None

    # ------------------------------------------------------------ loading

    @classmethod
    def load(cls, data_dir: Path | None = None) -> ActorKnowledge:
        """The package knowledge (cached per directory: it is immutable)."""
        return _load_package(str(data_dir or DATA))

    @classmethod
    def from_phoenix(
        cls, actors_paths: Sequence[Path], agents_path: Path | None = None
    ) -> ActorKnowledge:
        """Knowledge from PETRARCH/Phoenix-format actor and agent dictionaries.

        Every phrase becomes an entity: a plain three-letter code is a country
        (``ARNOR [ARN]``), an ``IGO…`` code an IGO, anything else (or dated
        roles) a person or organisation coded as the file says for the date.
        """
        countries: dict[str, Country] = {}
        entities: list[Entity] = []
        names = PhraseTrie()
        for path in actors_paths:
            for actor in read_actor_file(Path(path)):
                _add_phoenix_actor(actor, Path(path), countries, entities, names)
        agents = PhraseTrie()
        if agents_path is not None:
            for agent in read_agent_file(Path(agents_path)):
                _add_phoenix_agent(agents, agent, None)
        return cls(
            countries=countries,
            entities=entities,
            names=names,
            agents=agents,
            modifiers=load_lexicon().default_modifiers,
            source="phoenix:" + ",".join(Path(p).name for p in actors_paths),
            petrarch=True,
        )


def _add_phoenix_actor(
    actor: PhoenixActor,
    path: Path,
    countries: dict[str, Country],
    entities: list[Entity],
    names: PhraseTrie,
) -> None:
    """One Phoenix dictionary entry: a country (a plain three-letter code), an IGO, or
    a person or organisation coded as the file says for the date."""
    default = actor.default or ""
    if not _CODE.match(default):
        default = ""  # "---", "+++": coded as nothing
    roles = tuple(
        Role(r.code, r.start, r.end, "phoenix")
        for r in actor.roles
        if _CODE.match(r.code) or "/" in r.code
    )
    if not default and not roles:
        return
    if not roles and _ISO3.match(default) and default not in NON_STATE_PREFIXES:
        # a plain three-letter code: a country, matched like any country name
        countries.setdefault(
            default,
            Country(default, actor.phrases[0].strip("_ ").replace("_", " ").title()),
        )
        for phrase in actor.phrases:
            names.add(phrase_tokens(phrase), NameTarget("country", default))
        return
    kind: Literal["person", "org", "igo"] = (
        "person" if roles else ("igo" if default.startswith("IGO") else "org")
    )
    codes = [default, *(r.code for r in roles)]
    country = next((split_code(c)[0] for c in codes if c and split_code(c)[0]), None)
    entity = Entity(
        id=f"phoenix:{path.name}:{actor.line}",
        kind=kind,
        name=actor.phrases[0].strip("_ ").replace("_", " ").title(),
        country=country,
        default_code=default,
        roles=roles,
    )
    index = len(entities)
    entities.append(entity)
    for phrase in actor.phrases:
        names.add(phrase_tokens(phrase), NameTarget("entity", index))


def _restore(state: dict[str, Any]) -> ActorKnowledge:
    knowledge = object.__new__(ActorKnowledge)
    for name, value in state.items():
        object.__setattr__(
            knowledge, name, MappingProxyType(value) if isinstance(value, dict) else value
        )
    return knowledge


def _agent_record(phrase: str, code: str, plover: str | None) -> Agent:
    code = code.replace(" ", "")
    prepend = code.endswith("~") and not code.startswith("~")
    body = code.strip("~")
    if plover is None:
        plover = CAMEO_TO_PLOVER.get(body[:3]) if body else None
    return Agent(
        phrase=phrase, code=body, plover_sector=plover or None, prepend=prepend, inherit=not body
    )


def _add_phoenix_agent(trie: PhraseTrie, agent: PhoenixAgent, plover: str | None) -> None:
    tokens = phrase_tokens(agent.phrase)
    if not tokens:
        return
    record = _agent_record(" ".join(tokens), agent.code, plover)
    plural = None if agent.plural is None else " ".join(phrase_tokens(agent.plural))
    for form in agent_forms(tokens, plural):
        trie.add(form, record)


@lru_cache(maxsize=4)
def _load_package(data_dir: str) -> ActorKnowledge:
    """The package knowledge in `data_dir`, read step by step. The order of the steps is
    the order phrases enter the tries and entities the list, which decides ties: curated
    country phrases before compiled ones, curated organisations before compiled ones."""
    base = Path(data_dir)
    for name in ("countries.tsv", "organisations.tsv", "people.tsv", "roles.tsv", "agents.tsv"):
        _header(base / name)
    countries, country_phrases = _read_countries(base / "countries.tsv")
    curated = _Curated.read(base / "curated.yaml")
    names = PhraseTrie()
    _add_curated_countries(names, countries, curated)
    _add_country_phrases(names, country_phrases)
    _add_seats(names, curated)
    epithets = _add_epithets(names, curated)
    entities: list[Entity] = []
    _add_curated_organisations(names, entities, curated)
    _add_organisations(names, entities, base / "organisations.tsv")
    roles = _read_roles(base / "roles.tsv")
    curated_people = _curated_people(curated)
    _add_people(names, entities, base / "people.tsv", roles, curated_people)
    _add_curated_only_people(names, entities, curated_people)
    if roles:
        orphan = next(iter(roles))
        raise RuleDataError(f"{base / 'roles.tsv'}: roles for unknown person {orphan!r}")
    business = _business_names(curated)
    return ActorKnowledge(
        countries=countries,
        entities=entities,
        names=names,
        agents=_agents(curated, base / "agents.tsv"),
        title_countries=_title_countries(curated),
        epithets=epithets,
        modifiers=(
            frozenset(str(m).lower() for m in curated.data.get("modifiers") or [])
            or load_lexicon().default_modifiers
        ),
        ambiguous=_ambiguous(curated),
        name_origins=_read_name_origins(base / "name_origins.tsv"),
        business_heads=business["heads"],
        business_bodies=business["bodies"],
        business_qualifiers=business["qualifiers"],
        source=f"package:{base}",
    )


class _Curated:
    """curated.yaml, its header checked; `items(section, required)` checks a section."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def read(cls, path: Path) -> _Curated:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise RuleDataError(f"{path}: expected a mapping")
        for key in ("id", "version", "source", "licence"):
            if key not in data:
                raise RuleDataError(f"{path}: header lacks {key!r}")
        return cls(path, data)

    def items(self, section: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
        items = self.data.get(section) or []
        for n, item in enumerate(items):
            if not isinstance(item, dict) or any(k not in item for k in required):
                raise RuleDataError(f"{self.path}: {section}[{n}] needs {required}: {item!r}")
        return list(items)


def _read_countries(path: Path) -> tuple[dict[str, Country], list[tuple[str, str, str]]]:
    """The countries (display name, Wikidata id) and their (iso3, kind, phrase) rows."""
    display: dict[str, str] = {}
    qids: dict[str, str] = {}
    country_phrases: list[tuple[str, str, str]] = []
    for lineno, (iso3, kind, phrase, _source) in _read_tsv(
        path, ("iso3", "kind", "phrase", "source")
    ):
        if not _ISO3.match(iso3):
            raise RuleDataError(f"{path}:{lineno}: bad ISO3 code {iso3!r}")
        if kind == "wikidata":
            qids[iso3] = phrase
            continue
        if kind not in {"display", "name", "capital", "adjective"}:
            raise RuleDataError(f"{path}:{lineno}: unknown kind {kind!r}")
        if kind == "display":
            display.setdefault(iso3, phrase)
        country_phrases.append((iso3, kind, phrase))
    countries: dict[str, Country] = {}
    for iso3 in {iso3 for iso3, _, _ in country_phrases}:
        countries[iso3] = Country(iso3, display.get(iso3, iso3), qids.get(iso3))
    return countries, country_phrases


def _add_curated_countries(
    names: PhraseTrie, countries: dict[str, Country], curated: _Curated
) -> None:
    """Curated country phrases go first so they win over compiled ones."""
    for item in curated.items("countries", ("phrase", "iso3", "kind")):
        iso3 = str(item["iso3"])
        if iso3 not in countries:
            countries[iso3] = Country(iso3, str(item.get("name", iso3)))
        names.add(
            phrase_tokens(str(item["phrase"])),
            NameTarget(
                "capital" if item["kind"] == "capital" else "country",
                iso3,
                bool(item.get("case_sensitive")),
            ),
        )


def _add_country_phrases(names: PhraseTrie, country_phrases: list[tuple[str, str, str]]) -> None:
    """Compiled country phrases; short ones (US, UK) match upper case only."""
    for iso3, kind, phrase in country_phrases:
        tokens = phrase_tokens(phrase)
        short = len(tokens) == 1 and len(tokens[0].replace(".", "")) <= 3
        names.add(tokens, NameTarget("capital" if kind == "capital" else "country", iso3, short))
        if kind in {"adjective", "name"} and tokens and tokens[-1].endswith(("an", "i")):
            names.add(
                (*tokens[:-1], tokens[-1] + "s"), NameTarget("country", iso3)
            )  # "Americans", "Iraqis"


def _add_seats(names: PhraseTrie, curated: _Curated) -> None:
    for item in curated.items("seats", ("phrase", "code")):
        code = str(item["code"])
        if not _CODE.match(code):
            raise RuleDataError(f"{curated.path}: seat {item['phrase']!r} has a bad code {code!r}")
        names.add(phrase_tokens(str(item["phrase"])), NameTarget("seat", code))


def _add_epithets(names: PhraseTrie, curated: _Curated) -> dict[str, tuple[str | None, bool]]:
    """Epithets ("the reclusive country"): phrase → (preferred country, always prefer it)."""
    epithets: dict[str, tuple[str | None, bool]] = {}
    for item in curated.items("epithets", ("phrase",)):
        epithets[" ".join(phrase_tokens(str(item["phrase"])))] = (
            item.get("prefer"),
            bool(item.get("always")),
        )
        names.add(
            phrase_tokens(str(item["phrase"])),
            NameTarget("epithet", " ".join(phrase_tokens(str(item["phrase"])))),
        )
    return epithets


def _add_curated_organisations(
    names: PhraseTrie, entities: list[Entity], curated: _Curated
) -> None:
    for item in curated.items("organisations", ("phrase", "code", "name")):
        code = str(item["code"])
        if not _CODE.match(code):
            raise RuleDataError(
                f"{curated.path}: organisation {item['name']!r} has a bad code {code!r}"
            )
        index = len(entities)
        entities.append(
            Entity(
                id=f"curated:{item['name']}",
                kind="igo" if code.startswith("IGO") else "org",
                name=str(item["name"]),
                country=split_code(code)[0],
                default_code=code,
                kb_id=item.get("kb_id"),
                shared_name=phrase_tokens(str(item["phrase"])) if item.get("shared") else (),
            )
        )
        for phrase in [item["phrase"], *(item.get("aliases") or [])]:
            tokens = phrase_tokens(str(phrase))
            # case_sensitive guards the acronym ("WHO", "SEC"), not the full name
            sensitive = bool(item.get("case_sensitive")) and len(tokens) == 1
            names.add(tokens, NameTarget("entity", index, sensitive))


def _add_organisations(names: PhraseTrie, entities: list[Entity], path: Path) -> None:
    for lineno, (oid, code, name, aliases, _source) in _read_tsv(
        path, ("id", "code", "name", "aliases", "source")
    ):
        if not _CODE.match(code):
            raise RuleDataError(f"{path}:{lineno}: bad CAMEO code {code!r} for {name!r}")
        index = len(entities)
        entities.append(
            Entity(
                id=oid,
                kind="igo" if code.startswith("IGO") else "org",
                name=name,
                country=split_code(code)[0],
                default_code=code,
            )
        )
        # "African National Congress (south Africa)", "Irish Republican Army (ira)": the
        # dictionaries' qualifier or acronym in brackets is no part of the name as written
        phrases = [name, *(a for a in aliases.split("|") if a)]
        bases = [p.split(" (", 1)[0] for p in phrases if p.endswith(")")]
        for phrase in [*phrases, *(b for b in bases if len(b.split()) >= 2)]:
            tokens = phrase_tokens(phrase)
            names.add(tokens, NameTarget("entity", index, len(tokens) == 1 and len(tokens[0]) <= 3))


def _read_roles(path: Path) -> dict[str, list[Role]]:
    """Compiled roles by person id; `_add_people` takes them, what is left is an error."""
    roles: dict[str, list[Role]] = {}
    for lineno, (pid, code, start, end, source, position) in _read_tsv(
        path, ("person_id", "code", "start", "end", "source", "position")
    ):
        if not _CODE.match(code):
            raise RuleDataError(f"{path}:{lineno}: bad CAMEO code {code!r}")
        where = f"{path}:{lineno}"
        roles.setdefault(pid, []).append(
            Role(code, _date(start, where), _date(end, where), source, position)
        )
    return roles


def _curated_people(curated: _Curated) -> dict[str, tuple[dict[str, Any], list[Role]]]:
    """Hand-kept office holders by id: their roles go before the compiled ones (so they
    win), to a compiled person with the same id, or to a new person."""
    people: dict[str, tuple[dict[str, Any], list[Role]]] = {}
    for n, item in enumerate(curated.items("people", ("id", "name", "country", "roles"))):
        where = f"{curated.path}: people[{n}] ({item['name']})"
        if not _ISO3.match(str(item["country"])):
            raise RuleDataError(f"{where}: bad country {item['country']!r}")
        people[str(item["id"])] = (item, [_curated_role(role, where) for role in item["roles"]])
    return people


def _curated_role(role: dict[str, Any], where: str) -> Role:
    code = str(role.get("code", ""))
    if not _CODE.match(code):
        raise RuleDataError(f"{where}: bad code {code!r}")
    start, end = role.get("start"), role.get("end")
    return Role(
        code,
        start if isinstance(start, dt.date) else _date(str(start or ""), where),
        end if isinstance(end, dt.date) else _date(str(end or ""), where),
        "curated",
        str(role.get("position", "")),
    )


def _add_people(
    names: PhraseTrie,
    entities: list[Entity],
    path: Path,
    roles: dict[str, list[Role]],
    curated_people: dict[str, tuple[dict[str, Any], list[Role]]],
) -> None:
    """Compiled people with their roles (curated roles first); takes both out of the dicts."""
    surname_first = load_lexicon().surname_first
    seen_ids: set[str] = set()
    for lineno, (pid, name, country, kb_id, leader, surname, aliases, gender) in _read_tsv(
        path, ("id", "name", "country", "kb_id", "leader", "surname", "aliases", "gender")
    ):
        if gender not in {"", "m", "f"}:
            raise RuleDataError(f"{path}:{lineno}: gender must be m, f or blank, not {gender!r}")
        if pid in seen_ids:
            raise RuleDataError(f"{path}:{lineno}: duplicate person id {pid!r}")
        seen_ids.add(pid)
        if country and not _ISO3.match(country):
            raise RuleDataError(f"{path}:{lineno}: bad country {country!r} for {name!r}")
        extra, extra_roles = curated_people.pop(pid, ({}, []))
        index = len(entities)
        entities.append(
            Entity(
                id=pid,
                kind="person",
                name=name,
                country=country or None,
                default_code=country,
                roles=(*extra_roles, *roles.pop(pid, ())),
                kb_id=kb_id or None,
                leader=leader == "1",
                surname=surname,
                gender=gender,
            )
        )
        for phrase in [name, *(a for a in aliases.split("|") if a), *extra.get("aliases", [])]:
            names.add(phrase_tokens(str(phrase)), NameTarget("entity", index))
        name_words = phrase_tokens(name)
        if len(name_words) >= 3 and country not in surname_first and "'s" not in name_words:
            # the short form news uses: "Najib Tun Razak" → "Najib Razak"
            names.add((name_words[0], name_words[-1]), NameTarget("entity", index))


def _add_curated_only_people(
    names: PhraseTrie,
    entities: list[Entity],
    curated_people: dict[str, tuple[dict[str, Any], list[Role]]],
) -> None:
    """Hand-kept people no compiled source has."""
    for pid, (item, extra_roles) in curated_people.items():
        index = len(entities)
        words = str(item["name"]).replace("-", " ").split()
        entities.append(
            Entity(
                id=pid,
                kind="person",
                name=str(item["name"]),
                country=str(item["country"]),
                default_code=str(item["country"]),
                roles=tuple(extra_roles),
                kb_id=item.get("kb_id"),
                leader=bool(item.get("leader")),
                surname=str(item.get("surname") or (words[-1] if words else "")),
            )
        )
        for phrase in [item["name"], *(item.get("aliases") or [])]:
            names.add(phrase_tokens(str(phrase)), NameTarget("entity", index))


def _agents(curated: _Curated, path: Path) -> PhraseTrie:
    """Role nouns: curated ones (with regular plurals unless `plural: false`), then compiled."""
    agents = PhraseTrie()
    for item in curated.items("agents", ("phrase", "code")):
        agents.add(
            phrase_tokens(str(item["phrase"])),
            _agent_record(
                " ".join(phrase_tokens(str(item["phrase"]))),
                str(item["code"]),
                item.get("plover_sector"),
            ),
        )
        if item.get("plural", True):
            tokens = phrase_tokens(str(item["phrase"]))
            for form in plural_forms(tokens[-1]):
                agents.add(
                    (*tokens[:-1], form),
                    _agent_record(" ".join(tokens), str(item["code"]), item.get("plover_sector")),
                )
    for lineno, (phrase, code, plover, _source) in _read_tsv(
        path, ("phrase", "code", "plover_sector", "source")
    ):
        if "~" not in code:
            raise RuleDataError(f"{path}:{lineno}: agent code {code!r} lacks '~'")
        agents.add(tuple(phrase.split(" ")), _agent_record(phrase, code, plover or None))
    return agents


def _title_countries(curated: _Curated) -> PhraseTrie:
    title_countries = PhraseTrie()
    for item in curated.items("title_countries", ("phrase", "iso3")):
        title_countries.add(phrase_tokens(str(item["phrase"])), str(item["iso3"]))
    return title_countries


def _business_names(curated: _Curated) -> dict[str, frozenset[str]]:
    """The company words: heads, bodies and qualifiers, lower-cased."""
    business = curated.data.get("business_names") or {}
    if not isinstance(business, dict) or not all(
        isinstance(business.get(key), list) and all(isinstance(w, str) for w in business[key])
        for key in ("heads", "bodies", "qualifiers")
    ):
        raise RuleDataError(
            f"{curated.path}: business_names needs lists of words: heads, bodies, qualifiers"
        )
    return {
        key: frozenset(w.lower() for w in business[key])
        for key in ("heads", "bodies", "qualifiers")
    }


def _ambiguous(curated: _Curated) -> dict[tuple[str, ...], tuple[str, ...]]:
    ambiguous: dict[tuple[str, ...], tuple[str, ...]] = {}
    for item in curated.items("ambiguous", ("phrase", "candidates")):
        candidates = tuple(str(c) for c in item["candidates"])
        if not candidates or not all(_ISO3.match(c) for c in candidates):
            raise RuleDataError(
                f"{curated.path}: ambiguous {item['phrase']!r} needs ISO3 candidates"
            )
        ambiguous[phrase_tokens(str(item["phrase"]))] = candidates
    return ambiguous


def _read_name_origins(path: Path) -> dict[str, str]:
    name_origins: dict[str, str] = {}
    _header(path)
    for lineno, (part, iso3, holders, total) in _read_tsv(
        path, ("part", "iso3", "holders", "total")
    ):
        if not _ISO3.match(iso3) or not holders.isdigit() or not total.isdigit() or not part:
            raise RuleDataError(f"{path}:{lineno}: bad name origin {part!r} {iso3!r}")
        name_origins[part] = iso3
    return name_origins
