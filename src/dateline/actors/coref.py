"""Within-story coreference for actors.

Works on the drafts `engine.compose` made, in text order, and adds:

- *surnames* after a first mention ("Abe", "Kong", "Akiba"): the latest
  earlier person whose surname it is (family name first for Chinese and
  Korean names, last otherwise); failing that, a leader in office on the
  story's date whose surname is unique among leaders ("Trump" in 2017);
- a repeated full name of someone no dictionary knows ("Ri Kil Song");
- *definite descriptions* ("the Chinese official") → the latest person of
  that country; epithets ("the reclusive country") → the latest mention of
  the country they resolve to;
- *groups* ("the two sides", "the two countries", "both leaders") → a mention
  of kind ``group`` whose `cameo_code` joins its members with ``+`` in order of
  first mention: ``JPN+CHN`` for countries, ``JPNGOV+CHNGOV`` for sides and
  governments, the members' own codes for people ("the two officials");
- *he/she/him/his/her* when one person is the candidate in the sentence so
  far and the one before, or exactly one of several is a grammatical subject.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import TYPE_CHECKING

from dateline.actors.engine import SURNAME_FIRST, Atom, Draft, _code_parts
from dateline.actors.knowledge import ActorKnowledge, Entity
from dateline.actors.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["resolve"]

COUNTRY_GROUP_NOUNS = frozenset(
    {"countries", "nations", "neighbors", "neighbours", "states", "powers"}
)
GOVERNMENT_GROUP_NOUNS = frozenset({"sides", "governments", "capitals", "delegations"})
PERSON_GROUP_NOUNS = frozenset(
    {
        "officials",
        "leaders",
        "men",
        "women",
        "ministers",
        "diplomats",
        "presidents",
        "envoys",
        "negotiators",
    }
)
# Role nouns that name an institution, not a person: "the Chinese Foreign Ministry" refers to no official.
NOT_PERSON_NOUNS = frozenset(
    {
        "ministry",
        "government",
        "office",
        "department",
        "agency",
        "side",
        "military",
        "army",
        "navy",
        "council",
        "embassy",
        "cabinet",
        "parliament",
        "court",
        "regime",
        "authorities",
        "administration",
        "police",
        "forces",
        "media",
        "press",
        "party",
        "leadership",
        "committee",
        "commission",
    }
)
# Entity types a surname never has ("in May" is a month, not Theresa May); a lone
# leader's surname is not taken from a word spaCy sees as a place either.
NOT_NAMES = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "EVENT", "LAW"}
)
NOT_LEADER_NAMES = NOT_NAMES | {"GPE", "LOC", "FAC"}
PRONOUNS = frozenset({"he", "she", "him", "his", "her", "hers"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})


def _surnames(doc: Doc, draft: Draft) -> set[str]:
    forms: set[str] = set()
    if draft.entity is not None and draft.entity.surname:
        forms.add(fold(draft.entity.surname))
    if draft.person_tokens is not None:
        words = [
            fold(t.text) for t in doc[draft.person_tokens[0] : draft.person_tokens[1]] if t.is_alpha
        ]
        if words:
            if draft.country in SURNAME_FIRST:
                forms.add(words[0])
            else:
                forms.add(words[-1])
                if draft.entity is None and draft.country is None:
                    forms.add(words[0])
    return forms


def _name_words(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    return tuple(fold(t.text) for t in doc[start:end] if t.is_alpha)


def _copy(start: int, end: int, antecedent: Draft, rule: str, name: str | None = None) -> Draft:
    root = antecedent.root()
    return Draft(
        start,
        end,
        root.code,
        "coref",
        name or root.name,
        rule,
        country=root.country,
        sector=root.sector,
        plover_sector=root.plover_sector,
        kb_id=root.kb_id,
        entity=root.entity,
        antecedent=root,  # always the first, fullest mention: no chains to walk
    )


def _leader_in_office(knowledge: ActorKnowledge, surname: str, day: dt.date) -> Entity | None:
    found: dict[str, Entity] = {}
    for index in knowledge.leader_surnames.get(surname, ()):
        entity = knowledge.entities[index]
        role = entity.role_on(day)
        if role is not None and not role.code.endswith("ELI"):
            found[entity.id] = entity
    return next(iter(found.values())) if len(found) == 1 else None


def _standalone(doc: Doc, i: int, covered: list[bool], texts: list[str]) -> bool:
    """A lone capitalised name word, not part of a longer unknown name."""
    if not texts[i][:1].isupper():
        return False  # cheap test first: most words are not capitalised
    token = doc[i]
    if not token.is_alpha or not token.text[0].isupper():
        return False
    if token.pos_ != "PROPN" and token.ent_type_ != "PERSON":
        return False
    if token.ent_type_ in NOT_NAMES:
        return False  # "in May" is a month, not Theresa May
    for j in (i - 1, i + 1):
        if (
            0 <= j < len(doc)
            and not covered[j]
            and doc[j].pos_ == "PROPN"
            and doc[j].text[:1].isupper()
        ):
            return False
    return True


def resolve(
    doc: Doc,
    drafts: list[Draft],
    atoms: list[Atom],
    knowledge: ActorKnowledge,
    day: dt.date,
    texts: list[str] | None = None,
) -> list[Draft]:
    drafts = sorted(drafts, key=lambda d: d.start)
    if texts is None:
        texts = [t.text for t in doc]  # one pass: spaCy makes a Token object per access
    covered = [False] * len(doc)
    for draft in drafts:
        for i in range(draft.start, draft.end):
            covered[i] = True

    # Unknown names again, surnames, leaders by surname. The people seen so far are
    # indexed by surname and by full name as the scan moves on, so each lookup is a
    # dictionary step, not a walk over every earlier mention.
    added: list[Draft] = []
    person_atoms = {a.start: a for a in atoms if a.kind == "person"}
    by_surname: dict[str, Draft] = {}
    by_name: dict[tuple[str, ...], Draft] = {}
    pending = iter(drafts)
    upcoming = next(pending, None)

    def remember(draft: Draft) -> None:
        if not draft.root().is_person:
            return
        for form in _surnames(doc, draft) or (
            _surnames(doc, draft.root()) if draft.root() is not draft else set()
        ):
            by_surname[form] = draft
        if draft.person_tokens:
            by_name[_name_words(doc, *draft.person_tokens)] = draft

    i = 0
    while i < len(doc):
        while upcoming is not None and upcoming.start < i:
            remember(upcoming)
            upcoming = next(pending, None)
        if covered[i]:
            i += 1
            continue
        atom = person_atoms.get(i)
        if atom is None and not _standalone(doc, i, covered, texts):
            i += 1
            continue
        if atom is not None and atom.end - atom.start > 1:
            words = _name_words(doc, atom.start, atom.end)
            target = by_name.get(words)
            if target is not None:
                copy = _copy(atom.start, atom.end, target, "coref.name")
                added.append(copy)
                remember(copy)
                for k in range(atom.start, atom.end):
                    covered[k] = True
            i = atom.end
            continue
        if _standalone(doc, i, covered, texts):
            word = fold(doc[i].text)
            target = by_surname.get(word)
            if target is not None:
                copy = _copy(i, i + 1, target, "coref.surname")
                added.append(copy)
                by_surname[word] = copy
                covered[i] = True
            else:
                leader = (
                    None
                    if doc[i].ent_type_ in NOT_LEADER_NAMES
                    else _leader_in_office(knowledge, word, day)
                )
                if leader is not None:
                    code = leader.code_on(day)
                    c, s, p = _code_parts(code)
                    found = Draft(
                        i,
                        i + 1,
                        code,
                        "person",
                        leader.name,
                        "person.leader-surname",
                        country=c,
                        sector=s,
                        plover_sector=p,
                        kb_id=leader.kb_id,
                        entity=leader,
                        person_tokens=(i, i + 1),
                    )
                    added.append(found)
                    remember(found)
                    covered[i] = True
        i += 1
    drafts = sorted(drafts + added, key=lambda d: d.start)

    # Definite descriptions and epithets refer back.
    for n, draft in enumerate(drafts):
        if not draft.definite:
            continue
        earlier = drafts[:n]
        if draft.kind == "coref":  # an epithet: the latest mention of its country
            target = next(
                (
                    d
                    for d in reversed(earlier)
                    if d.country == draft.country and d.kind in {"country", "coref"}
                ),
                None,
            )
            draft.antecedent = target.root() if target is not None else None
            continue
        if doc[draft.end - 1].tag_ == "NNS" or doc[draft.end - 1].lower_ in NOT_PERSON_NOUNS:
            continue
        target = next(
            (d for d in reversed(earlier) if d.root().is_person and d.country == draft.country),
            None,
        )
        if target is not None:
            draft.antecedent = target.root()
            draft.kind = "coref"
            draft.rule_id = "coref.description"

    # Groups.
    groups: list[Draft] = []
    lowers = [t.lower() for t in texts]
    for i, low in enumerate(lowers):
        if low not in {"the", "both"}:
            continue
        if low == "the" and i + 2 < len(doc) and lowers[i + 1] == "two":
            start, noun = i, doc[i + 2]
        elif low == "both" and i + 1 < len(doc):
            start, noun = i, doc[i + 1]
        else:
            continue
        if any(covered[k] for k in range(start, noun.i + 1)):
            continue
        group = _group(doc, start, noun, [d for d in drafts if d.end <= start])
        if group is not None:
            groups.append(group)
            for k in range(start, noun.i + 1):
                covered[k] = True
    drafts = sorted(drafts + groups, key=lambda d: d.start)

    # Pronouns. People nobody could code still compete as antecedents: "Glyn Ford ... and
    # his party" must not go to the official named before him.
    uncoded = [
        Draft(a.start, a.end, "", "person", "", "uncoded", person_tokens=(a.start, a.end))
        for a in atoms
        if a.kind == "person" and not any(covered[i] for i in range(a.start, a.end))
    ]
    pronouns: list[Draft] = []
    pronoun_starts: list[int] = []
    starts = [d.start for d in drafts]
    uncoded_starts = [d.start for d in uncoded]
    for i, low in enumerate(lowers):
        if low not in PRONOUNS or covered[i]:
            continue
        token = doc[i]
        if token.pos_ not in {"PRON", "DET"}:
            continue
        window = _window(
            doc, token, (drafts, starts), (pronouns, pronoun_starts), (uncoded, uncoded_starts)
        )
        wrong = "f" if low in {"he", "him", "his"} else "m"
        window = [d for d in window if _gender(d) != wrong]
        target = _pronoun_antecedent(doc, token, window)
        if target is not None and not target.root().code:
            continue
        if target is not None:
            pronouns.append(
                _copy(token.i, token.i + 1, target, "coref.pronoun", name=target.root().name)
            )
            pronoun_starts.append(token.i)
    return sorted(drafts + pronouns, key=lambda d: d.start)


def _group(doc: Doc, start: int, noun: Token, earlier: list[Draft]) -> Draft | None:
    word = noun.lower_
    if word in COUNTRY_GROUP_NOUNS or word in GOVERNMENT_GROUP_NOUNS:
        countries: list[str] = []
        sentence_start = doc[start].sent.start
        # Actors of the same sentence first ("Abe and Xi ... as the two countries"), then any earlier mention.
        same_sentence = [d for d in earlier if d.start >= sentence_start and d.kind != "country"]
        for draft in [*reversed(same_sentence), *reversed(earlier)]:
            if (
                draft.kind == "group"
                or draft.locative
                or not draft.country
                or draft.country in countries
            ):
                continue
            countries.append(draft.country)
            if len(countries) == 2:
                break
        if len(countries) < 2:
            return None
        order = _first_mention_order(earlier, countries, key="country")
        members = tuple(c + "GOV" if word in GOVERNMENT_GROUP_NOUNS else c for c in order)
        sector = "GOV" if word in GOVERNMENT_GROUP_NOUNS else None
        return Draft(
            start,
            noun.i + 1,
            "+".join(members),
            "group",
            doc[start : noun.i + 1].text,
            f"coref.group.{word}",
            sector=sector,
            plover_sector=sector,
            members=members,
        )
    if word in PERSON_GROUP_NOUNS:
        people: list[Draft] = []
        for draft in reversed(earlier):
            root = draft.root()
            if not root.is_person or any(p is root for p in people):
                continue
            people.append(root)
            if len(people) == 2:
                break
        if len(people) < 2:
            return None
        people.sort(key=lambda d: d.start)
        members = tuple(p.code for p in people)
        sectors = {p.sector for p in people}
        sector = sectors.pop() if len(sectors) == 1 else None
        return Draft(
            start,
            noun.i + 1,
            "+".join(members),
            "group",
            doc[start : noun.i + 1].text,
            f"coref.group.{word}",
            sector=sector,
            plover_sector=_code_parts(members[0])[2] if sector else None,
            members=members,
        )
    return None


def _first_mention_order(drafts: list[Draft], countries: list[str], key: str) -> list[str]:
    first: dict[str, int] = {}
    for draft in drafts:
        if draft.country in countries and draft.country not in first:
            first[draft.country] = draft.start
    return sorted(countries, key=lambda c: first.get(c, 0))


def _gender(draft: Draft) -> str:
    entity = draft.root().entity
    return entity.gender if entity is not None else ""


def _window(doc: Doc, token: Token, *groups: tuple[list[Draft], list[int]]) -> list[Draft]:
    """Mentions from the start of the previous sentence up to `token`; each group is
    a list sorted by start with its list of starts."""
    sentence = token.sent
    window_start = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    found: list[Draft] = []
    for items, starts in groups:
        found.extend(
            items[bisect.bisect_left(starts, window_start) : bisect.bisect_left(starts, token.i)]
        )
    return found


def _pronoun_antecedent(doc: Doc, token: Token, drafts: list[Draft]) -> Draft | None:
    sentence = token.sent
    window_start = sentence.start
    if sentence.start > 0:
        window_start = doc[sentence.start - 1].sent.start
    candidates = sorted(
        (
            d
            for d in drafts
            if window_start <= d.start < token.i and d.root().is_person and d.kind != "group"
        ),
        key=lambda d: d.start,
    )
    if not candidates:
        return None
    roots: dict[int, Draft] = {}
    for draft in candidates:
        roots.setdefault(id(draft.root()), draft)
    if len(roots) == 1:
        return candidates[-1]
    subjects: dict[int, Draft] = {}
    for draft in candidates:
        if any(t.dep_ in SUBJECTS for t in doc[draft.start : draft.end]):
            subjects[id(draft.root())] = draft
    if len(subjects) == 1:
        return next(iter(subjects.values()))
    return None
