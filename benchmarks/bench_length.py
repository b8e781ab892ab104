"""Time per 1,000 characters of every stage, as one story grows from 10k to 1M characters.

    python benchmarks/bench_length.py                        # 10k 50k 200k 400k 1M
    python benchmarks/bench_length.py --sizes 10000 200000 --text dense
    python benchmarks/bench_length.py --repeat 3 --cpu    # steadier on a busy machine

Texts (built here, in our own words): ``news`` repeats the example story's
paragraphs; ``dense`` repeats "Japan and China held talks in Tokyo." (a
place and an actor every few words, the worst case for the places and actors
stages). One story per size, each stage run once (see ``--repeat``); a stage is
linear in the length of a story when its ms per 1,000 characters stays flat down
the column. Stories longer than the NLP stage's window (`dateline.nlp.MAX_CHARS`)
are parsed in chunks; the stages after it see one Doc over the whole text.

On a shared machine the wall clock measures the neighbours too: ``--repeat N``
runs every stage after the NLP stage N times on the same story and keeps the
fastest (each run recomputes what the stage provides, so the story the next stage
gets is the same), and ``--cpu`` times with the process's CPU clock instead of the
wall clock (the NLP stage may use more than one core, so its CPU time can exceed
its wall time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import time
from pathlib import Path

from dateline.records import Article, Document
from dateline.run import build_pipeline

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "japan_china_2017-04-03.txt"
DENSE = "Japan and China held talks in Tokyo. "


def story(size: int, kind: str) -> str:
    if kind == "dense":
        unit = DENSE
    else:
        raw = EXAMPLE.read_text(encoding="utf-8").strip()
        unit = raw.split(" ", 2)[2].strip() + "\n\n"  # without the 'date ...' header
    text = unit * (size // len(unit) + 1)
    return text[: text.rfind(" ", 0, size)].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 50_000, 200_000, 400_000, 1_000_000]
    )
    parser.add_argument("--text", choices=("news", "dense"), default="news")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each stage after nlp; the fastest counts"
    )
    parser.add_argument("--cpu", action="store_true", help="process CPU time, not wall time")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter

    pipeline = build_pipeline(batch_size=1)
    names = pipeline.names
    print(
        f"text: {args.text}; {'CPU' if args.cpu else 'wall'} ms per 1,000 characters"
        f" (seconds in brackets); best of {args.repeat} after nlp"
    )
    print(f"{'chars':>10} " + " ".join(f"{name:>16}" for name in names) + f" {'events':>7}")
    for size in args.sizes:
        text = story(size, args.text)
        document = Document(
            article=Article(id=f"bench-{size}", date=dt.date(2017, 4, 3), text=text)
        )
        batch = [document]
        cells = []
        for name, stage in zip(names, pipeline.stages, strict=True):
            seconds = float("inf")
            for _ in range(1 if name == "nlp" else max(args.repeat, 1)):
                gc.collect()
                started = clock()
                batch = stage.process(batch)
                seconds = min(seconds, clock() - started)
            cells.append(f"{1000 * seconds / len(text) * 1000:8.2f} ({seconds:5.1f})")
        print(
            f"{len(text):>10,} "
            + " ".join(f"{cell:>16}" for cell in cells)
            + f" {len(batch[0].events):>7}"
        )


if __name__ == "__main__":
    main()
