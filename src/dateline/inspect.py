"""Everything every stage found in one story, as plain data (for `dateline inspect`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dateline.records import Document, record_to_dict

__all__ = ["inspect_document"]


def inspect_document(
    document: Document,
    explain_rule: Callable[[str], str] | None = None,
    candidates: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """The article, its sentences and each stage's records, JSON-ready.

    Tokens are included per sentence (text, lemma, tag, dependency, head) so a
    reader can see the parse an event pattern matched or missed;
    `explain_rule` turns an event's `rule_id` into the pattern as written;
    `candidates` (the events stage's trace) lists every candidate trigger and, for each
    one dropped, the step that dropped it.
    """
    article = document.article
    sentences: list[dict[str, Any]] = []
    doc = document.spacy_doc
    for sentence in document.sentences:
        entry: dict[str, Any] = record_to_dict(sentence)
        if doc is not None:
            span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            if span is not None:
                entry["tokens"] = [
                    {
                        "i": token.i - span.start,
                        "text": token.text,
                        "lemma": token.lemma_,
                        "tag": token.tag_,
                        "dep": token.dep_,
                        "head": token.head.i - span.start,
                        "ent": token.ent_type_ or None,
                    }
                    for token in span
                ]
        sentences.append(entry)
    return {
        "article": {
            "id": article.id,
            "date": article.date.isoformat(),
            "title": article.title,
            "source": article.source,
            "url": article.url,
            "origin": article.origin,
            "chars": len(article.text),
        },
        "stages": sorted(document.provided),
        "sentences": sentences,
        "timexes": [record_to_dict(t) for t in document.timexes],
        "mentions": [record_to_dict(m) for m in document.mentions],
        "places": [record_to_dict(p) for p in document.places],
        "events": [_event_entry(event.to_dict(), explain_rule) for event in document.events],
        "candidates": [record_to_dict(c) for c in candidates or ()],
    }


def _event_entry(
    event: dict[str, Any], explain_rule: Callable[[str], str] | None
) -> dict[str, Any]:
    if explain_rule is not None:
        event["rule"] = explain_rule(event["rule_id"])
    return event
