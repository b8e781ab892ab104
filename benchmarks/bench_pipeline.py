"""The whole pipeline against the bare spaCy parse of the same stories, in one run.

    python benchmarks/bench_pipeline.py [--corpus PATH] [--limit 300]

Reads real news (Reuters-21578 by default, from ../shared), parses it once
with the bare spaCy pipeline (`nlp.pipe`, every component, as a user would
without dateline), then runs dateline's stages one by one on the same stories
and prints each stage's time and its ratio to the bare parse. Nothing here is
asserted: the numbers are for reading and for docs.
"""

from __future__ import annotations

import argparse
import time
from itertools import islice
from pathlib import Path

from dateline.nlp import load_model
from dateline.records import Article, Document
from dateline.run import build_pipeline

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "news" / "reuters21578"


def main() -> None:
    from dateline.ingest import read_inputs

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    started = time.perf_counter()
    stream = (a for a in read_inputs([args.corpus]) if isinstance(a, Article))
    articles = list(islice(stream, args.limit))
    ingest = time.perf_counter() - started

    nlp = load_model()
    started = time.perf_counter()
    words = sum(
        len(doc) for doc in nlp.pipe((a.text for a in articles), batch_size=args.batch_size)
    )
    bare = time.perf_counter() - started

    pipeline = build_pipeline(nlp=nlp, batch_size=args.batch_size)
    documents = [Document(article=a) for a in articles]
    timings: dict[str, float] = {}
    for stage in pipeline.stages:
        started = time.perf_counter()
        for i in range(0, len(documents), args.batch_size):
            stage.process(documents[i : i + args.batch_size])
        timings[stage.name] = time.perf_counter() - started
    events = sum(len(d.events) for d in documents)

    print(f"{len(articles)} stories, {words} tokens, {events} events from {args.corpus}")
    print(f"bare spaCy nlp.pipe     {bare:8.2f} s   {words / bare:8.0f} tokens/s   100.0%")
    print(f"ingest                  {ingest:8.2f} s")
    total = 0.0
    for name, seconds in timings.items():
        total += seconds
        print(f"stage {name:<17} {seconds:8.2f} s   {seconds / bare:20.1%}")
    print(
        f"dateline, all stages    {total:8.2f} s   {words / total:8.0f} tokens/s {total / bare:7.1%}"
    )


if __name__ == "__main__":
    main()
