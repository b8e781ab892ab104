"""Ordered stages over `Document` batches, checked when the pipeline is built.

A stage is any object with `name`, `requires`, `provides` and
`process(batch) -> batch`. Knowledge (rules, dictionaries, models) is given to
a stage when it is constructed, so `process` reads nothing global.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from dateline.errors import PipelineOrderError
from dateline.records import Document

__all__ = ["Pipeline", "Stage"]


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: frozenset[str]
    provides: frozenset[str]

    def process(self, batch: list[Document]) -> list[Document]: ...


class Pipeline:
    """Runs stages in order over batches of documents.

    Building a pipeline fails with E001 when a stage requires something no
    earlier stage provides, so a mis-ordered pipeline never runs half-way.
    """

    def __init__(self, stages: Sequence[Stage], batch_size: int = 32) -> None:
        available = {"article"}
        for stage in stages:
            missing = set(stage.requires) - available
            if missing:
                raise PipelineOrderError(
                    f"stage {stage.name!r} requires {sorted(missing)} but the stages before it "
                    f"provide only {sorted(available)}; put a stage that provides them first."
                )
            available |= set(stage.provides)
        self.stages = tuple(stages)
        self.batch_size = batch_size
        self.provides = frozenset(available)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def process(self, batch: list[Document]) -> list[Document]:
        for stage in self.stages:
            batch = stage.process(batch)
            for document in batch:
                document.provided |= stage.provides
        return batch

    def run(
        self,
        documents: Iterable[Document],
        on_batch: Callable[[list[Document]], None] | None = None,
    ) -> Iterator[Document]:
        """Process documents in batches; `on_batch` sees each finished batch."""
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= self.batch_size:
                done = self.process(batch)
                if on_batch:
                    on_batch(done)
                yield from done
                batch = []
        if batch:
            done = self.process(batch)
            if on_batch:
                on_batch(done)
            yield from done
