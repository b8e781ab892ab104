"""Step 3, within-story coreference for actors.

Works on the drafts `drafts.compose` made, in text order; `resolve` runs four
passes, each over the drafts the one before left:

1. `_names_and_surnames`: a repeated full name of someone no dictionary knows
   ("Ri Kil Song"); *surnames* after a first mention ("Abe", "Kong", "Akiba"):
   the latest earlier person whose surname it is (family name first for Chinese
   and Korean names, last otherwise); failing that, a leader in office on the
   story's date whose surname is unique among leaders ("Trump" in 2017);
2. `_descriptions`: *definite descriptions* ("the Chinese official") → the
   latest person of that country; epithets ("the reclusive country") → the
   latest mention of the country they resolve to;
3. `_groups`: "the two sides", "the two countries", "both leaders" → a mention
   of kind ``group`` whose `cameo_code` joins its members with ``+`` in order of
   first mention: ``JPN+CHN`` for countries, ``JPNGOV+CHNGOV`` for sides and
   governments, the members' own codes for people ("the two officials");
4. `_pronouns`: *he/she/him/his/her* when one person is the candidate in the
   sentence so far and the one before, or exactly one of several is a
   grammatical subject;
5. `_speakers`: the subject of a reporting verb that is a pronoun ("It said",
   "He added") or a bare document ("The statement accused") → the story's
   latest speaker of that kind, however far back: whoever last said something
   or issued a document ("Rodong Sinmun carried an article ... It noted ...");
6. `_quoted_speakers`: *we/our/I* inside a quotation → whoever the quotation is
   attributed to ('"We will respond," the ministry said');
7. `_subject_pronouns`: *it/its* → the nearest earlier singular subject (this
   sentence, then the one before, its main subject first); *they/them/their* → the
   nearest earlier plural noun, or the main subject before for a main subject; only
   when that word is an actor: any other word there ("the deal") stops it; an object
   pronoun is never the subject of its own verb ("Parliament approved it").

The word lists are in the lexicon; the spaCy labels below are the parser's
scheme, not vocabulary, and stay here.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dateline.actors.atoms import state_on
from dateline.actors.lexicon import Lexicon
from dateline.actors.model import (
    Atom,
    Draft,
    Story,
    code_parts,
    former_leader,
    leader_in_office,
)
from dateline.actors.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from dateline.actors.knowledge import Entity

__all__ = ["resolve"]

# Entity types a surname never has ("in May" is a month, not Theresa May); a lone
# leader's surname is not taken from a word spaCy sees as a place either.
NOT_NAMES = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "EVENT", "LAW"}
)
NOT_LEADER_NAMES = NOT_NAMES | {"GPE", "LOC", "FAC"}
SUBJECTS = frozenset({"nsubj", "nsubjpass"})


def resolve(story: Story, drafts: list[Draft], atoms: list[Atom]) -> list[Draft]:
    """The drafts with the coreferring mentions added, in text order."""
    drafts = sorted(drafts, key=lambda d: d.start)
    covered = [False] * len(story.doc)
    for draft in drafts:
        for i in range(draft.start, draft.end):
            covered[i] = True
    lowers = [t.lower() for t in story.texts]
    _titled_surnames(story, drafts)
    drafts = sorted(drafts + _names_and_surnames(story, drafts, atoms, covered), key=_start)
    _descriptions(story.doc, drafts, story.lexicon)
    _same_head_bodies(story.doc, drafts)
    drafts = sorted(drafts + _role_descriptions(story, drafts, covered), key=_start)
    drafts = sorted(drafts + _body_descriptions(story, drafts, covered), key=_start)
    drafts = sorted(drafts + _groups(story, drafts, covered, lowers), key=_start)
    drafts = sorted(drafts + _pronouns(story, drafts, atoms, covered, lowers), key=_start)
    drafts = sorted(drafts + _speakers(story, drafts), key=_start)
    drafts = sorted(drafts + _quoted_speakers(story, drafts), key=_start)
    return sorted(drafts + _subject_pronouns(story, drafts), key=_start)


def _start(draft: Draft) -> int:
    return draft.start


# ---------------------------------------------------------------- pass 1: names and surnames


class _PeopleSoFar:
    """The people seen so far, indexed by surname and by full name as the scan moves on,
    so each lookup is a dictionary step, not a walk over every earlier mention."""

    def __init__(self, doc: Doc, lexicon: Lexicon) -> None:
        self.doc = doc
        self.lexicon = lexicon
        self.by_surname: dict[str, Draft] = {}
        self.by_name: dict[tuple[str, ...], Draft] = {}

    def remember(self, draft: Draft) -> None:
        if not draft.root().is_person:
            return
        for form in self.surnames(draft) or (
            self.surnames(draft.root()) if draft.root() is not draft else set()
        ):
            self.by_surname[form] = draft
        if draft.person_tokens:
            self.by_name[_name_words(self.doc, *draft.person_tokens)] = draft

    def surnames(self, draft: Draft) -> set[str]:
        forms: set[str] = set()
        if draft.entity is not None and draft.entity.surname:
            forms.add(fold(draft.entity.surname))
        if draft.person_tokens is not None:
            words = [
                fold(t.text)
                for t in self.doc[draft.person_tokens[0] : draft.person_tokens[1]]
                if t.is_alpha
            ]
            if words:
                if draft.country in self.lexicon.surname_first:
                    forms.add(words[0])
                else:
                    forms.add(words[-1])
                    if draft.entity is None and draft.country is None:
                        forms.add(words[0])
        return forms


def _names_and_surnames(
    story: Story, drafts: list[Draft], atoms: list[Atom], covered: list[bool]
) -> list[Draft]:
    """Unknown names again, surnames, leaders by surname (pass 1)."""
    doc = story.doc
    added: list[Draft] = []
    person_atoms = {a.start: a for a in atoms if a.kind == "person"}
    countries = {d.country for d in drafts if d.country}
    people = _PeopleSoFar(doc, story.lexicon)
    pending = iter(drafts)
    upcoming = next(pending, None)
    i = 0
    while i < len(doc):
        while upcoming is not None and upcoming.start < i:
            people.remember(upcoming)
            upcoming = next(pending, None)
        if covered[i]:
            i += 1
            continue
        atom = person_atoms.get(i)
        if atom is not None and atom.end - atom.start > 1:
            copy = _repeated_name(doc, atom, people) or _leader_by_name(story, atom, people)
            if copy is not None:
                added.append(copy)
                for k in range(atom.start, atom.end):
                    covered[k] = True
            i = atom.end
            continue
        if _standalone(doc, i, covered, story.texts, story.lexicon.honorifics):
            found = _surname_or_leader(story, i, people, countries)
            if found is not None:
                added.append(found)
                covered[i] = True
        i += 1
    return added


def _titled_surnames(story: Story, drafts: list[Draft]) -> None:
    """ "Canadian Prime Minister Justin Trudeau ... Prime Minister Trudeau": a title before a
    lone surname is the latest earlier person of that surname, not a bare title given the
    sentence's country (pass 0; rewrites drafts in place; a leader in office by surname alone,
    "President Trump", is found when the draft is made)."""
    doc = story.doc
    people = _PeopleSoFar(doc, story.lexicon)
    for draft in drafts:
        last = doc[draft.end - 1]
        if (
            draft.rule_id == "composed.context"
            and draft.end - draft.start >= 2
            and last.pos_ == "PROPN"
            and last.text[:1].isupper()
            and last.lower_ not in story.lexicon.bare_institutions
            and last.ent_type_ not in NOT_LEADER_NAMES
        ):
            word = fold(last.text)
            earlier = people.by_surname.get(word)
            if earlier is not None:
                root = _refer_back(draft, earlier, "coref.titled-surname")
                draft.name, draft.kb_id, draft.entity = root.name, root.kb_id, root.entity
        people.remember(draft)


def _refer_back(draft: Draft, antecedent: Draft, rule: str) -> Draft:
    """Make `draft` (in place) a mention of `antecedent`'s first mention, with its codes;
    return that first mention. `_copy` makes a new draft the same way."""
    root = antecedent.root()
    draft.code, draft.country, draft.sector = root.code, root.country, root.sector
    draft.plover_sector = root.plover_sector
    draft.antecedent, draft.kind, draft.rule_id = root, "coref", rule
    return root


def _repeated_name(doc: Doc, atom: Atom, people: _PeopleSoFar) -> Draft | None:
    """An unknown person's full name seen before ("Ri Kil Song" again)."""
    target = people.by_name.get(_name_words(doc, atom.start, atom.end))
    if target is None:
        return None
    copy = _copy(atom.start, atom.end, target, "coref.name")
    people.remember(copy)
    return copy


