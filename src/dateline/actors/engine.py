"""The actors stage: find political actors in a parsed story, coded as of its date.

Three passes over one spaCy Doc:

1. *atoms*: the longest dictionary phrases (countries, capitals, seats of
   government, organisations, people) and role nouns, found by walking token
   tries from each token; spaCy PERSON entities nobody knows are kept too.
2. *chunks*: atoms that form one actor are composed — "China's assistant
   foreign minister Kong Xuanyou", "Kong Xuanyou, China's assistant foreign
   minister", "Prime Minister Shinzo Abe", "the Chinese official" — into one
   mention whose code joins the country and the role noun's sector.
3. *coreference* (`coref.py`): surnames after a first mention, leaders by
   surname, "the Chinese official", "the two sides", "he"/"she".

A known person is coded by the knowledge base as of the article date; a title
in the text decides when the knowledge base has no office for that day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dateline.actors.knowledge import (
    CAMEO_TO_PLOVER,
    ActorKnowledge,
    Agent,
    Entity,
    NameTarget,
    split_code,
)
from dateline.actors.text import fold
from dateline.records import ActorMention, Document

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "ActorStage",
    "Atom",
    "Draft",
    "find_mentions",
    "group_members",
    "mention_at",
    "mentions_by_head",
]

# A capital after these is where something happens, not who acts: the places stage has it.
LOCATIVE = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "around",
        "across",
        "from",
        "to",
        "into",
        "toward",
        "towards",
        "via",
        "through",
        "within",
        "throughout",
        "between",
        "over",
    }
)
VISIT_VERBS = frozenset({"visit", "arrive", "reach", "tour", "leave", "travel", "fly"})
# "protested to Seoul", "a letter from Tokyo": after these prepositions a capital is an
# actor unless the preposition hangs on a noun ("trip to Tokyo") or a verb of motion.
RECIPIENT_PREPOSITIONS = frozenset({"to", "from"})
MOTION_VERBS = frozenset(
    {
        "go",
        "come",
        "return",
        "travel",
        "fly",
        "head",
        "move",
        "arrive",
        "send",
        "flee",
        "sail",
        "spread",
        "extend",
        "expand",
        "drive",
        "walk",
        "relocate",
        "transfer",
        "deport",
        "export",
        "import",
        "ship",
    }
)
FORMER = frozenset({"former", "ex", "then"})
SURNAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM", "MNG", "SGP"})
HYPHENS = frozenset({"-", "–", "—", "‐"})
COMPASS = frozenset({"south", "north", "east", "west"})
# A capital or seat that stood for a state now gone: Moscow and the Kremlin were the
# Soviet Union's until it dissolved (Phoenix codes SUN).
SUCCESSORS: dict[str, tuple[str, dt.date]] = {"RUS": ("SUN", dt.date(1991, 12, 26))}
# Sectors of a bare political body or group ("the government", "police", "rebels").
# A titled person of these sectors holds a state's office: such a person may be placed by
# the origin of the name or the host of a visit when the text names no owner.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "SPY"})
MEET_VERBS = frozenset({"meet", "see"})
BARE_SECTORS = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "REB", "OPP", "SPY", "IGO"})
# Singular nouns that name a body, not one person.
BARE_INSTITUTIONS = frozenset(
    {
        "government",
        "authorities",
        "police",
        "army",
        "military",
        "parliament",
        "cabinet",
        "administration",
        "regime",
        "junta",
        "opposition",
        "court",
        "ministry",
        "legislature",
        "navy",
        "leadership",
        "judiciary",
        "assembly",
        "treasury",
    }
)
LANGUAGE_WORDS = frozenset({"speaking", "speaker", "speakers", "language", "languages"})
PREFIXES = frozenset({"anti", "inter", "pro", "non", "pan", "trans", "post", "pre"})
CURRENCY_WORDS = frozenset(
    {
        "dollar",
        "dollars",
        "franc",
        "francs",
        "mark",
        "marks",
        "yen",
        "pound",
        "pounds",
        "peso",
        "pesos",
        "lira",
        "lire",
        "crown",
        "crowns",
        "krona",
        "krone",
        "rupee",
        "rupees",
        "won",
        "yuan",
        "rouble",
        "roubles",
        "ruble",
        "rubles",
        "currency",
        "guilder",
        "guilders",
        "schilling",
        "schillings",
        "escudo",
        "escudos",
        "peseta",
        "pesetas",
        "drachma",
        "drachmas",
        "rand",
        "ringgit",
        "baht",
        "dinar",
        "dinars",
        "riyal",
        "riyals",
        "shekel",
        "shekels",
        "euro",
        "euros",
        "bond",
        "bonds",
    }
)
# "Kim Il Sung University", "Kim Il Sung Square": a name inside the name of a place or prize.
INSTITUTION_WORDS = frozenset(
    {
        "university",
        "square",
        "stadium",
        "prize",
        "order",
        "street",
        "avenue",
        "park",
        "bridge",
        "airport",
        "foundation",
        "institute",
        "academy",
        "college",
        "school",
        "hospital",
        "memorial",
        "museum",
        "hall",
        "library",
        "palace",
        "award",
        "medal",
        "centre",
        "center",
        "plaza",
        "boulevard",
        "road",
        "station",
        "theatre",
        "theater",
        "mausoleum",
        "youth",
        "statue",
        "statues",
        "birthplace",
        "monument",
        "tower",
        "building",
        "house",
        "trophy",
        "cup",
        "fund",
        "scholarship",
        "era",
    }
)


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


def _code_parts(code: str) -> tuple[str | None, str | None, str | None]:
    country, sector = split_code(code)
    if code.endswith("ELI") and country and len(code) == 6:
        sector = "ELI"
    return country, sector, CAMEO_TO_PLOVER.get(sector) if sector else None


def _cased(token: Token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or text[0].isdigit())


class _Words:
    """Folded token texts with hyphen tokens dropped, mapped back to doc tokens."""

    def __init__(self, texts: list[str]) -> None:
        self.words: list[str] = []
        self.index: list[int] = []  # word position → doc token index
        for i, text in enumerate(texts):
            if text in HYPHENS or text.isspace():
                continue
            self.words.append(fold(text))
            self.index.append(i)


def _choose_entity(entities: tuple[Entity, ...], day: dt.date, story: set[str]) -> Entity:
    def score(entity: Entity) -> tuple[int, int, int, int]:
        role = entity.role_on(day)
        in_office = role is not None and not role.code.endswith("ELI")
        return (
            int(in_office and (entity.country in story or entity.country is None)),
            int(in_office),
            int(entity.country in story),
            int(entity.leader),
        )

    return max(entities, key=score) if len(entities) > 1 else entities[0]


def find_atoms(doc: Doc, knowledge: ActorKnowledge, texts: list[str] | None = None) -> list[Atom]:
    words = _Words(texts if texts is not None else [t.text for t in doc])
    atoms: list[Atom] = []
    covered = [False] * len(doc)
    j = 0
    n = len(words.words)
    while j < n:
        hit = knowledge.names.longest(words.words, j)
        if hit is None:
            j += 1
            continue
        end, targets = hit
        first = doc[words.index[j]]
        tokens = [doc[words.index[k]] for k in range(j, end)]
        start_tok, end_tok = words.index[j], words.index[end - 1] + 1
        usable = [t for t in targets if _target_fits(t, tokens)]
        if not usable or (
            first.lower_ != "the"
            and not _cased(first)
            and not any(t.kind == "epithet" for t in usable)
            and not _lower_compass(tokens, usable)
        ):
            j += 1
            continue
        target = usable[0]
        if target.kind == "entity":
            ents = tuple(
                knowledge.entities[t.key]
                for t in usable
                if t.kind == "entity" and isinstance(t.key, int)
            )
            atoms.append(Atom(start_tok, end_tok, "entity", entities=ents))
        elif target.kind == "seat":
            atoms.append(
                Atom(
                    start_tok,
                    end_tok,
                    "seat",
                    code=str(target.key),
                    iso3=split_code(str(target.key))[0],
                )
            )
        elif target.kind == "epithet":
            atoms.append(Atom(start_tok, end_tok, "epithet", epithet=str(target.key)))
        else:
            atoms.append(Atom(start_tok, end_tok, target.kind, iso3=str(target.key)))
        for i in range(start_tok, end_tok):
            covered[i] = True
        j = end
    # role nouns, where no name stands
    j = 0
    while j < n:
        if covered[words.index[j]]:
            j += 1
            continue
        hit = knowledge.agents.longest(words.words, j)
        if hit is None:
            j += 1
            continue
        end, agents = hit
        if any(covered[words.index[k]] for k in range(j, end)):
            j += 1
            continue
        start_tok, end_tok = words.index[j], words.index[end - 1] + 1
        atoms.append(Atom(start_tok, end_tok, "agent", agent=agents[0]))
        for i in range(start_tok, end_tok):
            covered[i] = True
        j = end
    # people no dictionary knows, as spaCy's NER sees them
    for ent in doc.ents:
        if ent.label_ != "PERSON" or any(covered[i] for i in range(ent.start, ent.end)):
            continue
        start, end = ent.start, ent.end
        while end > start and doc[end - 1].text in {"'s", "’s", "'"}:
            end -= 1
        if end > start:
            atoms.append(Atom(start, end, "person"))
            for i in range(start, end):
                covered[i] = True
    atoms.sort(key=lambda a: a.start)
    return atoms


def _lower_compass(tokens: list[Token], targets: list[NameTarget]) -> bool:
    """KCNA's "south Korea": a lower-case compass word before a capitalised country name."""
    return (
        len(tokens) >= 2
        and tokens[0].text in COMPASS
        and _cased(tokens[1])
        and any(t.kind == "country" for t in targets)
    )


