"""Step 2a, chunks: which neighbouring atoms name one actor, and the part each plays.

`chunk_at` reads the atoms from one atom on, in this order:

1. an *owner* (country, capital, epithet, seat, organisation), then a title or a
   person after it: `owner ['s] [modifiers] role-noun` ("China's assistant
   foreign minister");
2. *role nouns* in a row, with modifiers between them ("deputy chief cabinet
   secretary"); "former"/"ex" before or between them marks a former holder;
3. a *trailing owner* after "of"/"from" ("president of Nigeria");
4. a *person* right after the title or in apposition to it ("Premier Li
   Keqiang", "the minister, Ri Kil Song");
5. under PETRARCH's conventions, a person coded as a bare country right after
   the title ("Bree Prime Minister Romendacil");
6. failing all of those, a person *first*, with the title in apposition after
   a comma ("Kong Xuanyou, China's assistant foreign minister").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dateline.actors.knowledge import ActorKnowledge
from dateline.actors.lexicon import Lexicon
from dateline.actors.model import HYPHENS, POSSESSIVES, Atom, Chunk

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["chunk_at", "coordinated"]

_OWNER_KINDS = frozenset({"country", "capital", "epithet", "seat"})


def _owns(atom: Atom, kinds: frozenset[str] | set[str]) -> bool:
    """Whether the atom can own a title: one of `kinds`, or an IGO or other organisation."""
    return atom.kind in kinds or (atom.kind == "entity" and atom.entities[0].kind in {"igo", "org"})


def _is_person(atom: Atom) -> bool:
    return atom.kind == "person" or (atom.kind == "entity" and atom.entities[0].kind == "person")


def chunk_at(
    doc: Doc, atoms: list[Atom], a: int, knowledge: ActorKnowledge, lexicon: Lexicon
) -> Chunk:
    """The chunk that starts at atom `a` (see the module docstring for the order)."""
    chunk = Chunk(first=a, last=a)
    k = a
    if _owns(atoms[a], _OWNER_KINDS):
        after_owner = _owner_then_title(doc, atoms, chunk, knowledge, lexicon)
        if after_owner is None:
            return chunk
        k = after_owner
    k = _take_agents(doc, atoms, chunk, k, knowledge, lexicon)
    if chunk.owner is None and chunk.agents:
        k = _take_trailing_owner(doc, atoms, chunk, k, knowledge, lexicon)
    _take_person(doc, atoms, chunk, k)
    if knowledge.petrarch:
        _take_country_person(atoms, chunk, k)
    if chunk.agents or chunk.person is not None or chunk.owner is not None:
        return chunk
    if atoms[a].kind in {"person", "entity"}:
        _take_appositive_title(doc, atoms, chunk, knowledge, lexicon)
    return chunk


def _owner_then_title(
    doc: Doc, atoms: list[Atom], chunk: Chunk, knowledge: ActorKnowledge, lexicon: Lexicon
) -> int | None:
    """Step 1: the owner at `chunk.first`; the index of the title or person after it,
    or None when nothing that may follow an owner does (the chunk is the owner alone)."""
    a = chunk.first
    atom = atoms[a]
    chunk.owner = a
    before = atom.start - 1
    if before >= 0 and doc[before].lower_ in lexicon.former_words:
        chunk.former = True  # "former Gondor prosecutors"
    # owner ['s] [modifiers] agent...
    if a + 1 >= len(atoms):
        return None
    nxt = atoms[a + 1]
    if nxt.kind != "agent" and not _is_person(nxt):
        return None
    ok, former = _gap_ok(doc, atom.end, nxt.start, knowledge, lexicon, allow_possessive=True)
    if not ok:
        return None
    chunk.former |= former
    return a + 1


def _take_agents(
    doc: Doc, atoms: list[Atom], chunk: Chunk, k: int, knowledge: ActorKnowledge, lexicon: Lexicon
) -> int:
    """Step 2: role nouns in a row from atom `k`; the index after the last."""
    while k < len(atoms) and atoms[k].kind == "agent":
        if chunk.agents:
            ok, former = _gap_ok(
                doc,
                atoms[chunk.agents[-1]].end,
                atoms[k].start,
                knowledge,
                lexicon,
                allow_possessive=False,
            )
            if not ok:
                break
            chunk.former |= former
        elif chunk.owner is None:
            chunk.former |= _former_before(doc, atoms[k].start, knowledge, lexicon)
        chunk.agents.append(k)
        chunk.last = k
        k += 1
    return k


def _former_before(doc: Doc, start: int, knowledge: ActorKnowledge, lexicon: Lexicon) -> bool:
    """ "will be former foreign minister X": "former" before the title's modifiers."""
    i = start - 1
    while (
        i >= 0
        and (doc[i].lower_ in knowledge.modifiers or doc[i].is_space)
        and doc[i].lower_ not in lexicon.former_words
    ):
        i -= 1
    return i >= 0 and doc[i].lower_ in lexicon.former_words


