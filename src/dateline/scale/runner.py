"""`code_on_dask`: the same stages per partition on Dask workers, merged into the store here."""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dateline.errors import DatelineError, ScaleError
from dateline.guard import TimeBudget
from dateline.ingest.common import MAX_STORY_CHARS
from dateline.records import SCHEMA_VERSION, Article
from dateline.rules_version import rules_version
from dateline.run import Run, RunSummary, build_pipeline, new_run_id
from dateline.scale.shards import SavedShard, Shard, WorkDir

if TYPE_CHECKING:
    from distributed import Client, Future

    from dateline.pipeline import Pipeline
    from dateline.store import Store

__all__ = ["ScaleSummary", "code_on_dask", "dask_client"]


@dataclass
class ScaleSummary(RunSummary):
    """A run's counts (as `code_inputs` reports them) and what happened to its shards."""

    workers: int = 0
    partitions: int = 0  # sent to workers by this run
    saved: int = 0  # shards received and saved in the work dir
    merged: int = 0  # shards merged into the store, resumed ones included
    resumed: int = 0  # shards an earlier, killed run had saved and this run merged
    stale: int = 0  # saved shards left alone: coded by other rules or another schema
    work_dir: Path | None = None


@contextmanager
def dask_client(scheduler: str, timeout: str = "20s") -> Iterator[Client]:
    """A client for ``tcp://host:port`` (a running scheduler) or ``local:N``.

    ``local:N`` starts a LocalCluster of N worker processes with one thread each
    (the spaCy pipeline runs one batch at a time) and stops it on exit.
    """
    _require_dask()
    from distributed import Client, LocalCluster

    if scheduler.startswith("local:"):
        count = scheduler.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise ScaleError(f"--dask {scheduler!r}: say how many workers, as in local:2")
        cluster = LocalCluster(
            n_workers=int(count),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, ValueError) as exc:
        raise ScaleError(
            f"cannot reach the Dask scheduler {scheduler!r}: {exc}. Start one with"
            " `dask scheduler` and give its address (tcp://host:8786), or use local:N"
        ) from exc
    with client:
        yield client


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ScaleError(
            "Dask is not installed: pip install 'dateline[scale]' (./install.sh does)"
        ) from exc


def _default_work_dir(store: Store) -> Path | None:
    return None if store.path == ":memory:" else Path(f"{store.path}.dask")


def code_on_dask(
    inputs: Sequence[str | Path],
    store: Store,
    client: Client | str,
    rejects_path: str | Path = "rejects.jsonl",
    partition_size: int = 64,
    work_dir: str | Path | None = None,
    force: bool = False,
    stdin: TextIO | None = None,
    on_progress: Callable[[ScaleSummary], None] | None = None,
    pipeline_factory: Callable[[], Pipeline] | None = None,
    batch_size: int = 32,
    keep_shards: bool = False,
    max_queued: int | None = None,
    max_chars: int = MAX_STORY_CHARS,
    budget: TimeBudget | None = TimeBudget(),  # noqa: B008 - frozen, so one default is safe
) -> ScaleSummary:
    """Read the inputs here, code partitions of them on Dask workers, merge the shards here.

    `client` is a `distributed.Client` or a scheduler spec for `dask_client`
    (``tcp://host:8786``, ``local:N``). Reading and rejects happen in this
    process, as with `code_inputs`: unreadable records go to `rejects_path`.
    Articles already stored with the same content and rules are skipped unless
    `force`. Each worker builds its pipeline once with `pipeline_factory` (a
    picklable callable; default: the standard stages with `batch_size`).

    Every shard is saved under `work_dir` (default: ``<database>.dask``) before
    it is merged into the store in one transaction; merging a shard twice adds
    nothing. A run killed at any point can be started again: shards it saved
    are merged first, stored articles are skipped, the rest is coded. Merged
    shards are removed unless `keep_shards`. At most `max_queued` partitions
    (default: four per worker) are out at once, so memory stays bounded.
    Workers code under `budget` as `code_inputs` does: a story a stage fails
    on is a reject, the rest of its partition is stored. Stories longer than
    `max_chars` are rejected as too long.
    """
    if partition_size < 1:
        raise ScaleError(f"partition_size must be at least 1, not {partition_size}")
    _require_dask()
    if isinstance(client, str):
        with dask_client(client) as opened:
            return code_on_dask(
                inputs, store, opened, rejects_path, partition_size, work_dir, force, stdin,
                on_progress, pipeline_factory, batch_size, keep_shards, max_queued,
                max_chars, budget,
            )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dateline-dask-") as scratch:
        folder = Path(work_dir) if work_dir is not None else _default_work_dir(store)
        return _Run(
            store=store,
            client=client,
            work=WorkDir(folder if folder is not None else Path(scratch, "work")),
            factory=pipeline_factory or partial(build_pipeline, batch_size=batch_size),
            partition_size=partition_size,
            force=force,
            keep_shards=keep_shards,
            max_queued=max_queued,
            on_progress=on_progress,
            max_chars=max_chars,
            budget=budget,
        ).run(inputs, Path(rejects_path), stdin)