def _surname_or_leader(
    story: Story, i: int, people: _PeopleSoFar, countries: set[str]
) -> Draft | None:
    """A lone name word: the latest earlier person of that surname, else the one
    leader in office that day with that surname, else the one former leader of that
    surname whose country the story names ("Duterte, who led the Philippines from 2016 to
    2022, was arrested")."""
    doc, day = story.doc, story.day
    word = fold(doc[i].text)
    target = people.by_surname.get(word)
    if target is not None:
        copy = _copy(i, i + 1, target, "coref.surname")
        people.by_surname[word] = copy
        return copy
    if doc[i].ent_type_ in NOT_LEADER_NAMES:
        return None
    leader = leader_in_office(story.knowledge, word, day)
    if leader is not None:
        if _named_before(story, i, word, leader.name):
            return None
        return _leader_draft(story, i, i + 1, leader, "person.leader-surname", people)
    former = former_leader(story.knowledge, word, day)
    if (
        former is None
        or _named_before(story, i, word, former.name)
        or former.country not in countries
        or former.country in story.lexicon.surname_first  # "Pak", "Hua": many bear them
    ):
        return None
    return _leader_draft(story, i, i + 1, former, "person.former-leader-surname", people)


def _named_before(story: Story, i: int, surname: str, known_name: str) -> bool:
    """Whether the story named, before token `i`, someone else of that surname: a given
    name (and particles such as "dos") before it that is not the known leader's ("One of
    their leaders, Orlando dos Santos ... Santos said" is the seamen's leader, not Angola's
    president). The tokens decide, not spaCy's entity label, which reads such names as
    places as often as people."""
    doc, lexicon = story.doc, story.lexicon
    for j in range(1, i):
        if fold(doc[j].text) != surname:
            continue
        k = j - 1
        while k > 0 and doc[k].is_lower and doc[k].is_alpha and len(doc[k]) <= 3:
            k -= 1  # "dos", "da", "van", "bin"
        given = doc[k]
        if (
            given.pos_ != "PROPN"
            or not given.is_title
            or given.lower_ in lexicon.honorifics
            or story.knowledge.agents.longest([given.lower_], 0) is not None  # a title
        ):
            continue
        if not _given_names_fit(story, fold(given.text), known_name, surname):
            return True
    return False


