"""The fast clustering (duplicate keys, sweeps that skip a story's own reports,
clusters set aside once they end too early) equals the pairwise one it replaced
(tests/fuse/reference_cluster.py), and one story's many reports cost work in
proportion to their number."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

import pytest

from dateline.fuse import cluster as fast
from dateline.fuse import fusion_key, load_fusion_rules
from dateline.fuse.model import Report
from dateline.fuse.rules import FusionRules
from tests.fuse import reference_cluster as reference
from tests.fuse.builders import make_event, make_report

RULES = load_fusion_rules()
_ACTORS = (
    "JPN", "JPNGOV", "JPNGOV=Shinzo_Abe", "JPNGOV=Q1", "CHN", "CHNGOV", "CHNGOV=Wang_Yi",
    "CHNGOV=Q2", "PRK", "PRKGOV", "PRKGOV=Kim_Jong_Un",
)  # fmt: skip
_CODES = ("040", "042", "043", "036", "046", "111", "112", "190", "051", "057", "031")
_MODALITIES = ("asserted", "asserted", "asserted", "planned", "possible", "negated")
_DATES = ("2017-04-01", "2017-04-02", "2017-04-03", "2017-04-05", "2017-W14", "2017-04", "-")
_PLACES = ("", "", " JPN", " CHN")
_SENTENCES = ("Abe met Wang.", "They talked.", "")


def _random_spec(rng: random.Random) -> str:
    source, target = rng.sample(_ACTORS, 2)
    if rng.random() < 0.1:
        target = "-"
    return (
        f"{source} {target} {rng.choice(_CODES)} {rng.choice(_MODALITIES)} {rng.choice(_DATES)}"
        f"{rng.choice(_PLACES)}"
    )


def _random_reports(
    rng: random.Random, n: int, stories: int, kinds: int | None = None
) -> list[Report]:
    """`n` reports in `stories` stories; with `kinds`, of that many specs only, so
    that one story has many duplicates."""
    pool = [_random_spec(rng) for _ in range(kinds)] if kinds else None
    reports = []
    for k in range(n):
        spec = rng.choice(pool) if pool else _random_spec(rng)
        story = rng.randrange(stories)
        day = dt.date(2017, 4, 1) + dt.timedelta(days=rng.randrange(6))
        event = make_event(spec, f"a{story}", day, k)
        report = Report.from_event(event, rng.choice((f"outlet-{story % 3}", None)))
        reports.append(replace(report, sentence=rng.choice(_SENTENCES)))
    return reports


_Clustering = tuple[list[list[int]], list[list[list[int]]]]


def _both(reports: list[Report], rules: FusionRules = RULES) -> tuple[_Clustering, _Clustering]:
    keys = [fusion_key(report, rules) for report in reports]
    results: list[_Clustering] = []
    for module in (reference, fast):
        comps = module.components(reports, keys, rules)
        clusters = [module.cluster_component(c, reports, keys, rules) for c in comps]
        results.append((comps, clusters))
    return results[0], results[1]


@pytest.mark.parametrize("seed", range(40))
def test_fast_clustering_equals_the_pairwise_one(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice((20, 60, 150))
    stories = rng.choice((1, 2, 5, 20))
    rules = RULES if seed % 4 else RULES.with_window(rng.choice((0, 2, 5)))
    reports = _random_reports(rng, n, stories, rng.choice((None, 4, 12)))
    expected, found = _both(reports, rules)
    assert found == expected


def test_fast_clustering_equals_the_pairwise_one_on_one_big_story_among_others() -> None:
    rng = random.Random(11)
    reports = _random_reports(rng, 600, 1, 10) + _random_reports(rng, 200, 12, 20)
    reports = [replace(r, event_id=f"{r.event_id}-{k}") for k, r in enumerate(reports)]
    expected, found = _both(reports)
    assert found == expected


def test_an_unsorted_component_is_clustered_as_before() -> None:
    rng = random.Random(3)
    reports = _random_reports(rng, 80, 4)
    keys = [fusion_key(report, RULES) for report in reports]
    for component in reference.components(reports, keys, RULES):
        shuffled = list(component)
        rng.shuffle(shuffled)
        assert fast.cluster_component(shuffled, reports, keys, RULES) == (
            reference.cluster_component(shuffled, reports, keys, RULES)
        )


def test_one_story_s_many_reports_cost_work_in_proportion_to_their_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = {"same_event": 0, "linked": 0}
    same_event, linked = fast.same_event, fast.linked

    def counted_same_event(*args: Any) -> bool:
        calls["same_event"] += 1
        return same_event(*args)

    def counted_linked(*args: Any) -> bool:
        calls["linked"] += 1
        return linked(*args)

    monkeypatch.setattr(fast, "same_event", counted_same_event)
    monkeypatch.setattr(fast, "linked", counted_linked)
    specs = ("JPN CHN 043 asserted - JPN", "CHN JPN 043 asserted - JPN", "JPN CHN 042 asserted -")
    n = 3000
    reports = [
        Report.from_event(make_event(specs[k % 3], "big", dt.date(2017, 4, 3), k), "Wire")
        for k in range(n)
    ]
    # One report of another story on the same day, which every one of them meets.
    reports.append(make_report("JPN CHN 043 asserted 2017-04-03 JPN", "other"))
    fused = fast.fuse_reports(reports, RULES)
    assert sum(len(f.members) for f in fused) == n + 1
    assert calls["same_event"] + calls["linked"] <= 4 * n
