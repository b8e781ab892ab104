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

A second batch (`--batch2`, third session of 2026-12-06) appends 60 more stories drawn with
another seed from what the corpus does not hold yet -- 30 modern, 15 Reuters, 15 KCNA, 6 of
them marked `double` -- as split `dev2`: annotated blind like the first, scored once as a fresh
check of the rules fitted to `dev`, then used for development beside it. Existing rows are
never changed.

A third batch (`--batch3`, fourth session) appends 40 more the same way -- 20 modern, 10
Reuters, 10 KCNA, 4 of them double -- as split `dev3`, to check on unseen stories whether the
rules fitted to dev and dev2 carry over, without scoring the test split again.

A fourth batch (`--batch4`, fifth session) appends 40 more (20 modern, 10 Reuters, 10 KCNA,
4 double) as split `dev4`: the fresh check of the rules fitted to dev, dev2 and dev3.
A fifth (`--batch5`, same session) appends 60 (30 modern, 15 Reuters, 15 KCNA, 4 double) as
split `dev5`: more blind gold to train the learned dyad coder on; a sixth (`--batch6`) 60
more (20 modern, 20 Reuters, 20 KCNA, 4 double) as `dev6`, for the same. A seventh
(`--batch7`, sixth session) appends 80 (40 Reuters, 40 KCNA, 4 double) as `dev7`, an eighth
(`--batch8`, same session) 80 more of the same shape as `dev8`, and a ninth (`--batch9`) the
last 20 modern stories (2 double) as `dev9`, so that a third of the corpus stays modern.
A tenth (`--batch10`, tenth session) appends 40 (20 Reuters, 20 KCNA, 4 double) as `dev10`:
a fresh check, on the sources where the events stage is weakest, of the session's changes.
An eleventh (`--batch11`, fourteenth session) appends 60 (30 Reuters, 30 KCNA, 4 double) as
`dev11`: scored first as a fresh check, then training data for the learned dyad coder on the
two sources where it is weakest (the test split's Reuters stories score F1 0.05); a twelfth
(`--batch12`, same session) 80 more of the same sources (40 + 40, 4 double) as `dev12`, and a
thirteenth (`--batch13`) 80 more as `dev13`, for the same. A fourteenth (`--batch14`,
sixteenth session) 80 more of the same shape as `dev14`: scored first as a fresh check of the
fifteenth session's code, then training data; a fifteenth and a sixteenth (`--batch15`,
`--batch16`, same session) 80 more each, as `dev15` and `dev16`, for the same, and a
seventeenth and an eighteenth (`--batch17`, `--batch18`) 80 more each as `dev17` and `dev18`.
A nineteenth and a twentieth (`--batch19`, `--batch20`, nineteenth session) 80 more each, as
`dev19` and `dev20`: scored first as a fresh check of the session's start, then training data;
a twenty-first and a twenty-second (`--batch21`, `--batch22`, same session) 80 more each, as
`dev21` and `dev22`, for the same.

