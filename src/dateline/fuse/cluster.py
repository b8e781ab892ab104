"""Matching two reports, and clustering reports into fused events.

Two reports are one event when (`same_event`):

- their fusion class agrees (the CAMEO root, or a declared family of codes);
- their actors match: the same country-level dyad, each code equal to or more
  specific than the other (``JPNGOV`` matches ``JPN``, not ``JPNMIL``), in
  either order when the class is reciprocal (meetings, cooperation); when both
  actors are of one country (a domestic event), the full actor codes and the
  CAMEO code must be the same (`domestic_exact` in the rules);
- their date intervals overlap, or, when both are day-precise (or undated and
  so dated by their story), lie at most the day window apart;
- their places do not name different countries;
- their modalities are linked (a planned visit and the visit; never a denied
  one);
- they are not two different events of one story: two events of one article
  fuse only when they are duplicates (the same class, dyad, code, dates,
  modality and place).

The relation is not transitive, so a cluster is built by complete linkage:
a report joins a cluster only when it matches every member. That is the guard
against chaining daily reports of a dyad into one event across weeks.

The clustering of a set of reports is a function of the set alone: the
reports are split into connected components of the match graph and each
component is clustered in a fixed order. Fusing incrementally therefore only
needs to re-cluster the components new reports touch, and gives the same
clusters as fusing everything at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dateline.fuse.model import FusedEvent, FusedMember, Report
from dateline.fuse.rules import FusionRules

__all__ = [
    "FusionKey",
    "cluster_component",
    "components",
    "fuse_reports",
    "fusion_key",
    "linked",
    "make_fused_event",
    "same_event",
]

_DAY_LIKE = frozenset({"day", "report"})
_NAME_PARTICLES = frozenset(
    {
        "of",
        "the",
        "and",
        "for",
        "on",
        "in",
        "to",
        "de",
        "del",
        "da",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "al",
    }
)


@dataclass(frozen=True, slots=True)
class FusionKey:
    """Where a report is looked for: `block` is the fusion class and the
    country-level dyad (``meeting|CHN|JPN``); `lo`..`hi` the days the event
    may have happened on; `precision` ``report`` for an undated event.
    `block` is None when the report is too vague to fuse (a year, no date)."""

    block: str | None
    lo: dt.date | None
    hi: dt.date | None
    precision: str


def _prefix(code: str | None) -> str:
    return code[:3] if code else "---"


def fusion_key(report: Report, rules: FusionRules) -> FusionKey:
    if report.date_basis == "report" or (report.date_start is None and report.date_value == ""):
        day = report.report_date
        lo, hi, precision = day - dt.timedelta(days=rules.report_lookback_days), day, "report"
    elif report.date_start is None or report.date_end is None:
        return FusionKey(None, None, None, report.date_precision)
    else:
        lo, hi, precision = report.date_start, report.date_end, report.date_precision
    if (hi - lo).days + 1 > rules.max_interval_days:
        return FusionKey(None, lo, hi, precision)
    if precision == "report" and report.target_code is None:
        # "Japan has persistently plotted": no target, no date; nothing to match on.
        return FusionKey(None, lo, hi, precision)
    code_class = rules.code_class(report.cameo_code)
    first, second = _prefix(report.source_code), _prefix(report.target_code)
    if rules.is_reciprocal(code_class) and second < first:
        first, second = second, first
    return FusionKey(f"{code_class}|{first}|{second}", lo, hi, precision)


def _codes_match(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return first is second
    # CAMEO actor codes are three-letter chunks: JPN, JPNGOV, JPNGOVMIL.
    shorter, longer = sorted((first, second), key=len)
    return longer.startswith(shorter) and len(shorter) % 3 == 0


def _dyads_match(a: Report, b: Report, reciprocal: bool) -> bool:
    if _codes_match(a.source_code, b.source_code) and _codes_match(a.target_code, b.target_code):
        return True
    return (
        reciprocal
        and _codes_match(a.source_code, b.target_code)
        and _codes_match(a.target_code, b.source_code)
    )


def _identity_name(name: str | None) -> str | None:
    """A proper name reduced to its letters ("Pak Ui-chun" = "Pak Ui Chun"), or
    None for a description ("the chief executive of south Korea")."""
    if not name:
        return None
    words = name.split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    # A proper name capitalises every word but its particles ("Workers' Party of
    # Korea"); "Israeli warplanes" and "the Chinese side" describe, they do not name.
    if not words or not all(w[:1].isupper() or w in _NAME_PARTICLES for w in words):
        return None
    # Letters without their accents: "Nguyễn Xuân Phúc" = "Nguyen Xuan Phuc".
    folded = unicodedata.normalize("NFKD", " ".join(words).casefold())
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch)) or None


def _same_actor(
    code_a: str | None, name_a: str | None, kb_a: str | None,
    code_b: str | None, name_b: str | None, kb_b: str | None,
) -> bool:  # fmt: skip
    """Whether two actors of matching codes may be one: only actors below the
    country level (``PRKGOV``, not ``PRK``) are compared, since a bare country
    code names the country; both knowledge-base ids must agree when both are
    known, else both proper names."""
    if code_a is None or code_b is None or len(code_a) <= 3 or len(code_b) <= 3:
        return True
    if kb_a and kb_b:
        return kb_a == kb_b
    first, second = _identity_name(name_a), _identity_name(name_b)
    return first is None or second is None or first == second


_Actor = tuple[str | None, str | None, str | None]  # code, name, kb id


def _identities_agree(a: Report, b: Report, reciprocal: bool) -> bool:
    """Whether some orientation of the dyad that matches by code also matches by
    the named actors: "Pak Ui Chun met the ambassador" and "Yang Hyong Sop met
    the ambassador" are two meetings though both are PRKGOV meeting DEU."""
    a_source: _Actor = (a.source_code, a.source_name, a.source_kb_id)
    a_target: _Actor = (a.target_code, a.target_name, a.target_kb_id)
    orientations = [(a_source, a_target)]
    if reciprocal:
        orientations.append((a_target, a_source))
    b_source: _Actor = (b.source_code, b.source_name, b.source_kb_id)
    b_target: _Actor = (b.target_code, b.target_name, b.target_kb_id)
    for a_source, a_target in orientations:
        if not (_codes_match(a_source[0], b_source[0]) and _codes_match(a_target[0], b_target[0])):
            continue
        if _same_actor(*a_source, *b_source) and _same_actor(*a_target, *b_target):
            return True
    return False