def _leader_by_name(story: Story, atom: Atom, people: _PeopleSoFar) -> Draft | None:
    """An unknown full name whose surname is the one leader in office that day's, and
    whose given names fit that leader's: "Mikhail Gorbachev" for the dictionaries' "General
    Secretary Gorbachev", "Bettino Craxi" for REIGN's "Craxi"; "Nancy Reagan" is not Ronald
    Reagan."""
    doc = story.doc
    words = _name_words(doc, atom.start, atom.end)
    if len(words) < 2 or doc[atom.end - 1].ent_type_ in NOT_LEADER_NAMES:
        return None
    leader = leader_in_office(story.knowledge, words[-1], story.day)
    if leader is None or not _given_names_fit(story, words[0], leader.name, words[-1]):
        return None
    return _leader_draft(story, atom.start, atom.end, leader, "person.leader-name", people)


def _given_names_fit(story: Story, given: str, known_name: str, surname: str) -> bool:
    """Whether a first given name can be the known person's: the known name gives none
    (only titles and the surname), or one that is the same, spelt alike ("Nikolai",
    "Nikolay": the same first four letters) or its initial."""
    words = [fold(w) for w in known_name.replace(".", " ").split()]
    known: list[str] = []
    j = 0
    while j < len(words):
        title = story.knowledge.agents.longest(words, j)  # "General Secretary"
        if title is not None:
            j = title[0]
            continue
        if words[j] != surname:
            known.append(words[j])
        j += 1
    if not known:
        return True
    return any(
        given == name or (len(given) >= 4 and given[:4] == name[:4]) or name == given[:1]
        for name in known
    )


def _leader_draft(
    story: Story, start: int, end: int, leader: Entity, rule: str, people: _PeopleSoFar
) -> Draft:
    day = story.day
    code = leader.code_on(day)
    c, s, p = code_parts(code)
    if c is not None and day is not None:
        # the dictionaries code Soviet leaders as Russia's: Gorbachev in 1987 is SUNGOV
        state = state_on(c, day, story.lexicon)
        code, c = state + code[len(c) :], state
    found = Draft(
        start,
        end,
        code,
        "person",
        leader.name,
        rule,
        country=c,
        sector=s,
        plover_sector=p,
        kb_id=leader.kb_id,
        entity=leader,
        person_tokens=(start, end),
    )
    people.remember(found)
    return found


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


def _standalone(
    doc: Doc, i: int, covered: list[bool], texts: list[str], honorifics: frozenset[str]
) -> bool:
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
            and not (j < i and doc[j].lower_ in honorifics)  # "Mr Modi" is the name "Modi"
        ):
            return False
    return True


# ---------------------------------------------------------------- pass 2: descriptions


def _descriptions(doc: Doc, drafts: list[Draft], lexicon: Lexicon) -> None:
    """Definite descriptions and epithets refer back (pass 2; sets antecedents in place).

    One sweep in text order keeps, per country, the latest mention so far that an
    epithet may take (a country or a coreferring mention) and the latest whose root
    is a person, so each description is a dictionary step, not a walk back over every
    earlier mention. A mention is indexed once its own step is done: its kind and
    antecedent are final then, and so is its root, since every antecedent is an
    earlier mention."""
    latest_mention: dict[str | None, Draft] = {}  # kind country or coref, by country
    latest_person: dict[str | None, Draft] = {}  # root a person, by country
    for draft in drafts:
        if draft.definite:
            _description(doc, draft, lexicon, latest_mention, latest_person)
        if draft.kind in {"country", "coref"}:
            latest_mention[draft.country] = draft
        if draft.root().is_person:
            latest_person[draft.country] = draft


def _description(
    doc: Doc,
    draft: Draft,
    lexicon: Lexicon,
    latest_mention: dict[str | None, Draft],
    latest_person: dict[str | None, Draft],
) -> None:
    if draft.kind == "coref":  # an epithet: the latest mention of its country
        target = latest_mention.get(draft.country)
        draft.antecedent = target.root() if target is not None else None
        return
    last = doc[draft.end - 1]
    if last.tag_ == "NNS" or last.lower_ in lexicon.not_person_nouns:
        return
    target = latest_person.get(draft.country)
    if target is not None:
        draft.antecedent = target.root()
        draft.kind = "coref"
        draft.rule_id = "coref.description"


# How far back (in tokens) "the ministry" or "the president" looks for the body or person
# it names again: about five sentences of news.
RECALL_TOKENS = 150


def _same_head_bodies(doc: Doc, drafts: list[Draft]) -> None:
    """ "The Saudi foreign ministry expelled ... The ministry also froze ...": a bare
    definite body refers to the latest body of the same name in the sentences before,
    not to the story's main country (pass 2b; sets antecedents in place)."""
    latest: dict[str, Draft] = {}
    for draft in drafts:
        head = doc[draft.end - 1].lemma_.lower()
        if (
            draft.rule_id == "composed.context"
            and doc[draft.start].lower_ == "the"
            and (earlier := latest.get(head)) is not None
            and draft.start - earlier.end <= RECALL_TOKENS
            and earlier.root().country != draft.country
        ):
            _refer_back(draft, earlier, "coref.same-head")
        if draft.country:
            latest[head] = draft