def _target_fits(target: NameTarget, tokens: list[Token]) -> bool:
    if not target.case_sensitive:
        return True
    return all(t.text.replace(".", "").isupper() for t in tokens)


@dataclass(slots=True)
class _Context:
    day: dt.date
    story_countries: set[str]
    # the country the story is about when one dominates it (`home_country`), for bare
    # institutions in a story that names several countries
    home: str | None = None
    recent_countries: list[str] = field(default_factory=list)  # in order of mention

    # (token index, country) of actor mentions that are not places, for "the country in context"
    recent_actor_countries: list[tuple[int, str]] = field(default_factory=list)

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
        if len(self.story_countries) == 1:
            return next(iter(self.story_countries))
        return self.home

    def epithet_country(self, epithet: tuple[str | None, bool]) -> str | None:
        preferred, always = epithet
        if preferred and (always or preferred in self.story_countries):
            return preferred
        return self.recent_countries[-1] if self.recent_countries else None


def _atom_country(atom: Atom, knowledge: ActorKnowledge, context: _Context) -> str | None:
    if atom.kind in {"country", "capital", "seat"}:
        return atom.iso3
    if atom.kind == "epithet" and atom.epithet is not None:
        return context.epithet_country(knowledge.epithets.get(atom.epithet, (None, False)))
    return None


def _is_possessive(doc: Doc, i: int) -> bool:
    return i < len(doc) and doc[i].text in {"'s", "’s", "'"}


def compose(
    doc: Doc, atoms: list[Atom], knowledge: ActorKnowledge, context: _Context
) -> list[Draft]:
    """Turn atoms into drafts, joining the atoms that name one actor."""
    drafts: list[Draft] = []
    used = [False] * len(atoms)
    for a, atom in enumerate(atoms):
        if used[a]:
            continue
        chunk = _chunk_at(doc, atoms, a, knowledge)
        for k in range(a, chunk.last + 1):
            used[k] = True
        draft = _draft_for(doc, atoms, chunk, knowledge, context)
        if draft is not None:
            drafts.append(draft)
            context.note(draft.country, None if draft.locative else draft.start)
            if chunk.trailing_owner and chunk.owner is not None and draft.country:
                # the same title for each listed country
                suffix = draft.code[3:]
                for k in _coordinated(doc, atoms, chunk.owner, used):
                    used[k] = True
                    iso3 = atoms[k].iso3 or ""
                    c, s_, p = _code_parts(iso3 + suffix)
                    drafts.append(
                        Draft(
                            atoms[k].start,
                            atoms[k].end,
                            iso3 + suffix,
                            "composed",
                            knowledge.country_name(iso3),
                            "composed.coordinated",
                            country=c,
                            sector=s_,
                            plover_sector=p,
                        )
                    )
        elif atom.kind in {"country", "capital"}:
            context.note(atom.iso3)
    return drafts


@dataclass(slots=True)
class _Chunk:
    first: int  # atom index
    last: int  # atom index (inclusive)
    owner: int | None = None  # atom giving the country/organisation
    agents: list[int] = field(default_factory=list)
    person: int | None = None
    appositive: bool = False
    former: bool = False
    trailing_owner: bool = False  # "ambassadors of Arnor, Osgiliath and Gondor"


