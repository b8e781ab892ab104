"""The learned dyad coder: which CAMEO roots a sentence states between two of its actors.

The rule engine (`engine.py`) codes an event only when a trigger's pattern, roles and
filters all line up; on real news that finds about one event in five that a careful coder
records, and most of the misses are in sentences where both actors are already resolved
(docs/evaluation.md, fifth session). This component reads such sentences another way: for
every ordered pair of actor mentions in a sentence it predicts, from the words of the
sentence, the dependency path between the two mentions and what the rule engine made of
the sentence's candidate triggers (their codes and the steps that dropped them), the roots
of the events the first mention does to the second.

The model is spaCy's bag-of-features text classifier (`textcat_multilabel` with the
`TextCatBOW` architecture: a sparse linear model, CPU-trained in about a minute), trained
by `scripts/train_dyad_model.py` on the blind gold of the real-news development splits and
shipped in `model/dyad/` (no download at run time). The features are the same function
here at training and at coding time; the threshold and the cross-validation figures that
chose it are in the model's `dyad.json`.

A third of the gold events have one actor the sentence does not name: mostly the story's
other main country ("both sides focused on three topics") or the home government a protest
or an arrest implies. So each named actor is also paired with those (`implied_mentions`, a
mention at the sentence's root); cross-validated, this raised pooled F1 from 0.351 to 0.358
(eighth session, docs/evaluation.md).

A predicted root becomes an event only where a word of the sentence can code it (a rule
candidate of that root, or a verb or noun the dictionary lists under it): that word is the
event's trigger, its evidence, and what its modality and date are read from; its code is the
word's own code of that root where it has one, else the root's general code ("040").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from dateline.events.lexicon import load_lexicon
from dateline.records import ActorMention, EventActor

__all__ = [
    "MODEL_DIR",
    "DyadModel",
    "Key",
    "PairInput",
    "Reading",
    "country_counts",
    "feature_doc",
    "implied_mentions",
    "load_dyad_model",
    "member_dirs",
    "mention_country",
    "pair_features",
    "pair_readings",
    "rank_readings",
    "root_probabilities",
    "sentence_pairs",
    "so_called",
]

MODEL_DIR = Path(__file__).resolve().parent / "model" / "dyad"
ROOTS = tuple(f"{i:02d}" for i in range(1, 21))
# A sentence naming more actors than this is a list ("delegations of A, B, C, ..."): its
# pairs are not each a dyad, and their number grows as the square.
MAX_MENTIONS = 10
# Mentions the coder does not pair: "we" in a quotation and "it"/"they" taken back to a
# subject. The rules use them; as pairs they cost the coder 0.004 of cross-validated F1
# (0.3447 with them, 0.351 without, at the same setting; docs/evaluation.md, eighth
# session): it reads them as surely as names, and they are not.
UNPAIRED_RULES = frozenset({"coref.quoted_speaker", "coref.subject_pronoun"})
_MODALS = frozenset({"will", "would", "could", "may", "might", "should", "to"})
_FEATURE_CHARS = re.compile(r"[^a-z0-9_]")


def mention_country(actor: ActorMention | EventActor | None) -> str | None:
    """The country an actor mention (or an event's actor) stands for, as the scorer reads
    it: IGO for an international organisation without one, None for no actor."""
    if actor is None:
        return None
    if actor.country:
        return actor.country
    return "IGO" if actor.cameo_code.startswith("IGO") else None


@dataclass(frozen=True, slots=True)
class PairInput:
    """One ordered pair of actor mentions in one sentence, with its features."""

    sentence_index: int
    source: ActorMention
    target: ActorMention
    source_token: int
    target_token: int
    anchor: int  # the token that joins the two mentions (their lowest common head)
    features: tuple[str, ...]
    # the roots some word of the sentence can code, each with the word nearest the anchor
    # that can: a learned event needs one, its trigger (evidence, modality and date)
    grounds: tuple[tuple[str, int], ...] = ()

    def trigger(self, root: str) -> int | None:
        """The word nearest the anchor that can code `root`, if the sentence has one."""
        return next((i for r, i in self.grounds if r == root), None)

    def grounded(self, root: str) -> bool:
        """Whether a word of the sentence can code `root`."""
        return self.trigger(root) is not None


def _head_token(doc: Doc, mention: ActorMention) -> Token | None:
    char = mention.head if mention.head is not None else mention.start
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token], Token | None]:
    """The tokens from `a` up to the lowest common head, and from there down to `b`."""
    up = [a, *a.ancestors]
    down_chain = [b, *b.ancestors]
    position = {t.i: k for k, t in enumerate(down_chain)}
    for k, token in enumerate(up):
        if token.i in position:
            return up[: k + 1], list(reversed(down_chain[: position[token.i]])), token
    return up, list(reversed(down_chain)), None


# What the verb dictionary says a word can code: the roots of its entries' defaults and of
# their most frequent pattern code ("meet" -> 04), so a trigger the gold never showed is
# still read through the dictionary.
Lexicon = Callable[[str, bool], tuple[str, ...]]


def _relation(token: Token | None) -> str:
    """How a path's top token hangs from the joining word: its dependency, with the
    preposition for a prepositional phrase ("prep_with")."""
    if token is None:
        return "self"
    if token.dep_ == "prep":
        return "prep_" + token.lower_
    return token.dep_


@dataclass(frozen=True, slots=True)
class _SentenceReading:
    """What every pair of one sentence shares: its content words, the roots the dictionary
    lists for each, and the features they give (read once a sentence, not once a pair)."""

    word_roots: tuple[tuple[Token, tuple[str, ...]], ...]
    features: tuple[str, ...]


def so_called(token: Token) -> bool:
    """The "called" of "the so-called P5+1": a label, never an event word."""
    return token.lemma_.lower() == "call" and any(
        child.lower_ == "so" and child.dep_ == "advmod" for child in token.children
    )


@cache
def _judging_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words that judge a party (the events lexicon's blame, damning and praise lists):
    blame, then praise."""
    lexicon = load_lexicon()
    blame = lexicon.words("blame_words") | lexicon.words("damning_words")
    return blame, lexicon.words("praise_words")


def _judging_roots(token: Token) -> tuple[str, ...]:
    """'reckless acts', 'so regrettable', 'the outstanding leader': a word that judges a
    party can ground criticism (11) or praise (05), as KCNA's commentaries and foreign
    tributes are coded (EVENTS.md 2.2)."""
    if token.pos_ not in ("ADJ", "NOUN"):
        return ()
    blame, praise = _judging_words()
    word = token.lemma_.lower()
    if word in blame or token.lower_ in blame:
        return ("11",)
    if word in praise or token.lower_ in praise:
        return ("05",)
    return ()


def _read_sentence(sent: Span, lexicon: Lexicon | None) -> _SentenceReading:
    words = [t for t in sent if t.pos_ in ("VERB", "NOUN") and not t.is_stop and not so_called(t)]
    word_roots = tuple(
        (t, lexicon(t.lemma_.lower(), t.pos_ == "NOUN") if lexicon is not None else ())
        for t in words
    )
    judging = [(t, judged) for t in sent if (judged := _judging_roots(t))]
    word_roots += tuple(judging)
    features = ["s_" + t.lemma_.lower() for t in words]
    features += ["sj_" + t.lemma_.lower() for t, _ in judging if t.pos_ == "ADJ"]
    features += ["sjr_" + root for root in sorted({r for _, roots in judging for r in roots})]
    if lexicon is not None:
        roots = {root for _, found in word_roots for root in found}
        features += ["sd_" + root for root in sorted(roots)]
    return _SentenceReading(word_roots, tuple(features))


def pair_features(
    sent: Span,
    source: ActorMention,
    target: ActorMention,
    source_token: Token,
    target_token: Token,
    candidates: Sequence[Any],
    lexicon: Lexicon | None = None,
    reading: _SentenceReading | None = None,
) -> tuple[tuple[str, ...], Token | None]:
    """The features of one ordered pair, and the token that joins the two mentions.

    `candidates` are the rule engine's traced candidates of the sentence (`Candidate`):
    their codes, the step that dropped them, and whether this pair's countries were their
    sources or targets. `lexicon` gives the roots the verb dictionary lists for a word;
    `reading`, the sentence's shared part when the caller has read it already."""
    if reading is None:
        reading = _read_sentence(sent, lexicon)
    features = [
        "ad_" + source_token.dep_,
        "bd_" + target_token.dep_,
        "as_" + (source.sector or source.kind),
        "bs_" + (target.sector or target.kind),
        "afirst" if source_token.i < target_token.i else "bfirst",
    ]
    source_country, target_country = mention_country(source), mention_country(target)
    if source_country == target_country:
        features.append("samecountry")
    up, down, joint = _path(source_token, target_token)
    if joint is not None:
        features += ["lca_" + joint.lemma_.lower(), "lcapos_" + joint.pos_]
        deps_up, deps_down = [t.dep_ for t in up[:-1]], [t.dep_ for t in down]
        features.append("sig_" + "_".join([*deps_up, joint.lemma_.lower(), *deps_down]))
        features.append("sigd_" + "_".join([*deps_up, "X", *deps_down]))
        # who is who: the relation of each side to the joining word ("nsubj", "prep_against",
        # "dobj"), alone and together, and the two sectors together
        top_a, top_b = (
            _relation(up[-2] if len(up) > 1 else None),
            _relation(down[0] if down else None),
        )
        features += ["ra_" + top_a, "rb_" + top_b, "rab_" + top_a + "_" + top_b]
        for token in up[1:] + down[:-1]:
            if token.pos_ in ("VERB", "NOUN", "ADJ", "ADP"):
                features.append("p_" + token.lemma_.lower())
            if lexicon is not None and token.pos_ in ("VERB", "NOUN"):
                features += [
                    "pd_" + root for root in lexicon(token.lemma_.lower(), token.pos_ == "NOUN")
                ]
        for child in joint.children:
            if child.dep_ == "neg":
                features.append("neg")
            if child.dep_ == "aux" and child.lower_ in _MODALS:
                features.append("mod_" + child.lower_)
    features.append("sec_" + (source.sector or source.kind) + "_" + (target.sector or target.kind))
    distance = abs(source_token.i - target_token.i)
    features.append(
        "dist_" + ("1" if distance < 4 else "2" if distance < 10 else "3" if distance < 20 else "4")
    )
    features += reading.features
    for candidate in candidates:
        code = (candidate.code or "")[:2]
        if not code:
            continue
        features += ["rc_" + code, "rcs_" + code + "_" + (candidate.step or "coded")]
        if source_country and any(s[:3] == source_country[:3] for s in candidate.sources):
            features.append("rsrc_" + code)
        if target_country and any(t[:3] == target_country[:3] for t in candidate.targets):
            features.append("rtgt_" + code)
    cleaned = tuple(_FEATURE_CHARS.sub("", f.lower()) for f in features)
    return tuple(f for f in cleaned if f), joint


def sentence_pairs(
    doc: Doc,
    sentence_index: int,
    sent: Span,
    mentions: Sequence[ActorMention],
    candidates: Sequence[Any],
    lexicon: Lexicon | None = None,
    counts: Mapping[str, int] | None = None,
) -> list[PairInput]:
    """Every ordered pair of distinct actors among the sentence's mentions (two mentions
    of one country count as a pair only when their codes differ: the government and the
    opposition), and of each with the actors the sentence implies (`implied_mentions`),
    each with its features. `counts` are the story's `country_counts(mentions)`: a caller
    going sentence by sentence counts them once."""
    here = [
        m
        for m in mentions
        if m.sentence_index == sentence_index
        and mention_country(m)
        and m.rule_id not in UNPAIRED_RULES
    ]
    if counts is None:
        counts = country_counts(mentions)
    implied = implied_mentions(sent, sentence_index, here, counts)
    if len(here) + len(implied) < 2 or len(here) > MAX_MENTIONS:
        return []
    heads = {m.id: _head_token(doc, m) for m in here}
    heads.update((m.id, sent.root) for m in implied)
    implied_ids = {m.id for m in implied}
    here = here + implied
    reading = _read_sentence(sent, lexicon)
    # the words that can ground each root: the rules' candidate triggers, and every verb
    # or noun the dictionary lists under that root
    grounding: list[tuple[str, int]] = []
    for candidate in candidates:
        span = doc.char_span(candidate.start, candidate.start + 1, alignment_mode="expand")
        if candidate.code and span is not None and len(span):
            grounding.append((candidate.code[:2], span[0].i))
    grounding += [(root, token.i) for token, roots in reading.word_roots for root in roots]
    pairs = []
    for a in here:
        for b in here:
            ta, tb = heads[a.id], heads[b.id]
            if a is b or ta is None or tb is None or ta.i == tb.i:
                continue
            if mention_country(a) == mention_country(b) and a.cameo_code == b.cameo_code:
                continue
            if a.id in implied_ids and b.id in implied_ids:
                continue
            features, joint = pair_features(sent, a, b, ta, tb, candidates, lexicon, reading)
            if a.id in implied_ids or b.id in implied_ids:
                side = "a" if a.id in implied_ids else "b"
                other = b if side == "a" else a
                kind = "home" if mention_country(a) == mention_country(b) else "other"
                features = (
                    *features,
                    "impl_" + side,
                    f"impl_{side}_{kind}",
                    f"impl_{side}_{kind}_{(other.sector or other.kind).lower()}",
                )
            anchor = joint if joint is not None else sent.root
            nearest: dict[str, int] = {}
            for root, i in grounding:
                if root not in nearest or abs(i - anchor.i) < abs(nearest[root] - anchor.i):
                    nearest[root] = i
            pairs.append(
                PairInput(
                    sentence_index,
                    a,
                    b,
                    ta.i,
                    tb.i,
                    anchor.i,
                    features,
                    tuple(sorted(nearest.items())),
                )
            )
    return pairs


def country_counts(mentions: Iterable[ActorMention]) -> dict[str, int]:
    """How many of a story's actor mentions belong to each country."""
    counts: dict[str, int] = {}
    for mention in mentions:
        if mention.country:
            counts[mention.country] = counts.get(mention.country, 0) + 1
    return counts


def implied_mentions(
    sent: Span, sentence_index: int, here: list[ActorMention], counts: Mapping[str, int]
) -> list[ActorMention]:
    """Actors a careful coder reads into a sentence that does not name them: the government
    of the story's other main country ("the two sides focused on three topics" in a story of
    Russia and Ukraine), and the home government of a sentence whose actors of the story's
    main country are none of them its state ("thousands marched", the opposition). Each is
    a mention at the sentence's root; the model decides whether any event involves it.
    `here` are the sentence's named actors, `counts` the story's `country_counts`."""
    if not here:
        return []
    top = sorted((c for c in counts if c != "IGO"), key=lambda c: (-counts[c], c))[:2]
    if not top or counts[top[0]] < 2:
        return []
    present = {mention_country(m) for m in here}
    wanted: list[str] = [c for c in top if c not in present and counts[c] >= 2]
    home = top[0]
    if home in present and not any(
        mention_country(m) == home and (m.sector or "") in _STATE_SECTORS for m in here
    ):
        wanted.append(home)
    root = sent.root
    return [
        ActorMention(
            id=f"implied:{sentence_index}:{country}",
            start=root.idx,
            end=root.idx + len(root.text),
            text=root.text,
            name=country,
            cameo_code=country + "GOV",
            sentence_index=sentence_index,
            country=country,
            sector="GOV",
            kind="country",
            rule_id="learned.implied",
        )
        for country in wanted
    ]


_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})