def _role_descriptions(story: Story, drafts: list[Draft], covered: list[bool]) -> list[Draft]:
    """ "Canadian Prime Minister Justin Trudeau hosted ... The prime minister said": a
    definite title with no name refers to the person given that title in the sentences
    before, when they name one country's (two presidents just named leave it open).
    One sweep over the tokens in text order."""
    doc = story.doc
    titles = {tuple(title.split()) for title in story.lexicon.recalled_titles}
    longest = max((len(t) for t in titles), default=0)
    found: list[Draft] = []
    holders: dict[tuple[str, ...], list[Draft]] = {}
    by_start = {d.start: d for d in drafts}
    for i, token in enumerate(doc):
        draft = by_start.get(i)
        if draft is not None and (draft.root().is_person or _titled_role(doc, draft)):
            words = tuple(t.lower_ for t in doc[draft.start : draft.end])
            for size in range(1, longest + 1):
                for k in range(len(words) - size + 1):
                    if words[k : k + size] in titles:
                        holders.setdefault(words[k : k + size], []).append(draft)
        if token.lower_ != "the" or covered[i]:
            continue
        for size in range(longest, 0, -1):
            end = i + 1 + size
            words = tuple(t.lower_ for t in doc[i + 1 : end])
            if end > len(doc) or words not in titles or any(covered[i + 1 : end]):
                continue
            if end < len(doc) and (doc[end].pos_ == "PROPN" or doc[end].lower_ == "of"):
                break  # "the president of Georgia", "the president Zourabichvili": no recall
            recent = [d for d in holders.get(words, ()) if i - d.end <= RECALL_TOKENS]
            if len({d.root().country for d in recent}) == 1:
                name = _appositive_name(doc, end, covered)
                if name is None:
                    found.append(_copy(i, end, recent[-1], "coref.title"))
                else:
                    titled = _copy(i, name[1], recent[-1], "coref.title")
                    titled.person_tokens = name
                    found.append(titled)
                    found += _named_again(doc, titled, covered)
            break
    return found


def _titled_role(doc: Doc, draft: Draft) -> bool:
    """A nameless office holder of one country ("Germany's foreign minister", "China's
    ambassador"): "the minister" after it is the same person."""
    last = doc[draft.end - 1]
    return (
        draft.kind == "composed"
        and draft.entity is None
        and draft.country is not None
        and last.tag_ == "NN"
        and last.ent_type_ not in ("ORG", "GPE", "NORP")
    )


def _appositive_name(doc: Doc, end: int, covered: list[bool]) -> tuple[int, int] | None:
    """ "The minister, Heiko Maas, added": the name set off by commas after a recalled title
    (a name no dictionary knows, or the mention would cover it)."""
    if end + 2 >= len(doc) or doc[end].text != ",":
        return None
    stop = end + 1
    while stop < len(doc) and doc[stop].ent_type_ == "PERSON" and not covered[stop]:
        stop += 1
    if stop - (end + 1) < 2 or (stop < len(doc) and doc[stop].is_alpha):
        return None  # a full name (two words at least) that its clause goes on after
    return end + 1, stop


def _named_again(doc: Doc, titled: Draft, covered: list[bool]) -> list[Draft]:
    """The later bare surnames of a person first named in apposition to a recalled title
    ("The minister, Heiko Maas, added ... Maas flew to Benghazi"): the surname pass ran
    before titles were recalled, so it is taken here."""
    assert titled.person_tokens is not None
    surname = doc[titled.person_tokens[1] - 1].text
    return [
        _copy(k, k + 1, titled, "coref.surname", name=surname)
        for k in range(titled.end, len(doc))
        # (the tagger may read a sentence's first word as a common noun: "Maas flew")
        if doc[k].text == surname and not covered[k] and doc[k].ent_type_ not in NOT_NAMES
    ]


def _body_descriptions(story: Story, drafts: list[Draft], covered: list[bool]) -> list[Draft]:
    """ "The Peruvian Committee for Supporting Korea met ... The committee said": "the" and a
    body noun (`recalled_bodies`) with no name, owner or "of" after it names again the latest
    body in the sentences before whose own name has that noun (one sweep in text order)."""
    doc = story.doc
    nouns = story.lexicon.recalled_bodies
    company_nouns = story.lexicon.recalled_companies
    found: list[Draft] = []
    latest: dict[str, Draft] = {}  # body noun -> the latest mention whose name has it
    company: Draft | None = None  # the latest company ("The company said": coref.company)
    pending = iter(drafts)
    upcoming = next(pending, None)
    for i, token in enumerate(doc[:-1]):
        while upcoming is not None and upcoming.end <= i:
            root = upcoming.root()
            if not root.is_person and (root.country is not None or root.code.startswith("IGO")):
                for t in doc[upcoming.start : upcoming.end]:
                    if t.lower_ in nouns or t.lemma_.lower() in nouns:
                        latest[t.lemma_.lower()] = upcoming
            if root.sector == "BUS" and not root.is_person:
                company = upcoming
            upcoming = next(pending, None)
        noun = doc[i + 1]
        if token.lower_ != "the" or covered[i] or covered[i + 1] or noun.tag_ != "NN":
            continue
        after = doc[i + 2] if i + 2 < len(doc) else None
        if after is not None and (after.pos_ in ("PROPN", "NOUN") or after.lower_ == "of"):
            continue  # "the party congress", "the committee of experts": not the body again
        if noun.lower_ in company_nouns:
            if company is not None and i - company.end <= RECALL_TOKENS:
                found.append(_copy(i, i + 2, company, "coref.company"))
            continue
        earlier = latest.get(noun.lemma_.lower())
        if earlier is not None and i - earlier.end <= RECALL_TOKENS:
            found.append(_copy(i, i + 2, earlier, "coref.body"))
    return found


# ---------------------------------------------------------------- pass 3: groups


