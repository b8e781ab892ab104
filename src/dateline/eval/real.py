"""The real-story events corpus (`evalsets/real/`): references rebuilt into articles.

The corpus holds no news text. `stories.jsonl` names each story by id and by the file
under ``../shared/data/news/`` it comes from, with the sha256 of its text as dateline
ingests it; `load_corpus` reads those files with dateline's own readers and checks
the digest, so the gold offsets (written against that text) still point at the same
characters. Gold events are in `gold/<annotator>/<packet name>.json`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dateline.errors import DatelineError
from dateline.ingest import read_inputs
from dateline.records import Article

__all__ = ["REAL_DIR", "RealStory", "load_corpus", "packet_name"]

REAL_DIR = Path(__file__).resolve().parents[3] / "evalsets" / "real"
NEWS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "news"


@dataclass(frozen=True, slots=True)
class RealStory:
    article: Article
    source: str  # modern, reuters or kcna
    split: str  # dev or test
    double: bool  # annotated twice, for agreement


def packet_name(story_id: str) -> str:
    """A file-system-safe name for a story id (``modern-dev:001`` -> ``modern-dev_001.json``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", story_id) + ".txt"


def load_corpus(
    corpus_dir: Path = REAL_DIR,
    news_dir: Path = NEWS_DIR,
    splits: Sequence[str] = ("dev", "test"),
) -> list[RealStory]:
    """The corpus' stories rebuilt from `news_dir`, in corpus order.

    Raises `DatelineError` when a story is missing from its file or its text no longer
    has the recorded digest (the gold offsets would point at other characters).
    """
    rows = [
        json.loads(line)
        for line in (corpus_dir / "stories.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rows = [row for row in rows if row["split"] in splits]
    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row["file"], set()).add(row["id"])
    found: dict[str, Article] = {}
    for file, ids in wanted.items():
        for item in _articles(news_dir / file):
            if item.id in ids:
                found[item.id] = item
    stories = []
    for row in rows:
        article = found.get(row["id"])
        if article is None:
            raise DatelineError(f"real corpus: story {row['id']} not found in {row['file']}")
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if digest != row["sha256"]:
            raise DatelineError(
                f"real corpus: story {row['id']} in {row['file']} has changed "
                f"(sha256 {digest[:12]}, expected {row['sha256'][:12]}); the gold offsets no longer hold"
            )
        stories.append(RealStory(article, row["source"], row["split"], bool(row["double"])))
    return stories


def _articles(path: Path) -> Iterator[Article]:
    for item in read_inputs([path]):
        if isinstance(item, Article):
            yield item
