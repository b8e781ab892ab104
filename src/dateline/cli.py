"""The `dateline` command line: parses arguments, calls the library, prints.

This is the only module that prints or exits.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
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
from rich.table import Table

from dateline import __version__
from dateline.errors import DatelineError
from dateline.records import MODALITIES, SCHEMA_VERSION, record_to_dict

app = typer.Typer(
    help="dateline: political event data (CAMEO, PLOVER) from dated news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score a stage against gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

console = Console()
errors = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
# The event filters that `events`, `timeline` and `fused` share.
ActorOption = Annotated[str | None, typer.Option(help="Actor code or prefix (CHN, JPNGOV).")]
DyadOption = Annotated[
    tuple[str, str] | None, typer.Option(help="Two actor codes, either direction.")
]
DayOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])]
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
    errors.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    return typer.Exit(code=1)


def _check_query(db: Path, modality: str | None) -> None:
    """What every query command checks before it opens the store."""
    if modality and modality not in MODALITIES:
        raise typer.BadParameter(f"one of {', '.join(MODALITIES)}", param_hint="--modality")
    if not db.exists():
        raise _fail(FileNotFoundError(f"no database at {db}; run `dateline code` first"))


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _actor_cell(actor: dict[str, Any] | None) -> str:
    if not actor:
        return "-"
    return f"{actor.get('cameo_code') or '?'} {_short(str(actor.get('text', '')), 18)}"


def _events_table(events: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("date", no_wrap=True)
    table.add_column("source")
    table.add_column("cameo", no_wrap=True)
    table.add_column("target")
    table.add_column("modality", no_wrap=True)
    table.add_column("place")
    table.add_column("trigger")
    for event in events:
        date = event.get("date") or {}
        location = event.get("location") or {}
        basis = "" if date.get("basis") == "text" else f" ({date.get('basis')})"
        table.add_row(
            f"{date.get('value', '')}{basis}",
            _actor_cell(event.get("source")),
            f"{event.get('cameo_code')}",
            _actor_cell(event.get("target")),
            str(event.get("modality", "")),
            _short(str(location.get("name") or "-"), 14),
            _short(str(event.get("trigger", "")), 14),
        )
    return table


@app.command()
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
) -> None:
    """Read stories, code their events, and store them in the database."""
    from dateline.ingest.reader import is_url
    from dateline.run import build_pipeline, code_inputs
    from dateline.store import EventQuery, open_store

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
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
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
                status=f"coded {summary.coded} · skipped {summary.skipped}"
                f" · rejected {summary.rejected} · events {summary.events}",
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
                )
        except DatelineError as exc:
            raise _fail(exc) from exc
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
                f"{summary.skipped}, rejected {summary.rejected}, events {summary.events} "
                f"→ {db}",
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
        if summary.rejected:
            reasons = ", ".join(f"{n} {r}" for r, n in summary.rejects_by_reason.most_common(5))
            errors.print(
                f"[yellow]{summary.rejected} records rejected[/] ({reasons}); see {summary.rejects_path}",
                highlight=False,
            )


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
        if summary.rejected:
            reasons = ", ".join(f"{n} {r}" for r, n in summary.rejects_by_reason.most_common(5))
            errors.print(
                f"[yellow]{summary.rejected} rejected[/] ({reasons}); see {rejects}",
                highlight=False,
            )
        if not quiet:
            console.print(
                f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} poll {result.number}: "
                f"read {summary.read}, coded {summary.coded}, skipped (already stored) "
                f"{summary.skipped}, rejected {summary.rejected}, events {summary.events} "
                f"({result.seconds:.1f} s) → {db}",
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
        reader.log.close()
        store.close()


@app.command()
def events(
    db: DbOption = Path("dateline.duckdb"),
    actor: ActorOption = None,
    dyad: DyadOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: Annotated[str | None, typer.Option(help="CAMEO root, 01-20.")] = None,
    modality: ModalityOption = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    format: Annotated[str, typer.Option("--format", help="table, jsonl or csv.")] = "table",
) -> None:
    """Query stored events."""
    from dateline.store import EventQuery, open_store

    if format not in {"table", "jsonl", "csv"}:
        raise typer.BadParameter("table, jsonl or csv", param_hint="--format")
    _check_query(db, modality)
    query = EventQuery(
        actor=actor,
        dyad=dyad,
        since=since.date() if since else None,
        until=until.date() if until else None,
        cameo_root=cameo,
        modality=modality,
        limit=limit,
    )
    with open_store(db, read_only=True) as store:
        if format == "csv":
            writer: Any = None
            for row in store.iter_event_rows(query):
                if writer is None:
                    writer = csv.DictWriter(sys.stdout, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
            return
        found = store.events(query)
    if format == "jsonl":
        for event in found:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    else:
        console.print(_events_table(found, f"{len(found)} events"))


@app.command()
def timeline(
    db: DbOption = Path("dateline.duckdb"),
    interval: Annotated[str, typer.Option(help="day, week, month or year.")] = "month",
    by: Annotated[str, typer.Option(help="quadclass or root (CAMEO root).")] = "quadclass",
    date: Annotated[
        str, typer.Option(help="event (the date the text gives) or report (the story's date).")
    ] = "event",
    actor: ActorOption = None,
    dyad: DyadOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: Annotated[str | None, typer.Option(help="CAMEO code prefix (04, 036).")] = None,
    modality: ModalityOption = None,
    format: Annotated[str, typer.Option("--format", help="table, jsonl or csv.")] = "table",
) -> None:
    """Event counts per period, by QuadClass or CAMEO root (events dated only coarser than the
    period are counted apart, never pinned to its first day)."""
    from dateline.serve.queries import EventFilter
    from dateline.serve.queries import timeline as count_timeline
    from dateline.store import open_store

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
    where = EventFilter(
        actor=actor,
        dyad=dyad,
        since=since.date() if since else None,
        until=until.date() if until else None,
        cameo=cameo,
        modality=modality,
    )
    with open_store(db, read_only=True) as store:
        result = count_timeline(store.connection, where, interval, by, date)  # type: ignore[arg-type]
    keys = [series["key"] for series in result["series"]]
    labels = [f"{series['key']} {series['label']}" for series in result["series"]]
    rows = [
        [bucket["period"], *(bucket["counts"].get(key, 0) for key in keys)]
        for bucket in result["buckets"]
    ]
    if format == "jsonl":
        for bucket in result["buckets"]:
            sys.stdout.write(json.dumps(bucket, ensure_ascii=False) + "\n")
        return
    if format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["period", *keys, "total"])
        for row in rows:
            writer.writerow([*row, sum(row[1:])])
        return
    table = Table(title=f"events per {interval}, by {by} ({date} date)")
    for header in ["period", *labels, "total"]:
        table.add_column(header, justify="left" if header == "period" else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in [*row, sum(row[1:])]))
    console.print(table)
    if result["spanning"]:
        console.print(
            f"{result['spanning']} events dated only more coarsely than a {interval} are not counted above."
        )


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Output file: .jsonl, .csv or .parquet.")],
    db: DbOption = Path("dateline.duckdb"),
) -> None:
    """Export every stored event."""
    from dateline.store import open_store

    try:
        with open_store(db, read_only=True) as store:
            n = store.export(out)
    except DatelineError as exc:
        raise _fail(exc) from exc
    console.print(f"wrote {n} events to {out}", highlight=False)


@app.command()
def inspect(
    file: Annotated[str, typer.Argument(help="A story file (any input format); - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    candidates: Annotated[
        bool,
        typer.Option(
            "--candidates",
            help="Also list every candidate trigger and the step that dropped it (always in --json).",
        ),
    ] = False,
) -> None:
    """Show everything every stage found in a story: why an event was or was not coded."""
    from dateline.ingest import read_inputs
    from dateline.inspect import inspect_document
    from dateline.records import Reject
    from dateline.run import build_pipeline, code_articles

    articles = []
    for item in read_inputs([file], stdin=sys.stdin if file == "-" else None):
        if isinstance(item, Reject):
            errors.print(f"rejected {item.file}:{item.line}: {item.reason}", highlight=False)
        else:
            articles.append(item)
    if not articles:
        raise _fail(ValueError(f"no readable story in {file}"))
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


def _render_report(report: Any) -> None:
    if report.metrics:
        summary = Table(title=f"{report.title}: summary")
        summary.add_column("metric")
        summary.add_column("value", justify="right")
        for name, value in report.metrics.items():
            summary.add_row(
                name,
                f"{value:.3f}"
                if isinstance(value, float) and not value.is_integer()
                else f"{value:g}"
                if isinstance(value, float)
                else str(value),
            )
        console.print(summary)
    table = Table(title=report.title)
    if report.rows:
        for column in report.rows[0]:
            table.add_column(str(column))
        for row in report.rows:
            table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()])
        console.print(table)
    for line in report.details:
        console.print(line, highlight=False, markup=False)


def _report_json(report: Any) -> None:
    sys.stdout.write(
        json.dumps(
            {"title": report.title, "metrics": report.metrics, "rows": report.rows}, indent=2
        )
        + "\n"
    )


@eval_app.command("time")
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
        str, typer.Option(help="real suite: dev, or test (score test once per session).")
    ] = "dev",
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
            from dateline.eval.time_real import evaluate_time_real, time_agreement

            if split not in ("dev", "test"):
                raise typer.BadParameter("dev or test", param_hint="--split")
            report = time_agreement(None) if agreement else evaluate_time_real(split)
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
def eval_actors(
    cases: Annotated[
        Path | None, typer.Option(help="Cases TSV (default: the packaged set).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Accuracy of country, sector and code on the actor test set."""
    from dateline.eval.actors import evaluate_actors

    report = evaluate_actors(cases)
    _report_json(report) if as_json else _render_report(report)