Usage: python scripts/build_real_corpus.py [--seed 20261206] [--out evalsets/real/stories.jsonl]
       python scripts/build_real_corpus.py --batch2 [--seed 20261207]
       python scripts/build_real_corpus.py --batch3 [--seed 20261208]
       python scripts/build_real_corpus.py --batch4 [--seed 20261209]
       python scripts/build_real_corpus.py --batch5 [--seed 20261210]
       python scripts/build_real_corpus.py --batch6 [--seed 20261211]
       python scripts/build_real_corpus.py --batch7 [--seed 20261212]
       python scripts/build_real_corpus.py --batch8 [--seed 20261213]
       python scripts/build_real_corpus.py --batch9 [--seed 20261214]
       python scripts/build_real_corpus.py --batch10 [--seed 20261215]
       python scripts/build_real_corpus.py --batch11 [--seed 20261216]
       python scripts/build_real_corpus.py --batch12 [--seed 20261217]
       python scripts/build_real_corpus.py --batch13 [--seed 20261218]
       python scripts/build_real_corpus.py --batch14 [--seed 20261219]
       python scripts/build_real_corpus.py --batch15 [--seed 20261220]
       python scripts/build_real_corpus.py --batch16 [--seed 20261221]
       python scripts/build_real_corpus.py --batch17 [--seed 20261222]
       python scripts/build_real_corpus.py --batch18 [--seed 20261223]
       python scripts/build_real_corpus.py --batch19 [--seed 20261224]
       python scripts/build_real_corpus.py --batch20 [--seed 20261225]
       python scripts/build_real_corpus.py --batch21 [--seed 20261226]
       python scripts/build_real_corpus.py --batch22 [--seed 20261227]
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
BATCH2_COUNTS = {"modern": 30, "reuters": 15, "kcna": 15}
BATCH2_DOUBLE = 6
# the third batch (dev3, fourth session): a fresh check of the rules fitted to dev and dev2
BATCH3_COUNTS = {"modern": 20, "reuters": 10, "kcna": 10}
BATCH3_DOUBLE = 4
# the fourth batch (dev4, fifth session), the same shape as the third
BATCH4_COUNTS = BATCH3_COUNTS
BATCH4_DOUBLE = 4
# the fifth batch (dev5, fifth session): training data for the learned dyad coder
BATCH5_COUNTS = {"modern": 30, "reuters": 15, "kcna": 15}
BATCH5_DOUBLE = 4
BATCH6_COUNTS = {"modern": 20, "reuters": 20, "kcna": 20}
BATCH6_DOUBLE = 4
# the seventh batch (dev7, sixth session): Reuters and KCNA only, where the events stage is
# weakest (the corpus then held 180 of the 200 modern stories)
BATCH7_COUNTS = {"reuters": 40, "kcna": 40}
BATCH7_DOUBLE = 4
BATCH8_COUNTS = BATCH7_COUNTS
BATCH8_DOUBLE = 4
# the ninth (dev9): the last 20 modern stories, so that a third of the corpus stays modern
BATCH9_COUNTS = {"modern": 20}
BATCH9_DOUBLE = 2
# the tenth (dev10, tenth session): a fresh check on Reuters and KCNA (no modern story is left)
BATCH10_COUNTS = {"reuters": 20, "kcna": 20}
BATCH10_DOUBLE = 4
# the eleventh (dev11, fourteenth session): more Reuters and KCNA gold for the learned coder
BATCH11_COUNTS = {"reuters": 30, "kcna": 30}
BATCH11_DOUBLE = 4
BATCH12_COUNTS = {"reuters": 40, "kcna": 40}
BATCH12_DOUBLE = 4
BATCH13_COUNTS = BATCH12_COUNTS
BATCH13_DOUBLE = 4
BATCH14_COUNTS = BATCH12_COUNTS
BATCH14_DOUBLE = 4
BATCH15_COUNTS = BATCH16_COUNTS = BATCH12_COUNTS
BATCH15_DOUBLE = BATCH16_DOUBLE = 4
BATCH17_COUNTS = BATCH18_COUNTS = BATCH12_COUNTS
BATCH17_DOUBLE = BATCH18_DOUBLE = 4
BATCH19_COUNTS = BATCH20_COUNTS = BATCH12_COUNTS
BATCH19_DOUBLE = BATCH20_DOUBLE = 4
BATCH21_COUNTS = BATCH22_COUNTS = BATCH12_COUNTS
BATCH21_DOUBLE = BATCH22_DOUBLE = 4
# the later batches by split: (counts by source, how many annotated twice, default seed)
BATCHES = {
    "dev2": (BATCH2_COUNTS, BATCH2_DOUBLE, 20261207),
    "dev3": (BATCH3_COUNTS, BATCH3_DOUBLE, 20261208),
    "dev4": (BATCH4_COUNTS, BATCH4_DOUBLE, 20261209),
    "dev5": (BATCH5_COUNTS, BATCH5_DOUBLE, 20261210),
    "dev6": (BATCH6_COUNTS, BATCH6_DOUBLE, 20261211),
    "dev7": (BATCH7_COUNTS, BATCH7_DOUBLE, 20261212),
    "dev8": (BATCH8_COUNTS, BATCH8_DOUBLE, 20261213),
    "dev9": (BATCH9_COUNTS, BATCH9_DOUBLE, 20261214),
    "dev10": (BATCH10_COUNTS, BATCH10_DOUBLE, 20261215),
    "dev11": (BATCH11_COUNTS, BATCH11_DOUBLE, 20261216),
    "dev12": (BATCH12_COUNTS, BATCH12_DOUBLE, 20261217),
    "dev13": (BATCH13_COUNTS, BATCH13_DOUBLE, 20261218),
    "dev14": (BATCH14_COUNTS, BATCH14_DOUBLE, 20261219),
    "dev15": (BATCH15_COUNTS, BATCH15_DOUBLE, 20261220),
    "dev16": (BATCH16_COUNTS, BATCH16_DOUBLE, 20261221),
    "dev17": (BATCH17_COUNTS, BATCH17_DOUBLE, 20261222),
    "dev18": (BATCH18_COUNTS, BATCH18_DOUBLE, 20261223),
    "dev19": (BATCH19_COUNTS, BATCH19_DOUBLE, 20261224),
    "dev20": (BATCH20_COUNTS, BATCH20_DOUBLE, 20261225),
    "dev21": (BATCH21_COUNTS, BATCH21_DOUBLE, 20261226),
    "dev22": (BATCH22_COUNTS, BATCH22_DOUBLE, 20261227),
}


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


