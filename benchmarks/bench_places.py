"""Places stage cost relative to the spaCy parse of the same texts, in one run.

    python benchmarks/bench_places.py                 # example story + KCNA sample
    python benchmarks/bench_places.py --stories 400

Texts: the example story, and (when ../shared is present) the first N KCNA
stories of 2011-01. The gazetteer is built before timing starts (it is built
once per process in real runs); its build time is reported separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from dateline.nlp import NlpStage, load_model
from dateline.places import Gazetteer, PlaceStage
from dateline.records import Article, Document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "japan_china_2017-04-03.txt"
KCNA = ROOT.parent / "shared" / "data" / "news" / "kcna" / "stories" / "kcna_2011-01.jsonl"


def _articles(limit: int) -> list[Article]:
    raw = EXAMPLE.read_text(encoding="utf-8")
    text = raw.split(" ", 3)[3] if raw.startswith(" date ") else raw
    articles = [Article(id="example", date=dt.date(2017, 4, 3), text=text)]
    if KCNA.is_file():
        with KCNA.open(encoding="utf-8") as handle:
            for line in handle:
                if len(articles) > limit:
                    break
                record = json.loads(line)
                articles.append(
                    Article(
                        id=str(record["id"]),
                        date=dt.date.fromisoformat(record["date"][:10]),
                        text=record["text"],
                    )
                )
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    gazetteer = Gazetteer.build()
    build_seconds = time.perf_counter() - started
    nlp_stage = NlpStage(load_model())
    place_stage = PlaceStage(gazetteer)

    articles = _articles(args.stories)
    documents = [Document(article=article) for article in articles]
    words = sum(len(article.text.split()) for article in articles)

    started = time.perf_counter()
    nlp_stage.process(documents)
    parse_seconds = time.perf_counter() - started

    started = time.perf_counter()
    place_stage.process(documents)
    place_seconds = time.perf_counter() - started

    places = sum(len(document.places) for document in documents)
    print(f"texts: {len(documents)} ({words} words); places found: {places}")
    print(f"gazetteer build (once per process): {build_seconds:.2f} s")
    print(f"spaCy parse: {parse_seconds:.2f} s ({words / parse_seconds:.0f} words/s)")
    print(f"places stage: {place_seconds * 1000:.1f} ms")
    print(f"ratio places/parse: {place_seconds / parse_seconds:.2%}")


if __name__ == "__main__":
    main()
