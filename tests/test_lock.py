"""Installs are locked: every dependency pinned with hashes, the locks made from pyproject.toml."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import lock_digest  # noqa: E402

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def _pins(name: str) -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) in requirements/<name>."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line)
        if found:
            current = canonicalize_name(found[1])
            pins[current] = (found[2], 0)
        if current and "--hash=sha256:" in line:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    for extra in extras:
        found += [Requirement(text) for text in project["optional-dependencies"][extra]]
    return found


def test_the_locks_were_made_from_this_pyproject() -> None:
    assert not lock_digest.stale(), "pyproject.toml changed: run scripts/lock.sh"


def test_a_changed_dependency_makes_the_locks_stale(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    for path in (ROOT / "requirements").iterdir():
        (tmp_path / "requirements" / path.name).write_bytes(path.read_bytes())
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    assert lock_digest.stale(tmp_path) == []
    changed = pyproject.replace('"duckdb>=1.1"', '"duckdb>=1.2"')
    assert changed != pyproject
    (tmp_path / "pyproject.toml").write_text(changed, encoding="utf-8")
    assert lock_digest.stale(tmp_path) == list(lock_digest.LOCKS)


@pytest.mark.parametrize(
    ("lock", "extras"), [("run.txt", ("scale", "web")), ("test.txt", ("scale", "web", "test"))]
)
def test_every_dependency_is_pinned_with_hashes(lock: str, extras: tuple[str, ...]) -> None:
    pins = _pins(lock)
    for requirement in _requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements/{lock}"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {name}=={version}, pyproject.toml asks {requirement}"
        )
    unhashed = [name for name, (_, hashes) in pins.items() if hashes == 0]
    assert not unhashed
    # The build tools and pip are locked too, so install.sh fetches nothing unpinned.
    assert {"setuptools", "wheel"} <= set(pins)
    assert "pip" in _pins("pip.txt")


def test_the_run_and_test_locks_agree() -> None:
    run, test = _pins("run.txt"), _pins("test.txt")
    assert {name: run[name][0] for name in run} == {name: test[name][0] for name in run}


def test_the_test_extra_has_no_httpx_fork() -> None:
    names = {canonicalize_name(r.name) for r in _requirements("scale", "web", "test")}
    assert "httpx2" not in names and "httpx" in names  # Starlette's TestClient uses httpx


def test_install_sh_installs_only_from_the_locks() -> None:
    script = (ROOT / "install.sh").read_text(encoding="utf-8")
    installs = [line for line in script.splitlines() if " install " in line and "pip" in line]
    assert installs
    for line in installs:
        assert "--require-hashes" in line or "--no-deps --no-build-isolation -e ." in line, line
    assert "--upgrade" not in script


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="a developer's venv may hold more")
def test_the_installed_packages_are_the_locked_ones() -> None:
    """In CI (a fresh clone, ./install.sh --test), what is installed is what is locked."""
    wrong = []
    for name, (version, _) in {**_pins("test.txt"), **_pins("pip.txt")}.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong.append(f"{name}: locked {version}, installed {installed}")
    assert not wrong


def test_the_digest_check_runs_as_ci_does() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lock_digest.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
