"""Who did it and to whom, from the dependency parse.

Conventions (docs/events.md):

* Source: the subject (``nsubj``); in a passive the ``by`` agent, and the
  passive subject becomes the target. A verb without a subject of its own
  takes it from the verb it depends on: the matrix clause for control
  ("X is expected to visit" → X), the first verb for coordination ("visit
  Tokyo and meet Y" → X), the object for object control ("urged Bree to
  help" → Bree). An event noun takes its source from a possessor ("Kong's
  talks"), a ``by`` phrase ("a visit by Li") or, failing those, from the verb
  it is the object of ("Kong held talks", "Japan and China are arranging a
  meeting").
* Target: the direct object, else a prepositional object (with, to, against,
  at, on, toward, into, from, for, over, about), else an actor inside the
  object's phrase ("ties with Gondor").
* ``between A and B`` and a coordinated subject with no target ("A and B
  met") are reciprocal: every ordered pair is coded.
* Coordinated actors ("Japan and China") expand to one event each.
* A mention that refers back (``antecedent``) takes its antecedent's codes;
  the words in this sentence stay its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from dateline.events.lexicon import load_lexicon
from dateline.records import ActorMention

__all__ = ["TARGET_PREPS", "ActorRef", "MentionIndex"]

TARGET_PREPS = frozenset(
    {
        "with",
        "to",
        "against",
        "at",
        "on",
        "toward",
        "towards",
        "into",
        "from",
        "for",
        "over",
        "about",
        "upon",
        "of",
        "between",
    }
)
# A country word this close to a more specific actor of its country belongs to its phrase.
SAME_PHRASE_TOKENS = 3
# Prepositions whose object is a place or a time, not a party to the event.
_SETTING_PREPS = frozenset({"in", "at", "during", "near", "since", "after", "before", "until"})
# "his counterpart": the possessor is the other party, not this one
_COUNTERPARTS = load_lexicon().words("counterpart_nouns")
_STOP = frozenset(
    {"ccomp", "advcl", "relcl", "parataxis", "csubj", "csubjpass", "acl", "punct", "mark", "cc"}
)


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as an argument: the mention in this sentence (evidence) and
    the mention whose codes it carries (itself, or its antecedent)."""

    mention: ActorMention
    resolved: ActorMention
    token: int

    @property
    def code(self) -> str:
        return self.resolved.cameo_code


