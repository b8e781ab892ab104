"""Modality of an event trigger: asserted, planned, possible or negated.

Read from the trigger's own auxiliaries, negation and modifiers ("will",
"could", "not", "a possible visit"), then from the words that embed it, walking
up the dependency tree through control and object links ("is expected to
visit", "are likely to discuss", "plans to", "refused to", "discuss a possible
visit", "if he makes the trip"). The walk stops at a clause boundary (a
reported clause, a relative clause), so "said" never lends its tense to what
was said. The cue words and what they mean live in
``rules/event_additions.yaml`` (`embedding`).

When several cues apply, negation wins, then possibility, then planning:
"will not meet" is negated, "will discuss a possible meeting" is possible.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

__all__ = ["RANK", "trigger_modality"]

RANK = {"asserted": 0, "planned": 1, "possible": 2, "negated": 3}
# Dependencies through which an embedding word governs the trigger's modality.
_CLIMB = frozenset(
    {
        "ccomp",
        "acl",
        "xcomp",
        "conj",
        "dobj",
        "pobj",
        "prep",
        "pcomp",
        "acomp",
        "attr",
        "oprd",
        "nsubjpass",
        "advcl",
        "compound",
        "appos",
        "nmod",
    }
)
_OWN = frozenset({"aux", "auxpass", "neg", "amod", "mark", "advmod", "det"})
_MAX_STEPS = 6
# Prepositions that set an event noun beside the clause (its circumstance) ...
_CIRCUMSTANCE = frozenset({"during", "amid", "after", "before", "following", "since", "despite"})
# ... or make it the topic of another noun ("a statement on the attack")
_TOPIC = frozenset({"on", "about", "over", "regarding", "concerning"})
# Cue words that are no verb: never reached by stripping a verb's ending.
_FUNCTION_CUES = frozenset({"not", "no", "never", "n't", "will", "may", "can", "would", "should"})


def _cue(token: Token, embedding: Mapping[str, str]) -> str | None:
    text = token.text.lower()
    found = embedding.get(text) or embedding.get(token.lemma_.lower())
    if found is None and token.pos_ in ("VERB", "AUX"):
        # the lemmatizer misses some forms ("hopes" → "hop"): try plain stems
        # (only real inflections: "noted" is not "not", "nodded" not "no")
        stems: tuple[str, ...] = ()
        if text.endswith("ing"):
            stems = (text[:-3], text[:-3] + "e")
        elif text.endswith("ed") or text.endswith("es"):
            stems = (text[:-2], text[:-1])
        elif text.endswith("s"):
            stems = (text[:-1],)
        for stem in stems:
            if len(stem) > 2 and stem not in _FUNCTION_CUES and stem in embedding:
                return embedding[stem]
    return found


def trigger_modality(trigger: Token, embedding: Mapping[str, str]) -> tuple[str, Token | None]:
    """The modality of the event `trigger` carries and the word that set it: the strongest
    cue among the trigger's own modifiers and those of the words it climbs to (control,
    coordination, infinitives), stopping at a clause that keeps its own modality."""
    found: list[tuple[str, Token]] = []
    token = previous = trigger
    via = ""
    for step in range(_MAX_STEPS):
        found.extend(_own_cues(token, embedding))
        # a coordinated verb shares its head's auxiliaries, not the head's own meaning:
        # "refusing to sign the statement, threatening tariffs and deriding him" does
        # not refuse the threat
        if step > 0 and via != "conj":
            cue = _cue(token, embedding)
            if cue:
                found.append((cue, token))
            elif via == "xcomp" and _arranged(token, previous):
                found.append(("planned", token))
        climbed = _climb(token, embedding, found)
        if climbed is None:
            break
        via = token.dep_
        previous, token = token, climbed
    best, cue_token = "asserted", None
    for modality, token in found:  # first strongest wins, as the cues were met
        if RANK[modality] > RANK[best]:
            best, cue_token = modality, token
    return best, cue_token


def _arranged(be: Token, verb: Token) -> bool:
    """ "are to hold talks", "was to visit": "be" with an infinitive of what is arranged (a
    past arrangement whose outcome is not told is still planned, EVENTS.md 5); not "it is
    reasonable to ask", "were necessary to prevent" (an adjective or noun says what the
    infinitive is) nor "are to blame"."""
    return (
        be.lemma_ == "be"
        and verb.lemma_ != "blame"
        and _infinitive(verb)
        and not any(c.dep_ in ("acomp", "attr", "expl") for c in be.children)
        and not any(c.dep_ == "nsubj" and c.lower_ in ("it", "this", "that") for c in be.children)
    )


def _infinitive(verb: Token) -> bool:
    """Whether a verb is a to-infinitive ("to visit")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _own_cues(token: Token, embedding: Mapping[str, str]) -> list[tuple[str, Token]]:
    """Cues among a word's own modifiers: 'no', 'not'/'never', 'if'/'whether'/'unless',
    auxiliaries and (on nouns) adjectives such as 'possible'."""
    cues = []
    for child in token.children:
        if child.dep_ not in _OWN:
            continue
        if child.dep_ == "det" and child.text.lower() != "no":
            continue
        if child.dep_ == "advmod" and child.text.lower() not in ("not", "never", "n't"):
            continue
        if child.dep_ == "mark" and child.text.lower() not in ("if", "whether", "unless"):
            continue
        if child.dep_ == "amod" and token.pos_ not in ("NOUN", "PROPN"):
            continue
        cue = _cue(child, embedding)
        if cue:
            cues.append((cue, child))
    if token.pos_ in ("VERB", "AUX"):
        # "won no assurances", "made no concessions": the verb's act with its object is
        # what did not happen
        for child in token.children:
            if child.dep_ == "dobj":
                cues.extend(
                    ("negated", det)
                    for det in child.children
                    if det.dep_ == "det" and det.lower_ == "no"
                )
    return cues


