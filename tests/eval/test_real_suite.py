"""The real-news events suite (evalsets/real) end to end, with floors just below the figures
measured (docs/evaluation.md). The test split is never scored here.

The rules' floors are measured with the rules alone (the learned dyad coder off): the dev
splits are the learned coder's training data, so with it they are in-sample figures, kept
as a floor of their own that says the shipped model loads and adds what it did when
trained. What the learned coder is worth on stories it never saw is its cross-validation
(`dyad.json`, checked below), the fresh look at dev4 before it was trained on, and the test
split scored once a session."""

from __future__ import annotations

from typing import Any

import pytest

from dateline.errors import EvalDataError
from dateline.eval import EvalReport
from dateline.eval.real import (
    REAL_DIR,
    SPLITS,
    agreement,
    evaluate_real,
    gold_file,
    load_corpus,
)

pytestmark = [pytest.mark.model, pytest.mark.corpus]


@pytest.fixture(scope="module")
def dev_report(nlp: Any, shared_data: Any) -> EvalReport:
    from dateline.run import build_pipeline

    return evaluate_real("dev", pipeline=_rules_alone(build_pipeline(nlp=nlp)))


def _rules_alone(pipeline: Any) -> Any:
    pipeline.stages[-1].dyad = None
    return pipeline


# measured 2026-12-06 (fourth session; the rules alone, unchanged in the fifth; sixth: F1
# 0.378, P 0.597, R 0.276 with the speaker coreference) on the 100 dev stories (634 gold events); first
# session's start: F1 0.162, P 0.410, R 0.101; first session's end: F1 0.234, P 0.450;
# second session's end: F1 0.315, P 0.558, date lenient 0.730 (0.442 off the story day);
# third session's end: F1 0.351, P 0.602, date lenient 0.84 (0.71)
FLOORS = {
    "f1": 0.36,  # measured 0.373
    "precision": 0.59,  # measured 0.612
    "recall": 0.25,  # measured 0.268
    "modality": 0.96,  # measured 0.976
    "date_lenient": 0.85,  # measured 0.867
    "date_lenient_off_story_day": 0.75,  # measured 0.774
}
# the second blind batch (60 stories, 454 scored gold events), first scored in the third
# session before any change (F1 0.276), then developed on beside dev (third session's end
# 0.299)
DEV2_FLOORS = {
    "f1": 0.32,  # measured 0.332
    "precision": 0.53,  # measured 0.563; 0.537 at the eleventh session's end, where actors
    # the stage now finds (a title's country, a seat, a backer dropped) gave three wrong rule
    # events a source (self-directed 180/1712 acts, "seized power" told in passing)
    "recall": 0.22,  # measured 0.236
    "date_lenient": 0.90,  # measured 0.906 (0.918 in the thirteenth session, 0.937 before the
    # seventh session's actor fixes: each changed which events match, a figure over matched
    # events only)
}
# the third blind batch (40 stories, 314 gold events), drawn and annotated at the fourth
# session's end and scored as a fresh check: 0.255 (the session's start code: 0.251); then
# developed on beside dev and dev2
DEV3_FLOORS = {
    "f1": 0.28,  # measured 0.293
    "precision": 0.48,  # measured 0.500
    "recall": 0.19,  # measured 0.207
    "date_lenient": 0.90,  # measured 0.915
}


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(metric: str, dev_report: EvalReport) -> None:
    assert dev_report.metrics[metric] >= FLOORS[metric], dev_report.details[:5]


@pytest.fixture(scope="module")
def blind_batch_reports(nlp: Any, shared_data: Any) -> dict[str, EvalReport]:
    """dev2 and dev3 scored once each, on first use, with one pipeline."""
    from dateline.run import build_pipeline

    pipeline = _rules_alone(build_pipeline(nlp=nlp))
    return {split: evaluate_real(split, pipeline=pipeline) for split in ("dev2", "dev3")}


BATCH_FLOORS = [
    *(("dev2", metric, floor) for metric, floor in sorted(DEV2_FLOORS.items())),
    *(("dev3", metric, floor) for metric, floor in sorted(DEV3_FLOORS.items())),
]


