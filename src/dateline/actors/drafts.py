"""Step 2b, drafts: each chunk coded as of the story's date (or left out).

`compose` walks the atoms, takes the chunk at each (`chunks.chunk_at`) and
drafts it with `draft_for`, which sends it to one of:

- `single`: one atom alone: a country word (unless it names money, a language,
  a thing's origin, a place or a company: `_not_the_country`), a capital or seat
  standing for its government, an epithet, a known organisation or person;
- `bare_institution`: a title with no owner and no name ("the government",
  "police", "three soldiers"): the state of its sentence or story;
- `_titled`: a title with an owner and/or a person, in order: a known person
  (`_person_draft`: the date decides, then the title), a role in an
  organisation (`_organisation_draft`), else a composed actor whose country is
  the owner, the title's own country, or weaker evidence (`_composed_draft`).

Each draft notes its country in the `Story`, so later bare titles and epithets
can be placed; a title with a list of owners is repeated for each
(`composed.coordinated`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateline.actors.atoms import (
    locative,
    made_in,
    prefixed,
    region_at,
    region_before,
    shared_name,
)
from dateline.actors.chunks import chunk_at, coordinated
from dateline.actors.knowledge import (
    CAMEO_TO_PLOVER,
    INTERNATIONAL_PREFIXES,
    Agent,
    Entity,
    split_code,
)
from dateline.actors.lexicon import Lexicon
from dateline.actors.model import (
    HYPHENS,
    Atom,
    Chunk,
    CountryAtoms,
    Draft,
    Story,
    cased,
    code_parts,
    holder_countries,
    holder_in_office,
    is_possessive,
    leader_in_office,
)
from dateline.actors.text import fold

if TYPE_CHECKING:
    import datetime as dt

    from spacy.tokens import Doc, Span, Token

__all__ = ["choose_entity", "compose", "draft_for"]


def compose(story: Story, atoms: list[Atom]) -> list[Draft]:
    """Turn atoms into drafts, joining the atoms that name one actor."""
    doc = story.doc
    drafts: list[Draft] = []
    used = [False] * len(atoms)
    for a, atom in enumerate(atoms):
        if used[a]:
            continue
        if atom.end <= story.filed_from:
            # "CARACAS, Venezuela —", "BAGHDAD (Reuters) -": where the story was filed and
            # by whom; the place counts for the story's country, neither is an actor
            if atom.kind in {"country", "capital"}:
                story.note(atom.iso3)
            continue
        chunk = chunk_at(doc, atoms, a, story.knowledge, story.lexicon)
        for k in range(a, chunk.last + 1):
            used[k] = True
        draft = draft_for(story, atoms, chunk)
        if draft is not None:
            following = atoms[chunk.last + 1].start if chunk.last + 1 < len(atoms) else len(doc)
            _take_own_name(doc, draft, following)
            if drafts and draft.start <= drafts[-1].start and drafts[-1].end <= draft.end:
                drafts.pop()  # "Lao" of "the Lao People's Revolutionary Party": one mention
            drafts.append(draft)
            story.note(draft.country, None if draft.locative else draft.start)
            if chunk.trailing_owner and chunk.owner is not None and draft.country:
                drafts += _coordinated_drafts(story, atoms, chunk.owner, draft, used)
        elif atom.kind in {"country", "capital"} and not made_in(story.doc, atom, story.lexicon):
            story.note(atom.iso3)  # (the backer of "Turkish-backed rebels" is not their country)
    return drafts


def _take_own_name(doc: Doc, draft: Draft, limit: int) -> None:
    """'the Russian paper Pravda', 'the Nigerian newspaper Daily Trust': a body's own name
    right after its singular title is part of the mention, so the events stage finds the
    actor at the subject, which the parse often puts on the name."""
    if draft.kind != "composed" or draft.is_person or draft.sector is None:
        return
    if doc[draft.end - 1].tag_ != "NN":
        return
    end = draft.end
    while (
        end < limit
        and doc[end].pos_ == "PROPN"
        and doc[end].text[:1].isupper()
        and doc[end].ent_type_ not in _NOT_A_NAME
    ):
        end += 1
    if end > draft.end:
        draft.end = end
        draft.name = doc[draft.start : end].text


# "the US envoy Monday": proper nouns that are no body's name
_NOT_A_NAME = frozenset({"DATE", "TIME", "GPE", "LOC", "NORP", "CARDINAL", "ORDINAL"})


def _coordinated_drafts(
    story: Story, atoms: list[Atom], owner: int, draft: Draft, used: list[bool]
) -> list[Draft]:
    """The same title for each listed country: "the ambassadors of Arnor, Osgiliath and Gondor"."""
    suffix = draft.code[3:]
    found: list[Draft] = []
    for k in coordinated(story.doc, atoms, owner, used, story.lexicon):
        used[k] = True
        iso3 = atoms[k].iso3 or ""
        c, s, p = code_parts(iso3 + suffix)
        found.append(
            Draft(
                atoms[k].start,
                atoms[k].end,
                iso3 + suffix,
                "composed",
                story.knowledge.country_name(iso3),
                "composed.coordinated",
                country=c,
                sector=s,
                plover_sector=p,
            )
        )
    return found


def choose_entity(entities: tuple[Entity, ...], day: dt.date, story: set[str]) -> Entity:
    """Of namesakes, one in office and of the story's countries first."""

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


def _title_agent(atoms: list[Atom], chunk: Chunk) -> Agent | None:
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


def draft_for(story: Story, atoms: list[Atom], chunk: Chunk) -> Draft | None:
    """The draft of one chunk, or None when it names no actor we can code."""
    owner = atoms[chunk.owner] if chunk.owner is not None else None
    if (
        owner is not None
        and owner.kind == "country"
        and chunk.agents
        and prefixed(story.doc, owner.start, story.lexicon)
    ):
        # "anti-American protesters", "anti-Japanese guerrillas": the country is what
        # they oppose, not whose they are; they are the title alone
        owner = None
    person = atoms[chunk.person] if chunk.person is not None else None
    agent = _title_agent(atoms, chunk)
    # A single atom that is not part of a larger actor.
    if owner is not None and person is None and not chunk.agents:
        return _country_named_org(story, atoms, owner) or single(story, owner)
    if person is None and owner is None and chunk.agents:
        # A bare title: "the sources said" names no one we can code; "the government",
        # "police", "three soldiers" are the state's of their sentence or of the story.
        return bare_institution(story, atoms, chunk, agent)
    if person is not None and owner is None and not chunk.agents:
        return _country_named_org(story, atoms, person) or single(story, person)
    return _titled(story, _Title.of(story, atoms, chunk, owner, person, agent))


