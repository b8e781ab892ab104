"""Build documents by hand: a parse plus mentions, places and time expressions
named in a test, so engine tests do not depend on the other stages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dateline.records import ActorMention, Article, Document, Place, Sentence, TimeExpr

REPORT_DATE = dt.date(2017, 4, 3)


def make_document(
    nlp: Any,
    text: str,
    actors: Mapping[str, str | None],
    places: Mapping[str, str] | None = None,
    timexes: Sequence[Mapping[str, Any]] = (),
    date: dt.date = REPORT_DATE,
) -> Document:
    doc = nlp(text)
    document = Document(article=Article(id="test", date=date, text=text), spacy_doc=doc)
    document.sentences = tuple(
        Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)
    )
    mentions: list[ActorMention] = []
    for name, code in actors.items():
        for found in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
            assert span is not None
            mentions.append(
                ActorMention(
                    id=f"m{len(mentions)}",
                    start=found.start(),
                    end=found.end(),
                    text=name,
                    name=name,
                    cameo_code=code or "",
                    sentence_index=0,
                    country=(code or "")[:3] or None,
                    head=span.root.idx,
                )
            )
    document.mentions = tuple(mentions)
    place_records: list[Place] = []
    for name, country in (places or {}).items():
        for found in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            place_records.append(
                Place(
                    id=f"p{len(place_records)}",
                    start=found.start(),
                    end=found.end(),
                    text=name,
                    name=name,
                    sentence_index=0,
                    country=country,
                )
            )
    document.places = tuple(place_records)
    timex_records: list[TimeExpr] = []
    for spec in timexes:
        start = text.index(spec["text"])
        governor_word = spec["governor"]
        governor = text.index(governor_word)
        timex_records.append(
            TimeExpr(
                id=f"t{len(timex_records)}",
                start=start,
                end=start + len(spec["text"]),
                text=spec["text"],
                type="DATE",
                value=spec["value"],
                precision=spec.get("precision", "day"),
                sentence_index=0,
                start_date=spec.get("start_date"),
                end_date=spec.get("end_date"),
                governor=governor,
            )
        )
    document.timexes = tuple(timex_records)
    document.provided |= {"spacy_doc", "sentences", "timexes", "mentions", "places"}
    return document


def triples(document: Document) -> set[tuple[str, str | None, str]]:
    return {
        (e.source.cameo_code, e.target.cameo_code if e.target else None, e.cameo_code)
        for e in document.events
    }
