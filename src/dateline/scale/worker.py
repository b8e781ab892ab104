"""What runs on a Dask worker: one pipeline per worker process, one shard per partition."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from dateline.guard import TimeBudget, code_guarded
from dateline.records import Article, Document, Reject
from dateline.rules_version import rules_version
from dateline.scale.shards import Shard, shard_from_documents

if TYPE_CHECKING:
    from dateline.pipeline import Pipeline

__all__ = ["PipelinePlugin", "code_partition", "plugin_name"]


def plugin_name(factory: Callable[[], Pipeline], rules: str) -> str:
    """A name per pipeline factory and rules version.

    A long-lived worker keeps the pipeline it built for a name; a client with
    other rules (dateline updated since the worker started) gets a new one.
    """
    import cloudpickle

    digest = hashlib.sha1(cloudpickle.dumps(factory) + rules.encode()).hexdigest()[:12]
    return f"dateline-pipeline-{digest}"


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline once when a worker starts (or joins later), not per task.

    Registered under `plugin_name(factory)` and idempotent: a second client
    with the same factory (a re-run on the same cluster) reuses the pipeline
    the worker already holds instead of loading the model again.
    """

    idempotent = True

    def __init__(self, factory: Callable[[], Pipeline], rules: str) -> None:
        self.factory = factory
        self.name = plugin_name(factory, rules)
        self.pipeline: Pipeline | None = None
        self.rules_version = ""
        # A worker may run several tasks at once in threads; the spaCy pipeline
        # is not made for that, so tasks take turns (run workers with one thread).
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"factory": self.factory, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["factory"], "")  # type: ignore[misc]
        self.name = state["name"]

    def setup(self, worker: Any) -> None:
        # A worker outlives runs: the rules on disk may have changed since this
        # process first hashed them, and the pipeline about to be built reads them now.
        rules_version.cache_clear()
        self.pipeline = self.factory()
        self.rules_version = rules_version()


def code_partition(name: str, articles: list[Article], budget: TimeBudget | None = None) -> Shard:
    """Code one partition with this worker's pipeline and return it as a shard.

    Batch by batch under `dateline.guard`, as a one-process run codes: a story a
    stage fails on becomes a reject in the shard, the rest is coded."""
    plugin = get_worker().plugins[name]
    assert isinstance(plugin, PipelinePlugin) and plugin.pipeline is not None
    pipeline = plugin.pipeline
    documents: list[Document] = []
    rejects: list[Reject] = []
    with plugin.lock:
        for start in range(0, len(articles), pipeline.batch_size):
            done, failed = code_guarded(
                pipeline, articles[start : start + pipeline.batch_size], budget
            )
            _drop_parses(done)
            documents += done
            rejects += failed
    return shard_from_documents(documents, plugin.rules_version, rejects)


def _drop_parses(batch: list[Document]) -> None:
    # A partition may be many spaCy batches; only the records are kept and sent back.
    for document in batch:
        document.spacy_doc = None
