"""Engine tests on hand-built parses (no model): roles, reciprocity,
modality, dating and places from `Doc(vocab, words, heads, deps, pos, lemmas)`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dateline.events import EventStage
from dateline.records import ActorMention, Article, Document, Place, Sentence, TimeExpr

REPORT = dt.date(2017, 4, 3)


@pytest.fixture(scope="module")
def stage() -> EventStage:
    return EventStage(learned=False)  # the rules alone: their examples say what a rule does


def _document(
    rows: list[tuple[str, int, str, str, str]],
    actors: dict[int, str],
    places: dict[int, str] | None = None,
    timexes: dict[int, tuple[int, str, dt.date, dt.date]] | None = None,
) -> Document:
    """rows: (word, head index, dep, pos, lemma); actors: token → CAMEO code;
    places: token → country; timexes: token → (governor token, value, start, end)."""
    words = [r[0] for r in rows]
    doc = Doc(
        Vocab(),
        words=words,
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        lemmas=[r[4] for r in rows],
        sent_starts=[i == 0 for i in range(len(rows))],
    )
    text = doc.text
    document = Document(article=Article(id="hand", date=REPORT, text=text), spacy_doc=doc)
    document.sentences = (Sentence(0, 0, len(text), text),)
    document.mentions = tuple(
        ActorMention(
            id=f"m{i}",
            start=doc[i].idx,
            end=doc[i].idx + len(doc[i]),
            text=doc[i].text,
            name=doc[i].text,
            cameo_code=code,
            sentence_index=0,
            country=code[:3],
            head=doc[i].idx,
        )
        for i, code in actors.items()
    )
    document.places = tuple(
        Place(
            id=f"p{i}",
            start=doc[i].idx,
            end=doc[i].idx + len(doc[i]),
            text=doc[i].text,
            name=doc[i].text,
            sentence_index=0,
            country=country,
        )
        for i, country in (places or {}).items()
    )
    document.timexes = tuple(
        TimeExpr(
            id=f"t{i}",
            start=doc[i].idx,
            end=doc[i].idx + len(doc[i]),
            text=doc[i].text,
            type="DATE",
            value=value,
            precision="month",
            sentence_index=0,
            start_date=start,
            end_date=end,
            governor=doc[governor].idx,
        )
        for i, (governor, value, start, end) in (timexes or {}).items()
    )
    return document


def _events(stage: EventStage, document: Document) -> list[tuple[Any, ...]]:
    stage.process([document])
    return sorted(
        (
            e.source.cameo_code,
            e.target.cameo_code if e.target else None,
            e.cameo_code,
            e.modality,
            e.date.value,
            e.date.basis,
            e.location.name if e.location else None,
        )
        for e in document.events
    )


def test_met_in_lima_in_november_is_reciprocal_dated_and_placed(stage: EventStage) -> None:
    # Abe and Xi met in Lima in November .
    rows = [
        ("Abe", 3, "nsubj", "PROPN", "Abe"),
        ("and", 0, "cc", "CCONJ", "and"),
        ("Xi", 0, "conj", "PROPN", "Xi"),
        ("met", 3, "ROOT", "VERB", "meet"),
        ("in", 3, "prep", "ADP", "in"),
        ("Lima", 4, "pobj", "PROPN", "Lima"),
        ("in", 3, "prep", "ADP", "in"),
        ("November", 6, "pobj", "PROPN", "November"),
        (".", 3, "punct", "PUNCT", "."),
    ]
    nov = (dt.date(2016, 11, 1), dt.date(2016, 11, 30))
    document = _document(
        rows, {0: "JPNGOV", 2: "CHNGOV"}, places={5: "PER"}, timexes={7: (3, "2016-11", *nov)}
    )
    assert _events(stage, document) == [
        ("CHNGOV", "JPNGOV", "040", "asserted", "2016-11", "text", "Lima"),
        ("JPNGOV", "CHNGOV", "040", "asserted", "2016-11", "text", "Lima"),
    ]


def test_expected_to_visit_is_planned_and_inherits_the_subject(stage: EventStage) -> None:
    # Kong is expected to visit Japan .
    rows = [
        ("Kong", 2, "nsubjpass", "PROPN", "Kong"),
        ("is", 2, "auxpass", "AUX", "be"),
        ("expected", 2, "ROOT", "VERB", "expect"),
        ("to", 4, "aux", "PART", "to"),
        ("visit", 2, "xcomp", "VERB", "visit"),
        ("Japan", 4, "dobj", "PROPN", "Japan"),
        (".", 2, "punct", "PUNCT", "."),
    ]
    found = _events(stage, _document(rows, {0: "CHNGOV", 5: "JPN"}, places={5: "JPN"}))
    assert ("CHNGOV", "JPN", "042", "planned", "2017-04-03", "report", "Japan") in found
    # one event per visit, visitor -> host (no mirrored 043 unless paired_reverse=True)
    assert not any(event[2] == "043" for event in found)
    reversed_stage = EventStage(stage.patterns, stage.codes, paired_reverse=True)
    both = _events(reversed_stage, _document(rows, {0: "CHNGOV", 5: "JPN"}, places={5: "JPN"}))
    assert ("JPN", "CHNGOV", "043", "planned", "2017-04-03", "report", "Japan") in both
    assert all(event[3] == "planned" for event in found)  # no asserted "expect" event


def test_said_alone_is_not_an_event(stage: EventStage) -> None:
    # Japan said .
    rows = [
        ("Japan", 1, "nsubj", "PROPN", "Japan"),
        ("said", 1, "ROOT", "VERB", "say"),
        (".", 1, "punct", "PUNCT", "."),
    ]
    assert _events(stage, _document(rows, {0: "JPN"})) == []


def test_negation_and_no_political_source(stage: EventStage) -> None:
    # Japan did not meet China .
    rows = [
        ("Japan", 3, "nsubj", "PROPN", "Japan"),
        ("did", 3, "aux", "AUX", "do"),
        ("not", 3, "neg", "PART", "not"),
        ("meet", 3, "ROOT", "VERB", "meet"),
        ("China", 3, "dobj", "PROPN", "China"),
        (".", 3, "punct", "PUNCT", "."),
    ]
    found = _events(stage, _document(rows, {0: "JPN", 4: "CHN"}))
    assert {event[3] for event in found} == {"negated"}
    assert _events(stage, _document(rows, {4: "CHN"})) == []  # no source actor: nothing coded


def test_a_possible_meeting_between_two_actors(stage: EventStage) -> None:
    # They discussed a possible meeting between Abe and Xi .
    rows = [
        ("They", 1, "nsubj", "PRON", "they"),
        ("discussed", 1, "ROOT", "VERB", "discuss"),
        ("a", 4, "det", "DET", "a"),
        ("possible", 4, "amod", "ADJ", "possible"),
        ("meeting", 1, "dobj", "NOUN", "meeting"),
        ("between", 4, "prep", "ADP", "between"),
        ("Abe", 5, "pobj", "PROPN", "Abe"),
        ("and", 6, "cc", "CCONJ", "and"),
        ("Xi", 6, "conj", "PROPN", "Xi"),
        (".", 1, "punct", "PUNCT", "."),
    ]
    found = _events(stage, _document(rows, {6: "JPNGOV", 8: "CHNGOV"}))
    assert ("JPNGOV", "CHNGOV", "040", "possible", "2017-04-03", "report", None) in found
    assert ("CHNGOV", "JPNGOV", "040", "possible", "2017-04-03", "report", None) in found


def test_event_ids_are_stable(stage: EventStage) -> None:
    rows = [
        ("Japan", 1, "nsubj", "PROPN", "Japan"),
        ("met", 1, "ROOT", "VERB", "meet"),
        ("China", 1, "dobj", "PROPN", "China"),
    ]
    first = _document(rows, {0: "JPN", 2: "CHN"})
    second = _document(rows, {0: "JPN", 2: "CHN"})
    stage.process([first, second])
    assert [e.event_id for e in first.events] == [e.event_id for e in second.events]
    assert len({e.event_id for e in first.events}) == len(first.events) == 2


def test_documents_without_parse_or_actors_code_nothing(stage: EventStage) -> None:
    empty = Document(article=Article(id="empty", date=REPORT, text=""))
    stage.process([empty])
    assert empty.events == ()
    rows = [("Japan", 1, "nsubj", "PROPN", "Japan"), ("met", 1, "ROOT", "VERB", "meet")]
    no_actors = _document(rows, {})
    stage.process([no_actors])
    assert no_actors.events == ()
    # a mention whose head offset is not a token start still resolves by its span
    odd = _document(rows, {0: "JPN"})
    odd.mentions = tuple(m.__class__(**{**_as_dict(m), "head": 2}) for m in odd.mentions)
    stage.process([odd])
    assert odd.events == ()  # one actor, no target, root 04 verb: nothing to code


def _as_dict(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}