class _ActorsSoFar:
    """What the group pass reads of the mentions before a point, kept up to date as a
    sweep moves through the drafts in text order (each draft is added once), so a
    group costs a few dictionary and list steps instead of a walk back over every
    earlier mention:

    - `countries`: the two latest distinct countries of mentions that may stand
      for a member of a group of countries (not a place, not a group), latest first;
    - `people`: the two latest distinct person roots, latest first;
    - `first_start`: where each country is first mentioned (any mention), for the
      members' order.

    The roots do not change during the pass: pass 2 has set every antecedent."""

    def __init__(self, drafts: list[Draft]) -> None:
        self.drafts = drafts
        self.starts = [d.start for d in drafts]
        self.count = 0  # drafts[:count] are taken in
        self.countries: list[str] = []
        self.people: list[Draft] = []
        self.first_start: dict[str, int] = {}
        # whether each of the two latest distinct countries was last named by a person
        self.by_person: list[tuple[str, bool]] = []

    def up_to(self, start: int) -> int:
        """Take in every draft that starts at or before token `start`; the number taken.

        With `start` not covered by any draft, these are exactly the drafts that end at
        or before it."""
        end = bisect.bisect_right(self.starts, start, lo=self.count)
        for draft in self.drafts[self.count : end]:
            self._add(draft)
        self.count = end
        return end

    def _add(self, draft: Draft) -> None:
        country = draft.country
        if country is not None and country not in self.first_start:
            self.first_start[country] = draft.start
        root = draft.root()
        if draft.kind != "group" and not draft.locative and country:
            _push_latest(self.countries, country, same=False)
            self.by_person = [(c, p) for c, p in self.by_person if c != country]
            self.by_person.insert(0, (country, root.is_person))
            del self.by_person[2:]
        if root.is_person:
            _push_latest(self.people, root, same=True)


def _push_latest(latest: list, item: object, same: bool) -> None:
    """`latest` holds the two latest distinct items, latest first; `item` comes next.
    Items are told apart by identity when `same` is true, else by equality."""
    if latest and (latest[0] is item if same else latest[0] == item):
        return
    latest.insert(0, item)
    del latest[2:]


def _groups(
    story: Story, drafts: list[Draft], covered: list[bool], lowers: list[str]
) -> list[Draft]:
    """ "the two <noun>", "both <noun>" standing for two earlier actors (pass 3)."""
    doc = story.doc
    groups: list[Draft] = []
    so_far = _ActorsSoFar(drafts)
    for i, low in enumerate(lowers):
        if low not in {"the", "both"}:
            continue
        if low == "the" and i + 2 < len(doc) and lowers[i + 1] == "two":
            two = doc[i + 1]
            # "the two top diplomats": the noun "two" counts, past its adjectives; a bare
            # "the two" ("the two discussed the crisis") is the noun itself
            head = two.head
            noun = head if head.i > two.i and head.pos_ == "NOUN" else doc[i + 2]
            if two.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj"):
                noun = two
            start = i
        elif low == "both" and i + 1 < len(doc) and lowers[i + 1] != "two":
            start, noun = i, doc[i + 1]
        else:
            continue
        if any(covered[k] for k in range(start, noun.i + 1)):
            continue
        so_far.up_to(start)  # the drafts before the group: token `start` is not covered
        group = _group(story, start, noun, so_far)
        if group is not None:
            groups.append(group)
            for k in range(start, noun.i + 1):
                covered[k] = True
    return groups


def _group(story: Story, start: int, noun: Token, so_far: _ActorsSoFar) -> Draft | None:
    word = noun.lower_
    lexicon = story.lexicon
    if word == "two" and noun.i == start + 1:
        # a bare "the two": the two latest people when people named the two latest
        # countries ("Obama spoke with Cameron. The two discussed ..."), else those
        # countries' governments ("Japan and China disagreed. The two then met ...")
        if len(so_far.by_person) == 2 and all(person for _, person in so_far.by_person):
            return _person_group(story.doc, start, noun, so_far)
        return _country_group(story, start, noun, so_far, governments=True)
    if word in lexicon.country_group_nouns or word in lexicon.government_group_nouns:
        return _country_group(story, start, noun, so_far)
    if word in lexicon.person_group_nouns:
        return _person_group(story.doc, start, noun, so_far)
    return None


def _country_group(
    story: Story, start: int, noun: Token, so_far: _ActorsSoFar, governments: bool = False
) -> Draft | None:
    """The two latest distinct countries, actors of the same sentence first ("Abe and
    Xi ... as the two countries"), places skipped; as governments for "sides"."""
    doc, word = story.doc, noun.lower_
    countries: list[str] = []
    sentence_start = doc[start].sent.start
    drafts, count = so_far.drafts, so_far.count
    first = bisect.bisect_left(so_far.starts, sentence_start, hi=count)
    for draft in reversed(drafts[first:count]):
        if (
            draft.kind in {"country", "group"}
            or draft.locative
            or not draft.country
            or draft.country in countries
        ):
            continue
        countries.append(draft.country)
        if len(countries) == 2:
            break
    for country in so_far.countries:  # the latest two before the group, latest first
        if len(countries) == 2:
            break
        if country not in countries:
            countries.append(country)
    if len(countries) < 2:
        return None
    governments = governments or word in story.lexicon.government_group_nouns
    order = sorted(countries, key=lambda c: so_far.first_start.get(c, 0))
    members = tuple(c + "GOV" if governments else c for c in order)
    sector = "GOV" if governments else None
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


def _person_group(doc: Doc, start: int, noun: Token, so_far: _ActorsSoFar) -> Draft | None:
    """The two latest distinct people, with their own codes ("the two officials")."""
    if len(so_far.people) < 2:
        return None
    people = sorted(so_far.people, key=lambda d: d.start)
    members = tuple(p.code for p in people)
    sectors = {p.sector for p in people}
    sector = sectors.pop() if len(sectors) == 1 else None
    return Draft(
        start,
        noun.i + 1,
        "+".join(members),
        "group",
        doc[start : noun.i + 1].text,
        f"coref.group.{noun.lower_}",
        sector=sector,
        plover_sector=code_parts(members[0])[2] if sector else None,
        members=members,
    )


# ---------------------------------------------------------------- pass 4: pronouns


