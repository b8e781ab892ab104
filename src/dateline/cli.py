"""The `dateline` command line: parses arguments, calls the library, prints.

This is the only module that prints or exits.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column, Table

from dateline import __version__
from dateline.errors import DatelineError
from dateline.records import MODALITIES, SCHEMA_VERSION, record_to_dict

app = typer.Typer(
    help="dateline: political event data (CAMEO, PLOVER) from dated news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click errors: "Error: Invalid value for '--x': ..." on one line, not a box
    # whose text wraps at 80 columns.
    rich_markup_mode=None,
)
eval_app = typer.Typer(
    help="Score a stage against gold data.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(eval_app, name="eval")

console = Console()
errors = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
# The filter vocabulary that `events`, `timeline`, `fused` and `export` share with the
# HTTP API and `dateline.read_events` (dateline/store/query.py).
ActorOption = Annotated[str | None, typer.Option(help="Actor code or prefix (CHN, JPNGOV).")]
DyadOption = Annotated[
    tuple[str, str] | None, typer.Option(help="Two actor codes, either direction.")
]
CountryOption = Annotated[str | None, typer.Option(help="ISO3 country of either actor (CHN).")]
DayOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])]
CameoOption = Annotated[
    str | None, typer.Option(help="CAMEO code prefix: 04 (a root; 4 is the same), 036.")
]
QuadOption = Annotated[int | None, typer.Option(min=1, max=4, help="QuadClass 1-4.")]
ModalityOption = Annotated[str | None, typer.Option(help="|".join(MODALITIES))]
# How URL inputs are fetched (`code` and `watch`; docs/ingest.md, "Web pages and feeds").
LogOption = Annotated[
    Path | None,
    typer.Option(
        "--log",
        help="Append a JSON-lines log here: fetched, skipped, rejected, coded, with reasons.",
    ),
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Fetch URLs on private and loopback addresses (local mirrors, tests).",
    ),
]
DelayOption = Annotated[
    float,
    typer.Option(
        "--delay", min=0.0, help="Seconds between requests to one host (more if robots.txt asks)."
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout", min=0.1, help="Seconds to wait for a connection or for data, per attempt."
    ),
]
TextOption = Annotated[
    str | None, typer.Option("--q", help="Words in the sentence (case-insensitive).")
]


def _version(value: bool) -> None:
    if value:
        from dateline.rules_version import rules_version

        console.print(
            f"dateline {__version__} (schema {SCHEMA_VERSION}, rules {rules_version()})",
            highlight=False,
        )
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show versions and exit."),
    ] = False,
) -> None:
    """Turn dated news into event records: who did what to whom, when and where."""


def _fail(exc: Exception) -> typer.Exit:
    # soft_wrap: one logical line, whatever the terminal's width.
    errors.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code=1)


def _user_error(exc: BaseException) -> str | None:
    """A one-line message with its code for the errors a user causes, or None."""
    import duckdb

    if isinstance(exc, DatelineError):
        return str(exc)
    if isinstance(exc, duckdb.Error):
        from dateline.store import explain_duckdb_error

        return str(explain_duckdb_error(exc))
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"[E005] cannot use{where}: {exc.strerror or exc}"
    return None


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """No user error ends in a traceback: a coded one-line message and exit status 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise  # `| head` closed the pipe: typer exits quietly
        except Exception as exc:  # typer's own exits and usage errors are none of these
            message = _user_error(exc)
            if message is None:
                raise
            raise _fail(Exception(message)) from exc

    return run


def _check_query(db: Path, modality: str | None) -> None:
    """What every query command checks before it opens the store."""
    if modality and modality not in MODALITIES:
        raise typer.BadParameter(f"one of {', '.join(MODALITIES)}", param_hint="--modality")
    if not db.exists():
        raise _fail(FileNotFoundError(f"[E005] no database at {db}; run `dateline code` first"))


def _query(
    actor: str | None = None,
    dyad: tuple[str, str] | None = None,
    country: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cameo: str | None = None,
    quadclass: int | None = None,
    modality: str | None = None,
    q: str | None = None,
    limit: int | None = None,
) -> Any:
    """The shared filters as the one query type (`dateline.store.query.EventQuery`)."""
    from dateline.store.query import EventQuery, normalise_cameo

    try:
        prefix = normalise_cameo(cameo)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--cameo") from exc
    if country is not None and not (len(country) == 3 and country.isalpha()):
        raise typer.BadParameter("an ISO3 country code such as CHN", param_hint="--country")
    if since and until and since > until:
        raise typer.BadParameter("--since is after --until", param_hint="--since")
    return EventQuery(
        actor=actor,
        dyad=dyad,
        country=country,
        since=since.date() if since else None,
        until=until.date() if until else None,
        cameo=prefix,
        quadclass=quadclass,
        modality=modality,
        q=q,
        limit=limit,
    )


def _width() -> int:
    return console.width or 80


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _date_cell(date: dict[str, Any]) -> str:
    """The event's date as the text gives it; (r) when only the story's date dated it,
    (n) when the narrative's time did (the table's caption says so)."""
    value = str(date.get("value") or "")
    mark = {"report": " (r)", "narrative": " (n)"}.get(str(date.get("basis")), "")
    return value + mark


def _actor_cell(actor: dict[str, Any] | None, width: int = 18) -> str:
    if not actor:
        return "–"
    name = str(actor.get("name") or actor.get("text") or "")
    return f"{actor.get('cameo_code') or '?'} {_short(name, width)}".rstrip()