def _domestic(report: Report) -> bool:
    return report.target_code is not None and report.source_code[:3] == report.target_code[:3]


def _same_codes(a: Report, b: Report, reciprocal: bool) -> bool:
    """The same full actor codes (or their mirror, when reciprocal) and CAMEO code."""
    if a.cameo_code != b.cameo_code:
        return False
    same = (a.source_code, a.target_code) == (b.source_code, b.target_code)
    return same or (reciprocal and (a.source_code, a.target_code) == (b.target_code, b.source_code))


def _duplicates(a: Report, b: Report, ka: FusionKey, kb: FusionKey, reciprocal: bool) -> bool:
    if a.cameo_code != b.cameo_code or a.modality != b.modality:
        return False
    if (ka.lo, ka.hi) != (kb.lo, kb.hi) or a.location_country != b.location_country:
        return False
    same = (a.source_code, a.target_code) == (b.source_code, b.target_code)
    mirrored = reciprocal and (a.source_code, a.target_code) == (b.target_code, b.source_code)
    return same or mirrored


def same_event(
    a: Report, b: Report, rules: FusionRules, ka: FusionKey | None = None,
    kb: FusionKey | None = None,
) -> bool:  # fmt: skip
    """Whether two reports tell of one real-world event (the module docstring)."""
    ka = ka or fusion_key(a, rules)
    kb = kb or fusion_key(b, rules)
    if ka.block is None or ka.block != kb.block:
        return False
    assert ka.lo and ka.hi and kb.lo and kb.hi  # a block implies an interval
    reciprocal = rules.is_reciprocal(ka.block.split("|", 1)[0])
    if a.article_id == b.article_id:
        return _duplicates(a, b, ka, kb, reciprocal)
    if not _dyads_match(a, b, reciprocal):
        return False
    if (
        rules.domestic_exact
        and (_domestic(a) or _domestic(b))
        and not _same_codes(a, b, reciprocal)
    ):
        return False
    if rules.identity_agreement and not _identities_agree(a, b, reciprocal):
        return False
    if not rules.modalities_match(a.modality, b.modality):
        return False
    if a.location_country and b.location_country and a.location_country != b.location_country:
        return False
    gap = max((kb.lo - ka.hi).days, (ka.lo - kb.hi).days, 0)
    window = rules.day_window_days if ka.precision in _DAY_LIKE and kb.precision in _DAY_LIKE else 0
    if rules.same_outlet_window_days is not None and a.outlet is not None and a.outlet == b.outlet:
        # The day window absorbs time zones and late reporting between outlets;
        # one outlet telling of a happening on consecutive days (two courtesy
        # calls, two delegations) or dating a story-dated mention outside its
        # story's days tells of two happenings.
        window = min(window, rules.same_outlet_window_days)
    return gap <= window