def _climb(
    token: Token, embedding: Mapping[str, str], found: list[tuple[str, Token]]
) -> Token | None:
    """The word whose modality `token` shares, or None where its clause keeps its own."""
    if token.dep_ not in _CLIMB or token.head is token:
        return None
    infinitive = _infinitive(token)
    if (
        token.dep_ == "advcl"
        and not infinitive
        and not any(
            c.dep_ == "mark" and c.text.lower() in ("if", "unless", "whether")
            for c in token.children
        )
    ):
        return None
    if token.dep_ in ("ccomp", "acl", "relcl") and not infinitive:
        # a reported or finite clause keeps its own modality, unless it is denied
        # ("denied that it had supplied drones", "denied a report that its jets had
        # bombed ...")
        head = token.head
        if head.pos_ in ("NOUN", "PROPN") and head.dep_ == "dobj":
            head = head.head
        if _cue(head, embedding) == "negated":
            found.append(("negated", head))
        return None
    if token.dep_ == "acl" and token.head.pos_ not in ("NOUN", "PROPN"):
        return None
    if token.dep_ == "prep" and (
        token.lower_ in _CIRCUMSTANCE
        or (token.lower_ in _TOPIC and token.head.pos_ in ("NOUN", "PROPN"))
    ):
        # "was agreed during talks", "had no plans to meet during Gandhi's visit", "will not
        # issue a statement on the U.S. attack": the event noun is a happening of its own
        # (the time or the topic of the other), not what is planned or denied; but the time
        # of a clause in the future lies ahead too ("during the talks they will review")
        if token.lower_ in _CIRCUMSTANCE:
            found.extend(
                ("planned", aux)
                for aux in token.head.children
                if aux.dep_ == "aux" and aux.lower_ in ("will", "shall", "'ll")
            )
        return None
    if token.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
        return None  # a coordinated clause with its own subject has its own modality
    # a coordinated verb shares its head's auxiliaries ("will visit and meet")
    return token.head