def _gap_ok(
    doc: Doc, start: int, end: int, knowledge: ActorKnowledge, allow_possessive: bool
) -> tuple[bool, bool]:
    """Whether tokens [start, end) may stand inside a title; and whether they say 'former'."""
    former = False
    for i in range(start, end):
        token = doc[i]
        low = token.lower_
        if low in FORMER:
            former = True
            continue
        if allow_possessive and i == start and token.text in {"'s", "’s", "'"}:
            continue
        if low in knowledge.modifiers or token.text in HYPHENS or token.is_space:
            continue
        return False, former
    return True, former


def _chunk_at(doc: Doc, atoms: list[Atom], a: int, knowledge: ActorKnowledge) -> _Chunk:
    chunk = _Chunk(first=a, last=a)
    atom = atoms[a]
    k = a
    if atom.kind in {"country", "capital", "epithet", "seat"} or (
        atom.kind == "entity" and atom.entities[0].kind in {"igo", "org"}
    ):
        chunk.owner = a
        before = atom.start - 1
        if before >= 0 and doc[before].lower_ in FORMER:
            chunk.former = True  # "former Gondor prosecutors"
        # owner ['s] [modifiers] agent...
        if k + 1 < len(atoms) and atoms[k + 1].kind in {"agent", "entity", "person"}:
            nxt = atoms[k + 1]
            if (
                nxt.kind == "agent"
                or (nxt.kind == "entity" and nxt.entities[0].kind == "person")
                or nxt.kind == "person"
            ):
                ok, former = _gap_ok(doc, atom.end, nxt.start, knowledge, allow_possessive=True)
                if ok:
                    chunk.former |= former
                    k += 1
                else:
                    return chunk
            else:
                return chunk
        else:
            return chunk
    # agents, then an optional person
    while k < len(atoms) and atoms[k].kind == "agent":
        if chunk.agents:
            ok, former = _gap_ok(
                doc, atoms[chunk.agents[-1]].end, atoms[k].start, knowledge, allow_possessive=False
            )
            if not ok:
                break
            chunk.former |= former
        elif chunk.owner is None:
            # "will be former foreign minister X": "former" before the title's modifiers
            i = atoms[k].start - 1
            while (
                i >= 0
                and (doc[i].lower_ in knowledge.modifiers or doc[i].is_space)
                and doc[i].lower_ not in FORMER
            ):
                i -= 1
            chunk.former |= i >= 0 and doc[i].lower_ in FORMER
        chunk.agents.append(k)
        chunk.last = k
        k += 1
    if chunk.owner is None and chunk.agents:
        owner = _of_owner(doc, atoms, chunk.last, k, knowledge.petrarch)
        if owner is not None:
            chunk.owner = owner
            chunk.last = owner
            chunk.trailing_owner = True
            k = owner + 1
    if (
        (chunk.agents or k > a)
        and k < len(atoms)
        and atoms[k].kind in {"person", "entity"}
        and (atoms[k].kind == "person" or atoms[k].entities[0].kind == "person")
    ):
        prev_end = atoms[chunk.last].end
        gap = [t for t in doc[prev_end : atoms[k].start] if not t.is_space]
        if len(gap) == 0:
            chunk.person = k
            chunk.last = k
        elif (
            len(gap) == 1
            and gap[0].text == ","
            and chunk.agents
            and _appos(doc, atoms[chunk.agents[-1]], atoms[k])
        ):
            chunk.person = k
            chunk.last = k
            chunk.appositive = True
    if (
        knowledge.petrarch
        and chunk.agents
        and chunk.person is None
        and not chunk.trailing_owner
        and k < len(atoms)
        and atoms[k].kind == "country"
        and atoms[k].start == atoms[chunk.last].end
    ):
        # PETRARCH dictionaries code some people as bare countries ("ROMENDACIL [BRE]"):
        # "Bree Prime Minister Romendacil" is one actor
        if chunk.owner is None:
            chunk.owner = k
        chunk.last = k
    if chunk.agents or chunk.person is not None or chunk.owner is not None:
        if chunk.owner is None and chunk.person is None and chunk.agents:
            # a title standing alone; a person may follow it after a comma
            pass
        return chunk
    # a person first: "Kong Xuanyou, China's assistant foreign minister"
    if atom.kind in {"person", "entity"}:
        chunk.person = a
        rest = _appositive_role(doc, atoms, a, knowledge)
        if rest is not None:
            owner, agents, former = rest
            chunk.owner = owner
            chunk.agents = agents
            chunk.former |= former
            chunk.last = agents[-1]
            chunk.appositive = True
    return chunk


def _appos(doc: Doc, role: Atom, person: Atom) -> bool:
    """The person is in apposition to the role noun (or the other way round)."""
    role_tokens = range(role.start, role.end)
    person_tokens = range(person.start, person.end)
    for i in person_tokens:
        if doc[i].dep_ == "appos" and doc[i].head.i in role_tokens:
            return True
    for i in role_tokens:
        if doc[i].dep_ == "appos" and doc[i].head.i in person_tokens:
            return True
    last = doc[role.end - 1]
    return last.tag_ in {"NN", "NNP"}


def _appositive_role(
    doc: Doc, atoms: list[Atom], p: int, knowledge: ActorKnowledge
) -> tuple[int | None, list[int], bool] | None:
    person = atoms[p]
    if person.end >= len(doc) or doc[person.end].text != "," or p + 1 >= len(atoms):
        return None
    k = p + 1
    owner: int | None = None
    former = False
    start = person.end + 1
    if atoms[k].kind in {"country", "capital", "epithet"} or (
        atoms[k].kind == "entity" and atoms[k].entities[0].kind in {"igo", "org"}
    ):
        if not all(doc[i].lower_ in {"the", "a", "an"} for i in range(start, atoms[k].start)):
            return None
        owner = k
        start = atoms[k].end
        k += 1
    agents: list[int] = []
    while k < len(atoms) and atoms[k].kind == "agent":
        ok, f = _gap_ok(
            doc, start, atoms[k].start, knowledge, allow_possessive=owner is not None and not agents
        )
        if not ok and not (
            owner is None
            and not agents
            and all(
                doc[i].lower_ in {"the", "a", "an"} | knowledge.modifiers | FORMER
                for i in range(start, atoms[k].start)
            )
        ):
            break
        former |= f or any(doc[i].lower_ in FORMER for i in range(start, atoms[k].start))
        agents.append(k)
        start = atoms[k].end
        k += 1
    if not agents:
        return None
    if not _appos(doc, atoms[agents[-1]], person):
        return None
    if owner is None:
        owner = _of_owner(doc, atoms, agents[-1], agents[-1] + 1)
        if owner is not None:
            agents = [*agents, owner]  # the chunk ends at the owner; agents[-1] marks the end
    return owner, agents, former


