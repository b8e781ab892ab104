"""Every CLI command and option is documented (README or docs/), as datasette does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from dateline.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _documentation() -> str:
    parts = [ROOT.joinpath("README.md").read_text(encoding="utf-8")]
    parts += [
        path.read_text(encoding="utf-8") for path in sorted(ROOT.joinpath("docs").glob("*.md"))
    ]
    return "\n".join(parts)


def _commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):  # typer ships its own click
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


@pytest.mark.parametrize(
    ("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_command_and_options_documented(name: str, command: Any) -> None:
    text = _documentation()
    assert f"dateline {name}" in text, f"`dateline {name}` is not in README.md or docs/"
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            longest = max(param.opts, key=len)
            assert longest in text, f"option {longest} of `dateline {name}` is undocumented"
