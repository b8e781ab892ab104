"""The country-code crosswalk of the export layouts is built from data, and stays built."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
from pathlib import Path

from dateline.store.export import CountryCodes

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_crosswalk_matches_a_fresh_build() -> None:
    build = _script("build_country_codes")
    shipped = (ROOT / "src/dateline/store/data/country_codes.tsv").read_text(encoding="utf-8")
    assert build.build() == shipped, "run scripts/build_country_codes.py"  # type: ignore[attr-defined]


def test_fips_differs_from_iso_where_gdelt_users_expect_it() -> None:
    codes = CountryCodes()
    assert (codes.fips["JPN"], codes.iso2["JPN"]) == ("JA", "JP")
    assert (codes.fips["CHN"], codes.fips["DEU"], codes.fips["GBR"]) == ("CH", "GM", "UK")
    assert codes.name["PRK"] == "North Korea" and len(codes.rows) > 240


def test_the_world_outline_is_whole_and_inside_its_box() -> None:
    outline = json.loads(
        (ROOT / "src/dateline/serve/static/world-110m.json").read_text(encoding="utf-8")
    )
    assert "public domain" in outline["licence"] and "Natural Earth" in outline["source"]
    x0, y0, width, height = outline["viewBox"]
    names = {country["name"] for country in outline["countries"]}
    assert {"Japan", "China", "Peru", "Russia", "Fiji"} <= names and len(names) > 170
    for country in outline["countries"]:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", country["d"])]
        xs, ys = numbers[0::2], numbers[1::2]
        # Only rings drawn across 180 degrees (Fiji, Chukotka; in two copies) reach past the box.
        assert x0 - 180 <= min(xs) and max(xs) <= x0 + width + 180, country["name"]
        assert (x0 <= min(xs) and max(xs) <= x0 + width) or country["name"] in {"Fiji", "Russia"}
        assert y0 <= min(ys) and max(ys) <= y0 + height, country["name"]
        # No ring crosses the antimeridian (a line across the whole map).
        for ring in country["d"].split("M")[1:]:
            ring_xs = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", ring)][0::2]
            jumps = [abs(b - a) for a, b in itertools.pairwise(ring_xs)]
            assert max(jumps, default=0) < 180, country["name"]