def _of_owner(doc: Doc, atoms: list[Atom], last: int, k: int, petrarch: bool = False) -> int | None:
    """ "president of Nigeria": the atom after "of" [the] that owns the title
    ("in" too under PETRARCH's conventions: "lawmakers in Fornost")."""
    i = atoms[last].end
    if k >= len(atoms) or i >= len(doc):
        return None
    agent = atoms[last].agent
    if atoms[k].start == i and agent is not None and agent.prepend:
        pass  # "MSF Arnor": an organisation noun (NGO~) right before its country
    elif doc[i].lower_ in {"of", "from"} or (petrarch and doc[i].lower_ == "in"):
        i += 1
    else:
        return None
    if i < len(doc) and doc[i].lower_ == "the":
        i += 1
    atom = atoms[k]
    if atom.start != i:
        return None
    if (
        atom.kind == "country"
        and atom.end < len(doc)
        and doc[atom.end].pos_ == "NOUN"
        and not (k + 1 < len(atoms) and atoms[k + 1].start == atom.end)
    ):
        return None  # "president of the Colombian group": the group's, not Colombia's
    if atom.kind in {"country", "capital"} or (
        atom.kind == "entity" and atom.entities[0].kind in {"igo", "org"}
    ):
        return k
    return None


def _coordinated(doc: Doc, atoms: list[Atom], owner: int, used: list[bool]) -> list[int]:
    """Countries listed after a trailing owner: "of Arnor, Osgiliath and Gondor"."""
    found: list[int] = []
    k = owner
    while k + 1 < len(atoms) and not used[k + 1]:
        nxt = atoms[k + 1]
        between = doc[atoms[k].end : nxt.start]
        if (
            nxt.kind not in {"country", "capital"}
            or not between
            or any(t.lower_ not in {",", "and", "or"} for t in between)
        ):
            break
        found.append(k + 1)
        k += 1
    return found


def _title_agent(atoms: list[Atom], chunk: _Chunk) -> Agent | None:
    """The role noun that decides the sector: the last one that has a sector."""
    for index in reversed(chunk.agents):
        agent = atoms[index].agent
        if agent is not None and not agent.inherit:
            return agent
    return atoms[chunk.agents[-1]].agent if chunk.agents else None


def _join(country: str, agent: Agent | None) -> str:
    if agent is None or agent.inherit or not agent.code:
        return country + "GOV" if agent is not None and agent.inherit else country
    if agent.prepend:
        return agent.code + country
    return country + agent.code


def _draft_for(
    doc: Doc, atoms: list[Atom], chunk: _Chunk, knowledge: ActorKnowledge, context: _Context
) -> Draft | None:
    first, last = atoms[chunk.first], atoms[chunk.last]
    start, end = first.start, last.end
    owner = atoms[chunk.owner] if chunk.owner is not None else None
    person = atoms[chunk.person] if chunk.person is not None else None
    agent = _title_agent(atoms, chunk)
    text = doc[start:end].text
    day = context.day

    # A single atom that is not part of a larger actor.
    if owner is not None and person is None and not chunk.agents:
        return _single(doc, owner, knowledge, context)
    if person is None and owner is None and chunk.agents:
        # A bare title: "the sources said" names no one we can code; "the government",
        # "police", "three soldiers" are the state's of their sentence or of the story.
        return _bare_institution(doc, atoms, chunk, agent, context)
    if person is not None and owner is None and not chunk.agents:
        return _single(doc, person, knowledge, context)

    owner_country: str | None = None
    owner_code: str | None = None
    if owner is not None:
        if owner.kind == "entity":
            owner_code = _choose_entity(owner.entities, day, context.story_countries).code_on(day)
            owner_country = split_code(owner_code)[0]
        elif owner.kind == "seat":
            owner_code = owner.code
            owner_country = owner.iso3
        else:
            owner_country = _atom_country(owner, knowledge, context)
    title_country = None
    if chunk.agents:
        title_words = " ".join(
            fold(doc[i].text)
            for i in range(atoms[chunk.agents[0]].start, atoms[chunk.agents[-1]].end)
        )
        hits = knowledge.title_countries.get(tuple(title_words.split()))
        title_country = hits[0] if hits else None

    entity: Entity | None = None
    if person is not None and person.kind == "entity":
        entity = _choose_entity(
            person.entities,
            day,
            context.story_countries | ({owner_country} if owner_country else set()),
        )
    if (
        entity is not None
        and owner_country is not None
        and entity.country is not None
        and entity.country != owner_country
    ):
        # "Colombian army commander Jorge Ramirez" is not the Bolivian of that name:
        # the text's country beats a namesake in the knowledge base
        entity = None
    person_tokens = (person.start, person.end) if person is not None else None
    name = doc[person.start : person.end].text if person is not None else text

    if entity is not None:
        role = entity.role_on(day)
        country = entity.country or owner_country or title_country
        if role is not None and role.source == "died":
            code, rule = role.code, "person.deceased"  # "President Kim Il Sung" in 2011
        elif chunk.former and country:
            code, rule = country + "ELI", "person.former"
        elif role is not None and not role.code.endswith("ELI"):
            code, rule = role.code, "person.kb"
        elif owner_code is not None and owner_country is None and agent is not None:
            # "NATO Secretary-General Jens Stoltenberg": the organisation the title names
            code, rule = owner_code, "person.title"
        elif agent is not None and country:
            code, rule = _join(country, agent), "person.title"
        else:
            code, rule = entity.code_on(day), "person.kb"
        c, s, p = _code_parts(code)
        return Draft(
            start,
            end,
            code,
            "person",
            entity.name,
            rule,
            country=c or country,
            sector=s,
            plover_sector=p,
            kb_id=entity.kb_id,
            entity=entity,
            person_tokens=person_tokens,
        )

    if owner_code is not None and owner_country is None:
        # an IGO or NGO with a role noun: "UN Secretary-General" is the UN's; PETRARCH
        # appends the role ("the human rights activists of Amnesty International" → NGMOPP)
        if knowledge.petrarch and agent is not None and not agent.inherit and agent.code:
            owner_code = agent.code + owner_code if agent.prepend else owner_code + agent.code
        c, s, p = _code_parts(owner_code)
        return Draft(
            start,
            end,
            owner_code,
            "composed",
            name,
            "composed.organisation",
            country=c,
            sector=s,
            plover_sector=p,
            person_tokens=person_tokens,
        )
    country = owner_country or title_country
    if country is None and person is not None:
        if (
            owner is None
            and chunk.agents
            and _modified_by_common_noun(doc, atoms[chunk.agents[0]].start)
        ):
            return None  # "union president Owen Bieber", "company spokesman": not an officer of a state
        if (
            owner is None
            and chunk.agents
            and _named_by_organisation(doc, atoms[chunk.agents[0]].start)
        ):
            return None  # "Honeywell Bull president Jerome Meyer": a company's officer
        if owner is None and chunk.appositive:
            # "Pak Sun Dok, vice-minister of Common Education of the DPRK Education
            # Commission": a country inside the apposition; "Kim Jong Suk, a woman
            # commander of Mt. Paektu" names none and is left out
            country = _country_in_apposition(doc, atoms, atoms[chunk.agents[-1]].end)
        else:
            country = context.context_country(doc[start].sent.start)
        rule = "composed.context"
        if country is None and agent is not None and agent.sector in STATE_SECTORS:
            # "meet Takeo Akiba, deputy foreign minister for political affairs" in a story
            # of Japan and China: weaker evidence, never the nearest country
            found = _supported_country(doc, atoms, person, knowledge, context)
            if found is not None:
                country, rule = found
    else:
        rule = "composed.owner" if owner is not None else "composed.title"
    if country is None:
        return None
    if chunk.former:
        code = country + "ELI"
    elif (owner_code is not None and agent is not None and agent.inherit) or (
        owner_code is not None
        and len(owner_code) > 3
        and agent is not None
        and owner_code[3:6] == agent.code[:3]
    ):
        code = owner_code
    else:
        code = _join(country, agent)
    c, s, p = _code_parts(code)
    if agent is not None and agent.plover_sector and s == agent.sector:
        p = agent.plover_sector
    definite = person is None and start > 0 and doc[start - 1].lower_ == "the"
    if definite:
        start -= 1
    return Draft(
        start,
        end,
        code,
        "composed",
        name if person is not None else doc[start:end].text,
        rule,
        country=c,
        sector=s,
        plover_sector=p,
        person_tokens=person_tokens,
        definite=definite,
    )


