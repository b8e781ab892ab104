"""The actors stage: find political actors in a parsed story, coded as of its date.

`find_mentions` runs the steps in order over one spaCy Doc; each lives in its own
module and hands the next the records of `model.py`:

1. *atoms* (`atoms.py`): the longest dictionary phrases (countries, capitals,
   seats of government, organisations, people) and role nouns, found by walking
   token tries from each token; spaCy PERSON entities nobody knows are kept too.
   Then what they say about the story: shared country words resolved, states of
   the past dated, names inside the names of places dropped, the story's
   countries and the country it is about.
2. *chunks and drafts* (`chunks.py`, `drafts.py`): atoms that form one actor are
   composed ("China's assistant foreign minister Kong Xuanyou", "Kong Xuanyou,
   China's assistant foreign minister", "Prime Minister Shinzo Abe", "the
   Chinese official") into one draft whose code joins the country and the role
   noun's sector; a title the text gave a known person holds for the story.
3. *coreference* (`coref.py`): surnames after a first mention, leaders by
   surname, "the Chinese official", "the two sides", "he"/"she".
4. *mentions*: drafts in text order become `ActorMention` records with ids,
   character offsets, sentence and syntactic head.

A known person is coded by the knowledge base as of the article date; a title
in the text decides when the knowledge base has no office for that day. The
English words the steps decide by are rule data (`data/lexicon.yaml`).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from dateline.actors.atoms import (
    date_states,
    dateline_end,
    disambiguate,
    find_atoms,
    home_country,
    names_a_place,
    story_countries,
)
from dateline.actors.coref import resolve
from dateline.actors.drafts import (
    companies,
    compose,
    divided_halves,
    unknown_organisations,
    unnamed_organisations,
)
from dateline.actors.knowledge import ActorKnowledge
from dateline.actors.lexicon import Lexicon, load_lexicon
from dateline.actors.model import Atom, Draft, Story
from dateline.actors.phoenix import phrase_tokens
from dateline.records import ActorMention, Document

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "ActorStage",
    "Atom",
    "Draft",
    "find_mentions",
    "group_members",
    "mention_at",
    "mentions_by_head",
]


def find_mentions(
    document: Document, knowledge: ActorKnowledge, lexicon: Lexicon | None = None
) -> tuple[ActorMention, ...]:
    """All actor mentions of one parsed document, in text order (the package
    lexicon unless another is given)."""
    doc = document.spacy_doc
    if doc is None:
        return ()
    lexicon = lexicon if lexicon is not None else load_lexicon()
    texts = [t.text for t in doc]  # one pass: spaCy builds a Token object on every access
    # 1. atoms, and what they say about the whole story
    atoms = find_atoms(doc, knowledge, lexicon, texts)
    disambiguate(doc, atoms, knowledge)
    date_states(atoms, document.article.date, lexicon)
    atoms = [a for a in atoms if not names_a_place(doc, a, lexicon)]
    countries = story_countries(doc, atoms, lexicon)
    if not countries:
        # "The Finance Ministry would raise lending limits …" under the title "JAPAN RAISES
        # LIMITS …": wire copy whose text names no country is about the one its title names
        countries = title_countries(document.article.title, knowledge)
    story = Story(
        doc=doc,
        knowledge=knowledge,
        lexicon=lexicon,
        day=document.article.date,
        texts=texts,
        story_countries=countries,
        home=home_country(doc, atoms, lexicon),
        filed_from=dateline_end(doc),
    )
    # 2. chunks composed into drafts; a title given once holds for the story
    drafts = compose(story, atoms)
    organisations = unknown_organisations(story, atoms, drafts)
    organisations += unnamed_organisations(story, drafts + organisations)
    organisations += divided_halves(story, drafts + organisations)
    organisations += companies(story, drafts + organisations)
    drafts = [
        d for d in drafts if not any(o.start <= d.start and d.end <= o.end for o in organisations)
    ] + organisations
    _carry_titles(drafts)
    # 3. coreference
    drafts = resolve(story, drafts, atoms)
    # 4. mentions
    drafts.sort(key=lambda d: (d.start, d.end))
    return _mentions(document, doc, drafts)


def title_countries(title: str, knowledge: ActorKnowledge) -> set[str]:
    """The countries a story's title names by name, adjective or capital ("JAPAN RAISES
    LIMITS …", "AUSTRALIAN RESERVE BANK …"): the title is read as words, not parsed."""
    words = phrase_tokens(title)
    found: set[str] = set()
    j = 0
    while j < len(words):
        hit = knowledge.names.longest(words, j)
        if hit is None:
            j += 1
            continue
        end, targets = hit
        found.update(str(t.key) for t in targets if t.kind in {"country", "capital"})
        j = end
    return found


def _mentions(document: Document, doc: Doc, drafts: list[Draft]) -> tuple[ActorMention, ...]:
    """The drafts as records: ids a1, a2 … in text order, character offsets, head."""
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


class ActorStage:
    """Pipeline stage: fills `document.mentions` (see module docstring)."""

    name = "actors"
    requires = frozenset({"spacy_doc", "sentences"})
    provides = frozenset({"mentions"})

    def __init__(
        self, knowledge: ActorKnowledge | None = None, lexicon: Lexicon | None = None
    ) -> None:
        self.knowledge = knowledge if knowledge is not None else ActorKnowledge.load()
        self.lexicon = lexicon if lexicon is not None else load_lexicon()

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            document.mentions = find_mentions(document, self.knowledge, self.lexicon)
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
