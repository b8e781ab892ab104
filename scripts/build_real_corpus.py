"""Draw the real-story events corpus (`evalsets/real/stories.jsonl`) from ../shared/data/news.

The corpus is a list of references, never text: each row names the story (`id`), the file
under `../shared/data/news/` it is read from, the sha256 of its text *as dateline ingests
it* (so a changed source is noticed), its split (`dev` or `test`) and whether it was
annotated twice (`double`). The texts are rebuilt from ../shared by `dateline.eval.real`.

Sampling (seeded, so the draw is reproducible):
- modern: 60 of the 200 stories in news/modern/ (2014-2025, many outlets);
- reuters: 45 Reuters-21578 stories with a body of 400-3,000 characters that name a
  political actor (one of `POLITICAL_CUES` as a word) -- most of the corpus is markets;
- kcna: 45 KCNA stories of 300-3,000 characters, with the same cue test.
A third of each source goes to `test`; 30 stories (20 dev, 10 test) are marked `double`.

Usage: python scripts/build_real_corpus.py [--seed 20261206] [--out evalsets/real/stories.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

from dateline.ingest import read_inputs
from dateline.records import Article

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "news"
POLITICAL_CUES = re.compile(
    r"\b(minister|ministry|government|president|prime|officials?|talks|troops|army|military|"
    r"embassy|ambassador|parliament|congress|senate|sanctions?|police|rebels?|guerrillas?|"
    r"party|delegation|treaty|accused|protest\w*|strike|attack\w*|opposition)\b",
    re.IGNORECASE,
)
COUNTS = {"modern": 60, "reuters": 45, "kcna": 45}
# Test stories whose scored errors were printed on 2026-12-06 while the scorer was being
# written (a slip: test is scored once, never read). They move to dev, and as many unseen,
# singly annotated dev stories of the same source, drawn with the seed, move to test.
SEEN_TEST_STORIES = (
    "modern-dev:153",
    "modern-dev:018",
    "modern-dev:070",
    "reuters-17017",
    "reuters-15812",
    "reuters-5863",
    "KCNA_2011-00541",
)
# Dev stories whose errors were printed at the same time: never candidates for the swap.
SEEN_DEV_STORIES = (
    "modern-dev:053",
    "modern-dev:020",
    "modern-dev:035",
    "modern-dev:192",
    "modern-dev:135",
)
DOUBLE = {"dev": 20, "test": 10}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pool(source: str) -> list[tuple[str, Article]]:
    if source == "modern":
        files = [NEWS / "modern" / "stories.jsonl"]
        low, high, cue = 0, 10**9, False
    elif source == "reuters":
        files = sorted((NEWS / "reuters21578").glob("reut2-*.sgm"))
        low, high, cue = 400, 3000, True
    else:
        files = sorted((NEWS / "kcna" / "stories").glob("kcna_*.jsonl"))
        low, high, cue = 300, 3000, True
    pool = []
    for file in files:
        for item in read_inputs([file]):
            if not isinstance(item, Article):
                continue
            if not low <= len(item.text) <= high:
                continue
            if cue and not POLITICAL_CUES.search(item.text):
                continue
            pool.append((str(file.relative_to(NEWS)), item))
    return pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--out", type=Path, default=ROOT / "evalsets" / "real" / "stories.jsonl")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows: list[dict[str, object]] = []
    for source, count in COUNTS.items():
        pool = _pool(source)
        chosen = rng.sample(pool, count)
        n_test = count // 3
        for position, (file, article) in enumerate(chosen):
            rows.append(
                {
                    "id": article.id,
                    "source": source,
                    "file": file,
                    "date": article.date.isoformat(),
                    "chars": len(article.text),
                    "sha256": _digest(article.text),
                    "split": "test" if position < n_test else "dev",
                    "double": False,
                }
            )
    for split, count in DOUBLE.items():
        in_split = [row for row in rows if row["split"] == split]
        for row in rng.sample(in_split, count):
            row["double"] = True
    swap = random.Random(args.seed + 1)
    for story_id in SEEN_TEST_STORIES:
        seen = next(row for row in rows if row["id"] == story_id)
        pool = [
            row
            for row in rows
            if row["split"] == "dev"
            and row["source"] == seen["source"]
            and not row["double"]
            and row["id"] not in SEEN_TEST_STORIES + SEEN_DEV_STORIES
        ]
        replacement = swap.choice(pool)
        seen["split"], replacement["split"] = "dev", "test"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