class _Run:
    """One call of `code_on_dask`: its queue of partitions, its shards and its summary."""

    def __init__(
        self,
        store: Store,
        client: Client,
        work: WorkDir,
        factory: Callable[[], Pipeline],
        partition_size: int,
        force: bool,
        keep_shards: bool,
        max_queued: int | None,
        on_progress: Callable[[ScaleSummary], None] | None,
        max_chars: int = MAX_STORY_CHARS,
        budget: TimeBudget | None = None,
    ) -> None:
        self.store, self.client, self.work = store, client, work
        self.factory = factory
        self.partition_size, self.force, self.keep_shards = partition_size, force, keep_shards
        self.max_queued = max_queued
        self.on_progress = on_progress
        self.max_chars, self.budget = max_chars, budget
        self.protocol: Run | None = None
        self.version = rules_version()
        self.summary = ScaleSummary(run_id=new_run_id(), work_dir=work.path)
        # Partitions in submission order; each is (name, future, saved shard).
        self.queue: deque[tuple[str, Future | None, SavedShard | None]] = deque()

    # -- the run --------------------------------------------------------------
    def run(
        self, inputs: Sequence[str | Path], rejects_path: Path, stdin: TextIO | None
    ) -> ScaleSummary:
        from dateline.ingest import read_inputs

        summary = self.summary
        self.work.clean()
        run = self.protocol = Run(self.store, inputs, rejects_path, summary)
        status = "failed"
        try:
            self._resume()
            plugin_name = self._start_workers()
            pending: list[Article] = []
            for item in read_inputs(list(inputs), stdin=stdin, max_chars=self.max_chars):
                article = run.take(item)
                if article is not None:
                    pending.append(article)
                    if len(pending) >= self.partition_size:
                        self._submit(plugin_name, pending)
                        pending = []
                self._collect(block=False)
                self._progress()
            self._submit(plugin_name, pending)
            while self.queue:
                self._collect(block=True)
            status = "finished"
            self.work.remove_if_empty()
        finally:
            for _, future, _ in self.queue:
                if future is not None:
                    future.cancel()
            run.finish(status)
        return summary

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.summary)

    def _resume(self) -> None:
        """Merge what a killed run saved but did not merge, before deciding what to code."""
        for shard in list(self.work.unmerged()):
            if shard.rules_version != self.version or shard.schema_version != SCHEMA_VERSION:
                self.summary.stale += 1
                continue
            # Its articles count as skipped when they are read below, not as coded.
            self._merge(shard, resumed=True)

    def _start_workers(self) -> str:
        from dateline.scale.worker import PipelinePlugin

        plugin = PipelinePlugin(self.factory, self.version)
        try:
            self.client.register_plugin(plugin, name=plugin.name)
        except DatelineError as exc:
            raise ScaleError(f"a worker could not build the pipeline: {exc}") from exc
        except Exception as exc:  # whatever a worker raised, said with the run's error code
            raise ScaleError(
                f"a worker could not build the pipeline ({type(exc).__name__}: {exc}); every"
                " worker needs dateline and the model installed (see docs/scale.md)"
            ) from exc
        self.summary.workers = len(self.client.scheduler_info().get("workers", {}))
        return plugin.name

    def _submit(self, plugin_name: str, articles: list[Article]) -> None:
        from dateline.scale.worker import code_partition

        assert self.protocol is not None
        todo = self.protocol.to_code(articles, self.force)
        if not todo:
            return
        name = f"{self.summary.run_id}-{self.summary.partitions:06d}"
        future = self.client.submit(
            code_partition, plugin_name, todo, self.budget, key=f"dateline-{name}"
        )
        self.queue.append((name, future, None))
        self.summary.partitions += 1
        limit = self.max_queued or 4 * max(self.summary.workers, 1)
        while len(self.queue) > limit:
            self._collect(block=True)

    def _collect(self, block: bool) -> None:
        """Save every finished shard at once; merge saved shards in submission order.

        Merging in order keeps the store the same as a single-process run's
        even where two stories share an event (the later one wins, as there).
        """
        if block and self.queue and self.queue[0][2] is None:
            from distributed import wait

            head = self.queue[0][1]
            assert head is not None
            wait([head])
        for index, (name, future, saved) in enumerate(self.queue):
            if saved is None and future is not None and future.done():
                self.queue[index] = (name, None, self._save(name, future))
        while self.queue and self.queue[0][2] is not None:
            saved = self.queue.popleft()[2]
            assert saved is not None
            self._merge(saved)

    def _save(self, name: str, future: Future) -> SavedShard:
        try:
            shard = future.result()
        except DatelineError as exc:
            raise ScaleError(f"partition {name} failed on a worker: {exc}") from exc
        except Exception as exc:
            raise ScaleError(
                f"partition {name} failed on a worker ({type(exc).__name__}: {exc})"
            ) from exc
        if not isinstance(shard, Shard):
            raise ScaleError(f"partition {name}: a worker returned {type(shard).__name__}")
        if shard.rules_version != self.version or shard.schema_version != SCHEMA_VERSION:
            raise ScaleError(
                f"a worker coded with rules {shard.rules_version} (schema"
                f" {shard.schema_version}), this process has {self.version} (schema"
                f" {SCHEMA_VERSION}): install the same dateline on the workers as here"
            )
        saved = self.work.save(name, shard)
        future.release()
        self.summary.saved += 1
        self._progress()
        return saved

    def _merge(self, shard: SavedShard, resumed: bool = False) -> None:
        documents = shard.documents()
        assert self.protocol is not None
        if resumed:
            # A killed run's shard: its articles count as skipped when read again, and its
            # failed stories were not stored: they are read, coded and rejected again.
            self.store.write(documents, self.summary.run_id, self.version)
            self.summary.resumed += 1
        else:
            self.protocol.write(documents, list(shard.rejects))
            self.summary.coded += len(documents)
        self.work.mark_merged(shard, self.keep_shards)
        self.summary.merged += 1
        self._progress()