def _country_named_org(story: Story, atoms: list[Atom], atom: Atom) -> Draft | None:
    """ "the Lao People's Revolutionary Party": a country word right before a known
    organisation of another country names that country's body of the same name (the
    dictionaries hold one "People's Revolutionary Party", the Central African one)."""
    if atom.kind != "entity" or atom.start == 0:
        return None
    before = story.country_atoms_of(atoms).covering.get(atom.start - 1)
    if before is None or before.kind != "country" or not before.iso3:
        return None
    entity = choose_entity(atom.entities, story.day, story.story_countries)
    code = entity.code_on(story.day)
    c = code_parts(code)[0] if code else None
    if entity.kind != "org" or c is None or c == before.iso3:
        return None
    code = before.iso3 + code[len(c) :]
    c, s, p = code_parts(code)
    return Draft(
        before.start,
        atom.end,
        code,
        "composed",
        story.doc[before.start : atom.end].text,
        "composed.country-org",
        country=c,
        sector=s,
        plover_sector=p,
    )


@dataclass(slots=True)
class _Title:
    """What a chunk with a title (and an owner or a person) says, read once."""

    chunk: Chunk
    atoms: list[Atom]
    start: int
    end: int
    owner: Atom | None
    person: Atom | None
    agent: Agent | None
    owner_country: str | None
    owner_code: str | None  # an organisation's or a seat's code
    title_country: str | None  # a title of one country ("chief cabinet secretary" → JPN)
    name: str

    @classmethod
    def of(
        cls,
        story: Story,
        atoms: list[Atom],
        chunk: Chunk,
        owner: Atom | None,
        person: Atom | None,
        agent: Agent | None,
    ) -> _Title:
        doc = story.doc
        start, end = atoms[chunk.first].start, atoms[chunk.last].end
        owner_country, owner_code = _owner_codes(story, owner)
        name = doc[person.start : person.end].text if person is not None else doc[start:end].text
        return cls(
            chunk,
            atoms,
            start,
            end,
            owner,
            person,
            agent,
            owner_country,
            owner_code,
            _title_country(story, atoms, chunk),
            name,
        )

    @property
    def person_tokens(self) -> tuple[int, int] | None:
        return (self.person.start, self.person.end) if self.person is not None else None


def _owner_codes(story: Story, owner: Atom | None) -> tuple[str | None, str | None]:
    """(country, code) of the owner: an organisation's code as of the date, a seat's code."""
    if owner is None:
        return None, None
    if owner.kind == "entity":
        code = choose_entity(owner.entities, story.day, story.story_countries).code_on(story.day)
        return split_code(code)[0], code
    if owner.kind == "seat":
        return owner.iso3, owner.code
    return story.atom_country(owner), None


def _title_country(story: Story, atoms: list[Atom], chunk: Chunk) -> str | None:
    """The one country a title belongs to by itself ("Congressman" → USA), if any."""
    if not chunk.agents:
        return None
    doc = story.doc
    title_words = " ".join(
        fold(doc[i].text) for i in range(atoms[chunk.agents[0]].start, atoms[chunk.agents[-1]].end)
    )
    hits = story.knowledge.title_countries.get(tuple(title_words.split()))
    return hits[0] if hits else None


def _titled(story: Story, title: _Title) -> Draft | None:
    entity = _known_person(story, title)
    if entity is not None:
        return _person_draft(story, title, entity)
    if title.owner_code is not None and title.owner_country is None:
        return _organisation_draft(story, title)
    return _composed_draft(story, title)


def _known_person(story: Story, title: _Title) -> Entity | None:
    """The known person the chunk names, unless the text's country says it is a namesake."""
    person = title.person
    if person is not None and person.kind == "person" and person.end - person.start == 1:
        # "President Trump", "Prime Minister Abe": a title and a lone surname name the one
        # leader in office that day with that surname, if their countries agree
        surname = fold(story.doc[person.start].text)
        leader = leader_in_office(story.knowledge, surname, story.day)
        country = title.owner_country or title.title_country
        if leader is not None and (country is None or leader.country == country):
            return leader
        agent = title.agent
        if leader is None and agent is not None and agent.sector in story.lexicon.state_sectors:
            # "Foreign Minister Çavuşoğlu": a state title and a lone surname name the one
            # known office holder of that surname on the day, if their countries agree
            holder = holder_in_office(story.knowledge, surname, story.day)
            if holder is not None and (country is None or holder.country == country):
                return holder
        return None
    if person is None or person.kind != "entity":
        return None
    owner_country = title.owner_country
    entity = choose_entity(
        person.entities,
        story.day,
        story.story_countries | ({owner_country} if owner_country else set()),
    )
    if owner_country is not None and entity.country is not None and entity.country != owner_country:
        # "Colombian army commander Jorge Ramirez" is not the Bolivian of that name:
        # the text's country beats a namesake in the knowledge base
        return None
    return entity


def _person_draft(story: Story, title: _Title, entity: Entity) -> Draft:
    """A known person: the date decides, a title in the text only when the knowledge
    base has no office that day; "former" gives ELI; the dead hold no office."""
    day, agent = story.day, title.agent
    role = entity.role_on(day)
    country = entity.country or title.owner_country or title.title_country
    if role is not None and role.source == "died":
        code, rule = role.code, "person.deceased"  # "President Kim Il Sung" in 2011
    elif title.chunk.former and country:
        code, rule = country + "ELI", "person.former"
    elif role is not None and not role.code.endswith("ELI"):
        code, rule = role.code, "person.kb"
    elif title.owner_code is not None and title.owner_country is None and agent is not None:
        # "NATO Secretary-General Jens Stoltenberg": the organisation the title names
        code, rule = title.owner_code, "person.title"
    elif agent is not None and country:
        code, rule = _join(country, agent), "person.title"
    else:
        code, rule = entity.code_on(day), "person.kb"
    c, s, p = code_parts(code)
    return Draft(
        title.start,
        title.end,
        code,
        "person",
        entity.name,
        rule,
        country=_office_country(code, c, country),
        sector=s,
        plover_sector=p,
        kb_id=entity.kb_id,
        entity=entity,
        person_tokens=title.person_tokens,
    )


def _organisation_draft(story: Story, title: _Title) -> Draft:
    """An IGO or NGO with a role noun: "UN Secretary-General" is the UN's; PETRARCH
    appends the role ("the human rights activists of Amnesty International" → NGMOPP)."""
    owner_code, agent = title.owner_code or "", title.agent
    if story.knowledge.petrarch and agent is not None and not agent.inherit and agent.code:
        owner_code = agent.code + owner_code if agent.prepend else owner_code + agent.code
    c, s, p = code_parts(owner_code)
    return Draft(
        title.start,
        title.end,
        owner_code,
        "composed",
        title.name,
        "composed.organisation",
        country=c,
        sector=s,
        plover_sector=p,
        person_tokens=title.person_tokens,
    )