def _take_trailing_owner(
    doc: Doc, atoms: list[Atom], chunk: Chunk, k: int, knowledge: ActorKnowledge, lexicon: Lexicon
) -> int:
    """Step 3: "president of Nigeria"; the index after the owner, else `k`."""
    owner = of_owner(doc, atoms, chunk.last, k, lexicon, knowledge.petrarch)
    if owner is None:
        return k
    chunk.owner = owner
    chunk.last = owner
    chunk.trailing_owner = True
    return owner + 1


def _take_person(doc: Doc, atoms: list[Atom], chunk: Chunk, k: int) -> None:
    """Step 4: a person right after the title, or after a comma in apposition to it."""
    if not (chunk.agents or k > chunk.first) or k >= len(atoms) or not _is_person(atoms[k]):
        return
    prev_end = atoms[chunk.last].end
    gap = [t for t in doc[prev_end : atoms[k].start] if not t.is_space]
    if len(gap) == 0:
        chunk.person = k
        chunk.last = k
    elif (
        len(gap) == 1
        and gap[0].text == ","
        and chunk.agents
        and appos(doc, atoms[chunk.agents[-1]], atoms[k])
    ):
        chunk.person = k
        chunk.last = k
        chunk.appositive = True


def _take_country_person(atoms: list[Atom], chunk: Chunk, k: int) -> None:
    """Step 5: PETRARCH dictionaries code some people as bare countries ("ROMENDACIL
    [BRE]"): "Bree Prime Minister Romendacil" is one actor."""
    if (
        chunk.agents
        and chunk.person is None
        and not chunk.trailing_owner
        and k < len(atoms)
        and atoms[k].kind == "country"
        and atoms[k].start == atoms[chunk.last].end
    ):
        if chunk.owner is None:
            chunk.owner = k
        chunk.last = k


def _take_appositive_title(
    doc: Doc, atoms: list[Atom], chunk: Chunk, knowledge: ActorKnowledge, lexicon: Lexicon
) -> None:
    """Step 6: a person first: "Kong Xuanyou, China's assistant foreign minister"."""
    a = chunk.first
    chunk.person = a
    rest = _appositive_role(doc, atoms, a, knowledge, lexicon)
    if rest is not None:
        owner, agents, former = rest
        chunk.owner = owner
        chunk.agents = agents
        chunk.former |= former
        chunk.last = agents[-1]
        chunk.appositive = True


def _gap_ok(
    doc: Doc,
    start: int,
    end: int,
    knowledge: ActorKnowledge,
    lexicon: Lexicon,
    allow_possessive: bool,
) -> tuple[bool, bool]:
    """Whether tokens [start, end) may stand inside a title; and whether they say 'former'."""
    former = False
    for i in range(start, end):
        token = doc[i]
        low = token.lower_
        if low in lexicon.former_words:
            former = True
            continue
        if allow_possessive and i == start and token.text in POSSESSIVES:
            continue
        if low in knowledge.modifiers or token.text in HYPHENS or token.is_space:
            continue
        return False, former
    return True, former


def appos(doc: Doc, role: Atom, person: Atom) -> bool:
    """The person is in apposition to the role noun (or the other way round)."""
    role_tokens = range(role.start, role.end)
    person_tokens = range(person.start, person.end)
    for i in person_tokens:
        if doc[i].dep_ == "appos" and doc[i].head.i in role_tokens:
            return True
    for i in role_tokens:
        if doc[i].dep_ == "appos" and doc[i].head.i in person_tokens:
            return True
    head = doc[person.end - 1]
    if (
        head.dep_ in ("nsubj", "nsubjpass")
        and head.head.i >= person.end
        and (person.end >= len(doc) or doc[person.end].text != ",")
    ):
        # "... a meeting with North Korea's leader, Trump lashed out": the name opens the
        # next clause as its subject; an apposition is closed by a comma ("leader, Trump, said")
        return False
    last = doc[role.end - 1]
    return last.tag_ in {"NN", "NNP"}


