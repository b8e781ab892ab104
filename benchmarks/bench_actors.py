"""The actors stage's cost against the spaCy parse of the same text, in one run.

    python benchmarks/bench_actors.py [--copies 20] [--kcna 200]

Times loading the actor knowledge (cold, first call in the process), then parses
the founding retelling and the seed `copies` times plus the first `kcna` KCNA
stories of ../shared (when present), and times the actors stage alone over the
parsed documents. Prints both times and their ratio (target, with places: < 10%).
When the places stage can be built, its time and the combined ratio are shown too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import time
from pathlib import Path

from dateline.actors import ActorKnowledge, ActorStage
from dateline.nlp import NlpStage, load_model
from dateline.records import Article, Document

ROOT = Path(__file__).resolve().parents[1]
STORIES = [
    ROOT / "examples" / "japan_china_2017-04-03.txt",
    ROOT.parent / "shared" / "seed" / "000_29bea5349ad77031.txt",
]
KCNA = ROOT.parent / "shared" / "data" / "news" / "kcna" / "stories" / "kcna_2012-06.jsonl"


def _articles(copies: int, kcna: int) -> list[Article]:
    articles = []
    for path in STORIES:
        if not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8")
        found = re.match(r"\s*date (\d{4}-\d{2}-\d{2}) ", raw)
        assert found is not None
        day = dt.date.fromisoformat(found.group(1))
        articles.extend(
            Article(id=f"{path.stem}-{n}", date=day, text=raw[found.end() :]) for n in range(copies)
        )
    if KCNA.is_file() and kcna:
        with KCNA.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if n >= kcna:
                    break
                record = json.loads(line)
                day = dt.date.fromisoformat(record["date"][:10])
                articles.append(
                    Article(id=record["id"], date=day, text=record["text"].replace(", ,", "\n"))
                )
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--kcna", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    knowledge = ActorKnowledge.load()
    load_seconds = time.perf_counter() - started

    nlp = load_model()
    documents = [Document(article=a) for a in _articles(args.copies, args.kcna)]
    words = sum(len(d.article.text.split()) for d in documents)
    started = time.perf_counter()
    NlpStage(nlp).process(documents)
    parse_seconds = time.perf_counter() - started

    stage = ActorStage(knowledge)
    started = time.perf_counter()
    stage.process(documents)
    actor_seconds = time.perf_counter() - started
    mentions = sum(len(d.mentions) for d in documents)

    print(f"knowledge load: {load_seconds:.2f} s ({knowledge!r})")
    print(f"documents: {len(documents)}, words: {words}, actor mentions: {mentions}")
    print(f"spaCy parse: {parse_seconds:.2f} s")
    print(
        f"actors stage: {actor_seconds:.3f} s = {100 * actor_seconds / parse_seconds:.1f}% of the parse"
    )
    try:
        from dateline.places import PlaceStage
    except ImportError:
        return
    places = PlaceStage()
    started = time.perf_counter()
    places.process(documents)
    place_seconds = time.perf_counter() - started
    combined = actor_seconds + place_seconds
    print(
        f"places stage: {place_seconds:.3f} s; actors + places = {100 * combined / parse_seconds:.1f}% of the parse"
    )


if __name__ == "__main__":
    main()