def _composed_draft(story: Story, title: _Title) -> Draft | None:
    """A title with an owner, or with a name no dictionary knows: country + sector."""
    doc, agent = story.doc, title.agent
    country, rule = _composed_country(story, title)
    if country is None:
        return None
    code = _composed_code(title, country)
    c, s, p = code_parts(code)
    if agent is not None and agent.plover_sector and s == agent.sector:
        p = agent.plover_sector
    start = title.start
    definite = title.person is None and start > 0 and doc[start - 1].lower_ == "the"
    if definite:
        start -= 1
    return Draft(
        start,
        title.end,
        code,
        "composed",
        title.name if title.person is not None else doc[start : title.end].text,
        rule,
        country=c,
        sector=s,
        plover_sector=p,
        person_tokens=title.person_tokens,
        definite=definite,
    )


def _composed_code(title: _Title, country: str) -> str:
    owner_code, agent = title.owner_code, title.agent
    if title.chunk.former:
        return country + "ELI"
    if (owner_code is not None and agent is not None and agent.inherit) or (
        owner_code is not None
        and len(owner_code) > 3
        and agent is not None
        and owner_code[3:6] == agent.code[:3]
    ):
        return owner_code
    return _join(country, agent)


def _composed_country(story: Story, title: _Title) -> tuple[str | None, str]:
    """(country, rule) of a composed actor: the owner, the title's own country; for a
    person nothing names, the apposition or sentence, else weaker evidence
    (`_supported_country`); (None, "") leaves the mention out."""
    doc, atoms, chunk, agent = story.doc, title.atoms, title.chunk, title.agent
    country = title.owner_country or title.title_country
    # "the Quebec government", "Quebec Premier Robert Bourassa": the country of the region
    # the title is of
    region = region_before(doc, title.start) if country is None and title.owner is None else None
    if title.person is None and region is not None:
        return region[2], "composed.region"
    if country is not None or title.person is None:
        return country, "composed.owner" if title.owner is not None else "composed.title"
    if title.owner is None and chunk.agents:
        title_start = atoms[chunk.agents[0]].start
        if _modified_by_common_noun(doc, title_start):
            return None, ""  # "union president Owen Bieber", "company spokesman": not a state's
        if _named_by_organisation(doc, title_start):
            return None, ""  # "Honeywell Bull president Jerome Meyer": a company's officer
    if region is not None:
        return region[2], "composed.region"  # "Texas Governor Bill Clements"
    of_country = _of_country(doc, story.country_atoms_of(atoms), title.end)
    if title.owner is None and of_country is not None:
        # "Prime Minister Rutte of the Netherlands": the country the name is 'of'
        country = of_country
    elif title.owner is None and chunk.appositive:
        # "Pak Sun Dok, vice-minister of Common Education of the DPRK Education
        # Commission": a country inside the apposition; "Kim Jong Suk, a woman
        # commander of Mt. Paektu" names none and is left out
        country = _country_in_apposition(
            doc, story.country_atoms_of(atoms), atoms[chunk.agents[-1]].end
        )
    else:
        country = story.context_country(doc[title.start].sent.start)
    if country is None and agent is not None and agent.sector in story.lexicon.state_sectors:
        surname_country = (
            _office_holders_country(story, title.person.start)
            if title.person.end - title.person.start == 1
            else None
        )
        if surname_country is not None:
            return surname_country, "composed.holder-surname"
        # "meet Takeo Akiba, deputy foreign minister for political affairs" in a story
        # of Japan and China: weaker evidence, never the nearest country
        found = _supported_country(story, atoms, title.person)
        if found is not None:
            return found
    return country, "composed.context"


def _office_holders_country(story: Story, i: int) -> str | None:
    """ "the Lee regime" in a story of the two Koreas: a lone surname (token `i`) borne that
    day by office holders of one country the story names (Lee Myung-bak's South Korea, not
    Lee Hsien Loong's Singapore) is of that country."""
    if story.day is None:
        return None
    countries = holder_countries(story.knowledge, fold(story.doc[i].text), story.day)
    named = countries & story.story_countries
    return next(iter(named)) if len(named) == 1 else None


def _supported_country(story: Story, atoms: list[Atom], person: Atom) -> tuple[str, str] | None:
    """The country of a titled person that neither the knowledge base nor an owner in
    the text gives, from weaker evidence in order: the origin of the name's parts
    (every part the prior knows points to the same country and the story names it:
    "Takeo" → JPN; "Kim" says nothing), then the host of a visit ("visit Tokyo and
    meet Takeo Akiba"). None when neither holds: the person is left out."""
    doc, origins_of = story.doc, story.knowledge.name_origins
    origins = {
        origins_of[part]
        for i in range(person.start, person.end)
        for part in re.split(r"[-.]+", fold(doc[i].text))
        if part in origins_of
    }
    if len(origins) == 1:
        (iso3,) = origins
        if iso3 in story.story_countries:
            return iso3, "composed.name-origin"
    if len(origins) > 1:
        return None  # the name's parts disagree
    host = _visit_host(doc, story.country_atoms_of(atoms), person, story.lexicon)
    return (host, "composed.host") if host is not None else None


def _visit_host(doc: Doc, countries: CountryAtoms, person: Atom, lexicon: Lexicon) -> str | None:
    """The country visited when the person is met on that visit: "is expected to visit
    Tokyo and meet Y", "visited Japan, meeting Y" → Y is the host's (JPN). Not "met Y
    in X": a visitor may be met abroad by a compatriot."""
    head = doc[person.start : person.end].root
    verb = head.head
    if head.dep_ != "dobj" or verb.lemma_ not in lexicon.meet_verbs:
        return None
    visit = verb.head if verb.dep_ in {"conj", "advcl", "xcomp"} else None
    if visit is None or visit.lemma_ != "visit":
        return None
    for child in visit.children:
        if child.dep_ != "dobj":
            continue
        atom = countries.covering.get(child.i)
        if atom is not None:
            return atom.iso3
    return None


