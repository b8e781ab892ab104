"""A story can fail, the run cannot: every stage runs under a guard and a time budget.

`code_guarded` runs a batch through the pipeline's stages. If a stage raises,
or runs past the batch's time budget, the batch is coded again one story at a
time, each story under its own budget; a story that still fails becomes a
`Reject` naming its file, line, the stage and what went wrong, and every
other story of the batch is coded as usual. When nothing fails (the normal
case) the batch is coded exactly once, as `Pipeline.process` would.

The time budget is enforced by raising `StageTimeout` in the coding thread
from a watchdog thread (`deadline`). That works in the main thread, in worker
processes and in Dask's worker threads alike; it takes effect when the stage
next runs Python code, so a stage stuck inside one call into C is abandoned
only when that call returns.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from dateline.pipeline import Pipeline
from dateline.records import Article, Document, Reject

__all__ = [
    "StageTimeout",
    "TimeBudget",
    "WorkerDied",
    "code_guarded",
    "deadline",
    "reject_for_article",
]


class StageTimeout(BaseException):
    """Raised in the coding thread when a stage runs past its budget.

    A BaseException, so a stage's own ``except Exception`` cannot swallow it."""


class WorkerDied(Exception):
    """The worker process coding a story died (killed, out of memory, a crash in C)."""


@dataclass(frozen=True)
class TimeBudget:
    """Seconds a stage may spend on a story: `base` plus `per_1000_chars` for
    every 1,000 characters of its text.

    The defaults are ~30 times what the slowest stage (the spaCy parse, ~36 ms
    per 1,000 characters on 2 cores) needs, so only a stage that hangs runs
    out; a batch is given one `base` plus the allowance for all its text.
    """

    base: float = 20.0
    per_1000_chars: float = 1.0

    def for_story(self, article: Article) -> float:
        return self.base + self.per_1000_chars * len(article.text) / 1000

    def for_batch(self, articles: Sequence[Article]) -> float:
        return self.base + self.per_1000_chars * sum(len(a.text) for a in articles) / 1000


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise `StageTimeout` in this thread if the block runs past `seconds`."""
    if seconds is None:
        yield
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if state["done"]:
                return
            state["fired"] = True
            _raise_in(target, StageTimeout)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:
                # Fired, but perhaps not yet delivered: take it back so it cannot
                # surface later in code that is not under this deadline.
                _raise_in(target, None)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


class _StageFailed(Exception):
    def __init__(self, stage: str, cause: BaseException, seconds: float | None) -> None:
        super().__init__(stage)
        self.stage, self.cause, self.seconds = stage, cause, seconds


def _process(pipeline: Pipeline, batch: list[Document], seconds: float | None) -> list[Document]:
    """`Pipeline.process`, each stage under `deadline(seconds)`, naming the stage that fails."""
    for stage in pipeline.stages:
        try:
            with deadline(seconds):
                batch = stage.process(batch)
        except (Exception, StageTimeout) as exc:
            raise _StageFailed(stage.name, exc, seconds) from exc
        for document in batch:
            document.provided |= stage.provides
    return batch


def code_guarded(
    pipeline: Pipeline, articles: Sequence[Article], budget: TimeBudget | None = None
) -> tuple[list[Document], list[Reject]]:
    """Code `articles`; return the finished documents and a reject for each story
    that failed (in input order). `budget` None: no time limit."""
    if not articles:
        return [], []
    batch_seconds = budget.for_batch(articles) if budget else None
    try:
        return _process(pipeline, [Document(article=a) for a in articles], batch_seconds), []
    except _StageFailed as failed:
        if len(articles) == 1:  # its own budget is the batch's: no need to code it again
            return [], [reject_for_article(articles[0], failed.stage, failed.cause, failed.seconds)]
    documents: list[Document] = []
    rejects: list[Reject] = []
    for article in articles:
        seconds = budget.for_story(article) if budget else None
        try:
            documents += _process(pipeline, [Document(article=article)], seconds)
        except _StageFailed as failed:
            rejects.append(reject_for_article(article, failed.stage, failed.cause, failed.seconds))
    return documents, rejects


def reject_for_article(
    article: Article, stage: str, cause: BaseException, seconds: float | None = None
) -> Reject:
    """A reject for a story a stage could not code, at the story's place in its input."""
    file, line = _place(article.origin)
    if isinstance(cause, WorkerDied):
        reason = (
            "coding failed: the worker process coding this story died (killed, out of memory,"
            f" or a crash in native code: {cause}); it was not coded, the rest of the run went on"
        )
    elif isinstance(cause, StageTimeout):
        reason = (
            f"too slow: the {stage} stage ran past its budget of {seconds or 0:.0f} s on this"
            f" story of {len(article.text):,} characters and was stopped; the rest of the run"
            " went on (raise --stage-timeout, or split the story)"
        )
    else:
        detail = str(cause).splitlines()[0][:200] if str(cause) else ""
        reason = (
            f"coding failed: the {stage} stage raised {type(cause).__name__}"
            f"{f' ({detail})' if detail else ''} on this story; it was not coded, the rest of"
            " the run went on (please report it with this line)"
        )
    return Reject(
        file=file,
        line=line,
        reason=reason,
        record=None,
        excerpt=_excerpt(article),
    )


def _place(origin: str) -> tuple[str, int | None]:
    file, _, line = origin.rpartition(":")
    if file and line.isdigit():
        return file, int(line)
    return origin, None


def _excerpt(article: Article) -> str:
    from dateline.ingest.common import excerpt_of

    return excerpt_of(f"{article.id}: {article.title or article.text}")
