"""The learned dyad coder (dateline/events/learned.py): its features, how the engine turns
its predictions into events (grounding, the party filters, one reading per word), the
training script end to end on a toy set, and the shipped model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from dateline.events import EventStage
from dateline.events.learned import (
    MODEL_DIR,
    DyadModel,
    PairInput,
    load_dyad_model,
    member_dirs,
    rank_readings,
    sentence_pairs,
    so_called,
)

from .helpers import make_document

pytestmark = pytest.mark.model
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_dyad_model.py"


class ScriptedModel(DyadModel):
    """A model that gives each (source code, target code) pair the probabilities it is told."""

    def __init__(self, scores: dict[tuple[str, str], dict[str, float]], threshold: float = 0.5):
        self.threshold, self.meta, self.per_sentence = threshold, {}, None
        self.ungrounded_threshold: float | None = None
        self.scores = scores
        self.seen: list[PairInput] = []

    def predict(self, pairs: Any) -> list[dict[str, float]]:
        self.seen.extend(pairs)
        return [self.scores.get((p.source.cameo_code, p.target.cameo_code), {}) for p in pairs]


def _stage(model: DyadModel) -> EventStage:
    stage = EventStage(learned=False)
    stage.dyad = model
    return stage


def _code(nlp: Any, stage: EventStage, text: str, actors: dict[str, str]) -> Any:
    document = make_document(nlp, text, actors)
    stage.process([document])
    return document


def test_a_predicted_root_becomes_an_event_triggered_by_a_word_that_can_code_it(nlp: Any) -> None:
    # the rules code nothing here; the model (scripted) reads criticism, violence and aid
    text = "The Chilean minister faces questions over his attack on the Peruvian government."
    actors = {"The Chilean minister": "CHLGOV", "the Peruvian government": "PERGOV"}
    assert not _code(nlp, EventStage(learned=False), text, actors).events
    model = ScriptedModel({("CHLGOV", "PERGOV"): {"11": 0.9, "19": 0.9, "07": 0.9}})
    document = _code(nlp, _stage(model), text, actors)
    found = {
        (e.source.cameo_code, e.cameo_code, e.target.cameo_code, e.trigger) for e in document.events
    }
    # "attack" can code criticism (111) and violence (190); no word of the sentence can
    # code aid (07), so that prediction makes no event
    assert found == {("CHLGOV", "111", "PERGOV", "attack"), ("CHLGOV", "190", "PERGOV", "attack")}
    # `inspect --candidates` lists them with the rules' candidates
    trace: list[Any] = []
    _stage(model).code_document(document, trace=trace)
    assert {(c.trigger, c.code, c.rule_id) for c in trace if c.outcome == "coded"} == {
        ("attack", "111", "learned:dyad"),
        ("attack", "190", "learned:dyad"),
    }
    for event in document.events:
        assert event.rule_id == "learned:dyad"
        span = event.evidence["trigger"]
        assert span is not None and text[span.start : span.end] == "attack"
        assert event.date.value == "2017-04-03" and event.modality == "asserted"


def test_a_root_no_word_can_code_needs_the_higher_threshold_and_the_joining_word(
    nlp: Any,
) -> None:
    text = "The Chilean minister faces questions over his attack on the Peruvian government."
    actors = {"The Chilean minister": "CHLGOV", "the Peruvian government": "PERGOV"}
    model = ScriptedModel({("CHLGOV", "PERGOV"): {"07": 0.6}})
    # no word of the sentence can code aid (07): without an ungrounded threshold, no event
    assert not _code(nlp, _stage(model), text, actors).events
    model.ungrounded_threshold = 0.7
    assert not _code(nlp, _stage(model), text, actors).events
    model.ungrounded_threshold = 0.5
    document = _code(nlp, _stage(model), text, actors)
    # the event hangs on the word that joins the two actors (here the verb both hang from)
    assert [(e.source.cameo_code, e.cameo_code, e.target.cameo_code) for e in document.events] == [
        ("CHLGOV", "070", "PERGOV")
    ]
    assert document.events[0].trigger == "faces"


def test_readings_are_chosen_by_probability_one_per_key_within_the_cap() -> None:
    a, b, c = ("CHL", "PER", "11"), ("CHL", "PER", "19"), ("PER", "CHL", "11")
    readings = [
        (0.9, 0, a, True),
        (0.8, 1, a, True),  # the same key again: kept once
        (0.6, 2, b, False),  # no word codes it
        (0.5, 3, c, True),
        (0.1, 4, c, True),  # below the threshold
    ]
    assert [k for _, _, k in rank_readings(readings, 0.2, None, None)] == [a, c]
    assert [k for _, _, k in rank_readings(readings, 0.2, 0.5, None)] == [a, b, c]
    assert [k for _, _, k in rank_readings(readings, 0.2, 0.7, None)] == [a, c]
    assert [k for _, _, k in rank_readings(readings, 0.2, 0.5, 2)] == [a, b]
    # of equal probability, the earlier pair
    tied = [(0.5, 1, b, True), (0.5, 0, a, True)]
    assert [k for _, _, k in rank_readings(tied, 0.2, None, 1)] == [a]


def test_the_features_say_who_is_who(nlp: Any) -> None:
    document = make_document(
        nlp,
        "Chile accused Peru of spying.",
        {"Chile": "CHL", "Peru": "PER"},
    )
    sent = next(iter(document.spacy_doc.sents))
    pairs = sentence_pairs(document.spacy_doc, 0, sent, document.mentions, ())
    by_direction = {(p.source.cameo_code, p.target.cameo_code): p for p in pairs}
    assert set(by_direction) == {("CHL", "PER"), ("PER", "CHL")}
    forward = set(by_direction[("CHL", "PER")].features)
    backward = set(by_direction[("PER", "CHL")].features)
    assert {"ra_nsubj", "rb_dobj", "lca_accuse", "s_accuse"} <= forward
    assert {"ra_dobj", "rb_nsubj"} <= backward
    # the same input gives the same features (the model was trained on this function)
    again = sentence_pairs(document.spacy_doc, 0, sent, document.mentions, ())
    assert [p.features for p in again] == [p.features for p in pairs]


def test_a_party_that_only_says_where_or_is_its_own_country_is_dropped(nlp: Any) -> None:
    model = ScriptedModel(
        {
            ("JPNGOV", "PER"): {"04": 0.9},
            ("JPNGOV", "JPN"): {"04": 0.9},
            ("JPNGOV", "CHNGOV"): {"04": 0.9},
        }
    )
    document = _code(
        nlp,
        _stage(model),
        "Japan's prime minister met the Chinese president in Lima, Peru.",
        {
            "Japan": "JPN",
            "prime minister": "JPNGOV",
            "the Chinese president": "CHNGOV",
            "Peru": "PER",
        },
    )
    learned = {
        (e.source.cameo_code, e.target.cameo_code)
        for e in document.events
        if e.rule_id == "learned:dyad"
    }
    assert ("JPNGOV", "PER") not in learned
    assert ("JPNGOV", "JPN") not in learned


def test_a_word_the_rules_coded_between_two_parties_is_not_read_again(nlp: Any) -> None:
    text = "Chile accused Peru of lying."
    actors = {"Chile": "CHL", "Peru": "PER"}
    rules = _code(nlp, EventStage(learned=False), text, actors)
    assert {(e.source.cameo_code, e.cameo_root, e.target.cameo_code) for e in rules.events} == {
        ("CHL", "11", "PER")
    }
    model = ScriptedModel({("CHL", "PER"): {"11": 0.9, "12": 0.9}, ("PER", "CHL"): {"11": 0.9}})
    both = _code(nlp, _stage(model), text, actors)
    # the rules' 111 stands; "accused" is not read again between Chile and Peru, in
    # either direction, whatever root the model gives
    assert [e.rule_id for e in both.events] == [e.rule_id for e in rules.events]


def test_the_rules_alone_when_asked() -> None:
    assert EventStage(learned=False).dyad is None


def _training_script() -> Any:
    spec = importlib.util.spec_from_file_location("train_dyad_model", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_dyad_model"] = module
    spec.loader.exec_module(module)
    return module


def test_the_training_script_trains_a_model_the_stage_loads(tmp_path: Path) -> None:
    script = _training_script()
    examples = [
        {"features": ("lca_meet", "ra_nsubj", "rb_pobj"), "roots": ["04"]},
        {"features": ("lca_accuse", "ra_nsubj", "rb_dobj"), "roots": ["11"]},
        {"features": ("lca_say", "ra_nsubj"), "roots": []},
    ] * 30
    model = script.train(examples)
    model.to_disk(tmp_path / "dyad", exclude=["vocab", "tokenizer"])
    (tmp_path / "dyad" / "dyad.json").write_text('{"threshold": 0.5}', encoding="utf-8")
    loaded = load_dyad_model(tmp_path / "dyad")
    assert loaded is not None
    probs = script.predict([model], examples[:3])
    assert probs[0]["04"] > 0.5 > probs[2]["04"]
    assert probs[1]["11"] > 0.5
    # several trainings with their own seeds, stored side by side and averaged
    members = script.train_members(examples, 2)
    for directory, member in zip(member_dirs(tmp_path / "pair", 2), members, strict=True):
        directory.mkdir(parents=True)
        member.to_disk(directory, exclude=["vocab", "tokenizer"])
    (tmp_path / "pair" / "dyad.json").write_text(
        '{"threshold": 0.5, "members": 2}', encoding="utf-8"
    )
    pair = load_dyad_model(tmp_path / "pair")
    assert pair is not None
    one = script.predict(members[:1], examples[:3])
    both = script.predict(members, examples[:3])
    assert both[0]["04"] > 0.5 > both[2]["04"]
    assert one[0]["04"] != both[0]["04"]  # the seeds differ, and the mean is taken


def test_the_shipped_model_is_there_and_says_how_it_was_chosen() -> None:
    assert (MODEL_DIR / "dyad.json").exists()
    model = load_dyad_model()
    assert model is not None
    assert 0.0 < model.threshold < 1.0
    assert model.meta["cross_validation"]["pooled_f1_by_setting"]
    assert model.per_sentence is None or model.per_sentence >= 1
    # no vocabulary is shipped: no words of the training stories are stored
    assert not (MODEL_DIR / "vocab").exists()


def test_so_called_is_a_label_not_an_event_word(nlp: Any) -> None:
    doc = nlp("Iran held talks with the so-called P5+1 group. Iran called the United States.")
    called = [t for t in doc if t.lower_ == "called"]
    assert [so_called(t) for t in called] == [True, False]
    stage = EventStage(learned=False)
    assert stage.best_match(called[0]) is None
    assert stage.best_match(called[1]) is not None


def test_a_learned_event_told_with_a_modal_takes_the_modality_of_what_was_said(
    nlp: Any,
) -> None:
    # the model chose the root; `learned-stance` reads the modality its trigger's modal gives:
    # a speech act is asserted whatever the tense of its content, another act announced with
    # "would" in reported speech is planned, and one under "if" (or "would have") stays
    # possible
    from types import SimpleNamespace

    from dateline.events.engine import _learned_stance
    from dateline.events.modality import trigger_modality

    stage = EventStage(learned=False)

    def modality(text: str, trigger: str, code: str) -> str:
        doc = nlp(text)
        token = next(t for t in doc if t.text == trigger)
        found, cue = trigger_modality(token, stage.patterns.embedding)
        draft = SimpleNamespace(
            modality=found, cue=cue, code=code, anchor=token, stage=stage, timex=None, date=None
        )
        assert _learned_stance(draft)  # type: ignore[arg-type]
        return str(draft.modality)

    assert modality("Both countries will work to promote close cooperation.", "promote", "030") == (
        "asserted"
    )
    assert modality("He will always live in the hearts of the people.", "live", "051") == "asserted"
    # the saying itself still to come
    assert modality("Biden will later address the public.", "address", "130") == "planned"
    said = "Rudenko said that Lavrov would pay a working visit to Minsk on June 19."
    assert modality(said, "pay", "042") == "planned"
    assert (
        modality(
            "The conference would be attended by African leaders, they said.", "attended", "042"
        )
        == "planned"
    )
    assert (
        modality("Lavrov would visit Minsk if the talks resumed, he said.", "visit", "042")
        == "possible"
    )
    assert modality("Lavrov would have visited Minsk, he said.", "visited", "042") == "possible"
    # a "would" no one reports is a hypothetical
    assert modality("The order would ban refugees.", "ban", "172") == "possible"


def test_a_learned_event_gives_one_event_for_each_member_of_a_list(nlp: Any) -> None:
    # the rules code nothing here; the model scores one pair of the list, each sender is coded
    text = "Messages to Kim Jong Il from Peru, Vietnam and Sweden were adopted at the meeting."
    actors = {"Kim Jong Il": "PRKGOV", "Peru": "PER", "Vietnam": "VNM", "Sweden": "SWE"}
    assert not _code(nlp, EventStage(learned=False), text, actors).events
    model = ScriptedModel({("VNM", "PRKGOV"): {"05": 0.9}}, threshold=0.5)
    model.ungrounded_threshold = 0.5
    document = _code(nlp, _stage(model), text, actors)
    found = {(e.source.cameo_code, e.cameo_code[:2], e.target.cameo_code) for e in document.events}
    assert found == {("PER", "05", "PRKGOV"), ("VNM", "05", "PRKGOV"), ("SWE", "05", "PRKGOV")}


def test_a_list_that_holds_both_sides_is_not_multiplied(nlp: Any) -> None:
    text = "Indonesia, Singapore and Thailand faced questions on Monday."
    actors = {"Indonesia": "IDN", "Singapore": "SGP", "Thailand": "THA"}
    assert not _code(nlp, EventStage(learned=False), text, actors).events
    model = ScriptedModel({("IDN", "THA"): {"07": 0.9}}, threshold=0.5)
    model.ungrounded_threshold = 0.5
    document = _code(nlp, _stage(model), text, actors)
    assert [(e.source.cameo_code, e.target.cameo_code) for e in document.events] == [("IDN", "THA")]