def linked(
    a: Report, b: Report, rules: FusionRules, ka: FusionKey | None = None,
    kb: FusionKey | None = None,
) -> bool:  # fmt: skip
    """Whether `a` may bring `b` into its event: `same_event`, and enough evidence.

    A report the text does not date (dated by its story) agrees with almost
    anything of its dyad that week, so it needs a second point of agreement:
    with a dated report, the same CAMEO code or the same place; with another
    undated report, the very same sentence and code (a story published twice).
    """
    ka = ka or fusion_key(a, rules)
    kb = kb or fusion_key(b, rules)
    if not same_event(a, b, rules, ka, kb):
        return False
    if a.article_id == b.article_id:
        return True  # duplicates within one story
    weak_a, weak_b = ka.precision == "report", kb.precision == "report"
    if not weak_a and not weak_b:
        return True
    same_text = bool(a.sentence) and a.sentence == b.sentence and a.cameo_code == b.cameo_code
    joins = rules.undated_domestic_joins if _domestic(a) or _domestic(b) else rules.undated_joins
    if (weak_a and weak_b) or joins == "same_sentence":
        return same_text
    same_place = a.location_country is not None and a.location_country == b.location_country
    agrees = a.cameo_code == b.cameo_code or same_place
    if joins == "code_and_name":
        # When both name someone below the country level, one must be shared:
        # an undated "Li said ..." of one story and "Kim Jong Il met Li on
        # Monday" of another share only the code, and meeting-heavy visits
        # give the same code to several of their happenings.
        names_a, names_b = _names(a), _names(b)
        return agrees and (not names_a or not names_b or bool(names_a & names_b))
    return agrees


def _names(report: Report) -> set[str]:
    """The actors below the country level a report names: knowledge-base ids
    and proper names (a bare country code names only the country)."""
    found: set[str] = set()
    for code, kb, name in (
        (report.source_code, report.source_kb_id, report.source_name),
        (report.target_code, report.target_kb_id, report.target_name),
    ):
        if code is None or len(code) <= 3:
            continue
        if kb:
            found.add(kb)
        proper = _identity_name(name)
        if proper:
            found.add(proper)
    return found


def _order(report: Report, key: FusionKey) -> tuple[dt.date, dt.date, str]:
    return (key.lo or dt.date.min, key.hi or dt.date.min, report.event_id)


def _duplicate_key(report: Report, key: FusionKey, reciprocal: bool) -> tuple[object, ...]:
    """What two reports of one story must share to be one event (`_duplicates`):
    the story, CAMEO code, modality, days, place country and dyad (or its mirror,
    when the class is reciprocal). Being duplicates is an equivalence, so one
    story's duplicates are found by this key, not by comparing every pair."""
    pair = (report.source_code, report.target_code)
    dyad: object = frozenset((pair, (pair[1], pair[0]))) if reciprocal else pair
    return (
        report.article_id, report.cameo_code, report.modality, key.lo, key.hi,
        report.location_country, dyad,
    )  # fmt: skip