Key = tuple[str | None, str | None, str]  # (source country, target country, root)
# (probability, order in the sentence, key, whether a word of the sentence can code the root)
Reading = tuple[float, int, Key, bool]


def pair_readings(
    number: int,
    source: str | None,
    target: str | None,
    probabilities: Mapping[str, float],
    grounded: Callable[[str], bool],
) -> list[Reading]:
    """The readings of a sentence's `number`-th pair, one a root, numbered by the pair, then
    the root: the order `rank_readings` breaks ties by (coding and the training script's
    cross-validation number them alike)."""
    return [
        (
            probabilities.get(root, 0.0),
            number * len(ROOTS) + k,
            (source, target, root),
            grounded(root),
        )
        for k, root in enumerate(ROOTS)
    ]


def rank_readings(
    readings: Iterable[Reading],
    threshold: float,
    ungrounded_threshold: float | None,
    per_sentence: int | None,
) -> list[tuple[float, int, Key]]:
    """The readings of one sentence a model keeps, most probable first (of equal probability,
    the earlier pair): each (probability, pair's order, key, grounded) at or above the
    threshold where a word of the sentence can code its root, or at or above the (higher)
    ungrounded threshold where none can; one per key; at most `per_sentence` keys. Coding
    (`DyadModel.select`) and the training script's cross-validation both choose through it."""
    admitted = [
        (probability, order, key)
        for probability, order, key, grounded in readings
        if probability >= threshold
        and (grounded or (ungrounded_threshold is not None and probability >= ungrounded_threshold))
    ]
    admitted.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[tuple[float, int, Key]] = []
    keys: set[Key] = set()
    for probability, order, key in admitted:
        if key in keys:
            continue
        if per_sentence is not None and len(keys) >= per_sentence:
            break
        keys.add(key)
        chosen.append((probability, order, key))
    return chosen


