"""Running the stages over inputs: in memory (`code_articles`) or into a store (`code_inputs`)."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dateline.guard import TimeBudget, WorkerDied, code_guarded, reject_for_article
from dateline.ingest.common import MAX_STORY_CHARS
from dateline.pipeline import Pipeline
from dateline.records import Article, Document, Reject, record_to_dict
from dateline.rules_version import rules_version

if TYPE_CHECKING:
    from spacy.language import Language

    from dateline.ingest.web import WebReader
    from dateline.store import Store

__all__ = [
    "RejectsFile",
    "Run",
    "RunSummary",
    "TimeBudget",
    "build_pipeline",
    "code_articles",
    "code_inputs",
    "new_run_id",
]


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
    """What a run did with every record of its inputs.

    Every record read is either an article (`read`) or a reject (`rejected`);
    every article is then `coded`, `skipped` (already stored with the same text
    and rules) or `failed` (a stage raised or ran out of time on it: a reject
    too, written with the others). So ``read == coded + skipped + failed``, and
    the rejects file holds ``rejected + failed`` lines.
    """

    run_id: str
    read: int = 0
    coded: int = 0
    skipped: int = 0
    rejected: int = 0
    failed: int = 0
    events: int = 0
    rejects_by_reason: Counter[str] = field(default_factory=Counter)
    rejects_path: Path | None = None
    article_ids: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def take(self, item: Article | Reject, rejects: RejectsFile) -> Article | None:
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

    def fail(self, failures: list[Reject], rejects: RejectsFile) -> None:
        """Count stories a stage could not code, and write their rejects."""
        for reject in failures:
            self.failed += 1
            self.rejects_by_reason[reject.reason.split(":")[0]] += 1
            rejects.write(reject)

    @property
    def records(self) -> int:
        """Records read from the inputs: articles and rejects."""
        return self.read + self.rejected

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "coded": self.coded,
            "skipped": self.skipped,
            # The runs table has one column for every reject written.
            "rejected": self.rejected + self.failed,
            "failed": self.failed,
            "events": self.events,
        }


class RejectsFile:
    """Opened on the first reject, so a clean run leaves no empty file behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: TextIO | None = None
        if path.exists():  # a stale file from an earlier run would mislead
            path.unlink()

    def write(self, reject: Reject) -> None:
        if self.handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # backslashreplace: a name or reason with a lone surrogate is written
            # escaped rather than stopping the run.
            self.handle = self.path.open("w", encoding="utf-8", errors="backslashreplace")
        self.handle.write(json.dumps(record_to_dict(reject), ensure_ascii=False) + "\n")
        self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


# One pipeline per worker process, built once by the pool's initializer: a
# module global because that is the only state a process pool hands its tasks.
_WORKER_PIPELINE: Pipeline | None = None


def new_run_id() -> str:
    """A run's id: when it started, and a random suffix."""
    return f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


class Run:
    """The protocol every run follows, in one process, worker processes or on Dask: it is
    started in the store's runs table with the rules version, takes each record read
    (an article, or a reject written to the rejects file), skips articles already stored
    with the same text and rules, writes coded batches with the stories that failed, and
    is finished with its counts and status (`finished`, `interrupted` or `failed`)."""

    def __init__(
        self,
        store: Store,
        inputs: Sequence[str | Path],
        rejects_path: str | Path,
        summary: RunSummary,
    ) -> None:
        self.store, self.summary = store, summary
        self.version = rules_version()
        self.rejects = RejectsFile(Path(rejects_path))
        summary.rejects_path = self.rejects.path
        store.start_run(summary.run_id, [str(i) for i in inputs], self.version)

    def take(self, item: Article | Reject) -> Article | None:
        """Count one record read; a reject is written, an article handed back."""
        return self.summary.take(item, self.rejects)

    def to_code(self, articles: list[Article], force: bool) -> list[Article]:
        """The articles not already stored with the same text and rules (all with `force`)."""
        skip = set() if force else self.store.already_coded(articles, self.version)
        todo = [article for article in articles if article.id not in skip]
        self.summary.skipped += len(articles) - len(todo)
        return todo

    def write(self, documents: list[Document], failures: Sequence[Reject]) -> int:
        """Store a coded batch (one transaction) and reject the stories that failed."""
        self.summary.fail(list(failures), self.rejects)
        events = self.store.write(documents, self.summary.run_id, self.version)
        self.summary.events += events
        return events

    def finish(self, status: str) -> None:
        self.rejects.close()
        self.store.finish_run(self.summary.run_id, self.summary.counts(), status)
        if self.rejects.handle is None:
            self.summary.rejects_path = None


def _start_worker(factory: Callable[[], Pipeline], parent: int | None = None) -> None:
    global _WORKER_PIPELINE
    if parent is not None:
        die_with_parent(parent)
    _WORKER_PIPELINE = factory()


