"""Fusion time against the coding time of the same stories, in one run.

    python benchmarks/bench_fusion.py [--corpus PATH ...] [--limit 2000] [--db PATH]

Codes real stories (KCNA 2011-01..03 by default, from ../shared) into a fresh
database, timing it; then fuses them from scratch, again (nothing new: the
idempotent re-run), and incrementally: the first 90% of the stories are coded
and fused, then the last 10% are added and fused. The incremental clusters are
compared with the from-scratch ones. Nothing is asserted: the numbers are for
reading and for docs/fusion.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from dateline.fuse import fuse_store
from dateline.run import build_pipeline, code_inputs
from dateline.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
KCNA = ROOT.parent / "shared" / "data" / "news" / "kcna" / "stories"
DEFAULT = [KCNA / f"kcna_2011-0{month}.jsonl" for month in (1, 2, 3)]


def _partition(store: Store) -> set[frozenset[str]]:
    rows = store.connection.execute(
        "SELECT fused_id, list(event_id) FROM fused_members GROUP BY fused_id"
    ).fetchall()
    return {frozenset(events) for _, events in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, nargs="+", default=DEFAULT)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench_fusion_"))
    lines: list[str] = []
    for path in args.corpus:
        with path.open(encoding="utf-8") as handle:
            lines += [line for line in handle if line.strip()][: args.limit - len(lines)]
        if len(lines) >= args.limit:
            break
    cut = len(lines) * 9 // 10
    first, last = work / "first.jsonl", work / "last.jsonl"
    first.write_text("".join(lines[:cut]), encoding="utf-8")
    last.write_text("".join(lines[cut:]), encoding="utf-8")
    db = args.db or work / "bench.duckdb"

    pipeline = build_pipeline()
    with open_store(db) as store:
        started = time.perf_counter()
        code_inputs([first], store, rejects_path=work / "rejects.jsonl", pipeline=pipeline)
        coding_first = time.perf_counter() - started
        started = time.perf_counter()
        fuse_store(store)
        fuse_first = time.perf_counter() - started
        started = time.perf_counter()
        code_inputs([last], store, rejects_path=work / "rejects.jsonl", pipeline=pipeline)
        coding_last = time.perf_counter() - started
        started = time.perf_counter()
        incremental = fuse_store(store)
        fuse_last = time.perf_counter() - started
        grown = _partition(store)
        started = time.perf_counter()
        again = fuse_store(store)
        rerun = time.perf_counter() - started
        started = time.perf_counter()
        scratch = fuse_store(store, rebuild=True)
        fuse_all = time.perf_counter() - started
        same = grown == _partition(store)

    coding = coding_first + coding_last
    events = scratch.members
    print(f"{len(lines)} stories, {events} events, {scratch.fused_events} fused events "
          f"({scratch.multi_report} told by more than one story) from "
          f"{', '.join(p.name for p in args.corpus)}")  # fmt: skip
    print(f"coding (all stories)              {coding:8.2f} s   100.0%")
    print(f"fusion from scratch (--rebuild)   {fuse_all:8.2f} s   {100 * fuse_all / coding:5.1f}%")
    print(
        f"fusion of the first 90%           {fuse_first:8.2f} s   "
        f"{100 * fuse_first / coding_first:5.1f}% of their coding"
    )
    print(
        f"incremental fusion of the last 10% {fuse_last:7.2f} s   "
        f"{100 * fuse_last / coding_last:5.1f}% of their coding "
        f"({incremental.new_events} new events)"
    )
    print(f"re-run with nothing new           {rerun:8.2f} s   ({again.written} written)")
    print(f"incremental clusters = from scratch: {same}")
    print(json.dumps({
        "stories": len(lines), "events": events, "fused": scratch.fused_events,
        "coding_s": round(coding, 2), "fuse_scratch_s": round(fuse_all, 3),
        "fuse_incremental_s": round(fuse_last, 3), "rerun_s": round(rerun, 3),
        "incremental_equals_scratch": same,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
