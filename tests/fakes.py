"""Hand-made records and a model-free stage for store and runner tests."""

from __future__ import annotations

import datetime as dt
import hashlib

from dateline.pipeline import Pipeline
from dateline.records import Article, Document, Event, EventActor, EventDate, EventLocation, Span


def make_article(n: int, text: str | None = None) -> Article:
    return Article(
        id=f"a{n}",
        date=dt.date(2017, 4, 3),
        text=text or f"Story number {n}. Japan met China.",
        title=f"title {n}",
        origin=f"fake:{n}",
    )


def make_event(article: Article, k: int, modality: str = "asserted") -> Event:
    event_id = hashlib.sha1(f"{article.id}:{k}".encode()).hexdigest()[:16]
    return Event(
        event_id=event_id,
        article_id=article.id,
        sentence_index=k,
        sentence=article.text,
        trigger="met",
        source=EventActor(text="Japan", name="Japan", cameo_code="JPNGOV", country="JPN", sector="GOV", span=Span(0, 5)),
        target=EventActor(text="China", name="China", cameo_code="CHN", country="CHN"),
        cameo_code="040",
        cameo_root="04",
        cameo_name="Consult, not specified below",
        goldstein=1.0,
        quad_class=1,
        modality=modality,
        date=EventDate(
            value="2016-11", precision="month", basis="text",
            start=dt.date(2016, 11, 1), end=dt.date(2016, 11, 30), text="November",
        ),
        report_date=article.date,
        plover_event="CONSULT",
        location=EventLocation(text="Lima", name="Lima", country="PER", lat=-12.04, lon=-77.03),
        evidence={"trigger": Span(3, 6), "source": Span(0, 5), "target": None},
        rule_id="test.meet",
        rules_version="test",
    )  # fmt: skip


class FakeEventStage:
    """Two events per article, derived from its id: deterministic and model-free."""

    name = "events"
    requires = frozenset({"article"})
    provides = frozenset({"events"})

    def process(self, batch: list[Document]) -> list[Document]:
        for document in batch:
            document.events = (
                make_event(document.article, 0),
                make_event(document.article, 1, "planned"),
            )
        return batch


def fake_pipeline() -> Pipeline:
    """A picklable pipeline factory for worker-process tests."""
    return Pipeline([FakeEventStage()], batch_size=4)
