"""The write-or-check step shared by the build scripts that emit several tables."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path


def write_or_check(tables: Mapping[str, str], output: Path, check: bool) -> int:
    """Write each named table into `output`, or with `check` only list the
    stale ones; returns the exit status (1 when checking finds a stale table)."""
    stale = [
        name
        for name, text in tables.items()
        if not (output / name).is_file() or (output / name).read_text(encoding="utf-8") != text
    ]
    if check:
        for name in stale:
            print(f"stale: {name}")
        return 1 if stale else 0
    output.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (output / name).write_text(text, encoding="utf-8")
        print(f"wrote {output / name}")
    return 0


def add_output_options(parser: argparse.ArgumentParser, output: Path) -> None:
    parser.add_argument("--output", type=Path, default=output)
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