def _country_in_apposition(doc: Doc, countries: CountryAtoms, start: int) -> str | None:
    """The country named in the rest of an apposition (up to the next comma), unless it
    only describes some other body ("president of the Colombian group")."""
    stop = start
    while stop < len(doc) and doc[stop].text not in {",", ";", ".", "(", ")"}:
        stop += 1
    for atom in countries.starting_in(start, stop):
        after = doc[atom.end] if atom.end < len(doc) else None
        if after is not None and after.pos_ == "NOUN" and after.text.islower():
            continue
        return atom.iso3
    return None


def _of_country(doc: Doc, countries: CountryAtoms, end: int) -> str | None:
    """The country a titled name is said to be of, right after it ("Prime Minister Rutte of
    the Netherlands", "Kong Xuanyou of China"), unless the country only describes a noun
    that follows it ("of the Dutch parliament")."""
    if end >= len(doc) or doc[end].lower_ != "of":
        return None
    start = end + 2 if end + 1 < len(doc) and doc[end + 1].lower_ == "the" else end + 1
    for atom in countries.starting_in(start, start + 1):
        if atom.kind != "country":
            continue
        after = doc[atom.end] if atom.end < len(doc) else None
        if after is not None and after.pos_ in ("NOUN", "PROPN"):
            return None
        return atom.iso3
    return None


def _named_by_organisation(doc: Doc, start: int) -> bool:
    """Whether the title at `start` follows the name of an organisation no dictionary knows
    (spaCy's ORG): "BankAmerica Chairman A.W. Clausen"."""
    return start > 0 and doc[start - 1].ent_type_ == "ORG" and doc[start - 1].pos_ == "PROPN"


def _modified_by_common_noun(doc: Doc, start: int) -> bool:
    if start == 0:
        return False
    before = doc[start - 1]
    return before.pos_ == "NOUN" and before.text.islower()


# ---------------------------------------------------------------- bare bodies and groups


def bare_institution(
    story: Story, atoms: list[Atom], chunk: Chunk, agent: Agent | None
) -> Draft | None:
    """ "the government", "the authorities", "police", "soldiers": a political body or
    group with no owner in the text takes the country of an actor earlier in its sentence,
    else the story's only country, else is left out (never the nearest country of several)."""
    doc, lexicon = story.doc, story.lexicon
    if agent is None or agent.inherit or agent.prepend or agent.sector not in lexicon.bare_sectors:
        return None
    first, last = atoms[chunk.agents[0]], atoms[chunk.agents[-1]]
    end = _unit_end(doc, last, lexicon)
    region = region_before(doc, first.start)
    # "the Lee regime", "the Reagan administration": a surname that office holders of one
    # of the story's countries bear that day
    before = doc[first.start - 1] if first.start > 0 else None
    ruler = (
        _office_holders_country(story, first.start - 1)
        if before is not None and before.pos_ == "PROPN" and before.is_title
        else None
    )
    if ruler is not None and agent.sector in lexicon.state_sectors:
        start = first.start - 1
        start -= int(start > 0 and doc[start - 1].lower_ == "the")
        return _composed_draft_of(doc, start, end, _join(ruler, agent), agent, "composed.ruler")
    if not _names_a_body(doc, first, last, lexicon) or (
        region is None and _owned_elsewhere(doc, first, last, lexicon, end)
    ):
        return None
    if _two_sides(doc, first.start, doc[end - 1], lexicon):
        return None  # "the two sides", "both leaders": a group of two countries (coref)
    # "the Quebec government", "Ontario officials": the region's country
    country = (
        (region[2] if region is not None else None)
        or _seat_after(story, atoms, end, agent)
        or story.context_country(doc[first.start].sent.start)
    )
    if country is None:
        return None
    start = region[0] if region is not None else first.start
    if start > 0 and _state_body_modifier(doc, start - 1, lexicon):
        start -= 1  # "State police": the modifier is part of the mention
    definite = start > 0 and doc[start - 1].lower_ == "the"
    if definite:
        start -= 1
    rule = "composed.region" if region is not None else "composed.context"
    return _composed_draft_of(doc, start, end, _join(country, agent), agent, rule)


def _composed_draft_of(doc: Doc, start: int, end: int, code: str, agent: Agent, rule: str) -> Draft:
    """A composed body's draft: its code's parts, the role noun's PLOVER sector."""
    c, s, p = code_parts(code)
    if agent.plover_sector and s == agent.sector:
        p = agent.plover_sector
    return Draft(
        start,
        end,
        code,
        "composed",
        doc[start:end].text,
        rule,
        country=c,
        sector=s,
        plover_sector=p,
    )


def _two_sides(doc: Doc, start: int, head: Token, lexicon: Lexicon) -> bool:
    """ "the two sides", "both leaders", "the two top diplomats": a group noun after "both"
    or "the two" (adjectives between) stands for two countries' people, which the
    coreference pass makes a group of; not one country's body by context."""
    word = head.lower_
    if word not in (
        lexicon.government_group_nouns | lexicon.person_group_nouns | lexicon.country_group_nouns
    ):
        return False
    i = start - 1
    while i >= 0 and doc[i].pos_ == "ADJ":
        i -= 1
    if i >= 0 and doc[i].lower_ == "both":
        return True
    return i >= 1 and doc[i].lower_ == "two" and doc[i - 1].lower_ == "the"


# Bodies of a state that sit where they rule: "the government in Bamako" is Mali's, while
# "diplomats in Canada" may be anyone's.
_SEATED_SECTORS = frozenset({"GOV", "COP", "MIL", "JUD", "LEG"})


def _seat_after(story: Story, atoms: list[Atom], end: int, agent: Agent) -> str | None:
    """The country of a capital or country right after "in" that follows a state body
    ("the government in Bamako", "the authorities in Bujumbura", "police in Lagos")."""
    doc = story.doc
    if agent.sector not in _SEATED_SECTORS or end + 1 >= len(doc) or doc[end].lower_ != "in":
        return None
    for atom in story.country_atoms_of(atoms).starting_in(end + 1, end + 2):
        if atom.kind in {"country", "capital"}:
            return atom.iso3
    return None


def _names_a_body(doc: Doc, first: Atom, last: Atom, lexicon: Lexicon) -> bool:
    """A plural or an institution noun, not a person ("the minister said", left for
    coreference) and not part of a name ("the Irish Republican Army", "Parliament Square")."""
    institutions = lexicon.bare_institutions
    head = doc[last.end - 1]
    span = doc[first.start : last.end]
    if not (
        head.tag_ in {"NNS", "NNPS"}
        or head.lower_ in institutions
        or any(t.lower_ in institutions for t in span)  # "a Treasury spokesman"
        # "a judge issued a warrant": one the story has not met, so no coreference to wait for
        or (first.start > 0 and doc[first.start - 1].lower_ in ("a", "an"))
    ):
        return False  # "the minister said": a person, for coreference
    one_word = last.end - first.start == 1 and head.lower_ in institutions
    if not one_word and any(
        t.text[:1].isupper() and t.i != t.sent.start and t.lower_ not in institutions for t in span
    ):
        return False  # part of a name: "the Irish Republican Army" ("the Treasury" is not)
    # "Parliament Square", "Government House": a name
    return not (
        one_word and head.text[:1].isupper() and last.end < len(doc) and cased(doc[last.end])
    )