class DyadModel:
    """The trained classifier and its settings."""

    def __init__(
        self,
        members: Sequence[Any],
        threshold: float,
        meta: dict[str, Any],
        per_sentence: int | None = None,
        ungrounded_threshold: float | None = None,
    ):
        # the trainings whose probabilities are averaged (each with its own seed)
        self._members = tuple(members)
        self.threshold = threshold
        # at most this many (source country, target country, root) a sentence, the most
        # probable: a sentence naming many actors has many pairs, and what the model reads
        # between all of them is mostly one happening (cross-validated, `dyad.json`)
        self.per_sentence = per_sentence
        # a root no word of the sentence can code ("the war", "sent a message of greeting")
        # is kept only at this higher probability, triggered by the word joining the two
        # actors (None: never)
        self.ungrounded_threshold = ungrounded_threshold
        self.meta = meta

    def predict(self, pairs: Sequence[PairInput]) -> list[dict[str, float]]:
        """For each pair, the probability of each root."""
        return root_probabilities(self._members, [p.features for p in pairs])

    def select(self, pairs: Sequence[PairInput]) -> list[tuple[PairInput, str, float]]:
        """The (pair, root, probability) the sentence's pairs yield, as `rank_readings`
        keeps them. Each pair is listed once for each of its roots: the order is the pair's,
        then the root's."""
        readings = [
            reading
            for n, (pair, probs) in enumerate(zip(pairs, self.predict(pairs), strict=True))
            for reading in pair_readings(
                n,
                mention_country(pair.source),
                mention_country(pair.target),
                probs,
                pair.grounded,
            )
        ]
        return [
            (pairs[order // len(ROOTS)], key[2], probability)
            for probability, order, key in rank_readings(
                readings, self.threshold, self.ungrounded_threshold, self.per_sentence
            )
        ]


def feature_doc(vocab: Any, features: Sequence[str]) -> Doc:
    """The features of one pair as the document the classifier reads (trained and coded alike)."""
    return Doc(vocab, words=list(features) or ["empty"])


def root_probabilities(
    members: Sequence[Any], feature_lists: Sequence[Sequence[str]]
) -> list[dict[str, float]]:
    """The probability of each root for each pair's features: the mean over the models
    (trainings of one data with different seeds; one training's cross-validated F1 moves by
    0.005 with its seed, fifteenth session)."""
    total: list[dict[str, float]] = [dict.fromkeys(ROOTS, 0.0) for _ in feature_lists]
    # one set of documents for every model: the features are read as hashes, which do not
    # depend on whose vocabulary made them; each model writes its `cats` over the last one's
    docs = [feature_doc(members[0].vocab, features) for features in feature_lists]
    for nlp in members:
        textcat = nlp.get_pipe("textcat_multilabel")
        for sums, doc in zip(total, textcat.pipe(docs, batch_size=256), strict=True):
            for root, p in doc.cats.items():
                sums[root] += p
    return [{root: p / len(members) for root, p in sums.items()} for sums in total]


def member_dirs(path: Path, members: int) -> list[Path]:
    """Where each of a model's trainings is stored: the directory itself for one, else
    `member-0`, `member-1` … inside it."""
    return [path] if members == 1 else [path / f"member-{k}" for k in range(members)]


@cache
def load_dyad_model(path: Path = MODEL_DIR) -> DyadModel | None:
    """The shipped model, or None when it has not been built (`scripts/train_dyad_model.py`)."""
    settings = path / "dyad.json"
    if not settings.exists():
        return None
    import spacy

    meta = json.loads(settings.read_text(encoding="utf-8"))
    # the features are hashed: the model needs neither a vocabulary nor a tokenizer, and
    # ships without them (no words of the training stories are stored)
    members = [
        spacy.load(directory, exclude=["vocab", "tokenizer"])
        for directory in member_dirs(path, int(meta.get("members", 1)))
    ]
    ungrounded = meta.get("ungrounded_threshold")
    return DyadModel(
        members,
        float(meta["threshold"]),
        meta,
        meta.get("per_sentence"),
        float(ungrounded) if ungrounded is not None else None,
    )