def _supported_country(
    doc: Doc, atoms: list[Atom], person: Atom, knowledge: ActorKnowledge, context: _Context
) -> tuple[str, str] | None:
    """The country of a titled person that neither the knowledge base nor an owner in
    the text gives, from weaker evidence in order: the origin of the name's parts
    (every part the prior knows points to the same country and the story names it:
    "Takeo" → JPN; "Kim" says nothing), then the host of a visit ("visit Tokyo and
    meet Takeo Akiba"). None when neither holds: the person is left out."""
    origins = {
        knowledge.name_origins[part]
        for i in range(person.start, person.end)
        for part in re.split(r"[-.]+", fold(doc[i].text))
        if part in knowledge.name_origins
    }
    if len(origins) == 1:
        (iso3,) = origins
        if iso3 in context.story_countries:
            return iso3, "composed.name-origin"
    if len(origins) > 1:
        return None  # the name's parts disagree
    host = _visit_host(doc, atoms, person)
    return (host, "composed.host") if host is not None else None


def _visit_host(doc: Doc, atoms: list[Atom], person: Atom) -> str | None:
    """The country visited when the person is met on that visit: "is expected to visit
    Tokyo and meet Y", "visited Japan, meeting Y" → Y is the host's (JPN). Not "met Y
    in X": a visitor may be met abroad by a compatriot."""
    head = doc[person.start : person.end].root
    verb = head.head
    if head.dep_ != "dobj" or verb.lemma_ not in MEET_VERBS:
        return None
    visit = verb.head if verb.dep_ in {"conj", "advcl", "xcomp"} else None
    if visit is None or visit.lemma_ != "visit":
        return None
    for child in visit.children:
        if child.dep_ != "dobj":
            continue
        for atom in atoms:
            if atom.start <= child.i < atom.end and atom.kind in {"country", "capital"}:
                return atom.iso3
    return None


def _bare_institution(
    doc: Doc, atoms: list[Atom], chunk: _Chunk, agent: Agent | None, context: _Context
) -> Draft | None:
    """ "the government", "the authorities", "police", "soldiers": a political body or
    group with no owner in the text takes the country of an actor earlier in its sentence,
    else the story's only country, else is left out (never the nearest country of several)."""
    if agent is None or agent.inherit or agent.prepend or agent.sector not in BARE_SECTORS:
        return None
    first, last = atoms[chunk.agents[0]], atoms[chunk.agents[-1]]
    head = doc[last.end - 1]
    span = doc[first.start : last.end]
    if not (
        head.tag_ in {"NNS", "NNPS"}
        or head.lower_ in BARE_INSTITUTIONS
        or any(t.lower_ in BARE_INSTITUTIONS for t in span)  # "a Treasury spokesman"
    ):
        return None  # "the minister said": a person, for coreference
    one_word = last.end - first.start == 1 and head.lower_ in BARE_INSTITUTIONS
    if not one_word and any(
        t.text[:1].isupper() and t.i != t.sent.start and t.lower_ not in BARE_INSTITUTIONS
        for t in span
    ):
        return None  # part of a name: "the Irish Republican Army" ("the Treasury" is not)
    if one_word and head.text[:1].isupper() and last.end < len(doc) and _cased(doc[last.end]):
        return None  # "Parliament Square", "Government House": a name
    if first.start > 0 and doc[first.start - 1].pos_ in {"NOUN", "PROPN"}:
        return None  # "union officials", "Tasmania state government": someone else's
    if head.dep_ in {"amod", "compound"} and head.head.i > head.i:
        return None  # "military exercises": a word about something, not an actor
    if first.start > 0 and doc[first.start - 1].tag_ == "PRP$":
        return None  # "its opposition to a loan", "their government": whose is not named
    if last.end < len(doc) and doc[last.end].lower_ == "of":
        return None  # "the government of X" names its owner elsewhere
    country = context.context_country(doc[first.start].sent.start)
    if country is None:
        return None
    start = first.start
    definite = start > 0 and doc[start - 1].lower_ == "the"
    if definite:
        start -= 1
    code = _join(country, agent)
    c, s, p = _code_parts(code)
    if agent.plover_sector and s == agent.sector:
        p = agent.plover_sector
    return Draft(
        start,
        last.end,
        code,
        "composed",
        doc[start : last.end].text,
        "composed.context",
        country=c,
        sector=s,
        plover_sector=p,
    )


def _country_in_apposition(doc: Doc, atoms: list[Atom], start: int) -> str | None:
    """The country named in the rest of an apposition (up to the next comma), unless it
    only describes some other body ("president of the Colombian group")."""
    stop = start
    while stop < len(doc) and doc[stop].text not in {",", ";", ".", "(", ")"}:
        stop += 1
    for atom in atoms:
        if atom.start < start or atom.start >= stop or atom.kind not in {"country", "capital"}:
            continue
        after = doc[atom.end] if atom.end < len(doc) else None
        if after is not None and after.pos_ == "NOUN" and after.text.islower():
            continue
        return atom.iso3
    return None