def reference_row(source: str, file: str, article: Article, split: str) -> dict[str, object]:
    """A corpus row: the story named by id, file and digest, never its text (also used by
    build_real_time_corpus.py)."""
    return {
        "id": article.id,
        "source": source,
        "file": file,
        "date": article.date.isoformat(),
        "chars": len(article.text),
        "sha256": _digest(article.text),
        "split": split,
        "double": False,
    }


def append_batch(out: Path, split: str, counts: dict[str, int], double: int, seed: int) -> None:
    """Append a batch (split `split`) to the corpus file, drawn from unused stories."""
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    existing = [json.loads(line) for line in lines]
    if any(row["split"] == split for row in existing):
        raise SystemExit(f"{out} already holds a {split} batch")
    taken = {row["id"] for row in existing}
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for source, count in counts.items():
        pool = [(file, article) for file, article in _pool(source) if article.id not in taken]
        rows.extend(
            reference_row(source, file, article, split) for file, article in rng.sample(pool, count)
        )
    for row in rng.sample(rows, double):
        row["double"] = True
    with out.open("a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "evalsets" / "real" / "stories.jsonl")
    for number, split in enumerate(BATCHES, start=2):
        parser.add_argument(
            f"--batch{number}", action="store_true", help=f"append the batch {split}"
        )
    args = parser.parse_args()
    for number, (split, (counts, double, default_seed)) in enumerate(BATCHES.items(), start=2):
        if getattr(args, f"batch{number}"):
            seed = default_seed if args.seed is None else args.seed
            append_batch(args.out, split, counts, double, seed)
            return
    seed = 20261206 if args.seed is None else args.seed
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for source, count in COUNTS.items():
        pool = _pool(source)
        chosen = rng.sample(pool, count)
        n_test = count // 3
        for position, (file, article) in enumerate(chosen):
            rows.append(
                reference_row(source, file, article, "test" if position < n_test else "dev")
            )
    for split, count in DOUBLE.items():
        in_split = [row for row in rows if row["split"] == split]
        for row in rng.sample(in_split, count):
            row["double"] = True
    swap = random.Random(seed + 1)
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