def _pronouns(
    story: Story, drafts: list[Draft], atoms: list[Atom], covered: list[bool], lowers: list[str]
) -> list[Draft]:
    """he/she/him/his/her → the one person of this sentence so far and the one before,
    or the one of several that is a subject (pass 4). People nobody could code still
    compete as antecedents: "Glyn Ford ... and his party" must not go to the official
    named before him."""
    doc, lexicon = story.doc, story.lexicon
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
        if low not in lexicon.pronouns or covered[i]:
            continue
        token = doc[i]
        if token.pos_ not in {"PRON", "DET"}:
            continue
        window = _window(
            doc, token, (drafts, starts), (pronouns, pronoun_starts), (uncoded, uncoded_starts)
        )
        wrong = "f" if low in lexicon.male_pronouns else "m"
        window = [d for d in window if _gender(d) != wrong]
        target = _pronoun_antecedent(doc, token, window, lexicon)
        if target is not None and not target.root().code:
            continue
        if target is not None:
            pronouns.append(
                _copy(token.i, token.i + 1, target, "coref.pronoun", name=target.root().name)
            )
            pronoun_starts.append(token.i)
    return pronouns


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


def _pronoun_antecedent(
    doc: Doc, token: Token, drafts: list[Draft], lexicon: Lexicon
) -> Draft | None:
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
    if token.dep_ == "nsubj" and token.head.lemma_.lower() in lexicon.reporting_verbs:
        # "X received a message from Y. He said in the message ...": Y speaks
        senders = {id(d.root()): d for d in candidates if _sender(doc, d, lexicon.sent_documents)}
        if len(senders) == 1:
            return next(iter(senders.values()))
    subjects: dict[int, Draft] = {}
    main: dict[int, Draft] = {}  # subjects of their sentence's main verb
    for draft in candidates:
        for t in doc[draft.start : draft.end]:
            if t.dep_ in SUBJECTS:
                subjects[id(draft.root())] = draft
                if t.head.dep_ == "ROOT":
                    main[id(draft.root())] = draft
    if len(subjects) == 1:
        return next(iter(subjects.values()))
    if len(main) == 1:
        # "He said that though leader Kim Jong Il passed away, ...": the speaker, not the
        # subject of the clause inside what he said
        return next(iter(main.values()))
    return None


def _sender(doc: Doc, draft: Draft, documents: frozenset[str]) -> bool:
    """Whether a mention is who sent something: the object of "from" after a sent document
    ("a message of condolences from X") or after the verb receiving it ("received a message
    ... from X")."""
    for t in doc[draft.start : draft.end]:
        if t.dep_ != "pobj" or t.head.lower_ != "from":
            continue
        owner = t.head.head
        if owner.lower_ in documents:
            return True
        return owner.pos_ == "VERB" and any(
            c.dep_ == "dobj" and c.lower_ in documents for c in owner.children
        )
    return False


# ---------------------------------------------------------------- pass 5: speakers

# how many sentences back a speaker is still the one "it" or "the statement" quotes
SPEAKER_REACH = 12


def _speakers(story: Story, drafts: list[Draft]) -> list[Draft]:
    """ "It said", "He added", "The statement accused" → the latest speaker of the story:
    the subject of a reporting verb or of a verb that issues a document, a person for
    he/she, anything else for "it" and documents (pass 5). Agency copy quotes one speaker
    sentence after sentence ("Rodong Sinmun carried an article ... It said ... It
    noted ..."), far past the one sentence back that pass 4 reads."""
    doc, lexicon = story.doc, story.lexicon
    taken: set[int] = set()
    head_of: dict[int, Draft] = {}
    for draft in drafts:
        taken.update(range(draft.start, draft.end))
        if draft.code:
            head_of.setdefault(doc[draft.start : draft.end].root.i, draft)
    speech_verbs = lexicon.reporting_verbs | lexicon.publishing_verbs
    person: tuple[int, Draft] | None = None  # (sentence number, speaker)
    other: tuple[int, Draft] | None = None
    found: list[Draft] = []
    for number, sent in enumerate(doc.sents):
        for token in sent:
            verb = _speech_verb(token)
            if verb is None:
                continue
            lemma = verb.lemma_.lower()
            if lemma not in speech_verbs:
                continue
            speaker = head_of.get(token.i)
            if speaker is None and token.i not in taken:
                speaker = _speaker_reference(token, lexicon, taken, number, person, other)
                if speaker is not None:
                    speaker = _copy(
                        token.left_edge.i if token.pos_ == "NOUN" else token.i,
                        token.i + 1,
                        speaker,
                        "coref.speaker",
                    )
                    found.append(speaker)
            if speaker is None or not speaker.code:
                continue
            if lemma in lexicon.publishing_verbs and not any(
                c.dep_ == "dobj" and c.lemma_.lower() in lexicon.speaker_nouns
                for c in verb.children
            ):
                continue  # "X sent troops": not a speaker
            if speaker.root().is_person:
                person = (number, speaker)
            else:
                other = (number, speaker)
    return found


def _speech_verb(token: Token) -> Token | None:
    """The verb `token` is the subject of; also the past participle the parser hangs on a
    sentence-opening noun ("The commentary called on ...", parsed as a reduced relative)."""
    if token.dep_ in SUBJECTS:
        return token.head
    if token.dep_ == "ROOT" and token.pos_ == "NOUN":
        return next(
            (
                c
                for c in token.children
                if c.dep_ == "acl" and c.i == token.i + 1 and c.tag_ == "VBD"
            ),
            None,
        )
    return None