def _unit_end(doc: Doc, last: Atom, lexicon: Lexicon) -> int:
    """The end of a bare body with the unit that follows it: "a police contingent" (the unit
    is the phrase's head, the token the events stage meets), else the body noun's own end."""
    head = doc[last.end - 1]
    if (
        last.end < len(doc)
        and head.dep_ == "compound"
        and head.head.i == last.end
        and doc[last.end].lower_ in lexicon.body_units
    ):
        return last.end + 1
    return last.end


# "a foreign government": a body that is expressly not the one of the country in context
# ("other" is not: "the other three officers" are the same police)
_ELSEWHERE_WORDS = frozenset({"foreign"})


def _owned_elsewhere(doc: Doc, first: Atom, last: Atom, lexicon: Lexicon, end: int) -> bool:
    """Someone else's body, a word about a thing, or one whose owner is named elsewhere."""
    head = doc[end - 1]
    if any(doc[i].lower_ in _ELSEWHERE_WORDS for i in range(max(0, first.start - 2), end)):
        return True  # "any involvement of a foreign government": not the country in context
    if (
        first.start > 0
        and doc[first.start - 1].pos_ in {"NOUN", "PROPN"}
        and not _state_body_modifier(doc, first.start - 1, lexicon)
    ):
        return True  # "union officials", "Tasmania state government": someone else's
    if head.dep_ in {"amod", "compound"} and head.head.i > head.i:
        return True  # "military exercises": a word about something, not an actor
    if first.start > 0 and doc[first.start - 1].tag_ == "PRP$":
        return True  # "its opposition to a loan", "their government": whose is not named
    # "the government of X" names its owner elsewhere
    return end < len(doc) and doc[end].lower_ == "of"


def _state_body_modifier(doc: Doc, i: int, lexicon: Lexicon) -> bool:
    """ "State police", "riot police": a noun that says which of the state's bodies, itself
    the first word of its phrase or after an article ("the border guards"; not "Tasmania
    state government", whose owner stands before it)."""
    if doc[i].lower_ not in lexicon.body_modifiers:
        return False
    return i == doc[i].sent.start or doc[i - 1].pos_ in {"DET", "ADJ", "NUM", "PUNCT"}


# ---------------------------------------------------------------- single atoms


def single(story: Story, atom: Atom) -> Draft | None:
    """The draft of one atom standing alone, by its kind."""
    if atom.kind == "country" and atom.iso3:
        return _country_draft(story, atom, atom.iso3)
    if atom.kind == "capital" and atom.iso3:
        return _capital_draft(story, atom, atom.iso3)
    if atom.kind == "seat" and atom.code:
        c, s, p = code_parts(atom.code)
        text = story.doc[atom.start : atom.end].text
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
        return _epithet_draft(story, atom)
    if atom.kind == "entity":
        return _entity_draft(story, atom)
    return None  # an unknown person with nothing to code them by


def _country_draft(story: Story, atom: Atom, iso3: str) -> Draft | None:
    doc, knowledge = story.doc, story.knowledge
    if _not_the_country(doc, atom, story.lexicon):
        return None
    if _names_business(doc, atom, story):
        return Draft(
            atom.start,
            atom.end,
            iso3 + "BUS",
            "org",
            knowledge.country_name(iso3),
            "country.business",
            country=iso3,
            sector="BUS",
            plover_sector=CAMEO_TO_PLOVER.get("BUS"),
        )
    before = doc[atom.start - 1] if atom.start > 0 else None
    is_place = before is not None and (
        before.lower_ in story.lexicon.locative_prepositions
        or (before.text == "," and atom.start >= 2 and doc[atom.start - 2].ent_type_ == "GPE")
    )
    return Draft(
        atom.start,
        atom.end,
        iso3,
        "country",
        knowledge.country_name(iso3),
        "country.name",
        country=iso3,
        kb_id=_country_qid(story, iso3),
        locative=is_place,
    )


def _not_the_country(doc: Doc, atom: Atom, lexicon: Lexicon) -> bool:
    """A country word that names money, a language, a stance, a thing's origin, a round
    of talks or part of a place's name, not the country as an actor."""
    after = doc[atom.end] if atom.end < len(doc) else None
    if _inside_larger_name(doc, atom, lexicon):
        return True  # "East China Sea", "South Korea Strait": a place, not the country
    if after is not None and after.lower_ in lexicon.currency_words:
        return True  # "the Australian dollar", "Swiss francs": money, not an actor
    if after is not None and after.lower_ in lexicon.language_words:
        return True  # "Dutch and French speaking parties": languages
    if (
        atom.end + 2 < len(doc)
        and doc[atom.end].lower_ in lexicon.list_joiners
        and doc[atom.end + 2].lower_ in lexicon.language_words
    ):
        return True  # the first of "Dutch and French speaking"
    if prefixed(doc, atom.start, lexicon) or _money_note(doc, atom):
        return True  # "anti-Japanese", "inter-Korean"; "$160 million (U.S.)"
    if made_in(doc, atom, lexicon):
        return True  # "Chinese-made missiles", "U.S.-built jets": a thing's origin
    # "the Uruguay Round" (or "the Uruguay trade round") of trade talks, not Uruguay
    if after is not None and after.lower_ == "trade" and atom.end + 1 < len(doc):
        after = doc[atom.end + 1]
    return after is not None and after.text in lexicon.named_rounds


def _capital_draft(story: Story, atom: Atom, iso3: str) -> Draft | None:
    """A capital standing for its government; the country when a visit goes there."""
    doc, lexicon, knowledge = story.doc, story.lexicon, story.knowledge
    head = doc[atom.end - 1]
    visited = (head.dep_ == "dobj" and head.head.lemma_ in lexicon.visit_verbs) or _visited(
        head, lexicon
    )
    if _capital_is_no_actor(doc, atom, lexicon, place_ok=visited):
        return None
    if visited:
        return Draft(
            atom.start,
            atom.end,
            iso3,
            "country",
            knowledge.country_name(iso3),
            "capital.visited",
            country=iso3,
            kb_id=_country_qid(story, iso3),
        )
    return Draft(
        atom.start,
        atom.end,
        iso3 + "GOV",
        "country",
        knowledge.country_name(iso3),
        "capital.government",
        country=iso3,
        sector="GOV",
        plover_sector="GOV",
    )


