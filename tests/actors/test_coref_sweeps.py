"""The coreference passes that sweep the story once (`_descriptions`, `_groups`) give
what the walk back over every earlier mention gave, which is kept here as the
reference, on random stories of fake tokens and drafts (no parser needed)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from dateline.actors.coref import _descriptions, _groups
from dateline.actors.model import Draft, code_parts

COUNTRY_NOUNS = frozenset({"countries", "nations"})
GOVERNMENT_NOUNS = frozenset({"sides"})
PERSON_NOUNS = frozenset({"officials", "leaders"})
LEXICON = SimpleNamespace(
    country_group_nouns=COUNTRY_NOUNS,
    government_group_nouns=GOVERNMENT_NOUNS,
    person_group_nouns=PERSON_NOUNS,
    not_person_nouns=frozenset({"delegation"}),
)
WORDS = ["the", "two", "both", "countries", "nations", "sides", "officials", "leaders"]
FILLER = ["said", "met", "in", "delegation", "official", "talks"]
COUNTRIES = [None, "", "JPN", "CHN", "USA", "KOR"]
KINDS = ["country", "person", "person", "composed", "coref", "agent"]


@dataclass
class _Token:
    i: int
    lower_: str
    tag_: str
    sent: Any
    dep_: str = ""  # no parse: "the two <noun>" is read by position, as the reference does
    pos_: str = ""

    @property
    def head(self) -> _Token:
        return self


class _Doc:
    def __init__(self, words: list[str], sentence_starts: list[int]) -> None:
        self.tokens = []
        start = 0
        for i, word in enumerate(words):
            if i in sentence_starts:
                start = i
            tag = "NNS" if word.endswith("s") else "NN"
            self.tokens.append(_Token(i, word, tag, SimpleNamespace(start=start)))

    def __len__(self) -> int:
        return len(self.tokens)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return SimpleNamespace(text=" ".join(t.lower_ for t in self.tokens[key]))
        return self.tokens[key]


def _story(seed: int) -> tuple[Any, list[Draft]]:
    """A random story: words with "the two <noun>" and "both <noun>" among them, and
    drafts (some people, some chained to an earlier draft) over other words."""
    rng = random.Random(seed)
    n = rng.randint(5, 120)
    words = [rng.choice(WORDS if rng.random() < 0.4 else FILLER) for _ in range(n)]
    doc = _Doc(words, [i for i in range(n) if rng.random() < 0.1])
    drafts: list[Draft] = []
    i = 0
    while i < n:
        if rng.random() < 0.35:
            end = min(n, i + rng.randint(1, 3))
            kind = rng.choice(KINDS)
            draft = Draft(
                i,
                end,
                rng.choice(["JPN", "CHNGOV", "USAMIL", "KORGOV"]),
                kind,
                f"d{i}",
                "rule",
                country=rng.choice(COUNTRIES),
                sector=rng.choice([None, "GOV", "MIL"]),
                person_tokens=(i, end) if kind == "person" and rng.random() < 0.7 else None,
                definite=rng.random() < 0.3,
                locative=rng.random() < 0.15,
            )
            if drafts and rng.random() < 0.25:
                draft.antecedent = rng.choice(drafts).root()
            drafts.append(draft)
            i = end + rng.randint(0, 2)
        else:
            i += 1
    return SimpleNamespace(doc=doc, lexicon=LEXICON), drafts


def _covered(n: int, drafts: list[Draft]) -> list[bool]:
    covered = [False] * n
    for draft in drafts:
        for i in range(draft.start, draft.end):
            covered[i] = True
    return covered


# ------------------------------------------------ the walk back, as it was


def _reference_descriptions(doc: Any, drafts: list[Draft], lexicon: Any) -> None:
    for n, draft in enumerate(drafts):
        if not draft.definite:
            continue
        earlier = drafts[:n]
        if draft.kind == "coref":
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
        last = doc[draft.end - 1]
        if last.tag_ == "NNS" or last.lower_ in lexicon.not_person_nouns:
            continue
        target = next(
            (d for d in reversed(earlier) if d.root().is_person and d.country == draft.country),
            None,
        )
        if target is not None:
            draft.antecedent = target.root()
            draft.kind = "coref"
            draft.rule_id = "coref.description"


def _reference_groups(story: Any, drafts: list[Draft], covered: list[bool]) -> list[Draft]:
    doc = story.doc
    lowers = [t.lower_ for t in doc.tokens]
    groups: list[Draft] = []
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
        earlier = [d for d in drafts if d.end <= start]
        word = noun.lower_
        group = None
        if word in COUNTRY_NOUNS or word in GOVERNMENT_NOUNS:
            group = _reference_country_group(story, start, noun, earlier)
        elif word in PERSON_NOUNS:
            group = _reference_person_group(doc, start, noun, earlier)
        if group is not None:
            groups.append(group)
            for k in range(start, noun.i + 1):
                covered[k] = True
    return groups


def _reference_country_group(story: Any, start: int, noun: Any, earlier: list[Draft]) -> Any:
    doc, word = story.doc, noun.lower_
    countries: list[str] = []
    sentence_start = doc[start].sent.start
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
    governments = word in GOVERNMENT_NOUNS
    first: dict[str, int] = {}
    for draft in earlier:
        if draft.country in countries and draft.country not in first:
            first[draft.country] = draft.start
    order = sorted(countries, key=lambda c: first.get(c, 0))
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


def _reference_person_group(doc: Any, start: int, noun: Any, earlier: list[Draft]) -> Any:
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
        f"coref.group.{noun.lower_}",
        sector=sector,
        plover_sector=code_parts(members[0])[2] if sector else None,
        members=members,
    )


# ------------------------------------------------ the tests


def _outcome(drafts: list[Draft]) -> list[tuple[Any, ...]]:
    index = {id(d): n for n, d in enumerate(drafts)}
    return [
        (d.kind, d.rule_id, index.get(id(d.antecedent)) if d.antecedent else None) for d in drafts
    ]


def test_descriptions_as_the_walk_back() -> None:
    changed = 0
    for seed in range(1000):
        story, drafts = _story(seed)
        _, expected = _story(seed)
        _descriptions(story.doc, drafts, LEXICON)  # type: ignore[arg-type]
        _reference_descriptions(story.doc, expected, LEXICON)
        assert _outcome(drafts) == _outcome(expected), seed
        changed += sum(d.rule_id == "coref.description" for d in drafts)
    assert changed > 50  # the random stories do resolve descriptions


def test_groups_as_the_walk_back() -> None:
    found = {"country": 0, "person": 0}
    for seed in range(1000):
        story, drafts = _story(seed)
        covered = _covered(len(story.doc), drafts)
        lowers = [t.lower_ for t in story.doc.tokens]
        groups = _groups(story, drafts, list(covered), lowers)
        assert groups == _reference_groups(story, drafts, list(covered)), seed
        for group in groups:
            found["person" if group.rule_id.split(".")[-1] in PERSON_NOUNS else "country"] += 1
    assert min(found.values()) > 30  # both kinds of group are exercised