def _speaker_reference(
    token: Token,
    lexicon: Lexicon,
    taken: set[int],
    number: int,
    person: tuple[int, Draft] | None,
    other: tuple[int, Draft] | None,
) -> Draft | None:
    """The speaker a pronoun or bare document subject stands for, or None."""
    low = token.lower_
    if token.pos_ == "PRON" and low in lexicon.speaker_pronouns:
        latest = other if low == "it" else person
    elif token.pos_ == "NOUN" and token.lemma_.lower() in lexicon.speaker_nouns:
        # "the ministry's statement", "a statement by X": its own phrase names the speaker
        if any(c.dep_ in ("poss", "prep", "compound") or c.i in taken for c in token.children):
            return None
        if any(i in taken for i in range(token.left_edge.i, token.i)):
            return None
        latest = other
    else:
        return None
    if latest is None or number - latest[0] > SPEAKER_REACH:
        return None
    return latest[1]


# ---------------------------------------------------------------- pass 6: quoted speakers


def _drafts_by_token(drafts: Iterable[Draft]) -> dict[int, Draft]:
    """The draft covering each token, the first in `drafts` where several do."""
    by_token: dict[int, Draft] = {}
    for draft in drafts:
        for i in range(draft.start, draft.end):
            by_token.setdefault(i, draft)
    return by_token


QUOTE_MARKS = frozenset({'"', "\u201c", "\u201d", "``", "''"})
OPENING_QUOTES = frozenset({"\u201c", "``"})
CLOSING_QUOTES = frozenset({"\u201d", "''"})