def _fit_table(
    title: str, caption: str, headers: list[str], rows: list[list[str]], flex: set[str]
) -> Table:
    """A table as wide as the terminal at most: every column but the `flex` ones (actor
    names) keeps its longest cell; the flex columns share what is left and cut their
    text with an ellipsis. Nothing wraps, so a row is one line."""
    fixed = [
        max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers) if h not in flex
    ]
    overhead = 3 * len(headers) + 1  # borders and one space of padding each side
    share = max(8, (_width() - overhead - sum(fixed)) // max(1, len(flex)))
    table = Table(title=title, caption=caption or None, caption_justify="left")
    for header in headers:
        justify: Any = "right" if header in {"stories", "outlets"} else "left"
        table.add_column(header, no_wrap=True, justify=justify)
    for row in rows:
        table.add_row(
            *(
                _short(cell, share) if h in flex else cell
                for h, cell in zip(headers, row, strict=True)
            )
        )
    return table


def _events_table(events: list[dict[str, Any]], title: str) -> Table:
    """Events at the terminal's width: date, actors, code and modality always; place
    and trigger when there is room; names cut with an ellipsis, never wrapped."""
    wide = _width() >= 110
    headers = ["date", "source", "code", "target", "modality"]
    if wide:
        headers += ["place", "trigger"]
    rows = []
    for event in events:
        location = event.get("location") or {}
        row = [
            _date_cell(event.get("date") or {}),
            _actor_cell(event.get("source"), 60),
            str(event.get("cameo_code")),
            _actor_cell(event.get("target"), 60),
            str(event.get("modality", "")),
        ]
        if wide:
            row += [
                _short(str(location.get("name") or "–"), 14),
                _short(str(event.get("trigger", "")), 14),
            ]
        rows.append(row)
    caption = "(r) dated by the story's date, (n) by the narrative's time"
    return _fit_table(title, caption, headers, rows, {"source", "target"})


def _print_columns(
    title: str, key_header: str, key: list[str], series: list[tuple[str, list[Any]]], note: str = ""
) -> None:
    """A table of numbers that never cuts one: the `key` column (periods, metric names)
    and as many `series` columns as the terminal holds, in more tables if need be."""
    width = _width()
    key_width = max([len(key_header), *map(len, key)]) + 3
    groups: list[list[tuple[str, list[Any]]]] = [[]]
    used = key_width
    for header, values in series:
        need = max([len(header), *(len(str(v)) for v in values)]) + 3
        if groups[-1] and used + need > width:
            groups.append([])
            used = key_width
        groups[-1].append((header, values))
        used += need
    console.print(title, highlight=False)
    for group in groups:
        table = Table(pad_edge=False)
        table.add_column(key_header, no_wrap=True)
        for header, _ in group:
            table.add_column(header, justify="right", no_wrap=True)
        for i, name in enumerate(key):
            table.add_row(name, *(str(values[i]) for _, values in group))
        console.print(table)
    if note:
        console.print(note, highlight=False)


RulesOnlyOption = Annotated[
    bool,
    typer.Option(
        "--rules-only",
        help="Code events with the rules alone (the events stage's learned dyad coder off).",
    ),
]


def _rules_only(on: bool) -> None:
    """Turn the learned coder off for this process and the workers it starts (they read the
    environment), and version the rules accordingly."""
    if on:
        from dateline.rules_version import LEARNED_ENV, rules_version

        os.environ[LEARNED_ENV] = "0"
        rules_version.cache_clear()


@app.command()
@guarded
def code(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files or directories to read, http(s) URLs of pages or feeds; - for stdin."
        ),
    ],
    db: DbOption = Path("dateline.duckdb"),
    out: Annotated[
        Path | None, typer.Option(help="Also export this run's events (.jsonl, .csv or .parquet).")
    ] = None,
    rejects: Annotated[
        Path, typer.Option(help="Where unreadable records are written (JSON Lines).")
    ] = Path("rejects.jsonl"),
    force: Annotated[bool, typer.Option(help="Re-code articles already stored.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=256, help="spaCy batch size.")] = 32,
    processes: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes coding batches in parallel.")
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            metavar="SCHEDULER",
            help="Code on Dask: a scheduler address (tcp://host:8786) or local:N workers.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    show: Annotated[int, typer.Option(help="Events to show in the closing table.")] = 40,
    fuse_events: Annotated[
        bool, typer.Option("--fuse/--no-fuse", help="Fuse the stored events across stories.")
    ] = True,
    log: LogOption = None,
    allow_private: AllowPrivateOption = False,
    delay: DelayOption = 2.0,
    timeout: TimeoutOption = 20.0,
    max_chars: Annotated[
        int,
        typer.Option(min=1, help="Longest story coded, in characters; longer ones are rejected."),
    ] = 1_000_000,
    stage_timeout: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds a stage may spend on a story (plus 1 s per 1,000 characters) before"
            " the story is rejected as too slow; 0: no limit.",
        ),
    ] = 20.0,
    rules_only: RulesOnlyOption = False,
) -> None:
    """Read stories, code their events, and store them in the database."""
    _rules_only(rules_only)
    from dateline.guard import TimeBudget
    from dateline.ingest.reader import is_url
    from dateline.run import build_pipeline, code_inputs
    from dateline.store import EventQuery, open_store

    budget = TimeBudget(base=stage_timeout) if stage_timeout > 0 else None
    # SIGTERM ends the run as Ctrl-C does: the run is marked interrupted, worker
    # processes are stopped and every stored batch is kept.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)

    if dask and any(is_url(name) for name in inputs):
        raise typer.BadParameter(
            "URLs are fetched by one process; drop --dask", param_hint="--dask"
        )
    web = _web_reader(db, log, allow_private, delay, timeout, refetch=force)
    web.log.write("run", inputs=list(inputs))
    try:
        # Built here, once, so a missing model fails before anything is read; with
        # worker processes each worker builds its own.
        pipeline = build_pipeline(batch_size=batch_size) if processes == 1 and not dask else None
        store = open_store(db)
    except DatelineError as exc:
        raise _fail(exc) from exc
    # Counts and times first, never cut; the status text takes what is left of the line
    # and loses its end, not a number's, on a narrow terminal.
    fixed = Column(no_wrap=True)
    progress = Progress(
        SpinnerColumn(table_column=fixed),
        TextColumn("[progress.description]{task.description}", table_column=fixed),
        BarColumn(bar_width=None if _width() >= 120 else 12, table_column=fixed),
        MofNCompleteColumn(table_column=Column(no_wrap=True)),
        TimeElapsedColumn(table_column=Column(no_wrap=True)),
        TimeRemainingColumn(table_column=Column(no_wrap=True)),
        TextColumn(
            "{task.fields[status]}",
            table_column=Column(no_wrap=False, overflow="ellipsis"),
        ),
        console=errors,
        disable=quiet,
        transient=False,
    )
    with store, progress:
        # Reading is ~100x faster than coding, so a counting pass costs little
        # and buys a real bar with a time estimate. Stdin cannot be read twice.
        total = None if quiet or "-" in inputs else _count_records(inputs)
        task = progress.add_task("coding", total=total, status="")

        def on_progress(summary: Any) -> None:
            progress.update(
                task,
                completed=summary.read + summary.rejected,
                status=_status(summary),
            )

        try:
            if not dask:
                summary = code_inputs(
                    inputs,
                    store,
                    rejects_path=rejects,
                    pipeline=pipeline,
                    force=force,
                    stdin=sys.stdin if "-" in inputs else None,
                    on_progress=on_progress,
                    processes=processes,
                    batch_size=batch_size,
                    web=web,
                    max_chars=max_chars,
                    budget=budget,
                )
            else:  # partitions coded on Dask workers, merged here (docs/scale.md)
                from dateline.scale import code_on_dask

                summary = code_on_dask(
                    inputs,
                    store,
                    dask,
                    rejects_path=rejects,
                    force=force,
                    stdin=sys.stdin if "-" in inputs else None,
                    on_progress=on_progress,
                    batch_size=batch_size,
                    max_chars=max_chars,
                    budget=budget,
                )
        except DatelineError as exc:
            raise _fail(exc) from exc
        except KeyboardInterrupt:
            progress.stop()
            errors.print(
                "interrupted: every batch stored so far is kept; run the same command again"
                " to go on",
                highlight=False,
            )
            raise typer.Exit(code=130) from None
        on_progress(summary)
        web.log_outcomes(store, summary.run_id)
        web.log.write(
            "run",
            run_id=summary.run_id,
            **summary.counts(),
            rejected_by_reason=dict(summary.rejects_by_reason),
        )
        web.close()
        progress.update(task, description="done")
        progress.stop()
        fusion = None
        if fuse_events:  # incremental: only this run's new events are matched (docs/fusion.md)
            from dateline.fuse import fuse_store

            try:
                fusion = fuse_store(store)
            except DatelineError as exc:
                raise _fail(exc) from exc
        # What this run read, whether coded now or already stored by an earlier run.
        run_query = EventQuery(article_ids=tuple(summary.article_ids))
        run_events = store.events(run_query)
        if out is not None:
            try:
                store.export(out, run_query)
            except DatelineError as exc:
                raise _fail(exc) from exc
        if not quiet:
            if run_events:
                shown = run_events[:show]
                title = f"{len(run_events)} events coded in this run" + (
                    f" (first {show})" if len(run_events) > show else ""
                )
                console.print(_events_table(shown, title))
            console.print(
                f"read {summary.read}, coded {summary.coded}, skipped (already stored) "
                f"{summary.skipped}, failed {summary.failed}, rejected {summary.rejected},"
                f" events {summary.events} → {db}",
                highlight=False,
            )
            if out is not None:
                console.print(f"wrote {len(run_events)} events to {out}", highlight=False)
            if fusion is not None:
                console.print(
                    f"fused {fusion.new_events} new events: {fusion.fused_events} fused events, "
                    f"{fusion.multi_report} told by more than one story",
                    highlight=False,
                )
        if summary.rejected or summary.failed:
            reasons = ", ".join(f"{n} {r}" for r, n in summary.rejects_by_reason.most_common(5))
            errors.print(
                f"[yellow]{summary.rejected + summary.failed} records rejected[/] ({reasons});"
                f" see {summary.rejects_path}",
                highlight=False,
            )


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _status(summary: Any) -> str:
    """The progress line's counts in the room the bar, counts and times leave (about 50
    columns): in words on a wide terminal, abbreviated on a narrow one, never wrapped."""
    room = max(8, (errors.width or 80) - 52)
    full = (
        f"events {summary.events} · coded {summary.coded} · skipped {summary.skipped}"
        f" · rejected {summary.rejected}"
    )
    if len(full) <= room:
        return full
    brief = f"ev {summary.events} cod {summary.coded} skip {summary.skipped} rej {summary.rejected}"
    return _short(brief, room)