def _appositive_role(
    doc: Doc, atoms: list[Atom], p: int, knowledge: ActorKnowledge, lexicon: Lexicon
) -> tuple[int | None, list[int], bool] | None:
    """(owner, role nouns, former) of a title in apposition after the person at atom `p`."""
    person = atoms[p]
    if person.end >= len(doc) or doc[person.end].text != "," or p + 1 >= len(atoms):
        return None
    k = p + 1
    owner: int | None = None
    start = person.end + 1
    if _owns(atoms[k], {"country", "capital", "epithet"}):
        if not all(doc[i].lower_ in lexicon.articles for i in range(start, atoms[k].start)):
            return None
        owner = k
        start = atoms[k].end
        k += 1
    agents, former = _appositive_agents(doc, atoms, k, start, owner, knowledge, lexicon)
    if not agents:
        return None
    last = doc[atoms[agents[-1]].end - 1]
    if last.dep_ == "compound" and last.head.i >= atoms[agents[-1]].end:
        # "... with Antony Blinken, a Turkish foreign ministry statement said": the role noun
        # only modifies the noun heading the phrase, which opens the next clause
        return None
    if not appos(doc, atoms[agents[-1]], person):
        return None
    if owner is None:
        owner = of_owner(doc, atoms, agents[-1], agents[-1] + 1, lexicon)
        if owner is not None:
            agents = [*agents, owner]  # the chunk ends at the owner; agents[-1] marks the end
    return owner, agents, former


def _appositive_agents(
    doc: Doc,
    atoms: list[Atom],
    k: int,
    start: int,
    owner: int | None,
    knowledge: ActorKnowledge,
    lexicon: Lexicon,
) -> tuple[list[int], bool]:
    """The role nouns of an apposition from atom `k` (token `start` on), and 'former'."""
    agents: list[int] = []
    former = False
    while k < len(atoms) and atoms[k].kind == "agent":
        ok, f = _gap_ok(
            doc,
            start,
            atoms[k].start,
            knowledge,
            lexicon,
            allow_possessive=owner is not None and not agents,
        )
        if not ok and not (
            owner is None
            and not agents
            and all(
                doc[i].lower_ in lexicon.articles | knowledge.modifiers | lexicon.former_words
                for i in range(start, atoms[k].start)
            )
        ):
            break
        former |= f or any(
            doc[i].lower_ in lexicon.former_words for i in range(start, atoms[k].start)
        )
        agents.append(k)
        start = atoms[k].end
        k += 1
    return agents, former


def of_owner(
    doc: Doc, atoms: list[Atom], last: int, k: int, lexicon: Lexicon, petrarch: bool = False
) -> int | None:
    """ "president of Nigeria": the atom after "of" [the] that owns the title
    ("in" too under PETRARCH's conventions: "lawmakers in Fornost")."""
    i = atoms[last].end
    if k >= len(atoms) or i >= len(doc):
        return None
    agent = atoms[last].agent
    if atoms[k].start == i and agent is not None and agent.prepend:
        pass  # "MSF Arnor": an organisation noun (NGO~) right before its country
    elif doc[i].lower_ in lexicon.owner_prepositions or (petrarch and doc[i].lower_ == "in"):
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
    if _owns(atom, {"country", "capital"}):
        return k
    return None


def coordinated(
    doc: Doc, atoms: list[Atom], owner: int, used: list[bool], lexicon: Lexicon
) -> list[int]:
    """Countries listed after a trailing owner: "of Arnor, Osgiliath and Gondor"."""
    found: list[int] = []
    k = owner
    while k + 1 < len(atoms) and not used[k + 1]:
        nxt = atoms[k + 1]
        between = doc[atoms[k].end : nxt.start]
        if (
            nxt.kind not in {"country", "capital"}
            or not between
            or any(t.lower_ not in lexicon.list_joiners for t in between)
        ):
            break
        found.append(k + 1)
        k += 1
    return found
