"""Table tests for the CAMEO/PLOVER code tables, and a drift check against a fresh build."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dateline.codes import (
    CameoCodes,
    PloverMapping,
    UnknownCodeError,
    actor_type_name,
    plover_sector_for,
    to_plover,
)

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CASES = [
    line.split("\t")
    for line in (HERE / "cases.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def codes() -> CameoCodes:
    return CameoCodes.load()


@pytest.mark.parametrize(
    ("code", "name", "root", "quad_class", "goldstein", "plover_event", "plover_mode"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_code_table(
    codes: CameoCodes,
    code: str,
    name: str,
    root: str,
    quad_class: str,
    goldstein: str,
    plover_event: str,
    plover_mode: str,
) -> None:
    assert codes.is_valid(code)
    assert codes.name(code) == name
    assert codes.root(code) == root
    assert codes.quad_class(code) == int(quad_class)
    assert codes.goldstein(code) == pytest.approx(float(goldstein))
    mapping = codes.to_plover(code)
    if plover_event == "none":
        assert mapping is None
    else:
        assert mapping == PloverMapping(plover_event, None if plover_mode == "-" else plover_mode)


def test_all_roots_and_enough_codes(codes: CameoCodes) -> None:
    assert codes.roots() == tuple(f"{n:02d}" for n in range(1, 21))
    assert len(codes.codes()) >= 300


def test_every_code_has_name_goldstein_quad_class(codes: CameoCodes) -> None:
    for code in codes.codes():
        entry = codes.entry(code)
        assert entry.name.strip(), code
        assert -10.0 <= entry.goldstein <= 10.0, code
        assert entry.quad_class in (1, 2, 3, 4), code
        assert codes.is_valid(entry.root), code


def test_quad_class_follows_gdelt_roots(codes: CameoCodes) -> None:
    expected = {1: range(1, 6), 2: range(6, 9), 3: range(9, 14), 4: range(14, 21)}
    for quad, roots in expected.items():
        for root in roots:
            assert codes.quad_class(f"{root:02d}") == quad


def test_every_plover_value_is_valid(codes: CameoCodes) -> None:
    mapped = 0
    for code in codes.codes():
        mapping = codes.to_plover(code)
        if mapping is None:
            assert code[:2] in ("01", "02"), code
            continue
        mapped += 1
        assert codes.is_plover_event(mapping.event), code
        if mapping.mode is not None:
            assert mapping.mode in codes.plover_modes(mapping.event), code
    assert mapped > 250


def test_plover_falls_back_to_parent_and_root(codes: CameoCodes) -> None:
    # 1951 is not in the 2021 table: its parent 195 is.
    assert codes.to_plover("1951") == codes.to_plover("195")
    # 176 (cyber attack) has neither: the root's 170 answers.
    assert codes.to_plover("176") == codes.to_plover("170")
    # A root maps through its X0 code; roots 01 and 02 have no PLOVER type.
    assert codes.to_plover("04") == codes.to_plover("040")
    assert codes.to_plover("0256") is None
    assert to_plover("not a code") is None


def test_unknown_code_raises(codes: CameoCodes) -> None:
    assert not codes.is_valid("999")
    with pytest.raises(UnknownCodeError):
        codes.name("999")


def test_goldstein_policy_gdelt_wins(codes: CameoCodes) -> None:
    entry = codes.entry("016")
    assert entry.goldstein == pytest.approx(-2.0)
    assert entry.goldstein_phoenix == pytest.approx(3.4)


@pytest.mark.parametrize(
    ("cameo", "plover"),
    [("GOV", "GOV"), ("MIL", "MIL"), ("MED", "JRN"), ("HLH", "MED"), ("INS", "REB"), ("MOD", None)],
)
def test_sector_map(cameo: str, plover: str | None) -> None:
    assert plover_sector_for(cameo) == plover


def test_actor_type_names() -> None:
    assert (actor_type_name("GOV") or "").startswith("Government")
    assert actor_type_name("IGO") is not None
    assert actor_type_name("XYZ") is None


def _load_build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_codes", ROOT / "scripts" / "build_codes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
def test_compiled_tables_match_fresh_build(shared_data: Path) -> None:
    build = _load_build_script()
    fresh = build.build(shared_data / "events")
    data_dir = ROOT / "src" / "dateline" / "codes" / "data"
    for name, text in fresh.items():
        assert (data_dir / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run scripts/build_codes.py"
        )