@pytest.mark.parametrize(("split", "metric", "floor"), BATCH_FLOORS)
def test_blind_batch_floor(
    split: str, metric: str, floor: float, blind_batch_reports: dict[str, EvalReport]
) -> None:
    report = blind_batch_reports[split]
    assert report.metrics[metric] >= floor, report.details[:5]


# With the learned dyad coder, on all eight development splits (520 stories, 3,016 gold
# events), which are its training data: in-sample (measured 2026-12-06, seventh session,
# retrained after that session's actor fixes, with roots no word codes kept above 0.3; the
# sixth session measured 0.406, P 0.548, R 0.322; in-sample figures flatter the model:
# cross-validated it is 0.349)
# eighth session: pairs with the actors a sentence implies, retrained: 0.547, P 0.639, R 0.478
# (cross-validated 0.358); tenth session, retrained after the dating and modality changes:
# 0.544, P 0.621, R 0.483, and on the matched events date lenient 0.860 (0.735 on the 539 not
# dated to the story's day; 0.836 and 0.689 at the session's start), modality 0.919; then
# with the IGO names and heads, retrained: 0.548, P 0.622, R 0.489, dates 0.858 (0.730),
# modality 0.924
# twelfth session, retrained after its rule changes and with the words that judge a party:
# 0.564, P 0.644, R 0.501, dates 0.848 (0.719), modality 0.923 (eleventh: 0.556, P 0.636)
# thirteenth session, retrained after its rule changes (a state's force needs a target;
# learned-stance; strikes; verdict words): 0.572, P 0.666, R 0.501, dates 0.850 (0.726),
# modality 0.939 (pooled cross-validation 0.3744)
LEARNED_FLOORS = {
    # fourteenth session: trained also on dev11 … dev13, one learned event a sentence at 0.15
    # (in-sample on dev … dev8 lower than the thirteenth's 0.572 at two a sentence; dev9 +
    # dev10, never trained on, 0.331 against 0.324 at the old setting)
    # fifteenth session, retrained after its actor changes at the same setting: 0.529, P 0.660,
    # R 0.442; then as the average of three trainings with their own seeds (the seed had moved
    # the cross-validated F1 by 0.005): 0.529, P 0.656, R 0.443, dates 0.865 (0.753),
    # modality 0.939
    # sixteenth session, trained also on dev14 … dev18 (ungrounded 0.3): 0.533, P 0.658,
    # R 0.448, dates 0.867 (0.755), modality 0.936
    # seventeenth session, retrained after its trigger codes: 0.537, P 0.669, R 0.449, dates
    # 0.867 (0.754), modality 0.936
    # nineteenth session, trained also on dev19 … dev22 (1,460 stories, twenty folds) after its
    # trigger codes: 0.545, P 0.663, R 0.462, dates 0.867 (0.754), modality 0.927 (the rules'
    # new readings of greetings, ties and statements move a few matched events' modality)
    "f1": 0.53,  # measured 0.545 (0.537 in the seventeenth)
    "precision": 0.66,  # measured 0.663 (0.669 in the seventeenth)
    "recall": 0.44,  # measured 0.449
    "date_lenient": 0.855,  # measured 0.867 (over 1,351 matched events; 0.852 before a lead's
    # list of days dated the acts told after it)
    "date_lenient_off_story_day": 0.745,  # measured 0.755 (0.727 before that)
    "modality": 0.92,  # measured 0.927 (0.936 in the seventeenth)
}


@pytest.fixture(scope="module")
def learned_report(nlp: Any, shared_data: Any) -> EvalReport:
    from dateline.run import build_pipeline

    return evaluate_real("dev,dev2,dev3,dev4,dev5,dev6,dev7,dev8", pipeline=build_pipeline(nlp=nlp))


@pytest.mark.parametrize("metric", sorted(LEARNED_FLOORS))
def test_learned_floor(metric: str, learned_report: EvalReport) -> None:
    assert learned_report.metrics[metric] >= LEARNED_FLOORS[metric], learned_report.details[:5]