def _count_records(inputs: list[str]) -> int | None:
    from dateline.ingest import read_inputs
    from dateline.ingest.reader import is_url

    if any(is_url(name) for name in inputs):
        return None  # counting would fetch every page twice
    try:
        no_fetch: Any = _NoFetch()
        return sum(1 for _ in read_inputs(inputs, web=no_fetch))
    except (DatelineError, _Uncountable):
        return None  # the real pass reports the error


class _Uncountable(Exception):
    """A file lists URLs: counting its records would fetch them."""


class _NoFetch:
    def read(self, url: str) -> Any:
        raise _Uncountable(url)


def _web_reader(
    db: Path,
    log: Path | None,
    allow_private: bool,
    delay: float,
    timeout: float,
    *,
    refetch: bool = False,
) -> Any:
    """The reader of URL inputs; its crawl state sits next to the database."""
    from dateline.ingest.web import CrawlState, Politeness, RunLog, WebReader, state_path_for

    policy = Politeness(
        allow_private=allow_private,
        delay=delay,
        connect_timeout=min(10.0, timeout),
        read_timeout=timeout,
        total_timeout=max(60.0, 3 * timeout),
    )
    return WebReader(policy, state=CrawlState(state_path_for(db)), log=RunLog(log), refetch=refetch)


