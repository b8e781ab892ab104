"""ruff and mypy are part of the test suite, so CI runs exactly what the README says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.quality


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        pytest.skip(f"{name} is not installed (./install.sh --test)")
    return found


def _run(*args: str) -> None:
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_lint() -> None:
    _run(_tool("ruff"), "check", "src", "tests", "scripts", "benchmarks")


def test_ruff_format() -> None:
    _run(_tool("ruff"), "format", "--check", "src", "tests", "scripts", "benchmarks")


def test_mypy() -> None:
    _run(_tool("mypy"), "src/dateline")