def _reciprocal(block: str | None, rules: FusionRules) -> bool:
    return block is not None and rules.is_reciprocal(block.split("|", 1)[0])


def _run_ends(stories: Sequence[str]) -> list[int]:
    """For each position, the first position after it that holds another story
    (the end of the run of one story's reports it is in)."""
    ends = [len(stories)] * len(stories)
    for position in range(len(stories) - 2, -1, -1):
        if stories[position + 1] == stories[position]:
            ends[position] = ends[position + 1]
        else:
            ends[position] = position + 1
    return ends


def components(
    reports: Sequence[Report], keys: Sequence[FusionKey], rules: FusionRules
) -> list[list[int]]:
    """Connected components of the `linked` graph (indices into `reports`), each
    sorted in clustering order.

    Two reports of one story are linked only when they are duplicates, which
    a key decides (`_duplicate_key`). Reports of different stories are compared
    in a sweep over each block in date order: a report is compared with the
    later ones that start within the window of its end, jumping over the runs
    of its own story's reports, so the work grows with the number of pairs of
    different stories that are near in time, not with the square of one
    story's reports.
    """
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
    for block, members in by_block.items():
        reciprocal = _reciprocal(block, rules)
        first_of: dict[tuple[object, ...], int] = {}
        for i in members:
            first = first_of.setdefault(_duplicate_key(reports[i], keys[i], reciprocal), i)
            if first != i and find(first) != find(i):
                parent[find(i)] = find(first)
        members.sort(key=lambda i: _order(reports[i], keys[i]))
        stories = [reports[i].article_id for i in members]
        run_ends = _run_ends(stories)
        for n, i in enumerate(members):
            hi = keys[i].hi
            assert hi is not None
            last = hi + reach
            position = n + 1
            while position < len(members):
                if stories[position] == stories[n]:
                    position = run_ends[position]  # the next report of another story
                    continue
                j = members[position]
                lo = keys[j].lo
                assert lo is not None
                if lo > last:
                    break
                if find(i) != find(j) and linked(reports[i], reports[j], rules, keys[i], keys[j]):
                    parent[find(j)] = find(i)
                position += 1
    groups: dict[int, list[int]] = {}
    for i in range(len(reports)):
        groups.setdefault(find(i), []).append(i)
    result = [sorted(g, key=lambda i: _order(reports[i], keys[i])) for g in groups.values()]
    result.sort(key=lambda g: _order(reports[g[0]], keys[g[0]]))
    return result


@dataclass(slots=True)
class _Cluster:
    """A cluster being built, with what choosing one for a report reads of it."""

    position: int
    members: list[int]
    earliest_end: dt.date  # the earliest last day of its members
    latest_start: dt.date  # the latest first day of its members
    # Per story its members, and the duplicate keys of those members: a report
    # of that story matches them all when they are all its duplicates.
    by_story: dict[str, list[int]]
    duplicate_keys: dict[str, set[tuple[object, ...]]]
    codes: Counter[str]

    def add(self, i: int, report: Report, key: FusionKey, duplicate: tuple[object, ...]) -> None:
        assert key.lo is not None and key.hi is not None
        self.members.append(i)
        self.earliest_end = min(self.earliest_end, key.hi)
        self.latest_start = max(self.latest_start, key.lo)
        self.by_story.setdefault(report.article_id, []).append(i)
        self.duplicate_keys.setdefault(report.article_id, set()).add(duplicate)
        self.codes[report.cameo_code] += 1


def _others(cluster: _Cluster, story: str) -> Iterable[int]:
    """The members of a cluster that another story than `story` reports."""
    for member_story, members in cluster.by_story.items():
        if member_story != story:
            yield from members


