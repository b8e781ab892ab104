"""Cross-story fusion: one event reported by many outlets is one event with many sources.

`fuse_store` groups the stored events (one row per article and event) into
`FusedEvent` records, incrementally: it fuses only the events no fused event
holds yet, and re-clusters only the connected groups of reports they touch,
found by parameterised look-ups on (fusion class, dyad, dates). The result is
the same as fusing every event at once (`fuse_reports`), and a second run with
nothing new writes nothing. Matching rules: `dateline.fuse.cluster`; rule
data: ``fuse/rules/fusion.yaml``; docs/fusion.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateline.fuse.cluster import (
    FusionKey,
    cluster_component,
    components,
    fuse_reports,
    fusion_key,
    make_fused_event,
    same_event,
)
from dateline.fuse.model import FusedEvent, FusedMember, Report
from dateline.fuse.rules import FusionRules, load_fusion_rules
from dateline.records import MemberIndex

if TYPE_CHECKING:
    from dateline.store import Store

__all__ = [
    "FusedEvent",
    "FusedMember",
    "FusionRules",
    "FusionSummary",
    "Report",
    "cluster_component",
    "components",
    "fuse_reports",
    "fuse_store",
    "fusion_key",
    "load_fusion_rules",
    "make_fused_event",
    "same_event",
]


@dataclass(frozen=True, slots=True)
class FusionSummary:
    """What one `fuse_store` run did, and the store's totals after it."""

    new_events: int
    dissolved: int
    written: int
    removed: int
    fused_events: int
    members: int
    multi_report: int
    rebuilt: bool


def _extent(keys: Sequence[FusionKey]) -> tuple[dt.date, dt.date]:
    """The first and last day a set of fusable reports may have happened on."""
    los = [key.lo for key in keys if key.lo is not None]
    his = [key.hi for key in keys if key.hi is not None]
    return min(los), max(his)


def fuse_store(
    store: Store,
    rules: FusionRules | None = None,
    window_days: int | None = None,
    rebuild: bool = False,
) -> FusionSummary:
    """Fuse the store's unfused events into its fused events, in one transaction.

    Fused events whose reports were removed or re-coded since, or that were
    made under other rules or another window, are dissolved first and their
    reports fused again. `rebuild` starts from nothing.
    """
    rules = (rules or load_fusion_rules()).with_window(window_days)
    version = rules.version
    dissolved: list[str] = []
    if rebuild:
        store.clear_fused()
    else:
        dissolved = store.stale_fused_ids(version)
        if dissolved:  # their reports come back below as unfused events
            store.replace_fused(dissolved, [], {})
    rows = store.unfused_event_rows()
    md5: dict[str, str] = {row["event_id"]: row["record_md5"] for row in rows}
    new_reports = [Report.from_row(row) for row in rows]
    new_keys = [fusion_key(report, rules) for report in new_reports]

    written: list[FusedEvent] = []
    index: dict[str, MemberIndex] = {}  # where each member of `written` was filed
    removed: set[str] = set()

    def emit(reports: Sequence[Report], keys: Sequence[FusionKey]) -> None:
        fused = make_fused_event(reports, keys, version)
        written.append(fused)
        for report, key in zip(reports, keys, strict=True):
            index[report.event_id] = MemberIndex(key.block, key.lo, key.hi, md5[report.event_id])

    by_block: dict[str, list[int]] = {}
    for i, key in enumerate(new_keys):
        if key.block is None:
            emit([new_reports[i]], [key])  # too vague to be matched: an event of its own
        else:
            by_block.setdefault(key.block, []).append(i)
    reach = dt.timedelta(days=rules.day_window_days)
    for block, indices in sorted(by_block.items()):
        new_ids = {new_reports[i].event_id for i in indices}
        known: dict[str, tuple[Report, FusionKey]] = {
            new_reports[i].event_id: (new_reports[i], new_keys[i]) for i in indices
        }
        old_cluster: dict[str, str] = {}
        lo, hi = _extent([new_keys[i] for i in indices])
        while True:
            # Every stored report that could match one in [lo, hi] lies in this range.
            for row in store.fused_block_rows(block, lo - reach, hi + reach):
                if row["event_id"] not in known:
                    report = Report.from_row(row)
                    known[report.event_id] = (report, fusion_key(report, rules))
                    old_cluster[report.event_id] = row["fused_id"]
                    md5[report.event_id] = row["record_md5"]
            reports = [pair[0] for pair in known.values()]
            keys = [pair[1] for pair in known.values()]
            touched = [
                component
                for component in components(reports, keys, rules)
                if any(reports[i].event_id in new_ids for i in component)
            ]
            reached_lo, reached_hi = _extent([keys[i] for c in touched for i in c])
            if reached_lo >= lo and reached_hi <= hi:
                break
            lo, hi = min(lo, reached_lo), max(hi, reached_hi)
        for component in touched:
            for i in component:
                if reports[i].event_id in old_cluster:
                    removed.add(old_cluster[reports[i].event_id])
            for cluster in cluster_component(component, reports, keys, rules):
                emit([reports[i] for i in cluster], [keys[i] for i in cluster])
    if written or removed:
        store.replace_fused(sorted(removed), written, index)
    totals = store.fused_counts()
    return FusionSummary(
        new_events=len(new_reports),
        dissolved=len(dissolved),
        written=len(written),
        removed=len(removed),
        fused_events=totals["fused_events"],
        members=totals["members"],
        multi_report=totals["multi_report"],
        rebuilt=rebuild,
    )
