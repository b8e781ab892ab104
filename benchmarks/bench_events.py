"""The events stage's cost against the spaCy parse, measured in one run.

    python benchmarks/bench_events.py [--copies 40] [--freeze-gc]

Parses the founding retelling (and the seed, when ../shared is present)
`copies` times, runs the time, actor and place stages untimed, then times the
events stage alone. Prints both times and their ratio (target: < 15%).

Most of the events stage's time here can be Python's cyclic garbage collector
walking the other stages' knowledge and the parsed documents, not the stage's
own work: `--freeze-gc` moves everything alive before the timed step out of
the collector's reach (`gc.freeze()`), as a pipeline that freezes its loaded
knowledge would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import time
from pathlib import Path

from dateline.actors import ActorStage
from dateline.events import EventStage
from dateline.nlp import NlpStage, load_model
from dateline.pipeline import Stage
from dateline.places import PlaceStage
from dateline.records import Article, Document
from dateline.time import TimeStage

ROOT = Path(__file__).resolve().parents[1]
STORIES = [
    ROOT / "examples" / "japan_china_2017-04-03.txt",
    ROOT.parent / "shared" / "seed" / "000_29bea5349ad77031.txt",
]


def _articles(copies: int) -> list[Article]:
    articles = []
    for path in STORIES:
        if not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8")
        found = re.match(r"\s*date (\d{4}-\d{2}-\d{2}) ", raw)
        assert found is not None
        for n in range(copies):
            articles.append(
                Article(
                    id=f"{path.stem}-{n}",
                    date=dt.date.fromisoformat(found.group(1)),
                    text=raw[found.end() :],
                )
            )
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--freeze-gc", action="store_true")
    args = parser.parse_args()
    nlp = load_model()
    documents = [Document(article=a) for a in _articles(args.copies)]
    events = EventStage()
    others: list[Stage] = [TimeStage(), ActorStage(), PlaceStage()]
    started = time.perf_counter()
    NlpStage(nlp).process(documents)
    parse = time.perf_counter() - started
    for stage in others:
        stage.process(documents)
    if args.freeze_gc:
        gc.collect()
        gc.freeze()
    started = time.perf_counter()
    events.process(documents)
    coding = time.perf_counter() - started
    words = sum(len(d.spacy_doc) for d in documents if d.spacy_doc is not None)
    count = sum(len(d.events) for d in documents)
    print(f"documents {len(documents)}, tokens {words}, events {count}")
    print(f"spaCy parse   {parse:8.3f} s")
    print(f"events stage  {coding:8.3f} s")
    print(f"ratio         {coding / parse:8.1%}  (target < 15%)")


if __name__ == "__main__":
    main()