def _quotations(doc: Doc) -> list[tuple[int, int]]:
    """(first, last) token of each quotation, marks excluded; a paragraph break closes an
    open quotation (a quotation running on over paragraphs opens each one again)."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for token in doc:
        text = token.text
        if "\n" in text and token.is_space:
            if opened is not None and token.i > opened + 1:
                spans.append((opened + 1, token.i - 1))
            opened = None
            continue
        if text not in QUOTE_MARKS:
            continue
        opening = text in OPENING_QUOTES or (text not in CLOSING_QUOTES and opened is None)
        if opening:
            opened = token.i
        elif opened is not None:
            if token.i > opened + 1:
                spans.append((opened + 1, token.i - 1))
            opened = None
    if opened is not None and opened + 1 < len(doc):
        spans.append((opened + 1, len(doc) - 1))
    return spans


def _quoted_speakers(story: Story, drafts: list[Draft]) -> list[Draft]:
    """ "We", "our", "I" inside a quotation → the quotation's speaker (pass 6): the subject
    of a reporting verb outside it in the sentences it touches ('"We will respond," the
    ministry said'; 'Trump said: "I will meet him"'), or "according to" its speaker; a
    quotation with none there goes on quoting the speaker of the one just before, when that
    one ended in this sentence or the one before."""
    doc, lexicon = story.doc, story.lexicon
    by_token = _drafts_by_token(d for d in drafts if d.code)
    sentence_of = [0] * len(doc)
    sentences = list(doc.sents)
    for number, sent in enumerate(sentences):
        for i in range(sent.start, sent.end):
            sentence_of[i] = number
    found: list[Draft] = []
    previous: tuple[int, Draft] | None = None  # (sentence of its end, speaker)
    for first, last in _quotations(doc):
        inside = range(first, last + 1)
        touched = sentences[sentence_of[first] : sentence_of[last] + 1]
        attributed, speaker = _quotation_speaker(touched, inside, by_token, lexicon)
        if not attributed and previous is not None and sentence_of[first] - previous[0] <= 1:
            speaker = previous[1]
        if speaker is None:
            previous = None
            continue
        previous = (sentence_of[last], speaker)
        for i in inside:
            token = doc[i]
            if (
                token.lower_ in lexicon.quoted_self_pronouns
                and token.pos_ in {"PRON", "DET"}
                and i not in by_token
            ):
                found.append(_copy(i, i + 1, speaker, "coref.quoted_speaker"))
    return found


def _quotation_speaker(
    sentences: list[Span], inside: range, by_token: dict[int, Draft], lexicon: Lexicon
) -> tuple[bool, Draft | None]:
    """Whether a reporting verb outside the quotation attributes it, and the actor it gives
    as the speaker (the verb nearest the quotation first; None for a speaker who is no
    actor, "a student said")."""
    attributed = False
    candidates: list[tuple[int, Draft]] = []
    for sent in sentences:
        for token in sent:
            if token.i in inside:
                continue
            speaker: Draft | None = None
            if token.lemma_.lower() in lexicon.reporting_verbs and token.pos_ == "VERB":
                subject = next((c for c in token.children if c.dep_ in SUBJECTS), None)
                if subject is not None and subject.i not in inside:
                    attributed = True
                    speaker = by_token.get(subject.i)
            elif token.lower_ == "according" and token.i + 1 < len(token.doc):
                to = token.doc[token.i + 1]
                obj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.i not in inside:
                    attributed = True
                    speaker = by_token.get(obj.i)
            if speaker is not None:
                distance = min(abs(token.i - inside.start), abs(token.i - inside.stop))
                candidates.append((distance, speaker))
    if not candidates:
        return attributed, None
    return True, min(candidates, key=lambda c: c[0])[1]


# ---------------------------------------------------------------- pass 7: it and they


def _subject_pronouns(story: Story, drafts: list[Draft]) -> list[Draft]:
    """ "it", "its", "they", "them", "their" → the word `_nearest_subject` says they refer
    to, when that word is an actor (not a person for "it"); anything else ("the deal",
    "the talks") means the pronoun is about that, and it stays unresolved (pass 7). "it" as
    the subject of "be" ("it is clear that") and expletive "it" are never actors."""
    doc, lexicon = story.doc, story.lexicon
    by_token = _drafts_by_token(drafts)
    found: list[Draft] = []
    resolved: dict[int, Draft] = {}
    for token in doc:
        low = token.lower_
        if low not in lexicon.referring_pronouns or token.i in by_token:
            continue
        if token.pos_ not in {"PRON", "DET"} or token.dep_ == "expl":
            continue
        if low == "it" and token.dep_ in SUBJECTS and token.head.lemma_ == "be":
            continue
        plural = low in lexicon.plural_pronouns
        subject = _nearest_subject(token, plural)
        if subject is None:
            continue
        if plural and any(c.dep_ == "conj" for c in subject.children):
            copy = _coordinated(token, subject, by_token)
            if copy is not None:
                resolved[token.i] = copy
                found.append(copy)
            continue
        antecedent = resolved.get(subject.i) or by_token.get(subject.i)
        if antecedent is None or not antecedent.root().code:
            continue
        if not plural and antecedent.root().is_person:
            continue
        copy = _copy(token.i, token.i + 1, antecedent, "coref.subject_pronoun")
        resolved[token.i] = copy
        found.append(copy)
    return found


def _coordinated(token: Token, first: Token, by_token: dict[int, Draft]) -> Draft | None:
    """ "they" for "Abe and Xi": a group of every conjunct's actor, when each is one."""
    conjuncts = [
        first,
        *(c for c in first.conjuncts if c.i > first.i and c.pos_ in {"NOUN", "PROPN"}),
    ]
    # "Funaro and central bank president Francisco Gros": only Funaro is known
    known = [d for d in (by_token.get(w.i) for w in conjuncts) if d is not None and d.root().code]
    members = list(dict.fromkeys(d.root().code for d in known))
    if not members:
        return None
    if len(members) == 1:
        return _copy(token.i, token.i + 1, known[0], "coref.subject_pronoun")
    sectors = {code_parts(code)[1] for code in members}
    sector = sectors.pop() if len(sectors) == 1 else None
    return Draft(
        token.i,
        token.i + 1,
        "+".join(members),
        "group",
        token.text,
        "coref.subject_pronoun",
        sector=sector,
        plover_sector=code_parts(members[0])[2] if sector else None,
        members=tuple(members),
    )


def _nearest_subject(token: Token, plural: bool) -> Token | None:
    """The word that decides what `token` refers to: for "it", the nearest earlier
    singular subject (this sentence, then the main subject of the one before, then its
    other subjects); for "they", the nearest earlier plural noun, subject or not
    ("Rebels fired missiles. The kingdom said they were intercepted": the missiles), but
    the main subject of a sentence goes on from the main subject of the one before ("Rebels
    fired missiles. They also attacked a ship")."""
    sent = token.sent
    window = [t for t in sent if t.i < token.i and not any(a.i == token.i for a in t.ancestors)]
    if token.dep_ != "poss":
        # an object pronoun is never the subject of its own verb ("Parliament approved it",
        # "police beat them": "itself", "themselves" would be); a possessive can be ("the
        # judiciary defended its ruling")
        verb = _clause_verb(token)
        window = [t for t in window if not (t.dep_ in SUBJECTS and t.head == verb)]
    earlier = _sentence_before(sent) if sent.start > 0 else None
    if plural:
        if earlier is not None and token.dep_ in SUBJECTS and token.head.dep_ == "ROOT":
            main = _main_subjects(earlier)
            if main and _plural(main[0]):
                return main[0]
            # a main subject goes on past a sentence about what the last one said ("The
            # reactionaries are working hard ... This has increased the threat ... They
            # have designated ...")
            if (
                main
                and main[0].lower_ in {"this", "that"}
                and token.dep_ == "nsubj"
                and earlier.start > 0
            ):
                main = _main_subjects(_sentence_before(earlier))
                if main and _plural(main[0]):
                    return main[0]
        words = sorted(window, key=lambda t: -t.i)
        if earlier is not None:
            words += sorted(earlier, key=lambda t: -t.i)
        for word in words:
            if word.pos_ in {"NOUN", "PROPN", "PRON"} and _plural(word):
                return word
        return None
    ordered = sorted((t for t in window if t.dep_ in SUBJECTS), key=lambda t: -t.i)
    if earlier is not None:
        main = _main_subjects(earlier)
        others = (t for t in earlier if t.dep_ in SUBJECTS and t not in main)
        ordered += main + sorted(others, key=lambda t: -t.i)
    for subject in ordered:
        if _plural(subject) is False:
            return subject
    return None


def _main_subjects(sent: Span) -> list[Token]:
    """The subjects of a sentence's main verb, in text order."""
    return [t for t in sent if t.dep_ in SUBJECTS and t.head.dep_ == "ROOT"]


def _clause_verb(token: Token) -> Token:
    """The verb whose clause a word belongs to: its head, or the head's head for the object
    of a preposition ("talked with them")."""
    head = token.head
    if token.dep_ == "pobj" and head.dep_ in {"prep", "agent", "dative"}:
        head = head.head
    return head


def _sentence_before(sent: Span) -> Span:
    return sent.doc[sent.start - 1].sent


def _plural(token: Token) -> bool | None:
    """Whether a subject is plural; None for a first- or second-person pronoun, which no
    "it" or "they" refers to."""
    low = token.lower_
    if token.pos_ == "PRON":
        if low in {"they", "them"}:
            return True
        if low in {"it", "he", "she", "this", "that"}:
            return False
        return None
    if any(c.dep_ == "conj" for c in token.children):
        return True
    if token.tag_ == "CD" or low == "both":
        # "The two said ... They confirmed": a number of actors is as plural as its noun
        return low not in {"one", "1"}
    if token.dep_ == "compound":
        return None  # a noun modifying a noun: its head is the phrase
    return token.tag_ in {"NNS", "NNPS"}