def _place_only(doc: Doc, atom: Atom) -> bool:
    """A capital after a preposition of place or naming a thing ("the Paris meeting")."""
    head = doc[atom.end - 1]
    return _locative(doc, atom.start) or (
        head.dep_ == "compound" and atom.end < len(doc) and not _is_possessive(doc, atom.end)
    )


# a participle after a country word and a hyphen: where a thing comes from
ORIGIN_PARTICIPLES = frozenset(
    {
        "made",
        "built",
        "manufactured",
        "produced",
        "designed",
        "supplied",
        "registered",
        "flagged",
        "owned",
        "operated",
        "grown",
        "mined",
        "refined",
        "assembled",
        "developed",
    }
)
# "the Uruguay Round", "the Tokyo Round": rounds of trade talks named after a place
NAMED_ROUNDS = frozenset({"Round", "round"})


def _made_in(doc: Doc, atom: Atom) -> bool:
    """ "Chinese-made missiles", "U.S.-built jets", "Liberian-registered
    tanker": a country word naming where a thing comes from."""
    end = atom.end
    if end + 1 < len(doc) and doc[end].text in HYPHENS:
        return doc[end + 1].lower_ in ORIGIN_PARTICIPLES
    if end < len(doc) and doc[end].text[:1] in HYPHENS:
        return doc[end].lower_[1:] in ORIGIN_PARTICIPLES
    return False


def _prefixed(doc: Doc, start: int) -> bool:
    """A country word under a prefix: "anti-Japanese", "inter-Korean", "pro-American"."""
    if start >= 2 and doc[start - 1].text in HYPHENS:
        return doc[start - 2].lower_ in PREFIXES
    if start >= 1 and doc[start - 1].text.endswith("-"):
        return doc[start - 1].lower_.rstrip("-") in PREFIXES
    return False


def _money_note(doc: Doc, atom: Atom) -> bool:
    """ "a $160 million (U.S.) deficit": the currency of an amount in brackets."""
    return (
        atom.start >= 2
        and doc[atom.start - 1].text == "("
        and doc[atom.start - 2].like_num
        and atom.end < len(doc)
        and doc[atom.end].text == ")"
    )


def _named_by_organisation(doc: Doc, start: int) -> bool:
    """Whether the title at `start` follows the name of an organisation no dictionary knows
    (spaCy's ORG): "BankAmerica Chairman A.W. Clausen"."""
    return start > 0 and doc[start - 1].ent_type_ == "ORG" and doc[start - 1].pos_ == "PROPN"


def _modified_by_common_noun(doc: Doc, start: int) -> bool:
    if start == 0:
        return False
    before = doc[start - 1]
    return before.pos_ == "NOUN" and before.text.islower()


def _single(doc: Doc, atom: Atom, knowledge: ActorKnowledge, context: _Context) -> Draft | None:
    day = context.day
    text = doc[atom.start : atom.end].text
    if atom.kind == "country" and atom.iso3:
        if _inside_larger_name(doc, atom):
            return None  # "East China Sea", "South Korea Strait": a place, not the country
        if atom.end < len(doc) and doc[atom.end].lower_ in CURRENCY_WORDS:
            return None  # "the Australian dollar", "Swiss francs": money, not an actor
        if atom.end < len(doc) and doc[atom.end].lower_ in LANGUAGE_WORDS:
            return None  # "Dutch and French speaking parties": languages
        if (
            atom.end + 2 < len(doc)
            and doc[atom.end].lower_ in {"and", "or", ","}
            and doc[atom.end + 2].lower_ in LANGUAGE_WORDS
        ):
            return None  # the first of "Dutch and French speaking"
        if _prefixed(doc, atom.start) or _money_note(doc, atom):
            return None  # "anti-Japanese", "inter-Korean"; "$160 million (U.S.)"
        if _made_in(doc, atom):
            return None  # "Chinese-made missiles", "U.S.-built jets": a thing's origin
        if atom.end < len(doc) and doc[atom.end].text in NAMED_ROUNDS:
            return None  # "the Uruguay Round" of trade talks, not Uruguay
        if _names_business(doc, atom, knowledge):
            return Draft(
                atom.start,
                atom.end,
                atom.iso3 + "BUS",
                "org",
                knowledge.country_name(atom.iso3),
                "country.business",
                country=atom.iso3,
                sector="BUS",
                plover_sector=CAMEO_TO_PLOVER.get("BUS"),
            )
        before = doc[atom.start - 1] if atom.start > 0 else None
        locative = before is not None and (
            before.lower_ in LOCATIVE
            or (before.text == "," and atom.start >= 2 and doc[atom.start - 2].ent_type_ == "GPE")
        )
        return Draft(
            atom.start,
            atom.end,
            atom.iso3,
            "country",
            knowledge.country_name(atom.iso3),
            "country.name",
            country=atom.iso3,
            kb_id=_country_qid(knowledge, atom.iso3),
            locative=locative,
        )
    if atom.kind == "capital" and atom.iso3:
        if _locative(doc, atom.start):
            return None  # a place: "talks in Tokyo"
        head = doc[atom.end - 1]
        if head.text.isupper() and atom.end < len(doc) and doc[atom.end].text in HYPHENS:
            return None  # a dateline: "WASHINGTON - The Treasury said ..."
        if head.dep_ == "compound" and atom.end < len(doc) and not _is_possessive(doc, atom.end):
            return None  # "the Paris accord", "Washington talks": a name, not an actor
        if atom.end < len(doc) and doc[atom.end].pos_ == "NOUN" and doc[atom.end].text.islower():
            return None  # "the Cenepa and Santiago rivers": a capital's name on a thing
        if head.dep_ == "dobj" and head.head.lemma_ in VISIT_VERBS:
            return Draft(
                atom.start,
                atom.end,
                atom.iso3,
                "country",
                knowledge.country_name(atom.iso3),
                "capital.visited",
                country=atom.iso3,
                kb_id=_country_qid(knowledge, atom.iso3),
            )
        return Draft(
            atom.start,
            atom.end,
            atom.iso3 + "GOV",
            "country",
            knowledge.country_name(atom.iso3),
            "capital.government",
            country=atom.iso3,
            sector="GOV",
            plover_sector="GOV",
        )
    if atom.kind == "seat" and atom.code:
        c, s, p = _code_parts(atom.code)
        return Draft(
            atom.start,
            atom.end,
            atom.code,
            "country",
            text,
            "seat.government",
            country=c,
            sector=s,
            plover_sector=p,
        )
    if atom.kind == "epithet":
        country = _atom_country(atom, knowledge, context)
        if country is None:
            return None
        start = atom.start
        draft = Draft(
            start,
            atom.end,
            country,
            "coref",
            knowledge.country_name(country),
            "coref.epithet",
            country=country,
            definite=True,
        )
        return draft
    if atom.kind == "entity":
        if (
            atom.end - atom.start == 1
            and atom.start > 0
            and doc[atom.start - 1].text[:1].isupper()
            and doc[atom.start - 1].i != doc[atom.start].sent.start
            and doc[atom.start - 1].pos_ in {"PROPN", "ADJ"}
        ):
            return None  # "the Great National Congress": another body's name
        entity = _choose_entity(atom.entities, day, context.story_countries)
        code = entity.code_on(day)
        if not code:
            return None
        c, s, p = _code_parts(code)
        kind = entity.kind
        return Draft(
            atom.start,
            atom.end,
            code,
            kind,
            entity.name,
            f"{kind}.kb",
            country=c or entity.country,
            sector=s,
            plover_sector=p,
            kb_id=entity.kb_id,
            entity=entity,
            person_tokens=(atom.start, atom.end) if kind == "person" else None,
        )
    return None  # an unknown person with nothing to code them by


