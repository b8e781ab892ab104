"""The records the actors steps hand each other, and the state of one story.

`Atom` (a dictionary hit) → `Chunk` (atoms naming one actor) → `Draft` (a
mention before its id and offsets) → `ActorMention` (in `dateline.records`).
`Story` carries what the steps share while one document is coded: the parse,
the knowledge, the lexicon, the date and the countries seen so far. Every step
module imports from here and none from a later step, so there is no cycle.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dateline.actors.knowledge import CAMEO_TO_PLOVER, ActorKnowledge, Agent, Entity, split_code
from dateline.actors.lexicon import Lexicon

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Token

__all__ = [
    "HYPHENS",
    "POSSESSIVES",
    "Atom",
    "Chunk",
    "CountryAtoms",
    "Draft",
    "Story",
    "cased",
    "code_parts",
    "holder_in_office",
    "is_possessive",
    "leader_in_office",
]

# Orthography, not vocabulary: the tokens a hyphen and a possessive come as.
HYPHENS = frozenset({"-", "–", "—", "‐"})
POSSESSIVES = frozenset({"'s", "’s", "'"})


@dataclass(slots=True)
class Atom:
    """A dictionary hit or unknown person over doc tokens [start, end)."""

    start: int
    end: int
    kind: str  # country | capital | seat | epithet | entity | agent | person
    iso3: str | None = None
    code: str | None = None
    entities: tuple[Entity, ...] = ()
    agent: Agent | None = None
    epithet: str | None = None


@dataclass(slots=True)
class Chunk:
    """Atoms [first, last] that name one actor, and the part each plays."""

    first: int  # atom index
    last: int  # atom index (inclusive)
    owner: int | None = None  # atom giving the country/organisation
    agents: list[int] = field(default_factory=list)
    person: int | None = None
    appositive: bool = False
    former: bool = False
    trailing_owner: bool = False  # "ambassadors of Arnor, Osgiliath and Gondor"


@dataclass(slots=True)
class Draft:
    """A mention before it gets its id and character offsets."""

    start: int
    end: int
    code: str
    kind: str
    name: str
    rule_id: str
    country: str | None = None
    sector: str | None = None
    plover_sector: str | None = None
    kb_id: str | None = None
    entity: Entity | None = None
    person_tokens: tuple[int, int] | None = None  # the name inside the span, for surnames
    antecedent: Draft | None = None
    definite: bool = False  # "the Chinese official": may refer back
    members: tuple[str, ...] = field(default_factory=tuple)
    locative: bool = False  # a country named as a place: "met in Lima, Peru"

    @property
    def is_person(self) -> bool:
        return self.person_tokens is not None or (
            self.entity is not None and self.entity.kind == "person"
        )

    def root(self) -> Draft:
        node = self
        seen = 0
        while node.antecedent is not None and seen < 50:
            node = node.antecedent
            seen += 1
        return node


class CountryAtoms:
    """The country and capital atoms of a story's atoms (in text order), indexed by
    start and by the tokens they cover, so a step that looks for a country near a
    token does not walk every atom of the story."""

    def __init__(self, atoms: list[Atom]) -> None:
        self.atoms = atoms  # the list indexed, to tell whether an index is for it
        self.countries = [a for a in atoms if a.kind in {"country", "capital"}]
        self.starts = [a.start for a in self.countries]
        self.covering: dict[int, Atom] = {}  # token → the first such atom covering it
        for atom in self.countries:
            for i in range(atom.start, atom.end):
                self.covering.setdefault(i, atom)

    def starting_in(self, start: int, stop: int) -> list[Atom]:
        """The country and capital atoms that start in tokens [start, stop), in order."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, stop, lo=lo)
        return self.countries[lo:hi]


