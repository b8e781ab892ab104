"""The clustering of dateline.fuse.cluster as it was before the fast version (pairwise
sweep and complete linkage over every member): the reference the fast one must equal
(tests/fuse/test_cluster_speed.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dateline.fuse.cluster import FusionKey, linked, same_event
from dateline.fuse.model import Report
from dateline.fuse.rules import FusionRules


def _order(report: Report, key: FusionKey) -> tuple[dt.date, dt.date, str]:
    return (key.lo or dt.date.min, key.hi or dt.date.min, report.event_id)


def components(
    reports: Sequence[Report], keys: Sequence[FusionKey], rules: FusionRules
) -> list[list[int]]:
    """Connected components of the `linked` graph (indices into `reports`), each
    sorted in clustering order. Reports of one block are swept in date order
    and compared only with those that start within the window of their end."""
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_block: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key.block is not None:
            by_block.setdefault(key.block, []).append(i)
    reach = dt.timedelta(days=rules.day_window_days)
    for members in by_block.values():
        members.sort(key=lambda i: _order(reports[i], keys[i]))
        for n, i in enumerate(members):
            hi = keys[i].hi
            assert hi is not None
            for j in members[n + 1 :]:
                lo = keys[j].lo
                assert lo is not None
                if lo > hi + reach:
                    break
                if find(i) != find(j) and linked(reports[i], reports[j], rules, keys[i], keys[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(reports)):
        groups.setdefault(find(i), []).append(i)
    result = [sorted(g, key=lambda i: _order(reports[i], keys[i])) for g in groups.values()]
    result.sort(key=lambda g: _order(reports[g[0]], keys[g[0]]))
    return result


def cluster_component(
    component: Sequence[int], reports: Sequence[Report], keys: Sequence[FusionKey],
    rules: FusionRules,
) -> list[list[int]]:  # fmt: skip
    """Complete-linkage clusters of one component (indices into `reports`).

    Reports the text dates are clustered first, in (date, id) order; reports
    dated only by their story follow, since they are the weaker evidence and
    should join the events the dated reports establish, not seed them: such a
    report joins only a cluster one of whose members it is `linked` to. A
    report joins the cluster it matches entirely that has the most stories,
    then the most members of its exact code, then the nearest date, then the
    earliest; when none matches, it starts a cluster of its own.
    """
    if len(component) == 1:
        return [list(component)]
    reach = dt.timedelta(days=rules.day_window_days)
    ordered = [i for i in component if keys[i].precision != "report"]
    ordered += [i for i in component if keys[i].precision == "report"]
    clusters: list[list[int]] = []
    # Per cluster the earliest last day and the latest first day of its members:
    # a report starting after the one or ending before the other cannot match all.
    bounds: list[tuple[dt.date, dt.date]] = []
    for i in ordered:
        key = keys[i]
        assert key.lo is not None and key.hi is not None
        best: tuple[int, int, int, int] | None = None
        chosen: int | None = None
        for position, cluster in enumerate(clusters):
            earliest_end, latest_start = bounds[position]
            if key.lo > earliest_end + reach or key.hi < latest_start - reach:
                continue
            if not all(same_event(reports[i], reports[m], rules, key, keys[m]) for m in cluster):
                continue
            if key.precision == "report" and not any(
                linked(reports[i], reports[m], rules, key, keys[m]) for m in cluster
            ):
                continue
            stories = len({reports[m].article_id for m in cluster})
            same_code = sum(reports[m].cameo_code == reports[i].cameo_code for m in cluster)
            anchor = keys[cluster[0]].lo
            assert anchor is not None
            score = (-stories, -same_code, abs((key.lo - anchor).days), position)
            if best is None or score < best:
                best, chosen = score, position
        if chosen is None:
            clusters.append([i])
            bounds.append((key.hi, key.lo))
        else:
            clusters[chosen].append(i)
            earliest_end, latest_start = bounds[chosen]
            bounds[chosen] = (min(earliest_end, key.hi), max(latest_start, key.lo))
    result = [sorted(c, key=lambda i: _order(reports[i], keys[i])) for c in clusters]
    result.sort(key=lambda c: _order(reports[c[0]], keys[c[0]]))
    return result
