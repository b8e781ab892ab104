"""`dateline watch`: poll feeds, code what is new, again and again.

Each cycle is one run of `code_inputs` over the feeds with a `WebReader` in
``new_only`` mode: a conditional request per feed (``ETag`` /
``Last-Modified``), a fetch of every item page not fetched before, and the
articles coded and stored, then fused. Cycles start `every` seconds apart (at
once when a cycle took longer).

Resumable: the crawl state (``<db>.web.sqlite``) records every page as it is
fetched and the store writes each batch in one transaction, so a watch killed
at any point and started again fetches nothing twice and codes from the crawl
state what was fetched but not yet stored.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dateline.errors import IngestError

if TYPE_CHECKING:
    from dateline.ingest.web import WebReader
    from dateline.pipeline import Pipeline
    from dateline.run import RunSummary
    from dateline.store import Store

__all__ = ["CycleResult", "feed_urls", "parse_interval", "watch_feeds"]

_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s)", re.IGNORECASE)
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_interval(text: str) -> float:
    """Seconds in ``90s``, ``15m``, ``1h``, ``1h30m`` or a bare number of seconds."""
    value = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value)
    else:
        parts = _INTERVAL.findall(value)
        if not parts or _INTERVAL.sub("", value).strip():
            raise ValueError(f"{text!r} is not a time like 90s, 15m, 1h or 1h30m")
        seconds = sum(float(number) * _UNIT[unit] for number, unit in parts)
    if seconds < 1:
        raise ValueError(f"{text!r} is less than a second")
    return seconds


def feed_urls(inputs: Sequence[str]) -> list[str]:
    """The URLs of `inputs`: URLs as they are, and the lines of files listing them."""
    from dateline.ingest.reader import is_url

    urls: list[str] = []
    for name in inputs:
        if is_url(name):
            urls.append(name)
            continue
        path = Path(name)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise IngestError(f"cannot read the feed list {name}: {error}") from error
        for line in lines:
            url = line.strip()
            if url and not url.startswith("#"):
                urls.append(url)
    if not urls:
        raise IngestError("no feed URL given; name feeds as URLs or in a file, one a line")
    return list(dict.fromkeys(urls))


@dataclass
class CycleResult:
    number: int
    summary: RunSummary
    seconds: float
    fusion: Any = None
    rejects: list[str] = field(default_factory=list)


def watch_feeds(
    feeds: Sequence[str],
    store: Store,
    reader: WebReader,
    *,
    every: float,
    cycles: int | None = None,
    rejects_path: str | Path = "rejects.jsonl",
    pipeline: Pipeline | None = None,
    batch_size: int = 32,
    fuse: bool = True,
    on_cycle: Callable[[CycleResult], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[CycleResult]:
    """Poll `feeds` every `every` seconds, `cycles` times (None: until stopped).

    `reader` is put in ``new_only`` and ``feeds_only`` mode. Each cycle's rejects are appended to
    `rejects_path` (the file grows over the watch; a `dateline code` run
    replaces its own). Returns the cycles' results (all of them when
    `cycles` is given; the caller sees each one through `on_cycle`).
    """
    from dateline.run import code_inputs

    reader.new_only = True
    reader.feeds_only = True
    rejects_file = Path(rejects_path)
    cycle_rejects = rejects_file.with_name(rejects_file.name + ".cycle")
    results: list[CycleResult] = []
    number = 0
    while cycles is None or number < cycles:
        number += 1
        started = clock()
        reader.log.write("run", cycle=number, inputs=list(feeds))
        summary = code_inputs(
            list(feeds),
            store,
            rejects_path=cycle_rejects,
            pipeline=pipeline,
            batch_size=batch_size,
            web=reader,
        )
        reader.log_outcomes(store, summary.run_id)
        fusion = None
        if fuse:
            from dateline.fuse import fuse_store

            fusion = fuse_store(store)
        rejects = _append(cycle_rejects, rejects_file)
        result = CycleResult(number, summary, clock() - started, fusion, rejects)
        reader.log.write(
            "run",
            cycle=number,
            run_id=summary.run_id,
            **summary.counts(),
            rejected_by_reason=dict(summary.rejects_by_reason),
            seconds=round(result.seconds, 3),
        )
        if cycles is not None:
            results.append(result)
        if on_cycle is not None:
            on_cycle(result)
        if cycles is not None and number >= cycles:
            break
        pause = started + every - clock()
        if pause > 0:
            sleep(pause)
    return results


def _append(cycle_file: Path, rejects_file: Path) -> list[str]:
    """Move one cycle's rejects onto the end of the watch's rejects file."""
    if not cycle_file.exists():
        return []
    lines = cycle_file.read_text(encoding="utf-8").splitlines()
    if lines:
        rejects_file.parent.mkdir(parents=True, exist_ok=True)
        with rejects_file.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    cycle_file.unlink()
    return lines