# words that begin a state's own name ("Democratic Congo", "Federal Germany"),
# never a company's
STATE_NAME_WORDS = frozenset(
    {
        "democratic",
        "people",
        "people's",
        "peoples",
        "republic",
        "federal",
        "united",
        "islamic",
        "socialist",
        "arab",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "central",
        "new",
        "great",
        "greater",
        "free",
        "independent",
        "sovereign",
        "kingdom",
        "state",
    }
)


def _names_business(doc: Doc, atom: Atom, knowledge: ActorKnowledge) -> bool:
    """Whether the country word at `atom` is part of a company's name ("Japan Air
    Lines", "French industrial gas group", "<Gregg River Co> of Canada", "Morgan
    Guaranty Australia"): the company is a business of that country, not it."""
    heads, bodies = knowledge.business_heads, knowledge.business_bodies
    qualifiers = knowledge.business_qualifiers
    if not heads and not bodies:
        return False
    last = doc[atom.end - 1]
    head = last
    while head.dep_ in ("compound", "amod", "nmod") and head.head.i > head.i:
        head = head.head
    if head is not last:
        word = head.lower_
        between = {t.lower_ for t in doc[atom.end : head.i]}
        if word in heads or (word in bodies and not between.isdisjoint(qualifiers)):
            return True
    if atom.start >= 2 and doc[atom.start - 1].lower_ == "of":
        # "<Gregg River Co> of Canada", "Royal Bank of Canada"
        owner = doc[atom.start - 2]
        if owner.text in (">", ")", '"') and atom.start >= 3:
            owner = doc[atom.start - 3]
        if owner.text[:1].isupper() and owner.lower_ in heads:
            return True
    if atom.start > 0 and last.ent_type_ == "ORG" and last.dep_ not in ("compound", "amod"):
        # "Morgan Guaranty Australia", "Air India": other name words end in the country's
        before = doc[atom.start - 1]
        return (
            before.ent_type_ == "ORG"
            and before.pos_ == "PROPN"
            and before.dep_ == "compound"
            and before.head.i == last.i
            and before.text[:1].isupper()
            and before.lower_ not in STATE_NAME_WORDS
        )
    return False


def _locative(doc: Doc, start: int) -> bool:
    """Whether the name at `start` follows a preposition of place."""
    if start == 0:
        return False
    prep = doc[start - 1]
    if prep.lower_ not in LOCATIVE:
        return False
    if prep.lower_ in RECIPIENT_PREPOSITIONS:
        head = prep.head
        return head.pos_ != "VERB" or head.lemma_ in MOTION_VERBS
    return True


GEOGRAPHIC_HEADS = frozenset(
    {"sea", "ocean", "strait", "gulf", "peninsula", "islands", "island", "river", "bay", "channel"}
)


def _inside_larger_name(doc: Doc, atom: Atom) -> bool:
    """ "East China Sea": the country name is glued to other name words of a place."""
    if atom.end < len(doc) and doc[atom.end].lower_ in GEOGRAPHIC_HEADS:
        return True
    first = doc[atom.start]
    if first.ent_type_ not in {"LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW"}:
        return False
    # the entity around the atom, from the IOB tags (doc.ents would rebuild every span)
    neighbours = []
    if first.ent_iob_ == "I" and atom.start > 0:
        neighbours.append(doc[atom.start - 1])
    if atom.end < len(doc) and doc[atom.end].ent_iob_ == "I":
        neighbours.append(doc[atom.end])
    return any(t.text[:1].isupper() and t.lower_ not in {"and", "or"} for t in neighbours)


def _country_qid(knowledge: ActorKnowledge, iso3: str) -> str | None:
    country = knowledge.countries.get(iso3)
    return country.kb_id if country else None


def _head(doc: Doc, start: int, end: int) -> int:
    """Character offset of the syntactic head of doc[start:end]."""
    span_heads = [
        t for t in doc[start:end] if t.head.i < start or t.head.i >= end or t.head.i == t.i
    ]
    # a trailing preposition the parser hung elsewhere ("Cuban Ambassador to"
    # with "to" on the verb) is no head
    if len(span_heads) > 1 and span_heads[-1].i == end - 1 and span_heads[-1].pos_ == "ADP":
        span_heads = span_heads[:-1]
    token = span_heads[-1] if span_heads else doc[end - 1]
    return int(token.idx)


def _carry_titles(drafts: list[Draft]) -> None:
    """A title the text gave a known person holds for the rest of the story: after
    "Secretary Kim Yong Il" (PRKGOV), a bare "Kim Yong Il" is not the namesake who left
    office (PRKELI)."""
    titled: dict[str, Draft] = {}
    for draft in drafts:
        if draft.entity is None:
            continue
        if draft.rule_id == "person.title":
            titled[draft.entity.id] = draft
        elif draft.rule_id == "person.kb" and draft.code.endswith("ELI"):
            source = titled.get(draft.entity.id)
            if source is not None:
                draft.code, draft.rule_id = source.code, source.rule_id
                draft.country, draft.sector = source.country, source.sector
                draft.plover_sector = source.plover_sector


def _date_states(atoms: list[Atom], day: dt.date | None) -> None:
    """Moscow in 1987 is the Soviet government: a capital or seat as of the date."""
    if day is None:
        return
    for atom in atoms:
        if atom.kind in {"capital", "seat"} and atom.iso3 in SUCCESSORS:
            former, until = SUCCESSORS[atom.iso3]
            if day < until:
                if atom.code:
                    atom.code = former + atom.code[len(atom.iso3) :]
                atom.iso3 = former


