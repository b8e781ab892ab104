"""End-to-end speed of two versions of dateline on the same stories, side by side, one run.

    python benchmarks/bench_versions.py BASE_REF [--corpus PATH] [--limit 300] [--rounds 2]

Checks BASE_REF out into a temporary git worktree, then times `dateline code` (as a user runs
it: ingest, every stage, the store, fusion) over the same stories for the base and for this
checkout, alternating the two so that machine noise falls on both, and prints seconds per
story for each and their ratio. Both runs use this checkout's virtualenv (same libraries and
model); only the package source differs (PYTHONPATH). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "news" / "reuters21578" / "reut2-003.sgm"


def _stories(corpus: Path, limit: int, out: Path) -> int:
    from dateline.ingest import read_inputs
    from dateline.records import Article

    articles = list(islice((a for a in read_inputs([corpus]) if isinstance(a, Article)), limit))
    with out.open("w", encoding="utf-8") as handle:
        for a in articles:
            row = {"id": a.id, "date": a.date.isoformat(), "title": a.title, "text": a.text}
            handle.write(json.dumps(row) + "\n")
    return len(articles)


def _time_code(src: Path, stories: Path, work: Path) -> float:
    db = work / "bench.duckdb"
    for leftover in (db, work / "bench.duckdb.wal", work / "rejects.jsonl"):
        leftover.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    # the virtualenv's console script, importing dateline from `src` (PYTHONPATH comes first)
    command = [
        str(Path(sys.executable).parent / "dateline"),
        "code",
        str(stories),
        "--db",
        str(db),
        "--rejects",
        str(work / "rejects.jsonl"),
        "--quiet",
    ]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, cwd=work, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base", help="git ref of the version to compare against")
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = work / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
            check=True,
            capture_output=True,
        )
        try:
            stories = work / "stories.jsonl"
            n = _stories(args.corpus, args.limit, stories)
            times: dict[str, list[float]] = {"base": [], "this": []}
            for _ in range(args.rounds):
                times["base"].append(_time_code(base / "src", stories, work))
                times["this"].append(_time_code(ROOT / "src", stories, work))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                check=False,
                capture_output=True,
            )
    best = {k: min(v) for k, v in times.items()}
    print(f"{n} stories from {args.corpus.name}, `dateline code` end to end, best of {args.rounds}")
    print(f"  {args.base:>12}: {best['base']:7.1f} s  {1000 * best['base'] / n:7.1f} ms/story")
    print(f"  {'this':>12}: {best['this']:7.1f} s  {1000 * best['this'] / n:7.1f} ms/story")
    print(f"  ratio this/base: {best['this'] / best['base']:.2f}")


if __name__ == "__main__":
    main()
