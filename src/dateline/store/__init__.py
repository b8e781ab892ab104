"""The DuckDB store: the only writer of the database.

Tables: `articles`, `events`, `runs`. Writes are idempotent and atomic per
batch: one transaction replaces a batch's articles and all their events, so a
run killed at any moment leaves only whole batches behind, and a re-run
re-codes what is missing without duplicating anything. Every event row carries
`schema_version` and `rules_version`.

All queries are parameterised; user strings never become SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from dateline.errors import StoreError
from dateline.records import SCHEMA_VERSION, Article, Document, Event, FusedEvent, MemberIndex
from dateline.store.query import EventQuery, FusedQuery

__all__ = [
    "EVENT_COLUMNS",
    "EventQuery",
    "FusedQuery",
    "Store",
    "content_hash",
    "explain_duckdb_error",
    "insert_rows",
    "located_events",
    "open_store",
]

DEFAULT_DB = "dateline.duckdb"
# Runs started by this process and not yet finished: any other run the runs table
# says is `running` belongs to a process that was killed.
_LIVE_RUNS: set[str] = set()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    inputs VARCHAR NOT NULL,
    articles_read INTEGER DEFAULT 0,
    articles_coded INTEGER DEFAULT 0,
    articles_skipped INTEGER DEFAULT 0,
    rejected INTEGER DEFAULT 0,
    events INTEGER DEFAULT 0,
    schema_version VARCHAR NOT NULL,
    rules_version VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY,
    date DATE NOT NULL,
    title VARCHAR,
    source VARCHAR,
    url VARCHAR,
    origin VARCHAR,
    text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    n_events INTEGER NOT NULL,
    run_id VARCHAR NOT NULL,
    schema_version VARCHAR NOT NULL,
    rules_version VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    sentence VARCHAR,
    trigger VARCHAR,
    source_text VARCHAR,
    source_name VARCHAR,
    source_code VARCHAR,
    source_country VARCHAR,
    source_sector VARCHAR,
    target_text VARCHAR,
    target_name VARCHAR,
    target_code VARCHAR,
    target_country VARCHAR,
    target_sector VARCHAR,
    cameo_code VARCHAR,
    cameo_root VARCHAR,
    cameo_name VARCHAR,
    goldstein DOUBLE,
    quad_class INTEGER,
    plover_event VARCHAR,
    plover_mode VARCHAR,
    modality VARCHAR,
    date_value VARCHAR,
    date_start DATE,
    date_end DATE,
    date_precision VARCHAR,
    date_basis VARCHAR,
    date_text VARCHAR,
    report_date DATE,
    location_name VARCHAR,
    location_country VARCHAR,
    location_lat DOUBLE,
    location_lon DOUBLE,
    location_geonameid BIGINT,
    location_feature VARCHAR,
    rule_id VARCHAR,
    record JSON NOT NULL,
    schema_version VARCHAR NOT NULL,
    rules_version VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE TABLE IF NOT EXISTS fused_events (
    fused_id VARCHAR PRIMARY KEY,
    source_code VARCHAR,
    source_name VARCHAR,
    source_country VARCHAR,
    target_code VARCHAR,
    target_name VARCHAR,
    target_country VARCHAR,
    cameo_code VARCHAR,
    cameo_root VARCHAR,
    cameo_name VARCHAR,
    plover_event VARCHAR,
    plover_mode VARCHAR,
    modality VARCHAR,
    date_value VARCHAR,
    date_precision VARCHAR,
    date_start DATE,
    date_end DATE,
    location_name VARCHAR,
    location_country VARCHAR,
    n_reports INTEGER NOT NULL,
    n_sources INTEGER NOT NULL,
    n_events INTEGER NOT NULL,
    n_asserted INTEGER NOT NULL,
    first_report DATE,
    last_report DATE,
    record JSON NOT NULL,
    fusion_version VARCHAR NOT NULL,
    schema_version VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS fused_members (
    event_id VARCHAR PRIMARY KEY,
    fused_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    outlet VARCHAR,
    report_date DATE,
    modality VARCHAR,
    cameo_code VARCHAR,
    block VARCHAR,
    lo DATE,
    hi DATE,
    record_md5 VARCHAR NOT NULL,
    fusion_version VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS fused_members_fused ON fused_members(fused_id);
CREATE INDEX IF NOT EXISTS fused_members_block ON fused_members(block);
"""