# A story is "about" a country when that country has at least HOME_MIN_SHARE of the
# country-bearing mentions (places included: "LA PAZ, Bolivia" says where the story is),
# with a story's first sentence counted HOME_LEAD_WEIGHT times: "the police" and "the
# armed forces" of a Bolivian story with one line on the OAS are Bolivia's.
HOME_MIN_SHARE = 0.5
HOME_LEAD_WEIGHT = 2


def home_country(doc: Doc, atoms: list[Atom]) -> str | None:
    """The country a story is mostly about, or None when no country dominates it."""
    counts: dict[str, int] = {}
    lead_end = next(iter(doc.sents)).end if len(doc) else 0
    for atom in atoms:
        iso3 = atom.iso3 or next((e.country for e in atom.entities[:1] if e.country), None)
        if iso3:
            weight = HOME_LEAD_WEIGHT if atom.start < lead_end else 1
            counts[iso3] = counts.get(iso3, 0) + weight
    if not counts:
        return None
    best = max(counts, key=lambda c: counts[c])
    total = sum(counts.values())
    if counts[best] < 2 or counts[best] < HOME_MIN_SHARE * total:
        return None
    return best


def _names_a_place(doc: Doc, atom: Atom) -> bool:
    """A person's name that begins a capitalised institution name ("Kim Il Sung University")."""
    if atom.kind not in {"entity", "person"} or atom.end >= len(doc):
        return False
    if atom.kind == "entity" and not any(e.kind == "person" for e in atom.entities):
        return False
    after = doc[atom.end]
    return _cased(after) and after.lower_ in INSTITUTION_WORDS


def _disambiguate(doc: Doc, atoms: list[Atom], knowledge: ActorKnowledge) -> None:
    """ "Korean" in a story that names North Korea and not South Korea is North Korean."""
    if not knowledge.ambiguous:
        return
    shared: list[tuple[Atom, tuple[str, ...]]] = []
    counts: dict[str, int] = {}
    for atom in atoms:
        if atom.kind in {"country", "capital"}:
            words = tuple(fold(t.text) for t in doc[atom.start : atom.end] if t.text not in HYPHENS)
            candidates = knowledge.ambiguous.get(words)
            if candidates:
                shared.append((atom, candidates))
                continue
        for iso3 in [atom.iso3, *(e.country for e in atom.entities[:1])]:
            if iso3:
                counts[iso3] = counts.get(iso3, 0) + 1
    for atom, candidates in shared:
        atom.iso3 = max(candidates, key=lambda c: (counts.get(c, 0), -candidates.index(c)))


def find_mentions(document: Document, knowledge: ActorKnowledge) -> tuple[ActorMention, ...]:
    """All actor mentions of one parsed document, in text order."""
    from dateline.actors import coref

    doc = document.spacy_doc
    if doc is None:
        return ()
    texts = [t.text for t in doc]  # one pass: spaCy builds a Token object on every access
    atoms = find_atoms(doc, knowledge, texts)
    _disambiguate(doc, atoms, knowledge)
    _date_states(atoms, document.article.date)
    atoms = [a for a in atoms if not _names_a_place(doc, a)]
    # the story's countries, leaving out capitals that only say where ("after the Paris
    # meeting", "talks in Tokyo"): "the government" of a British story stays British
    story = {a.iso3 for a in atoms if a.iso3 and not (a.kind == "capital" and _place_only(doc, a))}
    story |= {e.country for a in atoms for e in a.entities[:1] if e.country}
    context = _Context(
        day=document.article.date, story_countries=story, home=home_country(doc, atoms)
    )
    drafts = compose(doc, atoms, knowledge, context)
    _carry_titles(drafts)
    drafts = coref.resolve(doc, drafts, atoms, knowledge, context.day, texts)
    drafts.sort(key=lambda d: (d.start, d.end))
    starts = [s.start for s in document.sentences]
    ids: dict[int, str] = {id(d): f"a{n}" for n, d in enumerate(drafts, start=1)}
    mentions = []
    for draft in drafts:
        start_char = doc[draft.start].idx
        end_token = doc[draft.end - 1]
        end_char = end_token.idx + len(end_token.text)
        sentence_index = max(bisect.bisect_right(starts, start_char) - 1, 0) if starts else 0
        antecedent = ids.get(id(draft.antecedent)) if draft.antecedent is not None else None
        mentions.append(
            ActorMention(
                id=ids[id(draft)],
                start=start_char,
                end=end_char,
                text=document.article.text[start_char:end_char],
                name=draft.name,
                cameo_code=draft.code,
                sentence_index=sentence_index,
                country=draft.country,
                sector=draft.sector,
                plover_sector=draft.plover_sector,
                kb_id=draft.kb_id,
                kind=draft.kind,  # type: ignore[arg-type]
                head=_head(doc, draft.start, draft.end),
                antecedent=antecedent,
                rule_id=draft.rule_id,
            )
        )
    return tuple(mentions)


class ActorStage:
    """Pipeline stage: fills `document.mentions` (see module docstring)."""

    name = "actors"
    requires = frozenset({"spacy_doc", "sentences"})
    provides = frozenset({"mentions"})

    def __init__(self, knowledge: ActorKnowledge | None = None) -> None:
        self.knowledge = knowledge if knowledge is not None else ActorKnowledge.load()

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            document.mentions = find_mentions(document, self.knowledge)
        return batch


def mention_at(document: Document, char: int) -> ActorMention | None:
    """The mention whose head is the token at `char`, else the shortest mention
    whose span contains `char`; None when no actor is there.

    The events stage calls this with a verb argument's token offset
    (`token.idx`) to learn which actor fills the argument.
    """
    best: ActorMention | None = None
    for mention in document.mentions:
        if mention.head == char:
            return mention
        if mention.start <= char < mention.end and (
            best is None or mention.end - mention.start < best.end - best.start
        ):
            best = mention
    return best


def mentions_by_head(document: Document) -> dict[int, ActorMention]:
    """Every mention keyed by its head's character offset, for many lookups in one
    document (the first mention wins where two share a head)."""
    found: dict[int, ActorMention] = {}
    for mention in document.mentions:
        if mention.head is not None:
            found.setdefault(mention.head, mention)
    return found


def group_members(mention: ActorMention) -> tuple[str, ...]:
    """The codes a group mention stands for ("JPN+CHN" → ("JPN", "CHN")); a
    single code for any other mention."""
    return tuple(mention.cameo_code.split("+"))