def _visited(head: Token, lexicon: Lexicon) -> bool:
    """ "a working visit to Moscow", "travelled to Beijing", "arrived in Caracas": the
    capital is where a visit goes, so the country visited (a visit's target), not a place
    only."""
    prep = head.head
    if head.dep_ != "pobj" or prep.dep_ != "prep":
        return False
    verb = prep.head
    if prep.lower_ == "to":
        return (verb.pos_ == "NOUN" and verb.lemma_.lower() in lexicon.visit_nouns) or (
            verb.pos_ == "VERB" and verb.lemma_.lower() in lexicon.visit_verbs
        )
    return prep.lower_ == "in" and verb.pos_ == "VERB" and verb.lemma_.lower() == "arrive"


def _capital_is_no_actor(doc: Doc, atom: Atom, lexicon: Lexicon, place_ok: bool = False) -> bool:
    """Whether a capital's name is no actor here; `place_ok`: after a preposition of place
    it still is one (where a visit goes)."""
    if not place_ok and locative(doc, atom.start, lexicon):
        return True  # a place: "talks in Tokyo"
    head = doc[atom.end - 1]
    if head.text.isupper() and atom.end < len(doc) and doc[atom.end].text in HYPHENS:
        return True  # a dateline: "WASHINGTON - The Treasury said ..."
    if head.dep_ == "compound" and atom.end < len(doc) and not is_possessive(doc, atom.end):
        return True  # "the Paris accord", "Washington talks": a name, not an actor
    # "the Cenepa and Santiago rivers": a capital's name on a thing
    return atom.end < len(doc) and doc[atom.end].pos_ == "NOUN" and doc[atom.end].text.islower()


def _epithet_draft(story: Story, atom: Atom) -> Draft | None:
    """ "the reclusive country": the country it resolves to, referring back."""
    country = story.atom_country(atom)
    if country is None:
        return None
    return Draft(
        atom.start,
        atom.end,
        country,
        "coref",
        story.knowledge.country_name(country),
        "coref.epithet",
        country=country,
        definite=True,
    )


def _entity_draft(story: Story, atom: Atom) -> Draft | None:
    """A known organisation or person alone, coded as of the date."""
    doc, day = story.doc, story.day
    if (
        atom.end - atom.start == 1
        and atom.start > 0
        and doc[atom.start - 1].text[:1].isupper()
        and doc[atom.start - 1].i != doc[atom.start].sent.start
        and doc[atom.start - 1].pos_ in {"PROPN", "ADJ"}
    ):
        return None  # "the Great National Congress": another body's name
    entity = choose_entity(atom.entities, day, story.story_countries)
    code = entity.code_on(day)
    if not code:
        return None
    c, s, p = code_parts(code)
    home = story.story_country
    if shared_name(doc, atom) and home is not None and c is not None and home != c:
        # "the House of Representatives" in a story about Indonesia is Indonesia's
        code = home + code[len(c) :]
        c, s, p = code_parts(code)
        name = doc[atom.start : atom.end].text
        return Draft(
            atom.start,
            atom.end,
            code,
            "composed",
            name,
            "composed.shared-name",
            country=c,
            sector=s,
            plover_sector=p,
        )
    kind = entity.kind
    return Draft(
        atom.start,
        atom.end,
        code,
        kind,
        entity.name,
        f"{kind}.kb",
        country=_office_country(code, c, entity.country),
        sector=s,
        plover_sector=p,
        kb_id=entity.kb_id,
        entity=entity,
        person_tokens=(atom.start, atom.end) if kind == "person" else None,
    )


def _office_country(code: str, coded: str | None, nationality: str | None) -> str | None:
    """The country a mention stands for: its code's, else the person's nationality -- but
    not for an office of an international body ("IMF Managing Director Michel Camdessus" is
    the IMF's, IGOBUSIMF, not France's)."""
    if code[:3] in INTERNATIONAL_PREFIXES:
        return None
    return coded or nationality


def _country_qid(story: Story, iso3: str) -> str | None:
    country = story.knowledge.countries.get(iso3)
    return country.kb_id if country else None


# ---------------------------------------------------------------- country words that name no actor


def _money_note(doc: Doc, atom: Atom) -> bool:
    """ "a $160 million (U.S.) deficit": the currency of an amount in brackets."""
    return (
        atom.start >= 2
        and doc[atom.start - 1].text == "("
        and doc[atom.start - 2].like_num
        and atom.end < len(doc)
        and doc[atom.end].text == ")"
    )


def _inside_larger_name(doc: Doc, atom: Atom, lexicon: Lexicon) -> bool:
    """ "East China Sea": the country name is glued to other name words of a place."""
    if atom.end < len(doc) and doc[atom.end].lower_ in lexicon.geographic_heads:
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
    return any(t.text[:1].isupper() and t.lower_ not in lexicon.list_joiners for t in neighbours)


def _names_business(doc: Doc, atom: Atom, story: Story) -> bool:
    """Whether the country word at `atom` is part of a company's name ("Japan Air
    Lines", "French industrial gas group", "<Gregg River Co> of Canada", "Morgan
    Guaranty Australia"): the company is a business of that country, not it."""
    knowledge = story.knowledge
    if not knowledge.business_heads and not knowledge.business_bodies:
        return False
    return (
        _before_business_noun(doc, atom, story)
        or _business_of_country(doc, atom, story)
        or _ends_organisation_name(doc, atom, story.lexicon)
    )


def _before_business_noun(doc: Doc, atom: Atom, story: Story) -> bool:
    """ "Japan Air Lines", "Japanese bank"; a body noun after a trade word ("French
    industrial gas group", "Canadian Forest Industry Council")."""
    knowledge = story.knowledge
    last = doc[atom.end - 1]
    head = last
    while head.dep_ in ("compound", "amod", "nmod") and head.head.i > head.i:
        head = head.head
    if head is last:
        return False
    word = head.lower_
    between = {t.lower_ for t in doc[atom.end : head.i]}
    return word in knowledge.business_heads or (
        word in knowledge.business_bodies and not between.isdisjoint(knowledge.business_qualifiers)
    )


def _business_of_country(doc: Doc, atom: Atom, story: Story) -> bool:
    """ "<Gregg River Co> of Canada", "Royal Bank of Canada", "Continental Grain Co of the
    United States"."""
    of = atom.start - 1
    if of > 0 and doc[of].lower_ == "the":
        of -= 1
    if of < 1 or doc[of].lower_ != "of":
        return False
    owner = doc[of - 1]
    if owner.text in (">", ")", '"') and of >= 2:
        owner = doc[of - 2]
    return owner.text[:1].isupper() and owner.lower_ in story.knowledge.business_heads


