"""Throughput of Dask (LocalCluster, 2 workers) against `--processes 2` and one process, one run.

    python benchmarks/bench_scale.py [--corpus PATH] [--limit 500] [--workers 2]

Takes the first `--limit` stories of Reuters-21578 (from ../shared by
default), writes them to one JSON Lines file so every configuration reads the
same input, and codes it into a fresh database three ways:

- one process (`code_inputs`, the pipeline built in this process);
- `--processes N` (`code_inputs(processes=N)`, a spawn pool);
- Dask (`code_on_dask` on a LocalCluster of N worker processes, one thread each).

"cold" times include loading the model (and starting the cluster); "warm"
times code the same stories again with `force` on the already built pipeline
or cluster, which is what a long-lived cluster costs per run. Each
configuration must store the same number of events. Nothing is asserted about
speed: the numbers are for reading and for docs/scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from dateline.records import Article
from dateline.run import build_pipeline, code_inputs
from dateline.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "news" / "reuters21578"


def _write_stories(corpus: Path, limit: int, target: Path) -> int:
    from dateline.ingest import read_inputs

    articles = list(islice((a for a in read_inputs([corpus]) if isinstance(a, Article)), limit))
    with target.open("w", encoding="utf-8") as handle:
        for article in articles:
            record = {
                "id": article.id,
                "date": article.date.isoformat(),
                "title": article.title,
                "text": article.text,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(articles)


def _timed(run: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    events = run()
    return time.perf_counter() - started, events


def main() -> None:
    from distributed import Client, LocalCluster

    from dateline.scale import code_on_dask

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--partition-size", type=int, default=64)
    args = parser.parse_args()
    n = args.workers

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp)
        stories = folder / "stories.jsonl"
        count = _write_stories(args.corpus, args.limit, stories)
        chars = sum(len(json.loads(line)["text"]) for line in stories.open(encoding="utf-8"))
        rejects = folder / "rejects.jsonl"
        rows: list[tuple[str, float, int]] = []

        # One process: the model loaded here, then coded; then coded again, warm.
        with open_store(folder / "one.duckdb") as store:
            started = time.perf_counter()
            pipeline = build_pipeline(batch_size=args.batch_size)
            load = time.perf_counter() - started
            seconds, events = _timed(
                lambda: code_inputs([stories], store, rejects, pipeline=pipeline).events
            )
            rows.append(("1 process, cold", load + seconds, events))
            seconds, events = _timed(
                lambda: code_inputs([stories], store, rejects, pipeline=pipeline, force=True).events
            )
            rows.append(("1 process, warm", seconds, events))

        # A spawn pool: every run starts its workers and loads the model in each.
        with open_store(folder / "pool.duckdb") as store:
            seconds, events = _timed(
                lambda: (
                    code_inputs(
                        [stories], store, rejects, processes=n, batch_size=args.batch_size
                    ).events
                )
            )
            rows.append((f"--processes {n}, cold", seconds, events))

        # Dask: start the cluster, code (each worker builds its pipeline), code again warm.
        started = time.perf_counter()
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        cluster_start = time.perf_counter() - started
        work = folder / "shards"
        try:
            with open_store(folder / "dask.duckdb") as store:

                def dask_run(force: bool) -> int:
                    return code_on_dask(
                        [stories],
                        store,
                        client,
                        rejects,
                        partition_size=args.partition_size,
                        work_dir=work,
                        force=force,
                        batch_size=args.batch_size,
                        keep_shards=force,
                    ).events

                seconds, events = _timed(lambda: dask_run(False))
                rows.append((f"Dask local:{n}, cold", cluster_start + seconds, events))
                seconds, events = _timed(lambda: dask_run(True))
                rows.append((f"Dask local:{n}, warm", seconds, events))
        finally:
            client.close()
            cluster.close()
        shard_bytes = sum(p.stat().st_size for p in work.rglob("*.parquet"))
        shards = len(list(work.glob("shards/*")))

    cores = os.cpu_count()
    print(
        f"{count} Reuters-21578 stories ({chars:,} characters) from {args.corpus}; "
        f"{cores} cores, load average {os.getloadavg()[0]:.2f} at the end; one run"
    )
    print(f"partitions of {args.partition_size} stories; spaCy batches of {args.batch_size}")
    base_cold = rows[0][1]
    base_warm = rows[1][1]
    print(f"{'configuration':<22} {'seconds':>8} {'stories/s':>10} {'vs 1 process':>13} events")
    for name, seconds, events in rows:
        base = base_warm if "warm" in name else base_cold
        print(f"{name:<22} {seconds:8.1f} {count / seconds:10.1f} {base / seconds:12.2f}x {events}")
    if len({events for _, _, events in rows}) != 1:
        print("WARNING: the configurations stored different numbers of events")
    if shards:
        print(
            f"Dask shards: {shards}, {shard_bytes / shards / 1024:.0f} KiB each on average "
            f"(articles + events Parquet)"
        )


if __name__ == "__main__":
    main()
