"""Parquet shards: what a worker sends back for one partition, and the work dir that keeps them.

A shard is two Parquet files and a small JSON header:

- ``articles.parquet``: one row per article of the partition (the article's
  fields, its content hash and its number of events, in partition order);
- ``events.parquet``: one row per event, with the store's event columns
  (`record` is the event's nested JSON) and the article's `position`;
- ``shard.json``: rules and schema version of the worker that coded it, and
  the rejects of the stories a stage failed on (`dateline.guard`).

Workers build shards in memory and return them as bytes, so workers and
client need not share a file system. The client saves each shard in the work
dir before it merges it, so a client killed at any point can be run again and
merges what was saved instead of coding it a second time.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from dateline.errors import ScaleError
from dateline.records import SCHEMA_VERSION, Article, Document, Event, Reject, record_to_dict

# A shard's event rows are the rows the store would hold (`Event.to_row`, in a
# table made like the store's), so a shard can be queried on its own.
from dateline.store import Store, content_hash, insert_rows, located_events

__all__ = ["Shard", "WorkDir", "documents_from_shard", "event_from_dict", "shard_from_documents"]

_ARTICLE_TABLE = """
CREATE TABLE shard_articles (
    position INTEGER NOT NULL,
    article_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    title VARCHAR,
    source VARCHAR,
    url VARCHAR,
    origin VARCHAR,
    text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    n_events INTEGER NOT NULL
)
"""
_HEADER = "shard.json"
_MERGED = "merged"


@dataclass(frozen=True)
class Shard:
    """One coded partition, as Parquet bytes (small enough to travel as a task result)."""

    articles: bytes
    events: bytes
    n_articles: int
    n_events: int
    rules_version: str
    schema_version: str = SCHEMA_VERSION
    rejects: tuple[Reject, ...] = ()  # stories of the partition a stage failed on


def shard_from_documents(
    documents: Sequence[Document], rules_version: str, rejects: Sequence[Reject] = ()
) -> Shard:
    """Coded documents → a shard (runs on the worker)."""
    store = Store(duckdb.connect(":memory:"), ":memory:")  # only for its events table's types
    con = store.connection
    try:
        con.execute(_ARTICLE_TABLE)
        con.execute("CREATE TABLE shard_events AS SELECT * FROM events LIMIT 0")
        con.execute("ALTER TABLE shard_events ADD COLUMN position INTEGER")
        article_rows = []
        event_rows = []
        for position, document in enumerate(documents):
            article = document.article
            article_rows.append(
                {
                    "position": position, **article.to_row(),
                    "content_hash": content_hash(article), "n_events": len(document.events),
                }
            )  # fmt: skip
            # Every event, duplicates too: the store decides what a duplicate is
            # when the shard is merged, exactly as it does for a local batch.
            event_rows += [
                {**event.to_row(), "position": position} for event in located_events(document)
            ]
        insert_rows(con, "shard_articles", article_rows)
        insert_rows(con, "shard_events", event_rows)
        with tempfile.TemporaryDirectory(prefix="dateline-shard-") as tmp:
            articles_path = Path(tmp, "articles.parquet")
            events_path = Path(tmp, "events.parquet")
            con.table("shard_articles").order("position").write_parquet(str(articles_path))
            # rowid keeps each article's events in the order the stage found them.
            con.query(
                "SELECT * EXCLUDE (position), position FROM shard_events ORDER BY position, rowid"
            ).write_parquet(str(events_path))
            return Shard(
                articles=articles_path.read_bytes(),
                events=events_path.read_bytes(),
                n_articles=len(article_rows),
                n_events=len(event_rows),
                rules_version=rules_version,
                rejects=tuple(rejects),
            )
    finally:
        store.close()


def event_from_dict(record: dict[str, Any]) -> Event:
    """`Event.from_dict`, with a damaged record as a `ScaleError`."""
    try:
        return Event.from_dict(record)
    except ValueError as exc:
        raise ScaleError(f"{exc} in a shard") from exc


def _rows(con: duckdb.DuckDBPyConnection, path: Path) -> list[dict[str, Any]]:
    relation = con.read_parquet(str(path))
    columns = relation.columns
    return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]


def documents_from_shard(articles_path: Path, events_path: Path) -> list[Document]:
    """A saved shard → the documents it was made from (articles and events, no parse)."""
    con = duckdb.connect(":memory:")
    try:
        article_rows = sorted(_rows(con, articles_path), key=lambda row: row["position"])
        event_rows = _rows(con, events_path)
    finally:
        con.close()
    damaged = ScaleError(
        f"shard {articles_path.parent} is damaged (its articles and events do not match):"
        " delete that folder and run again"
    )
    events: dict[int, list[Event]] = {row["position"]: [] for row in article_rows}
    for row in event_rows:  # saved in position, then discovery order
        if row["position"] not in events:
            raise damaged
        events[row["position"]].append(event_from_dict(json.loads(row["record"])))
    documents = []
    for row in article_rows:
        article = Article.from_row(row)
        found = events[row["position"]]
        if content_hash(article) != row["content_hash"] or len(found) != row["n_events"]:
            raise damaged
        documents.append(Document(article=article, events=tuple(found)))
    return documents


@dataclass(frozen=True)
class SavedShard:
    path: Path
    rules_version: str
    schema_version: str
    rejects: tuple[Reject, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name

    def documents(self) -> list[Document]:
        return documents_from_shard(self.path / "articles.parquet", self.path / "events.parquet")


class WorkDir:
    """Shards saved by the client, each in its own folder, merged in name order.

    A shard folder is complete once its header exists (it is renamed into
    place whole); it is merged once it holds a ``merged`` marker, and then
    removed unless shards are kept. A shard merged twice adds nothing: the
    store replaces its articles and their events.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.shards = self.path / "shards"
        try:
            self.shards.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ScaleError(f"cannot create the work dir {self.path}: {exc}") from exc

    def save(self, name: str, shard: Shard) -> SavedShard:
        target = self.shards / name
        partial = self.shards / f".{name}.partial"
        if partial.exists():
            shutil.rmtree(partial)
        partial.mkdir()
        (partial / "articles.parquet").write_bytes(shard.articles)
        (partial / "events.parquet").write_bytes(shard.events)
        header = {
            "rules_version": shard.rules_version,
            "schema_version": shard.schema_version,
            "articles": shard.n_articles,
            "events": shard.n_events,
            "rejects": [record_to_dict(reject) for reject in shard.rejects],
        }
        (partial / _HEADER).write_text(json.dumps(header, indent=1) + "\n", encoding="utf-8")
        if target.exists():  # the same name saved again: the newer one wins
            shutil.rmtree(target)
        os.replace(partial, target)
        return SavedShard(target, shard.rules_version, shard.schema_version, shard.rejects)

    def unmerged(self) -> Iterator[SavedShard]:
        """Complete shards not yet marked merged, oldest first."""
        for folder in sorted(self.shards.iterdir()):
            header = folder / _HEADER
            if folder.name.startswith(".") or not header.exists() or (folder / _MERGED).exists():
                continue
            meta = json.loads(header.read_text(encoding="utf-8"))
            rejects = tuple(Reject(**row) for row in meta.get("rejects", ()))
            yield SavedShard(folder, meta["rules_version"], meta["schema_version"], rejects)

    def mark_merged(self, shard: SavedShard, keep: bool) -> None:
        if keep:
            (shard.path / _MERGED).touch()
            return
        # Renamed out of sight first: a removal cut short leaves no half shard behind.
        gone = self.shards / f".{shard.name}.merged"
        if gone.exists():
            shutil.rmtree(gone)
        os.replace(shard.path, gone)
        shutil.rmtree(gone)

    def remove_if_empty(self) -> None:
        """After a finished run: no shard left, no folder left behind."""
        for folder in (self.shards, self.path):
            try:
                folder.rmdir()
            except OSError:  # not empty (kept shards, other files): leave it
                return

    def clean(self) -> None:
        """Remove what a killed client left half-written or half-removed."""
        for folder in self.shards.iterdir():
            if folder.name.startswith("."):
                shutil.rmtree(folder, ignore_errors=True)