def _ends_organisation_name(doc: Doc, atom: Atom, lexicon: Lexicon) -> bool:
    """ "Morgan Guaranty Australia", "Air India": other name words end in the country's
    (not a state's own name: "Federal Germany")."""
    last = doc[atom.end - 1]
    if atom.start == 0 or last.ent_type_ != "ORG" or last.dep_ in ("compound", "amod"):
        return False
    before = doc[atom.start - 1]
    return (
        before.ent_type_ == "ORG"
        and before.pos_ == "PROPN"
        and before.dep_ == "compound"
        and before.head.i == last.i
        and before.text[:1].isupper()
        and before.lower_ not in lexicon.state_name_words
    )


# ---------------------------------------------------------------- organisations the knowledge lacks


def _tokens_taken(length: int, drafts: list[Draft]) -> tuple[list[bool], dict[int, str]]:
    """Which tokens a known actor other than a country covers, and the country each token
    of a country's name stands for (a country draft always has its country)."""
    covered = [False] * length
    country_of: dict[int, str] = {}
    for draft in drafts:
        for i in range(draft.start, draft.end):
            if draft.kind == "country" and draft.country:
                country_of[i] = draft.country
            else:
                covered[i] = True
    return covered, country_of


def unknown_organisations(story: Story, atoms: list[Atom], drafts: list[Draft]) -> list[Draft]:
    """ "the paramilitary Rapid Support Forces (RSF)", "the British Branch of the Korean
    Friendship Association", "the BNP": an organisation spaCy finds that the knowledge base
    does not know, named as a political body (its last word is one) or by an acronym, is an
    actor of the country its name gives, else of the one country its sentence's actors
    belong to, else of the story's country; its sector is not guessed. Organisations that overlap a known actor are left to it."""
    doc, lexicon = story.doc, story.lexicon
    # "The Peruvian Committee for ...": a country's name inside is its owner
    covered, country_of = _tokens_taken(len(doc), drafts)
    by_start = {a.start: a for a in atoms if a.kind in {"country", "capital"} and a.iso3}
    found: list[Draft] = []
    named: dict[str, str] = {}  # a name or its acronym seen before -> its country
    for ent in doc.ents:
        if (
            ent.label_ != "ORG"
            or ent.start < story.filed_from  # "BRUSSELS (AP) —": the agency is no actor
            or any(covered[i] for i in range(ent.start, ent.end))
            or ent.root.i in country_of  # "the DPRK": the country itself, not a body of it
        ):
            continue
        bare = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
        if bare in named:
            found.append(_organisation(ent, named[bare]))
            continue
        last = doc[ent.end - 1]
        acronym = ent.end - ent.start == 1 and last.text.isupper() and 2 <= len(last.text) <= 5
        # the head word is last ("the Korean Friendship Association"), or the phrase's root
        # when the name itself gives the country ("the Peruvian Committee for Supporting the
        # Reunification of Korea"; "the Ministry of National Defence" says whose only by its
        # story, too weak a guess for a body named by its root)
        inside = next((by_start[i].iso3 for i in range(ent.start, ent.end) if i in by_start), None)
        if ent.end + 1 < len(doc) and doc[ent.end].lower_ == "in" and ent.end + 1 in by_start:
            # "the Pyongyang Cultural Center in Peru": the country it is in is its own
            inside = by_start[ent.end + 1].iso3
        if (
            not acronym
            and last.lower_ not in lexicon.organisation_heads
            and not (inside and ent.root.lower_ in lexicon.organisation_heads)
        ):
            continue
        sentence = ent.sent
        around = {
            d.country
            for d in drafts
            if d.country and sentence.start <= d.start < sentence.end and not d.locative
        }
        country = (
            inside or (next(iter(around)) if len(around) == 1 else None) or story.story_country
        )
        if not country:
            continue
        found.append(_organisation(ent, country))
        named[bare] = country
        after = doc[ent.end : ent.end + 3]
        if len(after) == 3 and after[0].text == "(" and after[2].text == ")":
            named[after[1].text] = country  # "Rapid Support Forces (RSF)": the RSF again
    return found


def divided_halves(story: Story, drafts: list[Draft]) -> list[Draft]:
    """ "its smear campaign against the north", "if the South dropped its hostile policy",
    "compatriots from the north", "the south side": in a story that names one of a divided
    country's states, its compass word standing alone as a noun names that half (lexicon
    `divided_halves`). Not "the north of the country" (a place), "north-south talks" (a
    modifier) or a word inside a name ("North Korea", "the South Headquarters")."""
    doc, lexicon = story.doc, story.lexicon
    halves = lexicon.divided_halves
    if not set(halves.values()) & set(story.story_countries):
        return []
    covered, country_of = _tokens_taken(len(doc), drafts)
    found: list[Draft] = []
    for token in doc:
        country = halves.get(token.lower_)
        if country is None or covered[token.i] or token.i in country_of:
            continue
        if token.i < story.filed_from or token.pos_ not in ("NOUN", "PROPN", "ADJ"):
            continue
        start, end = token.i, token.i + 1
        if end < len(doc) and doc[end].lower_ == "side":
            end += 1  # "the south side"
        elif token.dep_ in ("compound", "amod", "nmod") and token.head.i > token.i:
            continue  # "the North Korean regime", "north-south talks"
        if end < len(doc) and (doc[end].lower_ == "of" or doc[end].text in ("-", "–")):
            continue
        if start > 0 and doc[start - 1].lower_ in lexicon.articles:
            start -= 1
        elif not any(c.lower_ in halves and c.i != token.i for c in (*token.conjuncts, token.head)):
            continue  # a bare "north" only beside the other half ("between north and south")
        before = doc[start - 1] if start > 0 else None
        found.append(
            _composed_country_draft(
                start,
                end,
                country,
                story.knowledge.country_name(country),
                "composed.divided-half",
                locative=before is not None and before.lower_ in ("in", "at"),
            )
        )
        for i in range(start, end):
            covered[i] = True
    return found


