"""Clustering reports in memory: transitivity guard, same-story rule, the canonical record."""

from __future__ import annotations

import datetime as dt
import random

from dateline.fuse import fuse_reports, fusion_key, load_fusion_rules, same_event
from dateline.fuse.cluster import linked
from tests.fuse.builders import make_report

RULES = load_fusion_rules()


def _partition(reports: list, rules=RULES) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(f.event_ids) for f in fuse_reports(reports, rules)}


def test_daily_reports_do_not_chain_into_one_event() -> None:
    # Day 1, 2, 3, 4: each matches its neighbours (±1 day) but not the whole run.
    reports = [make_report(f"PRK USA 111 asserted 2011-03-0{d}", f"a{d}") for d in range(1, 5)]
    clusters = _partition(reports)
    assert len(clusters) == 2
    assert all(len(c) == 2 for c in clusters)


def test_two_events_of_one_story_stay_apart_unless_duplicates() -> None:
    first = make_report("JPN CHN 040 asserted 2017-03-01", "a1")
    other = make_report("JPN CHN 043 asserted 2017-03-01", "a1")
    mirror = make_report("CHN JPN 040 asserted 2017-03-01", "a1")
    assert len(_partition([first, other])) == 2
    assert len(_partition([first, mirror])) == 1
    # A report from another story matches both; it joins one, never bridges them.
    third = make_report("JPN CHN 040 asserted 2017-03-01", "a2")
    assert len(_partition([first, other, third])) == 2


def test_story_dated_reports_join_the_event_the_dated_ones_set() -> None:
    dated = make_report("JPN CHN 040 asserted 2017-03-01 CHN", "a1")
    undated = make_report("JPN CHN 040 asserted - ", "a1", report_date=dt.date(2017, 3, 1))
    elsewhere = make_report("CHN JPN 046 asserted - CHN", "a2", report_date=dt.date(2017, 3, 2))
    fused = fuse_reports([undated, dated, elsewhere], RULES)
    together = next(f for f in fused if dated.event_id in f.event_ids)
    assert elsewhere.event_id in together.event_ids
    assert undated.event_id not in together.event_ids


def test_vague_dates_are_events_of_their_own() -> None:
    a = make_report("PRK USA 111 asserted 2011", "a1")
    assert fusion_key(a, RULES).block is None
    b = make_report("PRK USA 111 asserted 2011", "a2")
    assert len(_partition([a, b])) == 2


def test_canonical_record_votes_from_asserting_reports() -> None:
    planned = make_report("JPN CHN 042 planned 2017-W09", "a0", report_date=dt.date(2017, 2, 24))
    held = make_report("JPNGOV CHN 040 asserted 2017-03-01 CHN", "a1")
    told = make_report("CHNGOV JPN 040 asserted 2017-03-01 CHN", "a2")
    (fused,) = fuse_reports([planned, held, told], RULES)
    assert fused.modality == "asserted"
    assert fused.asserted_by == ("a1", "a2")
    assert fused.cameo_code == "040" and fused.cameo_root == "04"
    assert {fused.source_code, fused.target_code} == {"JPNGOV", "CHNGOV"}
    # Names and countries come with the code, from whichever side a report gave it.
    assert (fused.source_name, fused.target_name) == (fused.source_code, fused.target_code)
    assert (fused.source_country, fused.target_country) == (
        fused.source_code[:3],
        (fused.target_code or "")[:3],
    )
    assert (fused.date_value, fused.date_precision) == ("2017-03-01", "day")
    assert fused.location_country == "CHN"
    assert fused.n_reports == 3 and fused.n_sources == 3
    assert fused.first_report == dt.date(2017, 2, 24)
    assert fused.last_report == dt.date(2017, 3, 2)
    # The earliest report names the event.
    assert {m.event_id for m in fused.members} == {planned.event_id, held.event_id, told.event_id}
    assert fused.to_dict()["members"][0]["report_date"] == "2017-02-24"


def test_only_planned_reports_make_a_planned_event() -> None:
    a = make_report("USA KOR 031 planned 2016-07", "a1")
    b = make_report("USA KOR 031 planned 2016-07", "a2")
    (fused,) = fuse_reports([a, b], RULES)
    assert fused.modality == "planned" and fused.asserted_by == ()


def test_the_order_of_the_input_does_not_change_the_clusters() -> None:
    rng = random.Random(7)
    specs = [
        f"{s} {t} {c} {m} 2017-03-{d:02d}"
        for s, t in (("JPN", "CHN"), ("CHN", "JPN"), ("JPNGOV", "CHN"))
        for c in ("040", "036", "111")
        for m in ("asserted", "planned")
        for d in (1, 2, 3, 5)
    ]
    reports = [make_report(spec, f"a{rng.randrange(40)}") for spec in specs]
    expected = _partition(reports)
    for _ in range(5):
        rng.shuffle(reports)
        assert _partition(reports) == expected


def test_a_wider_window_fuses_more() -> None:
    reports = [make_report(f"PRK USA 111 asserted 2011-03-{d:02d}", f"a{d}") for d in (1, 4)]
    assert len(_partition(reports)) == 2
    assert len(_partition(reports, RULES.with_window(3))) == 1


