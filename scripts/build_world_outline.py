"""Build the dashboard's world outline: `src/dateline/serve/static/world-110m.json`.

The source is Natural Earth's 1:110m Admin 0 countries (public domain), as the
TopoJSON that the `world-atlas` npm package (2.0.2, ISC) redistributes. The arcs
are decoded here and every country becomes an SVG path in an equirectangular
projection (x = longitude + 180, y = 90 - latitude, one decimal), so the
dashboard draws the map with no library and nothing fetched from the network.
Antarctica is left out (no events there, and it would take a fifth of the map).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_world_outline.py package/countries-110m.json           # write
    python scripts/build_world_outline.py package/countries-110m.json --check   # compare
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "dateline" / "serve" / "static" / "world-110m.json"
SOUTH = -60.0  # the map's southern edge, in degrees of latitude
HEIGHT = 90.0 - SOUTH


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantized, delta-encoded arcs as lists of (lon, lat)."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for qx, qy in arc:
            x, y = x + qx, y + qy
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)  # arcs share their end points
    return points


def across_the_antimeridian(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses 180° (Fiji) drawn whole: its longitudes unwrapped past 180, and
    a copy 360° to the west; the map's box clips each to its side. Others as they are."""
    lons = [lon for lon, _ in points]
    if all(abs(b - a) < 180 for a, b in itertools.pairwise(lons)):
        return [points]
    east = [(lon + 360.0 if lon < 0 else lon, lat) for lon, lat in points]
    return [east, [(lon - 360.0, lat) for lon, lat in east]]


def path(points: list[tuple[float, float]]) -> str:
    cells = []
    last = None
    for lon, lat in points:
        cell = (round(lon + 180.0, 1), round(90.0 - max(lat, SOUTH), 1))
        if cell != last:
            cells.append(cell)
            last = cell
    if len(cells) < 3:
        return ""
    head, *rest = cells
    return f"M{head[0]:g},{head[1]:g}" + "".join(f"L{x:g},{y:g}" for x, y in rest) + "Z"


def build(source: Path) -> str:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = (
            [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs") or []
        )
        parts = []
        for polygon in polygons:
            for indexes in polygon:
                points = ring(indexes, arcs)
                if points and max(lat for _, lat in points) > SOUTH + 2:
                    parts += [path(copy) for copy in across_the_antimeridian(points)]
        d = "".join(part for part in parts if part)
        if d:
            name = (geometry.get("properties") or {}).get("name", "")
            countries.append({"name": name, "d": d})
    countries.sort(key=lambda c: c["name"])
    document = {
        "id": "world-110m",
        "source": "Natural Earth 1:110m Admin 0 countries v4.1.0 (naturalearthdata.com), via the"
        " world-atlas 2.0.2 npm package; built by scripts/build_world_outline.py",
        "licence": "Natural Earth: public domain; world-atlas packaging: ISC",
        "projection": f"equirectangular: x = lon + 180, y = 90 - lat, cut at {SOUTH:g} degrees",
        "viewBox": [0, 0, 360, HEIGHT],
        "countries": countries,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="countries-110m.json from world-atlas 2.0.2")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args()
    text = build(args.source)
    if args.check:
        stale = not args.output.is_file() or args.output.read_text(encoding="utf-8") != text
        print(f"stale: {args.output}" if stale else "up to date")
        return 1 if stale else 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