def companies(story: Story, drafts: list[Draft]) -> list[Draft]:
    """ "Noranda Inc said it would sue the Quebec government", "Nomura Securities Co Ltd, a
    Japanese brokerage": a company spaCy finds whose name ends in a legal form
    (`company_suffixes`) and which no known actor covers is a business (BUS) of the
    country its apposition or possessor names or a region in its name says (never a guess
    from the sentence or story); its name alone later ("Noranda said") is the same company. A company whose name holds
    a country word ("Japan Air Lines", "<Gregg River Co> of Canada") is that country's
    business already (`_names_business`)."""
    doc, lexicon = story.doc, story.lexicon
    suffixes = lexicon.company_suffixes
    covered, country_of = _tokens_taken(len(doc), drafts)
    found: list[Draft] = []
    named: dict[str, str] = {}  # a company's name without its legal form -> its country
    for ent in doc.ents:
        if ent.label_ != "ORG" or ent.start < story.filed_from:
            continue
        start, end = ent.start, ent.end
        while end < len(doc) and doc[end].lower_ in suffixes and end - ent.end < 2:
            end += 1  # spaCy leaves "Ltd" of "Co Ltd" outside the entity
        if doc[start].lower_ == "the":
            start += 1
        if any(covered[i] or i in country_of for i in range(start, end)):
            continue
        words = [t for t in doc[start:end] if t.text not in ("<", ">")]
        bare = " ".join(t.text for t in words if t.lower_ not in suffixes)
        if not words or not bare:
            continue
        if words[-1].lower_ not in suffixes:
            country = named.get(bare) or named.get(words[0].text)
            if country is None:
                continue
        else:
            if end < len(doc) and doc[end].lower_ == "of":
                continue  # "<Gregg River Co> of Canada": the country word is the business
            country = _company_country(story, drafts, start, end)
            if country is None:
                continue
            named[bare] = country
            if len(words) > 2 and words[0].text[:1].isupper() and len(words[0].text) > 3:
                named.setdefault(words[0].text, country)  # "Noranda" of "Noranda Inc"
        found.append(
            Draft(
                start,
                end,
                country + "BUS",
                "org",
                doc[start:end].text,
                "composed.company",
                country=country,
                sector="BUS",
                plover_sector=CAMEO_TO_PLOVER.get("BUS"),
            )
        )
        for i in range(start, end):
            covered[i] = True
    return found


def _company_country(story: Story, drafts: list[Draft], start: int, end: int) -> str | None:
    """The country of a company named at [start, end): a country in its apposition ("Nomura
    Securities Co Ltd, a Japanese brokerage") or just before it ("Canada's Noranda Inc"), or
    a region inside its name ("Texas Eastern Corp"); else None (not the story's country)."""
    doc = story.doc
    close = [
        d
        for d in drafts
        if d.kind == "country"
        and d.country
        and (
            (d.end == start - 1 and doc[d.end].lower_ in ("'s", "’s"))
            or d.end == start
            or (end < len(doc) and doc[end].text == "," and end < d.start <= end + 3)
        )
    ]
    if close:
        return close[0].country
    region = next(
        (found for i in range(start, end) if (found := region_at(doc, i, i + 1)) is not None),
        None,
    )
    if region is not None and start <= region[0] and region[1] <= end:
        return region[2]  # "Texas Eastern", "Louisiana Land and Exploration Co"
    # Neither the sentence's nor the story's country: on the dev gold a company in a story
    # of Norway or Bangladesh was most often American or Canadian (4 of 9 right that way)
    return None


# The parts of a subject's phrase that are not its name: a clause, a participle or a comma hung
# on it (and "on <date>", cut in `_name_phrase`).
_NOT_NAME_DEPS = frozenset({"relcl", "acl", "advcl", "punct"})


def unnamed_organisations(story: Story, drafts: list[Draft]) -> list[Draft]:
    """ "The Committee for Measures against the Spy Ring Case ... in south Korea issued a
    statement", "The South Headquarters of the Pan-national Alliance for Korea's
    Reunification issued a commentary": the subject of a clause whose head word is a
    capitalised organisation word, which spaCy's entities miss (it cuts such names at
    "for"/"of"), is an actor of the one country named inside its phrase; a phrase that
    names none, or several, is left alone. In KCNA copy these are the issuers of most
    statements, letters and articles (the sentences after them go on with "The statement
    accused ...")."""
    doc, lexicon = story.doc, story.lexicon
    covered, country_of = _tokens_taken(len(doc), drafts)
    found: list[Draft] = []
    for token in doc:
        # "the Soviet Union" is a country's own name, not a body of it
        if token.i < story.filed_from or covered[token.i] or token.i in country_of:
            continue
        if token.dep_ not in {"nsubj", "nsubjpass"} and not (
            token.dep_ == "pobj" and token.head.dep_ == "agent"
        ):
            continue
        if token.lower_ not in lexicon.organisation_heads or not token.text[:1].isupper():
            continue
        start, end = _name_phrase(token)
        if any(covered[i] for i in range(start, end)):
            continue
        countries = list(dict.fromkeys(country_of[i] for i in range(start, end) if i in country_of))
        country = _country_of_name(doc, start, end, countries)
        if country is None:
            continue
        found.append(
            _composed_country_draft(
                start, end, country, doc[start:end].text, "composed.unnamed-organisation"
            )
        )
        for i in range(start, end):
            covered[i] = True
    return found


def _name_phrase(head: Token) -> tuple[int, int]:
    """The tokens [start, end) of the name a subject's head word heads: its subtree without
    a clause, participle or trailing punctuation hung on it, cut where they begin."""
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in _NOT_NAME_DEPS or (child.dep_ == "prep" and child.lower_ == "on"):
            break
        end = child.right_edge.i + 1
    while end - 1 > head.i and head.doc[end - 1].is_punct:
        end -= 1
    return head.left_edge.i, end


def _country_of_name(doc: Doc, start: int, end: int, countries: list[str]) -> str | None:
    """The one country of a name, or None. "The South Headquarters of the Pan-national
    Alliance for Korea's Reunification": a Korean body (whose "Korea" names neither state)
    is of the side its own name says."""
    words = {doc[i].lower_ for i in range(start, end)}
    if set(countries) <= {"KOR", "PRK"} and not words.isdisjoint({"korea", "korean", "korea's"}):
        if "south" in words and "north" not in words:
            return "KOR"
        if "north" in words and "south" not in words:
            return "PRK"
    return countries[0] if len(countries) == 1 else None


def _organisation(ent: Span, country: str) -> Draft:
    return _composed_country_draft(
        ent.start, ent.end, country, ent.text, "composed.unknown-organisation"
    )


def _composed_country_draft(
    start: int, end: int, country: str, name: str, rule: str, locative: bool = False
) -> Draft:
    """A mention that stands for a country as a whole (its code is the bare ISO3), found by
    a composing rule."""
    return Draft(start, end, country, "composed", name, rule, country=country, locative=locative)
