"""Governor and tense on hand-built parses (no model needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dateline.time import grammar, tag_time


def _doc(rows: list[tuple[str, int, str, str, str, str]]) -> Doc:
    """rows: (word, head index, dep, pos, tag, lemma); one sentence."""
    words = [row[0] for row in rows]
    doc = Doc(
        Vocab(),
        words=words,
        heads=[row[1] for row in rows],
        deps=[row[2] for row in rows],
        pos=[row[3] for row in rows],
        tags=[row[4] for row in rows],
        lemmas=[row[5] for row in rows],
        sent_starts=[True] + [False] * (len(rows) - 1),
    )
    return doc


# "Abe and Xi met in November ."
MET = _doc(
    [
        ("Abe", 3, "nsubj", "PROPN", "NNP", "Abe"),
        ("and", 0, "cc", "CCONJ", "CC", "and"),
        ("Xi", 0, "conj", "PROPN", "NNP", "Xi"),
        ("met", 3, "ROOT", "VERB", "VBD", "meet"),
        ("in", 3, "prep", "ADP", "IN", "in"),
        ("November", 4, "pobj", "PROPN", "NNP", "November"),
        (".", 3, "punct", "PUNCT", ".", "."),
    ]
)
# "They will meet on Friday ."
WILL = _doc(
    [
        ("They", 2, "nsubj", "PRON", "PRP", "they"),
        ("will", 2, "aux", "AUX", "MD", "will"),
        ("meet", 2, "ROOT", "VERB", "VB", "meet"),
        ("on", 2, "prep", "ADP", "IN", "on"),
        ("Friday", 3, "pobj", "PROPN", "NNP", "Friday"),
        (".", 2, "punct", "PUNCT", ".", "."),
    ]
)
# "Sources said Sunday the talks in July are off ." (the parser put Sunday under "off")
SAID = _doc(
    [
        ("Sources", 1, "nsubj", "NOUN", "NNS", "source"),
        ("said", 1, "ROOT", "VERB", "VBD", "say"),
        ("Sunday", 8, "npadvmod", "PROPN", "NNP", "Sunday"),
        ("the", 4, "det", "DET", "DT", "the"),
        ("talks", 7, "nsubj", "NOUN", "NNS", "talk"),
        ("in", 4, "prep", "ADP", "IN", "in"),
        ("July", 5, "pobj", "PROPN", "NNP", "July"),
        ("are", 1, "ccomp", "AUX", "VBP", "be"),
        ("off", 7, "acomp", "ADV", "RB", "off"),
        (".", 1, "punct", "PUNCT", ".", "."),
    ]
)


def _span(doc: Doc, word: str) -> tuple[int, int]:
    token = next(t for t in doc if t.text == word)
    return token.idx, token.idx + len(token)


@pytest.mark.parametrize(
    ("doc", "word", "governor", "tense"),
    [
        (MET, "November", "met", "past"),
        (WILL, "Friday", "meet", "future"),
        (SAID, "Sunday", "said", "past"),
        (SAID, "July", "talks", "present"),
    ],
)
def test_governor_and_tense(doc: Doc, word: str, governor: str, tense: str) -> None:
    token = grammar.governor(doc, *_span(doc, word))
    assert token is not None and token.text == governor
    assert grammar.tense(token) == tense


def test_direction_follows_the_tense() -> None:
    dct = dt.date(2017, 4, 3)
    (november,) = tag_time(MET, dct)
    assert (november.value, november.direction) == ("2016-11", "past")
    (friday,) = tag_time(WILL, dct)
    assert (friday.value, friday.direction) == ("2017-04-07", "future")
    sunday, july = tag_time(SAID, dct)
    assert sunday.value == "2017-04-02" and july.value == "2017-07"
    assert sunday.governor == SAID[1].idx and july.governor == SAID[4].idx
