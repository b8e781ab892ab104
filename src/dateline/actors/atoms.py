"""Step 1, atoms: the dictionary phrases and unknown people of a parsed story.

`find_atoms` walks two token tries from each token, longest match first: names
(countries, capitals, seats, epithets, organisations, people), then role nouns
where no name stands; spaCy PERSON entities nobody knows are kept as people.
The other functions settle what the atoms say about the whole story before
any is composed: shared country words (`disambiguate`), states of the past
(`date_states`), names inside the names of places (`names_a_place`), the
story's countries (`story_countries`) and the country it is about
(`home_country`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from dateline.actors.knowledge import ActorKnowledge, NameTarget, split_code
from dateline.actors.lexicon import Lexicon
from dateline.actors.model import HYPHENS, POSSESSIVES, Atom, cased, is_possessive
from dateline.actors.phoenix import phrase_tokens
from dateline.actors.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "date_states",
    "dateline_end",
    "disambiguate",
    "find_atoms",
    "home_country",
    "locative",
    "made_in",
    "names_a_place",
    "shared_name",
    "state_on",
    "story_countries",
]

# A story is "about" a country when that country has at least HOME_MIN_SHARE of the
# country-bearing mentions (places included: "LA PAZ, Bolivia" says where the story is),
# with a story's first sentence counted HOME_LEAD_WEIGHT times: "the police" and "the
# armed forces" of a Bolivian story with one line on the OAS are Bolivia's.
HOME_MIN_SHARE = 0.5
HOME_LEAD_WEIGHT = 2


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


def find_atoms(
    doc: Doc, knowledge: ActorKnowledge, lexicon: Lexicon, texts: list[str] | None = None
) -> list[Atom]:
    """Names, then role nouns where no name stands, then unknown people; in text order."""
    words = _Words(texts if texts is not None else [t.text for t in doc])
    covered = [False] * len(doc)
    atoms = _name_atoms(doc, words, knowledge, lexicon, covered)
    atoms += _agent_atoms(words, knowledge, covered)
    atoms += _unknown_people(doc, covered, lexicon)
    atoms.sort(key=lambda a: a.start)
    return atoms


# The dash that ends a dateline ("MOSCOW -", "STERLING, Va. --", "BRUSSELS (AP) —").
_DATELINE_DASHES = frozenset({"-", "--", "\u2013", "\u2014", ":"})  # or "New Delhi:"
_DATELINE_ENDS = frozenset({"-", "\u2013", "\u2014"})
_MONTH_ABBREVIATIONS = frozenset(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
)
_DATELINE_MAX_TOKENS = 10


def dateline_end(doc: Doc) -> int:
    """The token after a story's dateline, else 0: the place (and agency) a story was filed
    from, capitalised words before a dash at the very start ("SINGAPORE — President Trump
    concluded …", "Juliaca (Peru) – Thousands …", "Jakarta, MINA – Police …"). It names
    where the reporter was: a place (its country counts for the story), not an actor nor the
    owner of the title after it. The dash must open a sentence ("Iran — which denies it —"
    is the story's first actor)."""
    inside = False  # within "(AP)", "(Peru)"
    for i, token in enumerate(doc[:_DATELINE_MAX_TOKENS]):
        text = token.text
        spaced = i > 0 and bool(doc[i - 1].whitespace_)  # not the hyphen of "PORT-AU-PRINCE"
        if (text in _DATELINE_DASHES and not inside and (spaced or text != "-")) or (
            text[-1] in _DATELINE_ENDS and ")" in text  # "Belgrade, Sep 24 (EFE).- A group"
        ):
            after = doc[i + 1] if i + 1 < len(doc) else None
            opens = after is not None and (after.text[:1].isupper() or after.is_quote)
            return i + 1 if i > 0 and opens else 0
        if text in {"(", ")"}:
            inside = text == "("
        elif not (
            inside
            or token.is_space
            or text == ","
            or token.like_num
            or text.rstrip(".") in _MONTH_ABBREVIATIONS  # "BAGHDAD, Jan 5 (Reuters) -"
            or text.isupper()  # "QUEBEC CITY", "MINA"
            or token.ent_type_ in {"GPE", "LOC", "FAC"}  # "Washington", "Nairobi"
            or (text.endswith(".") and text[:1].isupper() and len(text) <= 6)  # "Calif."
        ):
            return 0  # "U.S. President Donald Trump — who …" is the story's first actor
    return 0


_DATE_ENTITIES = frozenset({"DATE", "TIME"})


def _name_atoms(
    doc: Doc, words: _Words, knowledge: ActorKnowledge, lexicon: Lexicon, covered: list[bool]
) -> list[Atom]:
    """The longest name at each word; a name must start with a capital ("the" excepted)."""
    atoms: list[Atom] = []
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
        usable = [t for t in targets if _target_fits(t, tokens)]
        if not usable or (
            first.lower_ != "the"
            and not cased(first)
            and not any(t.kind == "epithet" for t in usable)
            and not _lower_compass(tokens, usable, lexicon)
        ):
            j += 1
            continue
        if all(t.ent_type_ in _DATE_ENTITIES for t in tokens):
            # "on May 15" is a date, not the "May 15" group of the dictionaries
            j = end
            continue
        start_tok, end_tok = words.index[j], words.index[end - 1] + 1
        if _inside_longer_name(doc, start_tok, end_tok, usable, knowledge, lexicon):
            j = end
            continue
        atoms.append(_name_atom(start_tok, end_tok, usable, knowledge))
        for i in range(start_tok, end_tok):
            covered[i] = True
        j = end
    return atoms


def _inside_longer_name(
    doc: Doc,
    start: int,
    end: int,
    usable: list[NameTarget],
    knowledge: ActorKnowledge,
    lexicon: Lexicon,
) -> bool:
    """ "Daud Bin Abdullah Razha": a known person's name ("Abdullah") followed by more of a
    longer name spaCy reads as one person is someone else, an unknown person
    (`_unknown_people` takes the whole name). A known name that ends the longer one keeps
    its reading ("Marshal Kim Jong Un")."""
    if not all(
        t.kind == "entity" and isinstance(t.key, int) and knowledge.entities[t.key].kind == "person"
        for t in usable
    ):
        return False
    ent_type = doc[start].ent_type_
    if ent_type != "PERSON":
        return False
    first, last = start, end
    while first > 0 and doc[first - 1].ent_type_ == "PERSON" and doc[first].ent_iob_ != "B":
        first -= 1
    while last < len(doc) and doc[last].ent_iob_ == "I":
        last += 1
    while first < start and doc[first].lower_ in lexicon.honorifics:
        first += 1
    while last > end and doc[last - 1].text in POSSESSIVES:
        last -= 1
    if last == end:
        return False  # "Marshal Kim Jong Un": the known name ends the name, a title before it
    extra = [*doc[first:start], *doc[end:last]]
    # "The Lee Myung Bak regime": a word of the phrase spaCy took into the name is no part
    # of another name
    return all(
        t.pos_ == "PROPN"
        and t.text[:1].isupper()
        and t.is_alpha
        and knowledge.agents.longest([fold(t.text)], 0) is None
        for t in extra
    )


def _name_atom(start: int, end: int, usable: list[NameTarget], knowledge: ActorKnowledge) -> Atom:
    target = usable[0]
    if target.kind == "entity":
        entities = tuple(
            knowledge.entities[t.key]
            for t in usable
            if t.kind == "entity" and isinstance(t.key, int)
        )
        return Atom(start, end, "entity", entities=entities)
    if target.kind == "seat":
        code = str(target.key)
        return Atom(start, end, "seat", code=code, iso3=split_code(code)[0])
    if target.kind == "epithet":
        return Atom(start, end, "epithet", epithet=str(target.key))
    return Atom(start, end, target.kind, iso3=str(target.key))


def _agent_atoms(words: _Words, knowledge: ActorKnowledge, covered: list[bool]) -> list[Atom]:
    """Role nouns, where no name stands."""
    atoms: list[Atom] = []
    j = 0
    n = len(words.words)
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
    return atoms


def _unknown_people(doc: Doc, covered: list[bool], lexicon: Lexicon) -> list[Atom]:
    """People no dictionary knows, as spaCy's NER sees them (a trailing 's and a leading
    courtesy title dropped: "Mrs May" is the name "May", which coreference looks up)."""
    atoms: list[Atom] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or any(covered[i] for i in range(ent.start, ent.end)):
            continue
        start, end = ent.start, ent.end
        while start < end and doc[start].lower_ in lexicon.honorifics:
            start += 1
        while end > start and doc[end - 1].text in POSSESSIVES:
            end -= 1
        if end > start:
            atoms.append(Atom(start, end, "person"))
            for i in range(start, end):
                covered[i] = True
    return atoms


def _lower_compass(tokens: list[Token], targets: list[NameTarget], lexicon: Lexicon) -> bool:
    """KCNA's "south Korea": a lower-case compass word before a capitalised country name."""
    return (
        len(tokens) >= 2
        and tokens[0].text in lexicon.compass_words
        and cased(tokens[1])
        and any(t.kind == "country" for t in targets)
    )


def _target_fits(target: NameTarget, tokens: list[Token]) -> bool:
    if not target.case_sensitive:
        return True
    return all(t.text.replace(".", "").isupper() for t in tokens)


def disambiguate(doc: Doc, atoms: list[Atom], knowledge: ActorKnowledge) -> None:
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


def date_states(atoms: list[Atom], day: dt.date | None, lexicon: Lexicon) -> None:
    """Moscow in 1987 is the Soviet government: a capital or seat as of the date."""
    if day is None:
        return
    for atom in atoms:
        iso3 = atom.iso3
        if atom.kind in {"capital", "seat"} and iso3 is not None:
            former = state_on(iso3, day, lexicon)
            if former != iso3:
                if atom.code:
                    atom.code = former + atom.code[len(iso3) :]
                atom.iso3 = former


def state_on(iso3: str, day: dt.date, lexicon: Lexicon) -> str:
    """The state a successor's code stood for on `day`: Russia's before 1991-12-26 is the
    Soviet Union (`successors` in the lexicon)."""
    if iso3 in lexicon.successors:
        former, until = lexicon.successors[iso3]
        if day < until:
            return former
    return iso3


@cache
def region_names() -> dict[tuple[str, ...], str]:
    """The first-level divisions of countries (GeoNames' admin1, the places stage's table)
    by their lowercased words, with their country: "British Columbia" is Canada's, "New
    Mexico" the United States'. A name divisions of several countries bear ("Central",
    "Eastern", "Capital") says no country and is left out."""
    from dateline.places.gazetteer import read_admin1

    countries: dict[tuple[str, ...], set[str]] = {}
    for row in read_admin1():
        countries.setdefault(tuple(row["name"].lower().split()), set()).add(row["iso3"])
    return {words: next(iter(isos)) for words, isos in countries.items() if len(isos) == 1}


def region_at(doc: Doc, start: int, end: int) -> tuple[int, int, str] | None:
    """The region name (`region_names`) covering tokens [start, end), as (start, end,
    country), looking at most two words either side."""
    names = region_names()
    for i in range(max(0, start - 2), start + 1):
        for j in range(max(end, i + 1), min(len(doc), end + 2) + 1):
            words = tuple(t.lower_ for t in doc[i:j])
            if words in names and all(t.text[:1].isupper() for t in doc[i:j]):
                return i, j, names[words]
    return None


def region_before(doc: Doc, start: int) -> tuple[int, int, str] | None:
    """The region name (`region_names`) that ends right before token `start`, as (start,
    end, country): "Quebec" of "the Quebec government", "Texas" of "Texas Governor"."""
    if start == 0:
        return None
    found = region_at(doc, start - 1, start)
    return found if found is not None and found[1] == start else None


def inside_region_name(doc: Doc, atom: Atom) -> bool:
    """ "British Columbia", "New Mexico", "Northern Ireland"?: a country word that is part
    of a longer name of another country's region is no country of the story."""
    if atom.kind != "country" or not atom.iso3:
        return False
    found = region_at(doc, atom.start, atom.end)
    return (
        found is not None and found[1] - found[0] > atom.end - atom.start and found[2] != atom.iso3
    )


def names_a_place(doc: Doc, atom: Atom, lexicon: Lexicon) -> bool:
    """A person's name that begins a capitalised institution name ("Kim Il Sung
    University"); a country word inside another country's region ("British Columbia")."""
    if inside_region_name(doc, atom):
        return True
    if atom.kind not in {"entity", "person"} or atom.end >= len(doc):
        return False
    if atom.kind == "entity" and not any(e.kind == "person" for e in atom.entities):
        return False
    after = doc[atom.end]
    return cased(after) and after.lower_ in lexicon.institution_words


def prefixed(doc: Doc, start: int, lexicon: Lexicon) -> bool:
    """A country word under a prefix: "anti-Japanese", "inter-Korean", "pro-American"."""
    if start >= 2 and doc[start - 1].text in HYPHENS:
        return doc[start - 2].lower_ in lexicon.prefixes
    if start >= 1 and doc[start - 1].text.endswith("-"):
        return doc[start - 1].lower_.rstrip("-") in lexicon.prefixes
    return False


def shared_name(doc: Doc, atom: Atom) -> bool:
    """Whether the atom is a known body by a bare name other states' bodies bear too
    ("Congress", not "U.S. Congress"): it says nothing of the story's country."""
    if atom.kind != "entity" or not atom.entities[0].shared_name:
        return False
    return phrase_tokens(doc[atom.start : atom.end].text) == atom.entities[0].shared_name


def made_in(doc: Doc, atom: Atom, lexicon: Lexicon) -> bool:
    """ "Chinese-made missiles", "U.S.-built jets", "Liberian-registered tanker",
    "Turkish-backed rebels": a country word naming where a thing comes from or who backs a
    group, not a country of the story's actors."""
    end = atom.end
    if end + 1 < len(doc) and doc[end].text in HYPHENS:
        return doc[end + 1].lower_ in lexicon.origin_participles
    if end < len(doc) and doc[end].text[:1] in HYPHENS:
        return doc[end].lower_[1:] in lexicon.origin_participles
    return False


def story_countries(doc: Doc, atoms: list[Atom], lexicon: Lexicon) -> set[str]:
    """The story's countries, leaving out capitals that only say where ("after the Paris
    meeting", "talks in Tokyo"): "the government" of a British story stays British; and
    country words under a prefix ("anti-American protesters" in Tehran are not American)."""
    story = {
        a.iso3
        for a in atoms
        if a.iso3
        and not (a.kind == "capital" and _place_only(doc, a, lexicon))
        and not (a.kind == "country" and prefixed(doc, a.start, lexicon))
        and not made_in(doc, a, lexicon)
    }
    story |= {
        e.country for a in atoms for e in a.entities[:1] if e.country and not shared_name(doc, a)
    }
    return story


def home_country(doc: Doc, atoms: list[Atom], lexicon: Lexicon) -> str | None:
    """The country a story is mostly about, or None when no country dominates it (a
    country word under a prefix, "anti-American", does not count)."""
    counts: dict[str, int] = {}
    lead_end = next(iter(doc.sents)).end if len(doc) else 0
    for atom in atoms:
        if (
            (atom.kind == "country" and prefixed(doc, atom.start, lexicon))
            or shared_name(doc, atom)
            or made_in(doc, atom, lexicon)
        ):
            continue
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


def _place_only(doc: Doc, atom: Atom, lexicon: Lexicon) -> bool:
    """A capital after a preposition of place or naming a thing ("the Paris meeting")."""
    head = doc[atom.end - 1]
    return locative(doc, atom.start, lexicon) or (
        head.dep_ == "compound" and atom.end < len(doc) and not is_possessive(doc, atom.end)
    )


def locative(doc: Doc, start: int, lexicon: Lexicon) -> bool:
    """Whether the name at `start` follows a preposition of place."""
    if start == 0:
        return False
    prep = doc[start - 1]
    if prep.lower_ not in lexicon.locative_prepositions:
        return False
    if prep.lower_ in lexicon.recipient_prepositions:
        head = prep.head
        return head.pos_ != "VERB" or head.lemma_ in lexicon.motion_verbs
    if prep.lower_ == "between":
        # "talks between Tehran and Washington": the parties of a dealing
        return prep.head.lemma_.lower() not in lexicon.dealing_nouns
    return True
