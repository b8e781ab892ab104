"""Running the stages over inputs: in memory (`code_articles`) or into a store (`code_inputs`)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dateline.pipeline import Pipeline
from dateline.records import Article, Document, Reject, record_to_dict
from dateline.rules_version import rules_version

if TYPE_CHECKING:
    from spacy.language import Language

    from dateline.ingest.web import WebReader
    from dateline.store import Store

__all__ = ["RunSummary", "build_pipeline", "code_articles", "code_inputs"]


def build_pipeline(
    nlp: Language | None = None,
    batch_size: int = 32,
    actor_knowledge: Any = None,
    stages: Sequence[str] = ("nlp", "time", "actors", "places", "events"),
) -> Pipeline:
    """The standard stages, each loading its knowledge once.

    `actor_knowledge` replaces the packaged actor dictionaries (the PETRARCH
    validation suite uses its own fictional ones).
    """
    from dateline.actors import ActorStage
    from dateline.events import EventStage
    from dateline.nlp import NlpStage
    from dateline.places import PlaceStage
    from dateline.time import TimeStage

    factories: dict[str, Callable[[], Any]] = {
        "nlp": lambda: NlpStage(nlp, batch_size=batch_size),
        "time": TimeStage,
        "actors": lambda: ActorStage(actor_knowledge),
        "places": PlaceStage,
        "events": EventStage,
    }
    pipeline = Pipeline([factories[name]() for name in stages], batch_size=batch_size)
    # The stages' knowledge is millions of long-lived objects; without this the
    # garbage collector walks them again and again while documents are coded
    # (measured: the events stage drops from ~17% to ~7% of the parse).
    gc.collect()
    gc.freeze()
    return pipeline


def code_articles(articles: Iterable[Article], pipeline: Pipeline | None = None) -> list[Document]:
    """Run every stage over the articles and return the finished documents."""
    pipeline = pipeline or build_pipeline()
    return list(pipeline.run(Document(article=article) for article in articles))


@dataclass
class RunSummary:
    run_id: str
    read: int = 0
    coded: int = 0
    skipped: int = 0
    rejected: int = 0
    events: int = 0
    rejects_by_reason: Counter[str] = field(default_factory=Counter)
    rejects_path: Path | None = None
    article_ids: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def take(self, item: Article | Reject, rejects: _RejectsFile) -> Article | None:
        """Count one record read from the inputs: a reject is written to the rejects
        file and counted by reason; an article is counted and handed back."""
        if isinstance(item, Reject):
            self.rejected += 1
            self.rejects_by_reason[item.reason.split(":")[0]] += 1
            rejects.write(item)
            return None
        self.read += 1
        self.article_ids.append(item.id)
        return item

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "coded": self.coded,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "events": self.events,
        }


class _RejectsFile:
    """Opened on the first reject, so a clean run leaves no empty file behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: TextIO | None = None
        if path.exists():  # a stale file from an earlier run would mislead
            path.unlink()

    def write(self, reject: Reject) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.path.open("w", encoding="utf-8")
        self.handle.write(json.dumps(record_to_dict(reject), ensure_ascii=False) + "\n")
        self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


# One pipeline per worker process, built once by the pool's initializer: a
# module global because that is the only state a process pool hands its tasks.
_WORKER_PIPELINE: Pipeline | None = None


def _start_worker(factory: Callable[[], Pipeline]) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = factory()


def _code_in_worker(articles: list[Article]) -> list[Document]:
    assert _WORKER_PIPELINE is not None, "worker started without a pipeline"
    documents = _WORKER_PIPELINE.process([Document(article=article) for article in articles])
    for document in documents:
        document.spacy_doc = None  # the parse stays in the worker; records travel back
    return documents


def code_inputs(
    inputs: Sequence[str | Path],
    store: Store,
    rejects_path: str | Path = "rejects.jsonl",
    pipeline: Pipeline | None = None,
    force: bool = False,
    keep_documents: bool = False,
    stdin: TextIO | None = None,
    on_progress: Callable[[RunSummary], None] | None = None,
    processes: int = 1,
    pipeline_factory: Callable[[], Pipeline] | None = None,
    batch_size: int = 32,
    web: WebReader | None = None,
) -> RunSummary:
    """Read, code and store every article of the inputs.

    Articles already stored with the same content and rules are skipped unless
    `force`; each batch is written in one transaction, so a crashed run can
    simply be run again. Unreadable records go to `rejects_path`.

    With `processes` > 1, batches are coded in that many worker processes,
    each building its pipeline with `pipeline_factory` (a picklable callable;
    default: the standard stages); this process reads and writes the store.

    URL inputs are fetched by `web` (see `dateline.ingest.web.WebReader`).
    """
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from functools import partial
    from multiprocessing import get_context

    from dateline.ingest import read_inputs

    executor: ProcessPoolExecutor | None = None
    in_flight: deque[Future[list[Document]]] = deque()
    if processes > 1:
        factory = pipeline_factory or partial(build_pipeline, batch_size=batch_size)
        # spawn, not fork: the parent holds a DuckDB connection and its threads.
        executor = ProcessPoolExecutor(
            processes,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(factory,),
        )
    else:
        pipeline = (
            pipeline or (pipeline_factory or partial(build_pipeline, batch_size=batch_size))()
        )
    version = rules_version()
    summary = RunSummary(run_id=f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
    rejects = _RejectsFile(Path(rejects_path))
    summary.rejects_path = rejects.path
    store.start_run(summary.run_id, [str(i) for i in inputs], version)
    pending: list[Article] = []
    size = pipeline.batch_size if pipeline is not None else batch_size

    def store_batch(documents: list[Document]) -> None:
        summary.events += store.write(documents, summary.run_id, version)
        summary.coded += len(documents)
        if keep_documents:
            summary.documents.extend(documents)

    def flush(drain: bool = False) -> None:
        skip = set() if force else store.already_coded(pending, version)
        # Ingest rejects a repeated id within a run, so ids in `pending` are unique.
        todo = [article for article in pending if article.id not in skip]
        summary.skipped += len(pending) - len(todo)
        if todo and executor is not None:
            in_flight.append(executor.submit(_code_in_worker, todo))
        elif todo and pipeline is not None:
            store_batch(pipeline.process([Document(article=article) for article in todo]))
        pending.clear()
        # Two batches queued per worker keep them busy while this process writes.
        while in_flight and (drain or len(in_flight) > 2 * processes):
            store_batch(in_flight.popleft().result())

    status = "failed"
    try:
        for item in read_inputs(list(inputs), stdin=stdin, web=web):
            article = summary.take(item, rejects)
            if article is not None:
                pending.append(article)
                if len(pending) >= size:
                    flush()
            if on_progress:
                on_progress(summary)
        flush(drain=True)
        status = "finished"
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
        rejects.close()
        store.finish_run(summary.run_id, summary.counts(), status)
        if rejects.handle is None:
            summary.rejects_path = None
    return summary
