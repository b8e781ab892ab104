"""Compile PETRARCH2's CAMEO 2.0 verb dictionary into dateline's pattern file.

    python scripts/build_verbs.py [--source ../shared/data/events/dictionaries/CAMEO.2.0.txt]
                                  [--out src/dateline/events/rules/cameo_verbs.json]

The output is deterministic (same input, same bytes), so a test can check that
the shipped file matches a fresh build.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dateline.events.petrarch import parse_verb_dictionary

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "events" / "dictionaries" / "CAMEO.2.0.txt"
OUT = ROOT / "src" / "dateline" / "events" / "rules" / "cameo_verbs.json"

HEADER = {
    "id": "cameo2-verbs",
    "version": "1",
    "source": "PETRARCH2 CAMEO 2.0 verb-pattern dictionary (CAMEO.2.0.txt, last update 30 April 2015), "
    "compiled by scripts/build_verbs.py",
    "licence": "MIT, Copyright (c) 2015 Open Event Data Alliance (openeventdata/petrarch2); "
    "patterns carried over as facts, re-expressed in dateline's format",
}


def build(source: Path) -> str:
    with source.open(encoding="utf-8", errors="replace") as handle:
        data = parse_verb_dictionary(handle, prefix="cameo2")
    header: dict[str, Any] = {
        **HEADER,
        "counts": {
            "synsets": len(data["synsets"]),
            "blocks": len(data["blocks"]),
            "verbs": len(data["verbs"]),
            "patterns": len(data["patterns"]),
        },
        "unknown_synsets_read_as_words": data["unknown_synsets"],
    }

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    # One record per line: readable diffs when the source or the parser changes.
    lines = [
        "{",
        f'"header": {dump(header)},',
        f'"synsets": {dump(data["synsets"])},',
        f'"blocks": {dump(data["blocks"])},',
    ]
    for key in ("verbs", "patterns"):
        items = data[key]
        lines.append(f'"{key}": [')
        lines.extend(
            dump(item) + ("," if i < len(items) - 1 else "") for i, item in enumerate(items)
        )
        lines.append("]," if key == "verbs" else "]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"source not found: {args.source}", file=sys.stderr)
        return 1
    text = build(args.source)
    json.loads(text)  # never write a file the loader cannot read
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
