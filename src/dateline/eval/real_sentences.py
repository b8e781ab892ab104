"""The real-news gold read one sentence at a time: a development stand-in for the
single-sentence gold sets (root-level triple F1, PLOVER type accuracy).

Each sentence of a split's stories where the gold records an event between actors the
sentence itself names is coded alone, as its own story with the story's date, and scored by
the same §7 matcher as whole stories (EVENTS.md). Events whose source or target is a
pronoun or an implicit actor ("he (Keita)", "(the government)") are left out of the gold:
read alone, the sentence does not say who they are, and a coder of single sentences would
not code them. Sentences without such an event are not in the set.

PLOVER type accuracy: the share of the sentences where dateline's first event (in the order
it codes them) has a PLOVER type one of the sentence's gold events has; a sentence where
dateline codes nothing counts as wrong.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.eval import EvalReport
from dateline.eval.real import (
    GOLD_DIR,
    REAL_DIR,
    Coded,
    _read_gold,
    gold_file,
    gold_items,
    gold_stories,
    match_story,
    score_matches,
    system_items,
)
from dateline.records import Article

if TYPE_CHECKING:
    from dateline.pipeline import Pipeline

__all__ = ["evaluate_real_sentences", "named_in_sentence"]

# Words a gold actor's text opens with when the sentence does not name it.
_REFERRING = frozenset(
    {"he", "she", "him", "his", "her", "it", "its", "they", "them", "their", "we", "our", "us"}
    | {"i", "my", "me"}
)


def named_in_sentence(actor: dict[str, Any] | None) -> bool:
    """Whether a gold actor is named by the sentence itself (or absent): not a pronoun
    with its antecedent in parentheses, not an implicit actor in parentheses."""
    if not actor or not str(actor.get("text") or "").strip():
        return True
    text = str(actor["text"]).strip()
    return not text.startswith("(") and text.split()[0].lower() not in _REFERRING


def evaluate_real_sentences(
    split: str = "dev",
    pipeline: Pipeline | None = None,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = REAL_DIR,
) -> EvalReport:
    """Code every gold sentence of the split alone and score it (module docstring)."""
    from dateline.guard import code_guarded
    from dateline.run import build_pipeline

    stories = gold_stories(split, gold_dir, corpus_dir)
    articles: list[Article] = []
    gold: dict[str, list[Coded]] = {}
    source_of: dict[str, str] = {}
    for story in stories:
        record = _read_gold(gold_file(story.article.id, gold_dir=gold_dir))
        text = story.article.text
        for event, item in zip(record.get("events", []), gold_items(record, text), strict=True):
            if not (
                named_in_sentence(event.get("source")) and named_in_sentence(event.get("target"))
            ):
                continue
            start, end = int(event["sentence_start"]), int(event["sentence_end"])
            sentence_id = f"{story.article.id}@{start}"
            if sentence_id not in gold:
                gold[sentence_id] = []
                source_of[sentence_id] = story.source
                articles.append(
                    Article(id=sentence_id, date=story.article.date, text=text[start:end])
                )
            gold[sentence_id].append(dataclasses.replace(item, story=sentence_id, sentence_index=0))
    pipeline = pipeline or build_pipeline()
    coded, _rejects = code_guarded(pipeline, articles)
    documents = {d.article.id: d for d in coded}
    matches = []
    typed = 0
    for article in articles:
        document = documents.get(article.id)
        system = (
            [dataclasses.replace(i, sentence_index=0) for i in system_items(document)]
            if document is not None
            else []
        )
        matches.append((match_story(gold[article.id], system, {0: article.text}), article.date))
        types = {item.plover for item in gold[article.id] if item.plover}
        if document is not None and document.events and document.events[0].plover_event in types:
            typed += 1
    report = score_matches(
        matches, f"events on real sentences read alone ({split}, {len(articles)} sentences)"
    )
    report.metrics["sentences"] = float(len(articles))
    report.metrics["plover_type_accuracy"] = round(typed / len(articles), 3) if articles else 0.0
    for source in sorted(set(source_of.values())):
        part = [
            m for m, article in zip(matches, articles, strict=True)
            if source_of[article.id] == source
        ]  # fmt: skip
        by_source = score_matches(part, source).metrics
        for name in ("precision", "recall", "f1"):
            report.metrics[f"{source}.{name}"] = by_source[name]
    return report