@dataclass(slots=True)
class Story:
    """One document while it is coded: the parse, the knowledge and what was seen so far."""

    doc: Doc
    knowledge: ActorKnowledge
    lexicon: Lexicon
    day: dt.date
    texts: list[str]  # token texts, read once: spaCy builds a Token object on every access
    story_countries: set[str] = field(default_factory=set)
    # the country the story is about when one dominates it (`atoms.home_country`), for
    # bare institutions in a story that names several countries
    home: str | None = None
    recent_countries: list[str] = field(default_factory=list)  # in order of mention
    # (token index, country) of actor mentions that are not places, for "the country in context"
    recent_actor_countries: list[tuple[int, str]] = field(default_factory=list)
    country_atoms: CountryAtoms | None = None  # see `country_atoms_of`
    # the token after the story's dateline ("SINGAPORE —"), 0 without one (`atoms.dateline_end`)
    filed_from: int = 0

    def country_atoms_of(self, atoms: list[Atom]) -> CountryAtoms:
        """The index of `atoms` (the story's atoms, in text order), built once."""
        if self.country_atoms is None or self.country_atoms.atoms is not atoms:
            self.country_atoms = CountryAtoms(atoms)
        return self.country_atoms

    def note(self, iso3: str | None, token: int | None = None) -> None:
        if iso3:
            self.recent_countries.append(iso3)
            if token is not None:
                self.recent_actor_countries.append((token, iso3))

    def context_country(self, since: int) -> str | None:
        """The one country of the actor mentions at or after token `since` (the
        start of this sentence), else the story's country when it names only one;
        else None: in a story of several countries a bare title is left uncoded
        rather than given the nearest country ("President Jaime Lusinchi" of
        Venezuela in a story about Ecuador)."""
        here = set()
        for token, iso3 in reversed(self.recent_actor_countries):
            if token < since:
                break
            here.add(iso3)
        if here:
            # "The U.S. and China disagreed, officials said": whose officials is not said
            return next(iter(here)) if len(here) == 1 else None
        return self.story_country

    @property
    def story_country(self) -> str | None:
        """The story's only country, else the one that dominates it (`home`), else None."""
        if len(self.story_countries) == 1:
            return next(iter(self.story_countries))
        return self.home

    def epithet_country(self, epithet: tuple[str | None, bool]) -> str | None:
        preferred, always = epithet
        if preferred and (always or preferred in self.story_countries):
            return preferred
        return self.recent_countries[-1] if self.recent_countries else None

    def atom_country(self, atom: Atom) -> str | None:
        """The country an owner atom stands for (an epithet's as the story resolves it)."""
        if atom.kind in {"country", "capital", "seat"}:
            return atom.iso3
        if atom.kind == "epithet" and atom.epithet is not None:
            return self.epithet_country(self.knowledge.epithets.get(atom.epithet, (None, False)))
        return None


def code_parts(code: str) -> tuple[str | None, str | None, str | None]:
    """(country, sector, PLOVER sector) of a code; a six-letter ``XXXELI`` is sector ELI."""
    country, sector = split_code(code)
    if code.endswith("ELI") and country and len(code) == 6:
        sector = "ELI"
    return country, sector, CAMEO_TO_PLOVER.get(sector) if sector else None


def cased(token: Token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or text[0].isdigit())


def is_possessive(doc: Doc, i: int) -> bool:
    return i < len(doc) and doc[i].text in POSSESSIVES


def leader_in_office(knowledge: ActorKnowledge, surname: str, day: dt.date) -> Entity | None:
    """The one leader in office on `day` with this (folded) surname, else None."""
    return holder_in_office(knowledge, surname, day, leaders_only=True)


def former_leader(knowledge: ActorKnowledge, surname: str, day: dt.date | None) -> Entity | None:
    """The one leader with this (folded) surname who had left office by `day` (holds a
    former-office role then), when no other leader ever bore it, else None."""
    if day is None:
        return None
    leaders = {
        knowledge.entities[index].id: knowledge.entities[index]
        for index in knowledge.person_surnames.get(surname, ())
        if knowledge.entities[index].leader
    }
    if len(leaders) != 1:
        return None
    leader = next(iter(leaders.values()))
    role = leader.role_on(day)
    return leader if role is not None and role.code.endswith("ELI") else None


def _holders_on(knowledge: ActorKnowledge, surname: str, day: dt.date) -> Iterator[Entity]:
    """The known people with this (folded) surname who hold an office on `day` (a former
    holder does not count)."""
    for index in knowledge.person_surnames.get(surname, ()):
        entity = knowledge.entities[index]
        role = entity.role_on(day)
        if role is not None and not role.code.endswith("ELI"):
            yield entity


def holder_countries(knowledge: ActorKnowledge, surname: str, day: dt.date) -> set[str]:
    """The countries of the known people with this (folded) surname who hold an office of
    their state on `day`."""
    return {e.country for e in _holders_on(knowledge, surname, day) if e.country}


def holder_in_office(
    knowledge: ActorKnowledge, surname: str, day: dt.date, leaders_only: bool = False
) -> Entity | None:
    """The one known person with this (folded) surname who holds an office on `day`
    (a former holder does not count), else None: "Kim" or "Wang" name several."""
    found = {e.id: e for e in _holders_on(knowledge, surname, day) if e.leader or not leaders_only}
    return next(iter(found.values())) if len(found) == 1 else None
