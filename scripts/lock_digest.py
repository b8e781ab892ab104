"""The digest of what the lock files in requirements/ were made from.

    python scripts/lock_digest.py            # print it, and what each lock records
    python scripts/lock_digest.py --write    # record it in each lock (scripts/lock.sh does)
    python scripts/lock_digest.py --check    # exit 1 unless every lock records it (CI)

The digest covers pyproject.toml's dependencies and optional dependencies (parsed,
so reformatting the file changes nothing) and the requirements/*.in files. A
lock records it on its first line; tests/test_lock.py fails when they differ,
which means pyproject.toml changed and `scripts/lock.sh` was not run.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ("pip.txt", "run.txt", "test.txt")
PREFIX = "# locked-from: "


def digest(root: Path = ROOT) -> str:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    inputs = {
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "requires-python": project.get("requires-python", ""),
        "in": {
            path.name: path.read_text(encoding="utf-8")
            for path in sorted((root / "requirements").glob("*.in"))
        },
    }
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def recorded(lock: Path) -> str | None:
    first = lock.read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix(PREFIX) if first.startswith(PREFIX) else None


def write(root: Path = ROOT) -> None:
    line = f"{PREFIX}{digest(root)}\n"
    for name in LOCKS:
        lock = root / "requirements" / name
        lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
        if lines and lines[0].startswith(PREFIX):
            lines = lines[1:]
        lock.write_text(line + "".join(lines), encoding="utf-8")


def stale(root: Path = ROOT) -> list[str]:
    """The locks that were not made from the current pyproject.toml."""
    current = digest(root)
    return [name for name in LOCKS if recorded(root / "requirements" / name) != current]


def main() -> None:
    if "--write" in sys.argv[1:]:
        write()
    if "--check" in sys.argv[1:]:
        behind = stale()
        if behind:
            print(
                f"requirements/{', requirements/'.join(behind)} do not match pyproject.toml:"
                " run scripts/lock.sh and commit the locks",
                file=sys.stderr,
            )
            raise SystemExit(1)
        print("the locks in requirements/ match pyproject.toml")
        return
    print(f"pyproject.toml + requirements/*.in: {digest()}")
    for name in LOCKS:
        print(f"requirements/{name}: {recorded(ROOT / 'requirements' / name)}")


if __name__ == "__main__":
    main()
