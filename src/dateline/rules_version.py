"""`rules_version`: a short digest of every rule and knowledge file shipped.

Derived, never hand-edited, so a changed rule shows in every new event row.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["rule_files", "rules_version"]

_PACKAGE = Path(__file__).parent
_SUFFIXES = {".yaml", ".yml", ".tsv", ".json", ".jsonl", ".txt"}
_RULE_DIRS = {"rules", "data"}
# Packages whose rules do not change how a story is coded: fusion groups stored events
# and stamps its own `fusion_version`, so editing its rules must not re-code every story.
_NOT_CODING = {"fuse"}


def rule_files() -> list[Path]:
    files = [
        path
        for path in _PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix in _SUFFIXES
        and _RULE_DIRS & set(path.relative_to(_PACKAGE).parts[:-1])
        and path.relative_to(_PACKAGE).parts[0] not in _NOT_CODING
    ]
    return sorted(files)


@lru_cache(maxsize=1)
def rules_version() -> str:
    digest = hashlib.sha256()
    for path in rule_files():
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