class MentionIndex:
    """Actor mentions of one document, reachable by head token."""

    def __init__(
        self, doc: Doc, mentions: Sequence[ActorMention], event_nouns: frozenset[str] = frozenset()
    ) -> None:
        self.doc = doc
        self.event_nouns = event_nouns
        by_id = {m.id: m for m in mentions}
        starts = {token.idx: token.i for token in doc}
        self.by_token: dict[int, ActorMention] = {}
        self.covering: dict[int, ActorMention] = {}
        for mention in mentions:
            head = starts.get(mention.head) if mention.head is not None else None
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if head is None and span is not None:
                head = span.root.i
            if head is None:
                continue
            current = self.by_token.get(head)
            if current is None or (current.end - current.start) < (mention.end - mention.start):
                self.by_token[head] = mention
            if span is not None:
                for token in span:
                    self.covering.setdefault(token.i, mention)
        self._by_id = by_id

    def resolve(self, mention: ActorMention) -> ActorMention | None:
        """Follow `antecedent` links to a mention with a code."""
        seen: set[str] = set()
        current: ActorMention | None = mention
        while current is not None and current.id not in seen:
            if (
                current.cameo_code
                and current.cameo_code not in ("---",)
                and current.antecedent is None
            ):
                return current
            seen.add(current.id)
            if current.antecedent is None:
                return current if current.cameo_code and current.cameo_code != "---" else None
            current = self._by_id.get(current.antecedent)
        return None

    def ref(self, token: Token) -> ActorRef | None:
        mention = self.by_token.get(token.i)
        if mention is None:
            return None
        resolved = self.resolve(mention)
        if resolved is None:
            return None
        return ActorRef(mention=mention, resolved=resolved, token=token.i)

    def actors_at(self, token: Token, depth: int = 4, participles: bool = False) -> list[ActorRef]:
        """Actors an argument position holds: the token's own mention and its
        coordinated ones, else the nearest actors inside its phrase (with
        `participles`, also inside a participle phrase: "the roads leading
        into X", used for targets only)."""
        found = self._with_conjuncts(token)
        if found:
            return found
        frontier = [token]
        for _ in range(depth):
            nxt: list[Token] = []
            level: list[ActorRef] = []
            for node in frontier:
                for child in node.children:
                    if child.dep_ in _STOP and not (participles and child.dep_ == "acl"):
                        continue
                    if child.dep_ == "poss" and node.lemma_.lower() in _COUNTERPARTS:
                        continue  # "his South Korean counterpart Park Jin" is not "his"
                    if child.dep_ == "prep" and child.lemma_.lower() in _SETTING_PREPS:
                        continue
                    if (
                        child.dep_ == "prep"
                        and child.text.lower() == "between"
                        and node.lemma_.lower() in self.event_nouns
                    ):
                        continue  # the parties of an event noun, not of the verb above it
                    if child.dep_ == "conj":
                        continue  # handled with the head's conjuncts
                    refs = self._with_conjuncts(child)
                    if refs:
                        level.extend(refs)
                    else:
                        nxt.append(child)
            if level:
                if frontier == [token]:
                    # "the U.S. imperialists and the south Korean warmongers": each
                    # conjunct's own modifier names its own party
                    level += self._conjunct_modifiers(token, depth)
                return unique_actors(level)
            frontier = nxt
        # a conjunct whose own head carries no actor ("lawmakers and officials in X")
        for conj in token.conjuncts:
            if _names_parties_between(conj):
                continue  # "relations and a meeting between A and B": the meeting's parties
            refs = self.actors_at(conj, depth=depth - 1) if depth > 1 else []
            if refs:
                return refs
        return []

    def _conjunct_modifiers(self, token: Token, depth: int) -> list[ActorRef]:
        """The actors that modify the conjuncts of a noun whose own modifier names one."""
        found: list[ActorRef] = []
        if depth <= 1:
            return found
        for conj in token.conjuncts:
            if conj.i < token.i or conj.pos_ not in ("NOUN", "PROPN"):
                continue
            if _names_parties_between(conj):
                continue
            found += [
                ref
                for child in conj.children
                if child.dep_ in ("compound", "amod", "poss", "nmod")
                for ref in self._with_conjuncts(child)
            ]
        return found

    def group(self, ref: ActorRef) -> list[ActorRef]:
        """A group mention ("the two sides", code ``JPNGOV+CHNGOV``; PETRARCH's
        ``FRO/BIL/SAM``) as its members."""
        if "+" not in ref.code and "/" not in ref.code:
            return [ref]
        members = []
        for number, code in enumerate(c for c in re.split(r"[+/]", ref.code) if c):
            member = replace(
                ref.resolved, id=f"{ref.resolved.id}#{number}", cameo_code=code, country=code[:3]
            )
            members.append(ActorRef(mention=ref.mention, resolved=member, token=ref.token))
        return members

    def _with_conjuncts(self, token: Token) -> list[ActorRef]:
        """The token's own actor and the actors coordinated with it."""
        first = self.ref(token)
        if first is None:
            return []
        if "+" in first.code or "/" in first.code:
            return self.group(first)
        refs = [
            first,
            *self._of_conjuncts(token),
            *self._appositive_parties(token, first),
            *self._coordinated_adjectives(token),
            *self._conjuncts(token),
        ]
        return unique_actors(refs)

    def _of_conjuncts(self, token: Token) -> list[ActorRef]:
        """ "the leaders of Russia and Ukraine": the conjuncts inside an "of" phrase."""
        refs: list[ActorRef] = []
        for child in token.children:
            if child.dep_ == "prep" and child.text.lower() == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        refs.extend(r for c in pobj.conjuncts if (r := self.ref(c)) is not None)
        return refs

    def _appositive_parties(self, token: Token, first: ActorRef) -> list[ActorRef]:
        """ "U.S. President Barack Obama and Russian President Dmitry Medvedev": the
        conjuncts of an apposition; and "China's minister Kong and Japan's deputy minister
        Akiba", parsed with the second name as another apposition: an appositive of another
        country is a co-party, not the same actor."""
        refs: list[ActorRef] = []
        for child in token.children:
            if child.dep_ == "appos":
                refs.extend(r for c in child.conjuncts if (r := self.ref(c)) is not None)
                ref = self.ref(child)
                if ref is not None and ref.resolved.country != first.resolved.country:
                    refs.append(ref)
        return refs

    def _coordinated_adjectives(self, token: Token) -> list[ActorRef]:
        """ "Indian and Chinese troops": coordinated adjectives name two actors."""
        refs: list[ActorRef] = []
        for child in token.children:
            if child.dep_ == "amod" and child.conjuncts:
                refs.extend(r for a in (child, *child.conjuncts) if (r := self.ref(a)) is not None)
        return refs

    def _conjuncts(self, token: Token) -> list[ActorRef]:
        """ "Japan, China and South Korea"; a conjunct without its own mention may still
        hold one inside ("the government of X")."""
        refs: list[ActorRef] = []
        for conj in token.conjuncts:
            ref = self.ref(conj)
            if ref is not None:
                refs.append(ref)
                continue
            if conj.lemma_.lower() in _COUNTERPARTS:
                # "A and his South Korean counterpart Park Jin": the name, else the nationality
                # (its own children only: the conjuncts lead back here)
                found = [
                    r
                    for dep in ("appos", "compound", "amod")
                    for child in conj.children
                    if child.dep_ == dep and (r := self.ref(child)) is not None
                ]
                refs.extend(found[:1])
                continue
            refs.extend(
                r
                for child in conj.children
                if child.dep_ in ("poss", "compound")
                or (child.dep_ == "prep" and child.text.lower() == "of")
                for r in self.actors_at(child, 2)
            )
        return refs


def _names_parties_between(noun: Token) -> bool:
    """Whether a noun has its own "between A and B" ("a meeting between A and B"): its
    parties are its own, not those of the phrase it is coordinated in."""
    return any(c.dep_ == "prep" and c.text.lower() == "between" for c in noun.children)


def unique_actors(refs: Iterable[ActorRef]) -> list[ActorRef]:
    """Distinct actors; of a country and its own more specific actor found together in
    one phrase ("his Chinese counterpart Wang Yi": CHN and CHNGOV), the latter -- but two
    parties of one country stay two ("the Sudanese army and the paramilitary Rapid Support
    Forces": SDNMIL and SDN)."""
    seen: set[tuple[str, int]] = set()
    out: list[ActorRef] = []
    for ref in refs:
        key = (ref.code, ref.token)
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return [
        ref
        for ref in out
        if not any(
            other.code != ref.code
            and other.code.startswith(ref.code)
            and abs(other.token - ref.token) <= SAME_PHRASE_TOKENS
            for other in out
        )
    ]
