"""The engine on a hand-built parse: no model needed (spaCy `Doc` from words,
heads, dependencies, tags and entities), fictional knowledge from a fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import spacy
from spacy.tokens import Doc, Span

from dateline.actors import ActorKnowledge, find_mentions
from dateline.records import Article, Document, Sentence

ACTORS = (
    "ARNOR_ [ARN]\n+ARNORIAN\nGONDOR [GON]\nFRODO_BAGGINS\n\t[HOBGOV 20000101-20101231]\n\t[HOB]\n"
)
AGENTS = "FOREIGN_MINISTER [~GOV]\nSOLDIER [~MIL]\n"


def _document(
    words: list[str],
    heads: list[int],
    deps: list[str],
    pos: list[str],
    tags: list[str],
    people: list[tuple[int, int]],
    day: dt.date,
) -> Document:
    vocab = spacy.blank("en").vocab
    doc = Doc(
        vocab,
        words=words,
        heads=heads,
        deps=deps,
        pos=pos,
        tags=tags,
        sent_starts=[True] + [False] * (len(words) - 1),
    )
    doc.ents = [Span(doc, start, end, label="PERSON") for start, end in people]
    document = Document(Article(id="hand", date=day, text=doc.text))
    document.spacy_doc = doc
    document.sentences = (Sentence(0, 0, len(doc.text), doc.text),)
    return document


def test_composed_title_and_dated_person(tmp_path: Path) -> None:
    actors, agents = tmp_path / "a.actors.txt", tmp_path / "a.agents.txt"
    actors.write_text(ACTORS, encoding="utf-8")
    agents.write_text(AGENTS, encoding="utf-8")
    knowledge = ActorKnowledge.from_phoenix([actors], agents)
    # "Arnorian foreign minister Elrond met Frodo Baggins ."
    words = ["Arnorian", "foreign", "minister", "Elrond", "met", "Frodo", "Baggins", "."]
    heads = [3, 2, 3, 4, 4, 6, 4, 4]
    deps = ["amod", "amod", "compound", "nsubj", "ROOT", "compound", "dobj", "punct"]
    pos = ["ADJ", "ADJ", "NOUN", "PROPN", "VERB", "PROPN", "PROPN", "PUNCT"]
    tags = ["JJ", "JJ", "NN", "NNP", "VBD", "NNP", "NNP", "."]
    document = _document(words, heads, deps, pos, tags, [(3, 4), (5, 7)], dt.date(2005, 1, 1))
    mentions = find_mentions(document, knowledge)
    assert [(m.text, m.cameo_code, m.kind) for m in mentions] == [
        ("Arnorian foreign minister Elrond", "ARNGOV", "composed"),
        ("Frodo Baggins", "HOBGOV", "person"),
    ]
    elrond = mentions[0]
    assert elrond.head == document.article.text.index("Elrond")  # the syntactic head of the span
    later = _document(words, heads, deps, pos, tags, [(3, 4), (5, 7)], dt.date(2015, 1, 1))
    assert [m.cameo_code for m in find_mentions(later, knowledge)] == ["ARNGOV", "HOB"]