@app.command()
def watch(
    feeds: Annotated[
        list[str],
        typer.Argument(help="RSS or Atom feed URLs, or files listing them one a line."),
    ],
    every: Annotated[str, typer.Option(help="Time between polls: 90s, 15m, 1h.")] = "15m",
    db: DbOption = Path("dateline.duckdb"),
    rejects: Annotated[
        Path, typer.Option(help="Where every poll's rejects are appended (JSON Lines).")
    ] = Path("rejects.jsonl"),
    log: LogOption = None,
    allow_private: AllowPrivateOption = False,
    delay: DelayOption = 2.0,
    timeout: TimeoutOption = 20.0,
    cycles: Annotated[
        int | None,
        typer.Option(min=1, help="Stop after this many polls (1 from cron); default: never."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=256, help="spaCy batch size.")] = 32,
    fuse_events: Annotated[
        bool, typer.Option("--fuse/--no-fuse", help="Fuse the stored events after each poll.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Poll feeds and code what is new, every --every; killed and started again, it resumes."""
    from dateline.run import build_pipeline
    from dateline.store import open_store
    from dateline.watch import CycleResult, feed_urls, parse_interval, watch_feeds

    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from exc
    try:
        urls = feed_urls(feeds)
        pipeline = build_pipeline(batch_size=batch_size)
        store = open_store(db)
    except DatelineError as exc:
        raise _fail(exc) from exc
    reader = _web_reader(db, log, allow_private, delay, timeout)

    def on_cycle(result: CycleResult) -> None:
        summary = result.summary
        if not quiet:
            console.print(
                f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} poll {result.number}: "
                f"read {summary.read}, coded {summary.coded}, skipped (already stored) "
                f"{summary.skipped}, rejected {summary.rejected}, events {summary.events} "
                f"({result.seconds:.1f} s) → {db}",
                highlight=False,
            )
        if summary.rejected:
            reasons = ", ".join(f"{n} {r}" for r, n in summary.rejects_by_reason.most_common(5))
            errors.print(
                f"[yellow]{summary.rejected} rejected[/] ({reasons}); see {rejects}",
                highlight=False,
            )

    if not quiet:
        console.print(
            f"watching {len(urls)} feed{'s' if len(urls) != 1 else ''} every {every}"
            + (f", {cycles} poll{'s' if cycles != 1 else ''}" if cycles else "; Ctrl-C stops"),
            highlight=False,
        )
    try:
        watch_feeds(
            urls,
            store,
            reader,
            every=seconds,
            cycles=cycles,
            rejects_path=rejects,
            pipeline=pipeline,
            batch_size=batch_size,
            fuse=fuse_events,
            on_cycle=on_cycle,
        )
    except KeyboardInterrupt:
        errors.print("stopped; the same command resumes where this one left off", highlight=False)
    except DatelineError as exc:
        raise _fail(exc) from exc
    finally:
        reader.close()
        store.close()


@app.command()
@guarded
def events(
    db: DbOption = Path("dateline.duckdb"),
    actor: ActorOption = None,
    dyad: DyadOption = None,
    country: CountryOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: CameoOption = None,
    quadclass: QuadOption = None,
    modality: ModalityOption = None,
    q: TextOption = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    format: Annotated[
        str, typer.Option("--format", help="table, jsonl, csv or tsv (flat columns).")
    ] = "table",
) -> None:
    """Query stored events."""
    from dateline.store import open_store

    if format not in {"table", "jsonl", "csv", "tsv"}:
        raise typer.BadParameter("table, jsonl, csv or tsv", param_hint="--format")
    _check_query(db, modality)
    query = _query(actor, dyad, country, since, until, cameo, quadclass, modality, q, limit)
    with open_store(db, read_only=True) as store:
        if format in {"csv", "tsv"}:
            from dateline.store.export import event_relation

            relation = event_relation(store.connection, query)
            writer = csv.writer(sys.stdout, delimiter="\t" if format == "tsv" else ",")
            writer.writerow(relation.columns)
            writer.writerows(relation.fetchall())
            return
        found = store.events(query)
    if format == "jsonl":
        for event in found:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    else:
        console.print(_events_table(found, f"{len(found)} events"))


_QUAD_SHORT = {"1": "verbal coop", "2": "material coop", "3": "verbal confl", "4": "material confl"}


@app.command()
@guarded
def timeline(
    db: DbOption = Path("dateline.duckdb"),
    interval: Annotated[str, typer.Option(help="day, week, month or year.")] = "month",
    by: Annotated[str, typer.Option(help="quadclass or root (CAMEO root).")] = "quadclass",
    date: Annotated[
        str, typer.Option(help="event (the date the text gives) or report (the story's date).")
    ] = "event",
    actor: ActorOption = None,
    dyad: DyadOption = None,
    country: CountryOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: CameoOption = None,
    quadclass: QuadOption = None,
    modality: ModalityOption = None,
    q: TextOption = None,
    format: Annotated[str, typer.Option("--format", help="table, jsonl or csv.")] = "table",
) -> None:
    """Event counts per period (every period, zero-filled), by QuadClass or CAMEO root; events
    dated more coarsely than a period or only vaguely (PAST_REF) are counted apart."""
    from dateline.store import open_store
    from dateline.store.query import TooManyPeriodsError
    from dateline.store.query import timeline as count_timeline

    choices = {
        "--interval": (interval, {"day", "week", "month", "year"}),
        "--by": (by, {"quadclass", "root"}),
        "--date": (date, {"event", "report"}),
        "--format": (format, {"table", "jsonl", "csv"}),
    }
    for hint, (value, allowed) in choices.items():
        if value not in allowed:
            raise typer.BadParameter(", ".join(sorted(allowed)), param_hint=hint)
    _check_query(db, modality)
    where = _query(actor, dyad, country, since, until, cameo, quadclass, modality, q)
    with open_store(db, read_only=True) as store:
        try:
            result = count_timeline(store.connection, where, interval, by, date, fill=True)  # type: ignore[arg-type]
        except TooManyPeriodsError as exc:
            raise typer.BadParameter(str(exc), param_hint="--interval") from exc
    keys = [series["key"] for series in result["series"]]
    rows = [
        [bucket["period"], *(bucket["counts"].get(key, 0) for key in keys)]
        for bucket in result["buckets"]
    ]
    apart = []
    if result["spanning"]:
        apart.append(f"{result['spanning']} dated only more coarsely than a {interval}")
    if result["undated"]:
        apart.append(f"{result['undated']} dated only vaguely (PAST_REF, FUTURE_REF)")
    note = ("Not counted above: " + "; ".join(apart) + ".") if apart else ""
    if format in {"jsonl", "csv"}:
        if format == "jsonl":
            for bucket in result["buckets"]:
                sys.stdout.write(json.dumps(bucket, ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(sys.stdout)
            writer.writerow(["period", *keys, "total"])
            for row in rows:
                writer.writerow([*row, sum(row[1:])])
        if note:  # beside the data, never inside it
            errors.print(note, highlight=False, soft_wrap=True)
        return
    if by == "quadclass":
        headers = [f"{key} {_QUAD_SHORT.get(key, key)}" for key in keys]
    else:
        headers = keys
        names = ", ".join(f"{s['key']} {s['label'].lower()}" for s in result["series"])
        note = (f"Roots: {names}. " if names else "") + note
    periods = [_period_label(row[0], interval) for row in rows]
    series = [(header, [row[i + 1] for row in rows]) for i, header in enumerate(headers)]
    series.append(("total", [sum(row[1:]) for row in rows]))
    _print_columns(f"events per {interval}, by {by} ({date} date)", interval, periods, series, note)


def _period_label(period: str, interval: str) -> str:
    return {"month": period[:7], "year": period[:4]}.get(interval, period)


@app.command()
@guarded
def export(
    out: Annotated[
        Path,
        typer.Argument(
            help="Output file (.tsv, .csv, .jsonl, .parquet, .geojson), or a new folder with"
            " --partition."
        ),
    ],
    db: DbOption = Path("dateline.duckdb"),
    layout: Annotated[
        str,
        typer.Option(help="dateline (default), gdelt (GDELT 2.0), icews or plover (PLOVER JSON)."),
    ] = "dateline",
    format: Annotated[
        str | None,
        typer.Option(
            "--format", help="tsv, csv, jsonl, parquet or geojson; default: the file's suffix."
        ),
    ] = None,
    partition: Annotated[
        str | None,
        typer.Option(help="year or month: a folder of Parquet files by the story's date."),
    ] = None,
    actor: ActorOption = None,
    dyad: DyadOption = None,
    country: CountryOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: CameoOption = None,
    quadclass: QuadOption = None,
    modality: ModalityOption = None,
    q: TextOption = None,
) -> None:
    """Export stored events (all, or those the filters select) in dateline's own layout or
    an anchor's: GDELT 2.0, ICEWS, POLECAT/PLOVER."""
    from dateline.store import open_store
    from dateline.store.export import FORMATS, LAYOUTS, PARTITIONS

    if layout not in LAYOUTS:
        raise typer.BadParameter(", ".join(LAYOUTS), param_hint="--layout")
    if format is not None and format not in FORMATS:
        raise typer.BadParameter(", ".join(FORMATS), param_hint="--format")
    if partition is not None and partition not in PARTITIONS:
        raise typer.BadParameter(" or ".join(PARTITIONS), param_hint="--partition")
    _check_query(db, modality)
    query = _query(actor, dyad, country, since, until, cameo, quadclass, modality, q)
    with open_store(db, read_only=True) as store:
        n = store.export(out, query, layout=layout, format=format, partition=partition)
    console.print(f"wrote {n} events to {out} ({layout} layout)", highlight=False)
    if out.suffix.lower() in {".csv", ".tsv", ".tab"} or format in {"csv", "tsv"}:
        console.print(
            "CSV and TSV keep no types: read the code columns as text (docs/analysis.md).",
            highlight=False,
            style="dim",
        )


@app.command()
@guarded
def inspect(
    file: Annotated[
        str,
        typer.Argument(
            metavar="STORY",
            help="A story file (any input format), - for stdin, or the id of a stored article.",
        ),
    ],
    db: Annotated[Path, typer.Option("--db", help="Where to look for a stored article id.")] = Path(
        "dateline.duckdb"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    candidates: Annotated[
        bool,
        typer.Option(
            "--candidates",
            help="Also list every candidate trigger and the step that dropped it (always in --json).",
        ),
    ] = False,
    rules_only: RulesOnlyOption = False,
) -> None:
    """Show everything every stage found in a story: why an event was or was not coded."""
    _rules_only(rules_only)
    from dateline.ingest import read_inputs
    from dateline.inspect import inspect_document
    from dateline.records import Reject
    from dateline.run import build_pipeline, code_articles

    articles = []
    if file != "-" and not Path(file).exists():
        articles = [_stored_article(file, db)]
    else:
        for item in read_inputs([file], stdin=sys.stdin if file == "-" else None):
            if isinstance(item, Reject):
                errors.print(f"rejected {item.file}:{item.line}: {item.reason}", highlight=False)
            else:
                articles.append(item)
    if not articles:
        raise _fail(ValueError(f"[E004] no readable story in {file}"))
    try:
        pipeline = build_pipeline()
        documents = code_articles(articles, pipeline)
    except DatelineError as exc:
        raise _fail(exc) from exc
    events_stage = pipeline.stages[-1]
    explain = getattr(getattr(events_stage, "patterns", None), "explain", None)
    reports = []
    for document in documents:
        trace: list[Any] = []
        if candidates or as_json:
            events_stage.code_document(document, trace=trace)  # type: ignore[attr-defined]
        reports.append(inspect_document(document, explain, trace))
    if as_json:
        payload: Any = reports[0] if len(reports) == 1 else reports
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for report in reports:
        _print_inspection(report)


def _stored_article(article_id: str, db: Path) -> Any:
    """A stored article by its id, to be coded again as it was read."""
    from dateline.records import Article
    from dateline.store import open_store

    if not db.exists():
        raise _fail(
            FileNotFoundError(
                f"[E004] {article_id} is neither a file nor an article (no database at {db})"
            )
        )
    with open_store(db, read_only=True) as store:
        rows = store.connection.execute(
            "SELECT article_id, date, text, title, source, url, origin FROM articles"
            " WHERE article_id = ?",
            [article_id],
        ).fetchall()
    if not rows:
        raise _fail(
            FileNotFoundError(
                f"[E004] {article_id} is neither a file nor an article stored in {db}"
                " (`dateline events --format jsonl` lists article ids)"
            )
        )
    article_id, date, text, title, source, url, origin = rows[0]
    return Article(
        id=article_id, date=date, text=text, title=title or "", source=source, url=url,
        origin=origin or f"{db}#{article_id}",
    )  # fmt: skip


def _print_inspection(report: dict[str, Any]) -> None:
    article = report["article"]
    console.rule(f"{article['id']} · {article['date']}")
    times = Table(title="time expressions")
    for column in ("text", "type", "value", "precision", "anchor", "rule"):
        times.add_column(column)
    for t in report["timexes"]:
        times.add_row(t["text"], t["type"], t["value"], t["precision"], t["anchor"], t["rule_id"])
    console.print(times)
    actors = Table(title="actor mentions")
    for column in ("text", "code", "country", "sector", "kind", "kb_id"):
        actors.add_column(column)
    for m in report["mentions"]:
        actors.add_row(
            m["text"],
            m["cameo_code"],
            m["country"] or "",
            m["sector"] or "",
            m["kind"],
            m["kb_id"] or "",
        )
    console.print(actors)
    places = Table(title="places")
    for column in ("text", "name", "country", "lat", "lon"):
        places.add_column(column)
    for p in report["places"]:
        places.add_row(p["text"], p["name"], p["country"] or "", str(p["lat"]), str(p["lon"]))
    console.print(places)
    console.print(_events_table(report["events"], "events"))
    for event in report["events"]:
        console.print(
            f"  {event['event_id']}: rule {event['rule_id']} on “{event['trigger']}”",
            highlight=False,
        )
    if report["candidates"]:
        table = Table(title="candidate triggers (what became of each)")
        for column in ("sent", "trigger", "code", "sources", "targets", "outcome", "why"):
            table.add_column(column, overflow="fold")
        for c in report["candidates"]:
            table.add_row(
                str(c["sentence_index"]),
                c["trigger"],
                c["code"] or "",
                " ".join(c["sources"]),
                " ".join(c["targets"]),
                f"coded {c['events']}" if c["outcome"] == "coded" else c["step"],
                c["why"],
            )
        console.print(table)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:.3f}"
    return str(value)


def _render_report(report: Any) -> None:
    """The rows, then the lines worth reading, then the summary: the headline figures
    are what the terminal shows last, every number in full at any width."""
    if report.rows:
        columns = list(report.rows[0])
        key = [str(row.get(columns[0], "")) for row in report.rows]
        series = [(str(c), [_number(row.get(c, "")) for row in report.rows]) for c in columns[1:]]
        _print_columns(report.title, str(columns[0]), key, series)
    for line in report.details:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if report.metrics:
        console.print(f"{report.title}: summary", highlight=False)
        summary = Table(pad_edge=False)
        summary.add_column("metric", overflow="fold")
        summary.add_column("value", justify="right", no_wrap=True)
        for name, value in report.metrics.items():
            summary.add_row(str(name), _number(value))
        console.print(summary)


def _report_json(report: Any) -> None:
    sys.stdout.write(
        json.dumps(
            {"title": report.title, "metrics": report.metrics, "rows": report.rows}, indent=2
        )
        + "\n"
    )


@eval_app.command("time")
@guarded
def eval_time(
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            help="TimeML corpus: a folder (searched recursively) or a .tml file; repeatable."
        ),
    ] = None,
    suite: Annotated[
        str | None,
        typer.Option(
            help="real: the real news stories annotated blind by TimeML (evalsets/time_real), "
            "instead of --corpus."
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            help="real suite: dev (the default), dev2, dev3 or dev4 (later blind batches), or "
            "test (score test once per session); with --agreement, every split by default."
        ),
    ] = None,
    agreement: Annotated[
        bool,
        typer.Option(
            "--agreement",
            help="real suite: score the second annotation of doubly annotated stories "
            "against the first (the human ceiling), instead of dateline.",
        ),
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Write our TimeML annotation here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """TempEval-3 Task A: extent, type and value F1 on TimeML corpora or the real suite,
    with the error classes (wrong values and spurious expressions by rule, misses)."""
    try:
        if suite == "real":
            from dateline.eval.time_real import TIME_SPLITS, evaluate_time_real, time_agreement

            if split is not None and split not in TIME_SPLITS:
                raise typer.BadParameter(", ".join(TIME_SPLITS), param_hint="--split")
            report = time_agreement(split) if agreement else evaluate_time_real(split or "dev")
        elif suite is not None:
            raise typer.BadParameter("real (or no --suite, with --corpus)", param_hint="--suite")
        elif not corpus:
            raise typer.BadParameter("give --corpus DIR (repeatable) or --suite real")
        else:
            from dateline.eval.time import evaluate_time

            report = evaluate_time(corpus, out_dir=out)
    except DatelineError as exc:
        raise _fail(exc) from exc
    _report_json(report) if as_json else _render_report(report)


@eval_app.command("actors")
@guarded
def eval_actors(
    cases: Annotated[
        Path | None, typer.Option(help="Cases TSV (default: the packaged set).")
    ] = None,
    suite: Annotated[
        str,
        typer.Option(
            help="cases (the actor table written for the project) or real (the actors of the "
            "blind event gold of real news stories, evalsets/real)."
        ),
    ] = "cases",
    split: Annotated[
        str,
        typer.Option(
            help="real suite: dev (the default), dev2 ... dev22, several joined by commas, or "
            "test (score test once per session)."
        ),
    ] = "dev",
    details: Annotated[
        bool, typer.Option("--details", help="real suite: list every wrong and missing actor.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Accuracy of country, sector and code on the actor test set, or of the country of the
    real event gold's actors (--suite real)."""
    if suite == "real":
        from dateline.eval.actors_real import evaluate_real_actors

        try:
            report = evaluate_real_actors(split)
        except DatelineError as exc:
            raise _fail(exc) from exc
        if not details:
            report.details = []
    elif suite == "cases":
        from dateline.eval.actors import evaluate_actors

        report = evaluate_actors(cases)
    else:
        raise typer.BadParameter(f"unknown suite {suite!r}: cases or real", param_hint="--suite")
    _report_json(report) if as_json else _render_report(report)


@eval_app.command("places")
@guarded
def eval_places(
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Precision, recall and country accuracy of place resolution on the place test set."""
    from dateline.eval.places import evaluate_places

    report = evaluate_places()
    _report_json(report) if as_json else _render_report(report)


@eval_app.command("events")
@guarded
def eval_events(
    suite: Annotated[
        str,
        typer.Option(
            help="real (real news stories annotated blind, evalsets/real), petrarch (PETRARCH "
            "validation suite), sentences or stories (sets written for the project)."
        ),
    ] = "petrarch",
    gold: Annotated[
        Path | None, typer.Option(help="Another gold file for the sentences or stories suite.")
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            help="real suite: dev (the default), dev2 ... dev22 (the later blind batches), "
            "several joined by commas (dev,dev2), or test (score test once per session); with "
            "--agreement, every split by default."
        ),
    ] = None,
    agreement: Annotated[
        bool,
        typer.Option(
            "--agreement",
            help="real suite: score the second annotation of doubly annotated stories "
            "against the first (the human ceiling), instead of dateline.",
        ),
    ] = False,
    details: Annotated[
        bool, typer.Option("--details", help="real suite: list every missed and extra event.")
    ] = False,
    sentences: Annotated[
        bool,
        typer.Option(
            "--sentences",
            help="real suite: code each gold sentence alone, scored on the events the "
            "sentence's own words name the actors of, with PLOVER type accuracy (a stand-in "
            "for single-sentence gold sets).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    rules_only: RulesOnlyOption = False,
) -> None:
    """Score the events stage: P/R/F1 over (source, target, code), dates and modality."""
    _rules_only(rules_only)
    if suite == "real":
        from dateline.eval.real import agreement as score_agreement
        from dateline.eval.real import evaluate_real
        from dateline.eval.real_sentences import evaluate_real_sentences

        if agreement and sentences:
            raise typer.BadParameter("one of --agreement and --sentences", param_hint="--sentences")
        try:
            if agreement:
                report = score_agreement(split)
            elif sentences:
                report = evaluate_real_sentences(split or "dev")
            else:
                report = evaluate_real(split or "dev")
        except DatelineError as exc:
            raise _fail(exc) from exc
        if not details:
            report.details = [
                line for line in report.details if not line.startswith(("missed ", "extra "))
            ]
    elif suite == "petrarch":
        from dateline.eval.events import evaluate_events

        report = evaluate_events(suite=suite)
    elif suite == "sentences":
        from dateline.eval.sentences import evaluate_sentences

        report = evaluate_sentences(gold)
    elif suite == "stories":
        from dateline.eval.stories import evaluate_stories

        report = evaluate_stories(gold)
    else:
        raise typer.BadParameter("real, petrarch, sentences or stories", param_hint="--suite")
    _report_json(report) if as_json else _render_report(report)


@app.command()
@guarded
def serve(
    db: DbOption = Path("dateline.duckdb"),
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback is warned about.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the read-only HTTP API (/api/v1) and the web dashboard (/)."""
    from dateline.serve import bind_warning, run_server

    if not db.exists():
        raise _fail(FileNotFoundError(f"[E005] no database at {db}; run `dateline code` first"))
    warning = bind_warning(host)
    if warning:
        errors.print(f"warning: {warning}", style="bold yellow", markup=False, highlight=False)
    errors.print(
        f"dashboard at http://{host}:{port}/ · API docs at /api/docs", markup=False, highlight=False
    )
    try:
        run_server(db, host=host, port=port)
    except DatelineError as exc:
        raise _fail(exc) from exc


@app.command()
@guarded
def fuse(
    db: DbOption = Path("dateline.duckdb"),
    window_days: Annotated[
        int | None,
        typer.Option(min=0, help="Days two day-precise reports of one event may lie apart (1)."),
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Forget every fused event and fuse anew.")] = False,
) -> None:
    """Fuse stored events across stories: one event reported by many outlets becomes one."""
    from dateline.fuse import fuse_store
    from dateline.store import open_store

    if not db.exists():
        raise _fail(FileNotFoundError(f"[E005] no database at {db}; run `dateline code` first"))
    try:
        with open_store(db) as store:
            summary = fuse_store(store, window_days=window_days, rebuild=rebuild)
    except DatelineError as exc:
        raise _fail(exc) from exc
    console.print(
        f"fused {summary.new_events} new events ({summary.dissolved} stale fused events redone): "
        f"{summary.fused_events} fused events from {summary.members} events, "
        f"{summary.multi_report} told by more than one story → {db}",
        highlight=False,
    )


@app.command()
@guarded
def fused(
    db: DbOption = Path("dateline.duckdb"),
    actor: ActorOption = None,
    dyad: DyadOption = None,
    country: CountryOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: CameoOption = None,
    quadclass: QuadOption = None,
    modality: ModalityOption = None,
    q: TextOption = None,
    min_reports: Annotated[
        int | None, typer.Option(min=1, help="Only events told by at least N stories.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="table (default), jsonl, csv or tsv; with --out: jsonl, csv, tsv or parquet"
            " (default: the file's suffix).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write them to a .jsonl, .csv, .tsv or .parquet file instead."),
    ] = None,
) -> None:
    """List (or export) fused events: one row per real-world event with its reports."""
    from dateline.store import FusedQuery, open_store

    allowed = {"jsonl", "csv", "tsv", "parquet"} if out else {"table", "jsonl", "csv", "tsv"}
    if format is not None and format not in allowed:
        raise typer.BadParameter(", ".join(sorted(allowed)), param_hint="--format")
    _check_query(db, modality)
    shared = _query(actor, dyad, country, since, until, cameo, quadclass, modality, q)
    query = FusedQuery(
        **{k: getattr(shared, k) for k in ("actor", "dyad", "country", "since", "until")},
        cameo=shared.cameo,
        quadclass=quadclass,
        modality=modality,
        q=q,
        min_reports=min_reports,
        limit=limit,
    )
    with open_store(db, read_only=True) as store:
        if not store.has_fused_tables():
            raise _fail(FileNotFoundError(f"[E005] no fused events in {db}; run `dateline fuse`"))
        if out is not None:
            n = store.export_fused(out, query, format=format)
            console.print(f"wrote {n} fused events to {out}", highlight=False)
            return
        if format in {"csv", "tsv"}:
            from dateline.store.export import fused_relation

            relation = fused_relation(store.connection, query)
            writer = csv.writer(sys.stdout, delimiter="\t" if format == "tsv" else ",")
            writer.writerow(relation.columns)
            writer.writerows(relation.fetchall())
            return
        found = store.fused_events(query)
    if format == "jsonl":
        for event in found:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        return
    wide = _width() >= 110
    headers = ["date", "source", "code", "target", "modality", "stories"]
    if wide:
        headers += ["outlets", "place"]
    rows = []
    for event in found:
        asserted = len(event.get("asserted_by") or [])
        row = [
            str(event.get("date_value") or ""),
            f"{event.get('source_code') or '?'} {event.get('source_name') or ''}".rstrip(),
            str(event.get("cameo_code")),
            f"{event.get('target_code') or '–'} {event.get('target_name') or ''}".rstrip(),
            str(event.get("modality")),
            f"{event.get('n_reports')}" + (f" ({asserted} asserted)" if wide else ""),
        ]
        if wide:
            row += [str(event.get("n_sources")), _short(str(event.get("location_name") or "–"), 14)]
        rows.append(row)
    caption = "stories: how many tell it" + (" (and how many assert it)" if wide else "")
    console.print(
        _fit_table(f"{len(found)} fused events", caption, headers, rows, {"source", "target"})
    )


@eval_app.command("fusion")
@guarded
def eval_fusion(
    gold: Annotated[
        Path | None, typer.Option(help="Another fusion gold file (default: evalsets/fusion).")
    ] = None,
    blind: Annotated[bool, typer.Option(help="Score the held-back blind stories.")] = False,
    mode: Annotated[
        str, typer.Option(help="oracle (fuse the gold reports), coded (code, then fuse) or both.")
    ] = "both",
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Pairwise and B-cubed P/R/F1 of fused events against gold event clusters."""
    from dateline.eval.fusion import evaluate_fusion

    modes = {"oracle": ("oracle",), "coded": ("coded",), "both": ("oracle", "coded")}
    if mode not in modes:
        raise typer.BadParameter("oracle, coded or both", param_hint="--mode")
    report = evaluate_fusion(gold, blind=blind, modes=modes[mode])
    _report_json(report) if as_json else _render_report(report)


def run() -> None:  # pragma: no cover - entry point
    app()


__all__ = ["app", "record_to_dict"]
