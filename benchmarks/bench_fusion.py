"""Fusion time against the coding time of the same stories, in one run; and
fusion time per event as one story grows.

    python benchmarks/bench_fusion.py [--corpus PATH ...] [--limit 2000] [--db PATH]
    python benchmarks/bench_fusion.py --one-story [--sizes 10000 ... 1000000]
                                      [--text news|dense] [--keep DIR]

Codes real stories (KCNA 2011-01..03 by default, from ../shared) into a fresh
database, timing it; then fuses them from scratch, again (nothing new: the
idempotent re-run), and incrementally: the first 90% of the stories are coded
and fused, then the last 10% are added and fused. The incremental clusters are
compared with the from-scratch ones.

`--one-story` codes one story per size (the texts of bench_length.py: the
example story's paragraphs repeated, or "Japan and China held talks in
Tokyo." repeated) into a store of its own, and fuses it from scratch twice:
in memory (`fuse_reports`: the clustering alone) and in the store
(`fuse_store --rebuild`: reading, clustering and writing). Fusion is linear in
the number of events when ms per event stays flat down the column. `--keep
DIR` keeps the coded stores there and reuses them on the next run, so one
coded story can be fused by two versions of the code. Nothing is asserted: the
numbers are for reading and for docs/fusion.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from dateline.fuse import Report, fuse_reports, fuse_store, load_fusion_rules
from dateline.run import build_pipeline, code_inputs
from dateline.store import Store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_length import story  # the texts of the length benchmark

ROOT = Path(__file__).resolve().parents[1]
KCNA = ROOT.parent / "shared" / "data" / "news" / "kcna" / "stories"
DEFAULT = [KCNA / f"kcna_2011-0{month}.jsonl" for month in (1, 2, 3)]


def _partition(store: Store) -> set[frozenset[str]]:
    rows = store.connection.execute(
        "SELECT fused_id, list(event_id) FROM fused_members GROUP BY fused_id"
    ).fetchall()
    return {frozenset(events) for _, events in rows}


_REPORT_FIELDS = tuple(f.name for f in dataclasses.fields(Report))


def _coded_story(size: int, text: str, folder: Path) -> Path:
    """A store holding one coded story of `size` characters (coded once, then reused)."""
    db = folder / f"story-{text}-{size}.duckdb"
    if db.exists():
        return db
    body = story(size, text)
    record = {"id": f"story-{text}-{size}", "date": "2017-04-03", "source": "Wire", "text": body}
    path = folder / f"story-{text}-{size}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    partial = db.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with open_store(partial) as store:
        summary = code_inputs([path], store, rejects_path=folder / "rejects.jsonl", budget=None)
    if summary.coded != 1:
        raise SystemExit(f"the story of {size:,} characters was not coded: {summary}")
    partial.rename(db)
    return db


def one_story(sizes: list[int], text: str, keep: Path | None) -> None:
    folder = keep or Path(tempfile.mkdtemp(prefix="bench_fusion_story_"))
    folder.mkdir(parents=True, exist_ok=True)
    rules = load_fusion_rules()
    print(f"one story per size (text: {text}), fused from scratch; ms per event in brackets")
    print(f"{'chars':>10} {'events':>7} {'fused':>6} {'in memory s':>20} {'in the store s':>20}")
    results = []
    for size in sizes:
        db = _coded_story(size, text, folder)
        with open_store(db) as store:
            store.clear_fused()
            rows = store.unfused_event_rows()
            # Spelled out, not `Report.from_row`, so that older code can run this too.
            reports = [Report(**{k: row[k] for k in _REPORT_FIELDS}) for row in rows]
            gc.collect()
            started = time.perf_counter()
            fused = fuse_reports(reports, rules)
            memory = time.perf_counter() - started
            gc.collect()
            started = time.perf_counter()
            summary = fuse_store(store, rules, rebuild=True)
            stored = time.perf_counter() - started
        n = len(reports)
        assert summary.members == n and summary.fused_events == len(fused)
        per = (1000 * memory / max(n, 1), 1000 * stored / max(n, 1))
        print(
            f"{size:>10,} {n:>7,} {len(fused):>6,} {memory:>11.3f} ({per[0]:6.3f}) "
            f"{stored:>11.3f} ({per[1]:6.3f})"
        )
        results.append({
            "chars": size, "events": n, "fused": len(fused), "memory_s": round(memory, 4),
            "store_s": round(stored, 4), "memory_ms_per_event": round(per[0], 4),
            "store_ms_per_event": round(per[1], 4),
        })  # fmt: skip
    print(json.dumps({"text": text, "date": dt.date.today().isoformat(), "runs": results}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, nargs="+", default=DEFAULT)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    parser.add_argument("--one-story", action="store_true", help="fusion time as one story grows")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 50_000, 200_000, 400_000, 1_000_000]
    )
    parser.add_argument("--text", choices=("news", "dense"), default="news")
    parser.add_argument("--keep", type=Path, default=None, help="keep (and reuse) coded stories")
    args = parser.parse_args()
    if args.one_story:
        one_story(args.sizes, args.text, args.keep)
        return

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
