"""Draw the real-text TimeML development corpus (`evalsets/time_real/stories.jsonl`).

References only, as for `evalsets/real/`: story id, the file under ../shared/data/news/, the
sha256 of the text as dateline ingests it, split and whether it is annotated twice. Stories
of the events corpus (`evalsets/real/`) are left out so the two sets stay independent.

Sampling (seeded): 20 modern stories, 20 Reuters-21578 stories of 300-2,500 characters that
contain a digit or a month or weekday name (most wire stories do), 20 KCNA stories of
300-2,500 characters. A third of each source is `test`; 15 stories (10 dev, 5 test) are
annotated twice. (That draw left out the events corpus as it stood then; the events corpus
has since taken every modern story, so it no longer reruns: `stories.jsonl` is the record.)

A second batch (`--batch2`, 2026-12-06, the eighth time session) appends 30 more as split
`dev2` (15 Reuters-21578, 15 KCNA: every modern story is now in one corpus or the other; 4
annotated twice), drawn from what neither corpus holds, annotated blind by the brief in
`docs/annotation_brief_time.md` and scored once before anything is fitted to it: a fresh
check of the rules read from dev. A third (`--batch3`, seed 20261216) appends 30 more of
the same shape as `dev3`: the fresh check of the two rules then read from dev2.

Usage: python scripts/build_real_time_corpus.py [--seed 20261207]
       python scripts/build_real_time_corpus.py --batch2 [--seed 20261215]
       python scripts/build_real_time_corpus.py --batch3 [--seed 20261216]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from build_real_corpus import reference_row  # a sibling script: scripts/ is on the path
from dateline.ingest import read_inputs
from dateline.records import Article

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "news"
COUNTS = {"modern": 20, "reuters": 20, "kcna": 20}
DOUBLE = {"dev": 10, "test": 5}
BATCH2_COUNTS = {"reuters": 15, "kcna": 15}
BATCH2_DOUBLE = 4
# the later batches by split: (counts by source, how many annotated twice, default seed);
# dev3 (same session) is the fresh check of the rules read from dev2; dev4 (the next
# session) a fresh look at the stage as it stands
BATCHES = {
    "dev2": (BATCH2_COUNTS, BATCH2_DOUBLE, 20261215),
    "dev3": (BATCH2_COUNTS, BATCH2_DOUBLE, 20261216),
    "dev4": (BATCH2_COUNTS, BATCH2_DOUBLE, 20261217),
}
TIME_CUE = re.compile(
    r"\b(\d|January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|"
    r"week|month|year)",
)


def _pool(source: str, taken: set[str]) -> list[tuple[str, Article]]:
    if source == "modern":
        files, low, high = [NEWS / "modern" / "stories.jsonl"], 0, 10**9
    elif source == "reuters":
        files, low, high = sorted((NEWS / "reuters21578").glob("reut2-*.sgm")), 300, 2500
    else:
        files, low, high = sorted((NEWS / "kcna" / "stories").glob("kcna_*.jsonl")), 300, 2500
    pool = []
    for file in files:
        for item in read_inputs([file]):
            if (
                isinstance(item, Article)
                and item.id not in taken
                and low <= len(item.text) <= high
                and TIME_CUE.search(item.text)
            ):
                pool.append((str(file.relative_to(NEWS)), item))
    return pool


def _taken(*paths: Path) -> set[str]:
    return {
        json.loads(line)["id"]
        for path in paths
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }


def append_batch(out: Path, split: str, seed: int) -> None:
    """Append the batch `split`: stories neither corpus holds, drawn with `seed`."""
    counts, double, _ = BATCHES[split]
    existing = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    if any(row["split"] == split for row in existing):
        raise SystemExit(f"{out} already holds a {split} batch")
    taken = _taken(out, ROOT / "evalsets" / "real" / "stories.jsonl")
    rng = random.Random(seed)
    rows = [
        reference_row(source, file, article, split)
        for source, count in counts.items()
        for file, article in rng.sample(_pool(source, taken), count)
    ]
    for row in rng.sample(rows, double):
        row["double"] = True
    with out.open("a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None)
    for number, split in enumerate(BATCHES, start=2):
        parser.add_argument(
            f"--batch{number}", action="store_true", help=f"append the {split} batch"
        )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "evalsets" / "time_real" / "stories.jsonl"
    )
    args = parser.parse_args()
    for number, (split, (_, _, default_seed)) in enumerate(BATCHES.items(), start=2):
        if getattr(args, f"batch{number}"):
            append_batch(args.out, split, default_seed if args.seed is None else args.seed)
            return
    taken = _taken(ROOT / "evalsets" / "real" / "stories.jsonl")
    rng = random.Random(20261207 if args.seed is None else args.seed)
    rows: list[dict[str, object]] = []
    for source, count in COUNTS.items():
        chosen = rng.sample(_pool(source, taken), count)
        for position, (file, article) in enumerate(chosen):
            rows.append(
                reference_row(source, file, article, "test" if position < count // 3 else "dev")
            )
    for split, count in DOUBLE.items():
        for row in rng.sample([r for r in rows if r["split"] == split], count):
            row["double"] = True
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