def test_the_shipped_dyad_model_won_its_cross_validation(shared_data: Any) -> None:
    """The model in the package says what it was trained on, and in leave-one-split-out
    cross-validation at its threshold it beat the rules alone on every held-out split."""
    from dateline.events.learned import load_dyad_model

    model = load_dyad_model()
    assert model is not None
    meta = model.meta
    # every annotated development split but dev9 and dev10, kept out as fresh checks of
    # the model (a batch drawn but not yet annotated has no gold to train on)
    annotated = {s.split for s in load_corpus(REAL_DIR) if gold_file(s.article.id).exists()}
    assert set(meta["trained_on"]) == annotated - {"dev9", "dev10", "test"}
    folds = meta["cross_validation"]["folds"]
    assert set(folds) == set(meta["trained_on"])
    setting = (
        f"{model.threshold}/{model.per_sentence or 'all'}/{model.ungrounded_threshold or 'none'}"
    )
    for fold in folds.values():
        assert fold["with_model"][setting] > fold["rules_only"]


def test_the_corpus_is_what_the_issue_asks(shared_data: Any) -> None:
    stories = load_corpus(REAL_DIR)
    assert len(stories) >= 150
    # the issue's corpus, the first draw (dev and test, 150 stories), is a third modern or
    # more; the later batches kept that share until the 200 modern stories ran out (dev9);
    # the Reuters/KCNA batches after it (dev10 … dev18: the sources where the stage is
    # weakest, and training data for the learned coder) leave every modern story in; the
    # batches drawn while modern stories were left, with test, stay a third modern
    first = [s for s in stories if s.split in ("dev", "test")]
    assert len(first) >= 150
    assert sum(s.source == "modern" for s in first) >= len(first) / 3
    assert sum(s.source == "modern" for s in stories) == 200
    early_splits = {"dev", *(f"dev{n}" for n in range(2, 10)), "test"}
    early = [s for s in stories if s.split in early_splits]
    assert sum(s.source == "modern" for s in early) >= len(early) / 3
    later = [s for s in stories if s.split not in early_splits]
    assert all(s.source in ("reuters", "kcna") for s in later)
    assert {s.split for s in stories} == set(SPLITS)
    assert sum(s.double for s in stories) >= 30


def test_agreement_is_the_human_ceiling(shared_data: Any) -> None:
    report = agreement()
    assert report.metrics["stories"] >= 30
    assert report.metrics["f1"] >= 0.85  # two blind annotations agree; dateline is far below


def test_agreement_of_some_splits(shared_data: Any) -> None:
    doubles = {s: sum(x.double for x in load_corpus(REAL_DIR, splits=(s,))) for s in SPLITS}
    assert agreement("dev9").metrics["stories"] == doubles["dev9"]
    joined = agreement("dev7,dev8").metrics["stories"]
    assert joined == doubles["dev7"] + doubles["dev8"]
    with pytest.raises(EvalDataError, match="unknown split"):
        agreement("dev99")


class _FailsOn:
    """The events stage, raising on one story as a broken rule would."""

    def __init__(self, stage: Any, story_id: str) -> None:
        self.stage, self.story_id = stage, story_id
        self.name, self.requires, self.provides = stage.name, stage.requires, stage.provides

    def process(self, batch: list[Any]) -> list[Any]:
        if any(d.article.id == self.story_id for d in batch):
            raise RuntimeError("a broken rule")
        return self.stage.process(batch)  # type: ignore[no-any-return]


def test_a_story_the_pipeline_fails_on_is_reported_not_fatal(
    nlp: Any, shared_data: Any, dev_report: EvalReport
) -> None:
    from dateline.pipeline import Pipeline
    from dateline.run import build_pipeline

    stages = _rules_alone(build_pipeline(nlp=nlp)).stages  # as dev_report was scored
    story_id = load_corpus(REAL_DIR, splits=("dev",))[0].article.id
    broken = Pipeline([*stages[:-1], _FailsOn(stages[-1], story_id)])
    report = evaluate_real("dev", pipeline=broken)
    assert report.metrics["failed_stories"] == 1
    assert report.details[0].startswith(f"failed   {story_id}: ")
    assert "a broken rule" in report.details[0]
    # its gold events count as missed; the other stories are scored as usual
    assert report.metrics["gold"] == dev_report.metrics["gold"]
    assert report.metrics["recall"] <= dev_report.metrics["recall"]


def test_the_report_splits_the_score_by_source(dev_report: EvalReport) -> None:
    for source in ("modern", "reuters", "kcna"):
        assert 0.0 < dev_report.metrics[f"{source}.f1"] <= 1.0
