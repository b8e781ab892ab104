"""The places stage's interval checks (binary searches over sorted spans, issue 14: the
scan they replace was quadratic) give exactly what a scan of every span gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.places.stage import _Blocking, _Disjoint

spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 12)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=40,
)
labels = st.sampled_from(["PERSON", "ORG", "NORP", "GPE"])


@settings(max_examples=150, deadline=None)
@given(candidates=spans, probes=spans)
def test_disjoint_keeps_what_a_scan_keeps(
    candidates: list[tuple[int, int]], probes: list[tuple[int, int]]
) -> None:
    index = _Disjoint()
    kept: list[tuple[int, int]] = []
    for start, end in candidates:
        expected = all(end <= other[0] or other[1] <= start for other in kept)
        assert index.add(start, end) == expected
        if expected:
            kept.append((start, end))
    for start, end in probes:
        scanned = not all(end <= other[0] or other[1] <= start for other in kept)
        assert index.overlaps(start, end) == scanned


@settings(max_examples=150, deadline=None)
@given(
    entities=st.lists(st.tuples(spans.map(lambda s: s[0] if s else (0, 1)), labels), max_size=30),
    probes=spans,
)
def test_blocking_finds_every_span_a_scan_finds(
    entities: list[tuple[tuple[int, int], str]], probes: list[tuple[int, int]]
) -> None:
    """Entity spans may overlap here (find_places takes any tagger's spans)."""
    triples = [(start, end, label) for (start, end), label in entities]
    blocking = _Blocking(triples)
    for start, end in probes:
        scanned = sorted(t for t in triples if t[0] <= start and end <= t[1])
        assert sorted(blocking.containing(start, end)) == scanned