EVENT_COLUMNS = (
    "event_id", "article_id", "sentence_index", "sentence", "trigger",
    "source_text", "source_name", "source_code", "source_country", "source_sector",
    "target_text", "target_name", "target_code", "target_country", "target_sector",
    "cameo_code", "cameo_root", "cameo_name", "goldstein", "quad_class",
    "plover_event", "plover_mode", "modality",
    "date_value", "date_start", "date_end", "date_precision", "date_basis", "date_text",
    "report_date", "location_name", "location_country", "location_lat", "location_lon",
    "location_geonameid", "location_feature",
    "rule_id", "record", "schema_version", "rules_version",
)  # fmt: skip
# Columns added to tables of older stores when they are opened for writing (schema 1.1).
_MIGRATIONS = (
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_geonameid BIGINT",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS location_feature VARCHAR",
)


def content_hash(article: Article) -> str:
    import hashlib

    digest = hashlib.sha1()
    for part in (article.date.isoformat(), article.title, article.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def located_events(document: Document) -> tuple[Event, ...]:
    """The document's events, each location completed with its place's GeoNames id
    and feature kind (the place the evidence's `place` span points at).

    The events stage builds an event's location from a `Place` but keeps only its
    name, country and point; what an export needs of it is added here, so coding
    is untouched. An event that already carries them (read back from a Dask shard)
    is kept as it is."""
    places = {(place.start, place.end): place for place in document.places}
    if not places:
        return document.events
    events = []
    for event in document.events:
        span = event.evidence.get("place")
        place = places.get((span.start, span.end)) if span else None
        location = event.location
        if place is not None and location is not None and location.geonameid is None:
            location = replace(
                location, geonameid=place.geonameid, feature=location.feature or place.feature
            )
            event = replace(event, location=location)
        events.append(event)
    return tuple(events)


_ROWS_PER_INSERT = 5000


def insert_rows(
    connection: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert rows keyed by column name (`Event.to_row`, `FusedEvent.to_row` ...)
    into `table`, naming the columns: every row must have the same columns.

    The rows go in column by column, one list parameter per column unnested in
    one statement (up to `_ROWS_PER_INSERT` rows each, in their order): DuckDB
    takes that an order of magnitude faster than the same rows one by one."""
    if not rows:
        return
    columns = tuple(rows[0])
    names = set(columns)
    for row in rows:
        if row.keys() != names:
            raise StoreError(
                f"a row for {table} has the columns {sorted(row)}, another {sorted(names)}"
            )
    unnested = ", ".join(f"unnest(${n})" for n in range(1, len(columns) + 1))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {unnested}"
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        connection.execute(sql, [[row[column] for row in chunk] for column in columns])


# What fusion reads of an event (the fields of `dateline.fuse.Report`), with its outlet.
_REPORT_SELECT = (
    "e.event_id, e.article_id, e.report_date, e.source_code, e.target_code, e.cameo_code,"
    " e.modality, e.date_value, e.date_precision, e.date_basis, e.date_start, e.date_end,"
    " a.source AS outlet, e.source_name, e.target_name, e.source_country, e.target_country,"
    " e.cameo_name, e.plover_event, e.plover_mode, e.location_name, e.location_country,"
    " e.sentence, e.record->>'$.source.kb_id' AS source_kb_id,"
    " e.record->>'$.target.kb_id' AS target_kb_id, md5(e.record) AS record_md5"
)
_FUSED_ORDER = " ORDER BY coalesce(date_start, first_report), fused_id"


class Store:
    def __init__(
        self, connection: duckdb.DuckDBPyConnection, path: str, read_only: bool = False
    ) -> None:
        self.connection = connection
        self.path = path
        if not read_only:
            self.connection.execute(_SCHEMA)
            for migration in _MIGRATIONS:
                self.connection.execute(migration)

    # -- runs ---------------------------------------------------------------
    def start_run(self, run_id: str, inputs: Sequence[str], rules_version: str) -> None:
        """Record a run as `running`. A run still `running` that no store of this
        process started was killed (only one process can write a DuckDB file at a
        time), so it is marked `aborted` first."""
        self.abort_stale_runs()
        self.connection.execute(
            "INSERT INTO runs (run_id, started_at, status, inputs, schema_version, rules_version)"
            " VALUES (?, ?, 'running', ?, ?, ?)",
            [run_id, dt.datetime.now(), json.dumps(list(inputs)), SCHEMA_VERSION, rules_version],
        )
        _LIVE_RUNS.add(run_id)

    def abort_stale_runs(self) -> list[str]:
        """Mark `aborted` every run left `running` by a process that is gone; their ids."""
        rows = self.connection.execute(
            "SELECT run_id FROM runs WHERE status = 'running' ORDER BY run_id"
        ).fetchall()
        stale = [run_id for (run_id,) in rows if run_id not in _LIVE_RUNS]
        if stale:
            self.connection.execute(
                "UPDATE runs SET status = 'aborted' WHERE list_contains(?, run_id)", [stale]
            )
        return stale

    def finish_run(self, run_id: str, counts: dict[str, int], status: str = "finished") -> None:
        _LIVE_RUNS.discard(run_id)
        self.connection.execute(
            "UPDATE runs SET finished_at = ?, status = ?, articles_read = ?, articles_coded = ?,"
            " articles_skipped = ?, rejected = ?, events = ? WHERE run_id = ?",
            [
                dt.datetime.now(), status, counts.get("read", 0), counts.get("coded", 0),
                counts.get("skipped", 0), counts.get("rejected", 0), counts.get("events", 0), run_id,
            ],
        )  # fmt: skip

    # -- articles and events --------------------------------------------------
    def already_coded(self, articles: Sequence[Article], rules_version: str) -> set[str]:
        """Ids of articles stored with the same content and rules: a re-run skips them."""
        if not articles:
            return set()
        hashes = {article.id: content_hash(article) for article in articles}
        rows = self.connection.execute(
            "SELECT article_id, content_hash FROM articles"
            " WHERE rules_version = ? AND schema_version = ? AND list_contains(?, article_id)",
            [rules_version, SCHEMA_VERSION, list(hashes)],
        ).fetchall()
        return {article_id for article_id, digest in rows if hashes.get(article_id) == digest}

    def write(self, documents: Sequence[Document], run_id: str, rules_version: str) -> int:
        """Replace these articles and all their events in one transaction."""
        if not documents:
            return 0
        ids = [document.article.id for document in documents]
        article_rows = [
            {
                **d.article.to_row(), "content_hash": content_hash(d.article),
                "n_events": len(d.events), "run_id": run_id, "schema_version": SCHEMA_VERSION,
                "rules_version": rules_version,
            }
            for d in documents
        ]  # fmt: skip
        seen: set[str] = set()
        event_rows = []
        for document in documents:
            for event in located_events(document):
                if event.event_id not in seen:  # the same event twice in one story is one row
                    seen.add(event.event_id)
                    event_rows.append(event.to_row())
        con = self.connection
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM events WHERE list_contains(?, article_id)", [ids])
            con.execute("DELETE FROM articles WHERE list_contains(?, article_id)", [ids])
            insert_rows(con, "articles", article_rows)
            if event_rows:
                # An event id seen in another article (the same text under two ids) is replaced.
                con.execute(
                    "DELETE FROM events WHERE list_contains(?, event_id)",
                    [[row["event_id"] for row in event_rows]],
                )
                insert_rows(con, "events", event_rows)
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"could not write a batch of {len(ids)} articles: {exc}") from exc
        return len(event_rows)

    # -- queries ----------------------------------------------------------------
    def events(self, query: EventQuery | None = None) -> list[dict[str, Any]]:
        """Stored events as documented nested dicts, in date order."""
        query = query or EventQuery()
        where, params = query.where()
        sql = (
            f"SELECT record FROM events{where} ORDER BY coalesce(date_start, report_date), event_id"
        )
        if query.limit:
            sql += " LIMIT ?"
            params.append(query.limit)
        return [json.loads(row[0]) for row in self.connection.execute(sql, params).fetchall()]

    def iter_event_rows(self, query: EventQuery | None = None) -> Iterator[dict[str, Any]]:
        """Flat event rows (the table's columns, without the JSON record)."""
        query = query or EventQuery()
        where, params = query.where()
        columns = [c for c in EVENT_COLUMNS if c != "record"]
        sql = (
            f"SELECT {', '.join(columns)} FROM events{where}"
            " ORDER BY coalesce(date_start, report_date), event_id"
        )
        if query.limit:
            sql += " LIMIT ?"
            params.append(query.limit)
        cursor = self.connection.execute(sql, params)
        while rows := cursor.fetchmany(1000):
            for row in rows:
                yield dict(zip(columns, row, strict=True))

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for table in ("articles", "events", "runs"):
            row = self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            result[table] = int(row[0]) if row else 0
        return result

    def export(
        self,
        path: str | Path,
        query: EventQuery | None = None,
        layout: str = "dateline",
        format: str | None = None,
        partition: str | None = None,
    ) -> int:
        """Write events to a file in a layout (dateline, gdelt, icews, plover) and a format
        (tsv, csv, jsonl, parquet, geojson; by default the suffix's): `store.export`."""
        from dateline.store.export import export_events

        return export_events(self, path, query, layout=layout, format=format, partition=partition)

    # -- fused events (dateline.fuse) ------------------------------------------
    def _dicts(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, params)
        columns = [d[0] for d in cursor.description or ()]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def has_fused_tables(self) -> bool:
        """False for a database written before fusion existed and opened read-only."""
        rows = self.connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'fused_events'"
        ).fetchall()
        return bool(rows[0][0])

    def unfused_event_rows(self) -> list[dict[str, Any]]:
        """Events no fused event holds yet, as `Report` fields plus `record_md5`."""
        return self._dicts(
            f"SELECT {_REPORT_SELECT} FROM events e JOIN articles a USING (article_id)"
            " WHERE e.event_id NOT IN (SELECT event_id FROM fused_members)"
            " ORDER BY e.event_id",
            [],
        )

    def fused_block_rows(self, block: str, lo: dt.date, hi: dt.date) -> list[dict[str, Any]]:
        """Fused reports of one block whose interval meets [lo, hi], with `fused_id`."""
        return self._dicts(
            f"SELECT {_REPORT_SELECT}, m.fused_id FROM fused_members m"
            " JOIN events e USING (event_id) JOIN articles a ON a.article_id = e.article_id"
            " WHERE m.block = ? AND m.lo <= ? AND m.hi >= ? ORDER BY e.event_id",
            [block, hi, lo],
        )

    def stale_fused_ids(self, fusion_version: str) -> list[str]:
        """Fused events to dissolve: one of their events was removed or re-coded,
        or they were made under other fusion rules."""
        rows = self.connection.execute(
            "SELECT DISTINCT m.fused_id FROM fused_members m"
            " LEFT JOIN events e ON e.event_id = m.event_id"
            " WHERE e.event_id IS NULL OR md5(e.record) <> m.record_md5"
            " OR m.fusion_version <> ?"
            " UNION SELECT fused_id FROM fused_events WHERE fusion_version <> ?"
            " OR fused_id NOT IN (SELECT fused_id FROM fused_members)",
            [fusion_version, fusion_version],
        ).fetchall()
        return sorted(row[0] for row in rows)

    def replace_fused(
        self,
        remove: Sequence[str],
        fused: Sequence[FusedEvent],
        index: Mapping[str, MemberIndex],
    ) -> None:
        """In one transaction: drop these fused events and their members, insert
        the new ones (`index` says where fusion filed each member, by event id)."""
        fused_rows = [event.to_row() for event in fused]
        member_rows = [row for event in fused for row in event.member_rows(index)]
        con = self.connection
        con.execute("BEGIN TRANSACTION")
        try:
            if remove:
                con.execute(
                    "DELETE FROM fused_members WHERE list_contains(?, fused_id)", [list(remove)]
                )
                con.execute(
                    "DELETE FROM fused_events WHERE list_contains(?, fused_id)", [list(remove)]
                )
            if member_rows:
                con.execute(
                    "DELETE FROM fused_members WHERE list_contains(?, event_id)",
                    [[row["event_id"] for row in member_rows]],
                )
                insert_rows(con, "fused_members", member_rows)
            insert_rows(con, "fused_events", fused_rows)
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"could not write {len(fused_rows)} fused events: {exc}") from exc

    def clear_fused(self) -> None:
        """Forget every fused event (``dateline fuse --rebuild``)."""
        self.replace_fused(
            [row[0] for row in self.connection.execute("SELECT fused_id FROM fused_events").fetchall()]
            + [row[0] for row in self.connection.execute(
                "SELECT DISTINCT fused_id FROM fused_members").fetchall()],
            [],
            {},
        )  # fmt: skip

    def fused_events(self, query: FusedQuery | None = None) -> list[dict[str, Any]]:
        """Stored fused events as nested dicts (docs/fusion.md), in date order."""
        query = query or FusedQuery()
        where, params = query.where()
        sql = f"SELECT record FROM fused_events{where}{_FUSED_ORDER}"
        if query.limit:
            sql += " LIMIT ?"
            params.append(query.limit)
        return [json.loads(row[0]) for row in self.connection.execute(sql, params).fetchall()]

    def fused_counts(self) -> dict[str, int]:
        # fetchall, not fetchone: a half-read result would block the next statement.
        (fused, members, multi), *_ = self.connection.execute(
            "SELECT (SELECT count(*) FROM fused_events), (SELECT count(*) FROM fused_members),"
            " (SELECT count(*) FROM fused_events WHERE n_reports > 1)"
        ).fetchall()
        return {"fused_events": int(fused), "members": int(members), "multi_report": int(multi)}

    def export_fused(
        self, path: str | Path, query: FusedQuery | None = None, format: str | None = None
    ) -> int:
        """Write fused events to .jsonl (nested, with members), .csv, .tsv or .parquet (flat
        columns, one row per fused event), with Goldstein, QuadClass and coordinates."""
        from dateline.store.export import export_fused

        return export_fused(self, path, query, format=format)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def explain_duckdb_error(exc: BaseException, path: str | None = None) -> StoreError:
    """A DuckDB error as a user can act on it. The one users meet is the lock: another
    process (most often `dateline serve`, or a second `dateline code`) holds the file."""
    import re

    message = str(exc)
    where = f" {path}" if path else ""
    if "lock" in message.lower():
        pid = re.search(r"PID (\d+)", message)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreError(
            f"the database{where} is in use by another dateline{holder}: stop `dateline serve`"
            " (or the other `dateline code`) before writing to it, or give another --db"
        )
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return StoreError(f"cannot use the database{where}: {first}")


def open_store(path: str | Path = DEFAULT_DB, read_only: bool = False) -> Store:
    """Open (and create if needed) a dateline database; ``":memory:"`` for tests."""
    name = str(path)
    try:
        connection = duckdb.connect(name, read_only=read_only)
    except duckdb.Error as exc:
        raise explain_duckdb_error(exc, name) from exc
    return Store(connection, name, read_only=read_only)