def test_undated_reports_need_a_second_point_of_agreement() -> None:
    day = dt.date(2011, 2, 23)
    dated = make_report("JPN KOR 190 asserted 2011-02-22", "a1")
    other_code = make_report("JPN KOR 180 asserted -", "a2", report_date=day)
    same_code = make_report("JPN KOR 190 asserted -", "a3", report_date=day)
    same_place = make_report("JPN KOR 180 asserted - KOR", "a4", report_date=day)
    undated_too = make_report("JPN KOR 190 asserted -", "a5", report_date=day)
    assert same_event(dated, other_code, RULES) and not linked(dated, other_code, RULES)
    assert linked(dated, same_code, RULES)
    assert linked(make_report("JPN KOR 180 asserted 2011-02-22 KOR", "a6"), same_place, RULES)
    # Two undated reports from different stories never make an event by themselves ...
    assert same_event(same_code, undated_too, RULES) and not linked(same_code, undated_too, RULES)
    assert len(_partition([same_code, undated_too])) == 2
    # ... unless one story was published twice.
    again = [
        make_report("JPN KOR 190 asserted -", story, report_date=day).__class__(
            **{**_fields(make_report("JPN KOR 190 asserted -", story, report_date=day)),
               "sentence": "Japan shelled the island."}
        )
        for story in ("a7", "a8")
    ]  # fmt: skip
    assert len(_partition(again)) == 1


def test_undated_reports_without_a_target_are_not_fused() -> None:
    lone = make_report("JPN - 190 asserted -", "a1", report_date=dt.date(2011, 2, 23))
    assert fusion_key(lone, RULES).block is None
    dated = make_report("JPN - 190 asserted 2011-02-23", "a2")
    assert fusion_key(dated, RULES).block is not None


def _fields(report: object) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(report)  # type: ignore[call-overload, no-any-return]


def _resay(report: object, sentence: str) -> object:
    return report.__class__(**{**_fields(report), "sentence": sentence})


def test_undated_domestic_reports_join_only_the_same_sentence() -> None:
    # "The young people danced, thanking Kim Jong Il" (undated) is not the dated
    # congratulatory message to him, though both are PRKGOV-PRKGOVPTY 051.
    day = dt.date(2011, 10, 10)
    dated = make_report("PRKGOVPTY PRKGOV 051 asserted 2011-10-10", "a1")
    undated = make_report("PRKGOV PRKGOVPTY 051 asserted -", "a2", report_date=day)
    assert same_event(dated, undated, RULES) and not linked(dated, undated, RULES)
    assert len(_partition([dated, undated])) == 2
    # The same sentence in two stories is one report published twice.
    told = "Kim Jong Il received a message."
    again = [_resay(dated, told), _resay(make_report(
        "PRKGOVPTY PRKGOV 051 asserted -", "a3", report_date=day), told)]  # fmt: skip
    assert linked(again[0], again[1], RULES)  # type: ignore[arg-type]


def test_undated_reports_naming_other_people_do_not_join() -> None:
    # "Li said ..." at a meeting with Choe Yong Rim (undated) and "Kim Jong Il met
    # Li on Monday" share a dyad and a code but no named actor on one side.
    day = dt.date(2011, 10, 24)
    dated = make_report("PRKGOV=Q10665 CHN 050 asserted 2011-10-24", "a1")
    li = make_report("CHNGOV=Q18111 PRK 050 asserted -", "a2", report_date=day)
    kim = make_report("PRKGOV=Q10665 CHN 050 asserted -", "a3", report_date=day)
    country = make_report("CHN PRK 050 asserted -", "a4", report_date=day)
    assert same_event(dated, li, RULES) and not linked(dated, li, RULES)
    assert linked(dated, kim, RULES)
    assert linked(dated, country, RULES)  # names nobody: the code is enough


def test_the_old_undated_rule_is_still_available() -> None:
    from dataclasses import replace

    loose = replace(RULES, undated_joins="code_or_place", undated_domestic_joins="code_or_place")
    day = dt.date(2011, 10, 10)
    dated = make_report("PRKGOVPTY PRKGOV 051 asserted 2011-10-10", "a1")
    undated = make_report("PRKGOV PRKGOVPTY 051 asserted -", "a2", report_date=day)
    assert linked(dated, undated, loose) and not linked(dated, undated, RULES)


def test_one_outlet_gets_no_day_window() -> None:
    # Two outlets may date one happening a day apart; one outlet telling of it
    # on another day than its story allows tells of another happening.
    dated = make_report("LAOGOV=Q1 PRKGOV 042 asserted 2011-12-24", "a1", outlet="KCNA")
    undated = make_report("LAOGOV=Q1 PRKGOV 042 asserted -", "a2", dt.date(2011, 12, 26), "KCNA")
    elsewhere = make_report("LAOGOV=Q1 PRKGOV 042 asserted -", "a3", dt.date(2011, 12, 26), "Wire")
    assert not same_event(dated, undated, RULES)  # the story allows Dec 25-26
    assert same_event(dated, elsewhere, RULES)
    next_day = make_report("LAOGOV=Q1 PRKGOV 042 asserted -", "a4", dt.date(2011, 12, 25), "KCNA")
    assert same_event(dated, next_day, RULES)  # Dec 24-25 holds the 24th