@eval_app.command("places")
def eval_places(
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Precision, recall and country accuracy of place resolution on the place test set."""
    from dateline.places.evaluate import evaluate_places

    report = evaluate_places()
    _report_json(report) if as_json else _render_report(report)


@eval_app.command("events")
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
        str, typer.Option(help="real suite: dev, or test (score test once per session).")
    ] = "dev",
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
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Score the events stage: P/R/F1 over (source, target, code), dates and modality."""
    if suite == "real":
        from dateline.eval.real import agreement as score_agreement
        from dateline.eval.real import evaluate_real

        if split not in ("dev", "test"):
            raise typer.BadParameter("dev or test", param_hint="--split")
        try:
            report = score_agreement(None) if agreement else evaluate_real(split)
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
        raise _fail(FileNotFoundError(f"no database at {db}; run `dateline code` first"))
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
        raise _fail(FileNotFoundError(f"no database at {db}; run `dateline code` first"))
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
def fused(
    db: DbOption = Path("dateline.duckdb"),
    actor: ActorOption = None,
    dyad: DyadOption = None,
    since: DayOption = None,
    until: DayOption = None,
    cameo: Annotated[str | None, typer.Option(help="CAMEO root, 01-20.")] = None,
    modality: ModalityOption = None,
    min_reports: Annotated[
        int | None, typer.Option(min=1, help="Only events told by at least N stories.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    format: Annotated[str, typer.Option("--format", help="table or jsonl.")] = "table",
    out: Annotated[
        Path | None, typer.Option(help="Write them to a .jsonl, .csv or .parquet file instead.")
    ] = None,
) -> None:
    """List (or export) fused events: one row per real-world event with its reports."""
    from dateline.store import FusedQuery, open_store

    if format not in {"table", "jsonl"}:
        raise typer.BadParameter("table or jsonl", param_hint="--format")
    _check_query(db, modality)
    query = FusedQuery(
        actor=actor,
        dyad=dyad,
        since=since.date() if since else None,
        until=until.date() if until else None,
        cameo_root=cameo,
        modality=modality,
        min_reports=min_reports,
        limit=limit,
    )
    try:
        with open_store(db, read_only=True) as store:
            if not store.has_fused_tables():
                raise _fail(FileNotFoundError(f"no fused events in {db}; run `dateline fuse`"))
            if out is not None:
                n = store.export_fused(out, query)
                console.print(f"wrote {n} fused events to {out}", highlight=False)
                return
            found = store.fused_events(query)
    except DatelineError as exc:
        raise _fail(exc) from exc
    if format == "jsonl":
        for event in found:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(found)} fused events")
    for column in ("date", "source", "cameo", "target", "modality", "stories", "outlets", "place"):
        table.add_column(column, no_wrap=column in {"date", "cameo"})
    for event in found:
        table.add_row(
            str(event.get("date_value") or ""),
            f"{event.get('source_code') or '?'} {_short(str(event.get('source_name') or ''), 16)}",
            str(event.get("cameo_code")),
            f"{event.get('target_code') or '-'} {_short(str(event.get('target_name') or ''), 16)}",
            f"{event.get('modality')} ({len(event.get('asserted_by') or [])} assert)",
            str(event.get("n_reports")),
            str(event.get("n_sources")),
            _short(str(event.get("location_name") or "-"), 14),
        )
    console.print(table)


@eval_app.command("fusion")
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
    from dateline.fuse.evaluate import evaluate_fusion

    modes = {"oracle": ("oracle",), "coded": ("coded",), "both": ("oracle", "coded")}
    if mode not in modes:
        raise typer.BadParameter("oracle, coded or both", param_hint="--mode")
    report = evaluate_fusion(gold, blind=blind, modes=modes[mode])
    _report_json(report) if as_json else _render_report(report)


def run() -> None:  # pragma: no cover - entry point
    app()


__all__ = ["app", "record_to_dict"]
