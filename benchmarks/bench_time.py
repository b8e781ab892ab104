"""Time stage cost vs. the spaCy parse of the same documents, in one run.

    python benchmarks/bench_time.py [--corpus DIR] [-n N] [--repeat R]

Reads N TimeML documents (default: ../shared/data/time/timebank), parses them
with the project's model (`nlp.pipe`), then runs the time stage (`tag_time`) on
the parsed docs, and prints both times and their ratio. Target: under 10%.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dateline.eval.time import read_timeml
from dateline.nlp import load_model
from dateline.time import default_rules, tag_time

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "time" / "timebank"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-n", type=int, default=100, help="number of documents")
    parser.add_argument("--repeat", type=int, default=3, help="time-stage passes (best is kept)")
    args = parser.parse_args()

    documents = [read_timeml(path) for path in sorted(args.corpus.glob("*.tml"))[: args.n]]
    nlp = load_model()
    rules = default_rules()  # loaded and compiled once, outside the timing, as in the stage
    nlp("warm up")

    started = time.perf_counter()
    docs = list(nlp.pipe((document.text for document in documents), batch_size=32))
    parse_seconds = time.perf_counter() - started

    stage_seconds = float("inf")
    found = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = sum(
            len(tag_time(doc, document.dct, rules))
            for doc, document in zip(docs, documents, strict=True)
        )
        stage_seconds = min(stage_seconds, time.perf_counter() - started)

    words = sum(len(doc) for doc in docs)
    print(f"documents: {len(documents)}  tokens: {words}  time expressions: {found}")
    print(
        f"spaCy parse: {parse_seconds:.3f} s  ({1000 * parse_seconds / len(documents):.1f} ms/doc)"
    )
    print(
        f"time stage:  {stage_seconds:.3f} s  ({1000 * stage_seconds / len(documents):.2f} ms/doc)"
    )
    print(f"ratio time/parse: {100 * stage_seconds / parse_seconds:.1f}%  (target < 10%)")


if __name__ == "__main__":
    main()