def _code_in_worker(
    articles: list[Article], budget: TimeBudget | None
) -> tuple[list[Document], list[Reject]]:
    assert _WORKER_PIPELINE is not None, "worker started without a pipeline"
    documents, failures = code_guarded(_WORKER_PIPELINE, articles, budget)
    for document in documents:
        document.spacy_doc = None  # the parse stays in the worker; records travel back
    return documents, failures


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this worker process end when `parent` does, however the parent ends.

    On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG);
    everywhere a daemon thread checks the parent once a second as well. Without
    this a worker of a killed run lives on, blocked writing a result nobody reads.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the thread below still watches
            pass
    if os.getppid() != parent:  # the parent died before we could ask
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="dateline-parent-watch", daemon=True).start()


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
    max_chars: int = MAX_STORY_CHARS,
    budget: TimeBudget | None = TimeBudget(),  # noqa: B008 - frozen, so one default is safe
) -> RunSummary:
    """Read, code and store every article of the inputs.

    Articles already stored with the same content and rules are skipped unless
    `force`; each batch is written in one transaction, so a crashed run can
    simply be run again. Unreadable records go to `rejects_path`, and so does
    a story a stage fails on or that runs past `budget` (`dateline.guard`):
    the rest of its batch is stored and the run goes on. Stories longer than
    `max_chars` characters are rejected as too long.

    With `processes` > 1, batches are coded in that many worker processes,
    each building its pipeline with `pipeline_factory` (a picklable callable;
    default: the standard stages); this process reads and writes the store.
    The workers end with this process, however it ends.

    URL inputs are fetched by `web` (see `dateline.ingest.web.WebReader`).
    """
    from collections import deque
    from functools import partial

    from dateline.ingest import read_inputs

    workers: _Workers | None = None
    in_flight: deque[tuple[list[Article], Future[tuple[list[Document], list[Reject]]]]] = deque()
    if processes > 1:
        factory = pipeline_factory or partial(build_pipeline, batch_size=batch_size)
        workers = _Workers(processes, factory, budget)
    else:
        pipeline = (
            pipeline or (pipeline_factory or partial(build_pipeline, batch_size=batch_size))()
        )
    summary = RunSummary(run_id=new_run_id())
    run = Run(store, inputs, rejects_path, summary)
    pending: list[Article] = []
    size = pipeline.batch_size if pipeline is not None else batch_size

    def store_batch(coded: tuple[list[Document], list[Reject]]) -> None:
        documents, failures = coded
        run.write(documents, failures)
        summary.coded += len(documents)
        if keep_documents:
            summary.documents.extend(documents)

    def flush(drain: bool = False) -> None:
        # Ingest rejects a repeated id within a run, so ids in `pending` are unique.
        todo = run.to_code(pending, force)
        if todo and workers is not None:
            in_flight.append((todo, workers.submit(todo)))
        elif todo and pipeline is not None:
            store_batch(code_guarded(pipeline, todo, budget))
        pending.clear()
        # Two batches queued per worker keep them busy while this process writes.
        while in_flight and (drain or len(in_flight) > 2 * processes):
            assert workers is not None
            store_batch(workers.result(*in_flight.popleft()))

    status = "failed"
    try:
        for item in read_inputs(list(inputs), stdin=stdin, web=web, max_chars=max_chars):
            article = run.take(item)
            if article is not None:
                pending.append(article)
                if len(pending) >= size:
                    flush()
            if on_progress:
                on_progress(summary)
        flush(drain=True)
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if workers is not None:
            workers.close(wait=status == "finished")
        run.finish(status)
    return summary


class _Workers:
    """The worker processes of a run, and what to do when one of them dies.

    A worker killed while coding (the kernel's out-of-memory killer, a crash in
    native code) breaks the whole pool. The pool is then started again and the
    batches it held are coded again story by story, so the story the worker died
    on is found: it becomes a `coding failed` reject and the run goes on.
    """

    def __init__(
        self, processes: int, factory: Callable[[], Pipeline], budget: TimeBudget | None
    ) -> None:
        self.processes, self.factory, self.budget = processes, factory, budget
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent holds a DuckDB connection and its threads.
        return ProcessPoolExecutor(
            self.processes,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.factory, os.getpid()),
        )

    def submit(self, articles: list[Article]) -> Future[tuple[list[Document], list[Reject]]]:
        return self.pool.submit(_code_in_worker, articles, self.budget)

    def result(
        self, articles: list[Article], future: Future[tuple[list[Document], list[Reject]]]
    ) -> tuple[list[Document], list[Reject]]:
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        documents: list[Document] = []
        failures: list[Reject] = []
        for article in articles:  # one at a time, each in a pool that works
            self._restart_if_broken()
            try:
                done, failed = self.submit([article]).result()
            except BrokenProcessPool as exc:
                done, failed = [], [reject_for_article(article, "worker", WorkerDied(str(exc)))]
            documents += done
            failures += failed
        return documents, failures

    def _restart_if_broken(self) -> None:
        if getattr(self.pool, "_broken", False):
            self.close(wait=False)
            self.pool = self._start()

    def close(self, wait: bool) -> None:
        if not wait:  # a failed or interrupted run: do not wait for batches nobody stores
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    process.kill()
        self.pool.shutdown(wait=wait, cancel_futures=True)