def _joins(
    i: int, cluster: _Cluster, duplicate: tuple[object, ...], reports: Sequence[Report],
    keys: Sequence[FusionKey], rules: FusionRules,
) -> bool:  # fmt: skip
    """Whether report `i` may join the cluster: it matches every member
    (`same_event`; a member of its own story when it is its duplicate), and a
    report dated only by its story is `linked` to one of them."""
    report, key = reports[i], keys[i]
    own = cluster.duplicate_keys.get(report.article_id)
    if own is not None and own != {duplicate}:
        return False
    others = _others(cluster, report.article_id)
    if not all(same_event(report, reports[m], rules, key, keys[m]) for m in others):
        return False
    if key.precision != "report" or own is not None:
        return True  # a duplicate of its own story is linked to it
    others = _others(cluster, report.article_id)
    return any(linked(report, reports[m], rules, key, keys[m]) for m in others)


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

    Members of the report's own story are matched by their duplicate keys, not
    one by one, and a cluster whose members all end before the window of a
    report's first day is set aside for the rest of its pass (reports come in
    order of their first day): one story's many reports cost time in
    proportion to their number.
    """
    if len(component) == 1:
        return [list(component)]
    reach = dt.timedelta(days=rules.day_window_days)
    reciprocal = _reciprocal(keys[component[0]].block, rules)
    ordered = [i for i in component if keys[i].precision != "report"]
    ordered += [i for i in component if keys[i].precision == "report"]
    clusters: list[_Cluster] = []
    open_clusters: list[_Cluster] = []  # those a report of this pass can still join
    previous_lo: dt.date | None = None
    for i in ordered:
        key = keys[i]
        assert key.lo is not None and key.hi is not None
        if previous_lo is None or key.lo < previous_lo:  # a new pass: every cluster again
            open_clusters = list(clusters)
        previous_lo = key.lo
        duplicate = _duplicate_key(reports[i], key, reciprocal)
        best: tuple[int, int, int, int] | None = None
        chosen: _Cluster | None = None
        still_open: list[_Cluster] = []
        for cluster in open_clusters:
            if key.lo > cluster.earliest_end + reach:
                continue  # ends too early for this report and every later one of the pass
            still_open.append(cluster)
            if key.hi < cluster.latest_start - reach:
                continue
            if not _joins(i, cluster, duplicate, reports, keys, rules):
                continue
            anchor = keys[cluster.members[0]].lo
            assert anchor is not None
            score = (
                -len(cluster.by_story),
                -cluster.codes[reports[i].cameo_code],
                abs((key.lo - anchor).days),
                cluster.position,
            )
            if best is None or score < best:
                best, chosen = score, cluster
        open_clusters = still_open
        if chosen is None:
            chosen = _Cluster(len(clusters), [], key.hi, key.lo, {}, {}, Counter())
            clusters.append(chosen)
            open_clusters.append(chosen)
        chosen.add(i, reports[i], key, duplicate)
    result = [sorted(c.members, key=lambda i: _order(reports[i], keys[i])) for c in clusters]
    result.sort(key=lambda c: _order(reports[c[0]], keys[c[0]]))
    return result


def _fused_id(anchor: Report) -> str:
    # The earliest report names the event: adding later reports keeps its id.
    return "fe_" + hashlib.sha1(anchor.event_id.encode("utf-8")).hexdigest()[:16]


def _most_specific(codes: Iterable[str | None]) -> str | None:
    counted = Counter(code for code in codes if code)
    if not counted:
        return None
    return max(counted, key=lambda code: (len(code), counted[code], [-ord(c) for c in code]))


def make_fused_event(
    reports: Sequence[Report], keys: Sequence[FusionKey], version: str
) -> FusedEvent:
    """The canonical record of one cluster (reports in clustering order)."""
    asserting = [r for r in reports if r.modality == "asserted"]
    voters = asserting or list(reports)
    codes = Counter(r.cameo_code for r in voters)
    cameo_code = max(codes, key=lambda c: (codes[c], len(c), [-ord(x) for x in c]))
    coded = [r for r in voters if r.cameo_code == cameo_code]
    # Orientation of the dyad as most reports with that code give it; a report
    # told the other way round (a reciprocal meeting) gives its sides swapped.
    orientations = Counter((r.source_code[:3], _prefix(r.target_code)) for r in coded)
    source3, _ = max(orientations, key=lambda o: (orientations[o], o))
    source_side: list[tuple[str | None, str | None, str | None]] = []
    target_side: list[tuple[str | None, str | None, str | None]] = []
    for r in reports:
        source = (r.source_code, r.source_name, r.source_country)
        target = (r.target_code, r.target_name, r.target_country)
        if r.source_code[:3] == source3:
            source_side.append(source)
            target_side.append(target)
        else:
            source_side.append(target)
            target_side.append(source)
    source_code, source_name, source_country = _side(source_side)
    target_code, target_name, target_country = _side(target_side)
    first = coded[0]
    # The narrowest date among the voters, text-dated before story-dated.
    index = {id(r): n for n, r in enumerate(reports)}
    dated = sorted(
        voters,
        key=lambda r: (
            r.date_basis == "report",
            _width(keys[index[id(r)]]),
            r.date_start or dt.date.max,
        ),
    )
    when = dated[0]
    places = Counter(
        (r.location_name, r.location_country)
        for r in voters
        if r.location_country or r.location_name
    )
    place = max(places, key=lambda p: (places[p], str(p))) if places else (None, None)
    modality = (
        "asserted" if asserting else Counter(r.modality for r in reports).most_common(1)[0][0]
    )
    members = tuple(
        FusedMember(
            event_id=r.event_id,
            article_id=r.article_id,
            outlet=r.outlet,
            report_date=r.report_date,
            modality=r.modality,
            cameo_code=r.cameo_code,
            source_code=r.source_code,
            target_code=r.target_code,
            date_value=r.date_value,
        )
        for r in reports
    )
    report_dates = [r.report_date for r in reports]
    return FusedEvent(
        fused_id=_fused_id(reports[0]),
        source_code=source_code or first.source_code,
        target_code=target_code,
        source_name=source_name,
        target_name=target_name,
        source_country=source_country,
        target_country=target_country,
        cameo_code=cameo_code,
        cameo_root=cameo_code[:2],
        cameo_name=first.cameo_name,
        plover_event=first.plover_event,
        plover_mode=first.plover_mode,
        modality=modality,
        date_value=when.date_value,
        date_precision=when.date_precision,
        date_start=when.date_start,
        date_end=when.date_end,
        location_name=place[0],
        location_country=place[1],
        n_reports=len({r.article_id for r in reports}),
        n_sources=len({r.outlet for r in reports if r.outlet}),
        first_report=min(report_dates),
        last_report=max(report_dates),
        asserted_by=tuple(sorted({r.article_id for r in asserting})),
        members=members,
        fusion_version=version,
    )


def _side(
    actors: Sequence[tuple[str | None, str | None, str | None]],
) -> tuple[str | None, str | None, str | None]:
    """The most specific code of one side of the dyad, with a name and country
    from a report that gives that code."""
    code = _most_specific(actor[0] for actor in actors)
    return next((actor for actor in actors if actor[0] == code), (None, None, None))


def _width(key: FusionKey) -> int:
    if key.lo is None or key.hi is None:
        return 1 << 20
    return (key.hi - key.lo).days


def fuse_reports(reports: Sequence[Report], rules: FusionRules) -> list[FusedEvent]:
    """Fuse reports held in memory (all at once); the store's incremental
    fusion (`dateline.fuse.fuse_store`) gives the same clusters."""
    keys = [fusion_key(report, rules) for report in reports]
    fused = []
    for component in components(reports, keys, rules):
        for cluster in cluster_component(component, reports, keys, rules):
            fused.append(
                make_fused_event(
                    [reports[i] for i in cluster], [keys[i] for i in cluster], rules.version
                )
            )
    return fused
