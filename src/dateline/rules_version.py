"""`rules_version`: a short digest of everything shipped that decides how a story is coded.

That is the rule and knowledge files *and* the source of the coding stages: a changed
word list, a changed branch in an engine or a changed reader all change the output, and
the store re-codes an article only when its text or this version changes. Derived, never
hand-edited, so a change shows in every new event row.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

__all__ = [
    "LEARNED_ENV",
    "code_files",
    "learned_coder_on",
    "package_digest",
    "rule_files",
    "rules_version",
]

_PACKAGE = Path(__file__).parent
_SUFFIXES = {".yaml", ".yml", ".tsv", ".json", ".jsonl", ".txt"}
_RULE_DIRS = {"rules", "data"}
_MODEL_DIR = "model"
# Parts of the package that do not change how a story is coded. Fusion groups stored
# events and stamps its own `fusion_version`, so editing its rules must not re-code every
# story; the server, CLI, store, scorers, inspector and run/scale plumbing only move or
# show what the stages produced. Anything not listed here counts, so a new stage package
# is covered without anyone remembering to add it.
_NOT_CODING = {
    "fuse",
    "serve",
    "eval",
    "store",
    "scale",
    "cli.py",
    "inspect.py",
    "run.py",
    "rules_version.py",
    "__init__.py",
    "py.typed",
}


def rule_files(package: Path = _PACKAGE) -> list[Path]:
    """The rule and knowledge data files of the coding stages, and their trained models
    (every file under a `model` folder: a retrained model codes differently)."""
    files = [
        path
        for path in package.rglob("*")
        if path.is_file()
        and (
            (path.suffix in _SUFFIXES and _RULE_DIRS & set(path.relative_to(package).parts[:-1]))
            or _MODEL_DIR in path.relative_to(package).parts[:-1]
        )
        and path.relative_to(package).parts[0] not in _NOT_CODING
        and "__pycache__" not in path.parts
    ]
    return sorted(files)


def code_files(package: Path = _PACKAGE) -> list[Path]:
    """The Python source files of the coding stages (ingest, nlp, time, actors, places, events ...)."""
    files = [
        path
        for path in package.rglob("*.py")
        if path.relative_to(package).parts[0] not in _NOT_CODING and "__pycache__" not in path.parts
    ]
    return sorted(files)


# `DATELINE_EVENTS_LEARNED=0`: the events stage codes with the rules alone (its learned dyad
# coder off). An environment variable, so that worker processes and local Dask workers,
# which build their own pipelines, code the same way (`dateline code --rules-only` sets it).
LEARNED_ENV = "DATELINE_EVENTS_LEARNED"


def learned_coder_on() -> bool:
    """Whether the events stage runs its learned dyad coder unless told otherwise."""
    return os.environ.get(LEARNED_ENV, "1") != "0"


@lru_cache(maxsize=1)
def rules_version() -> str:
    """Digest of the installed package's `rule_files` and `code_files`, computed once per
    process; with the learned coder off it ends in "-rules", so stories stored one way are
    re-coded, not skipped, when run the other way."""
    return package_digest(_PACKAGE) + ("" if learned_coder_on() else "-rules")


def package_digest(package: Path) -> str:
    """Digest of the coding rule files and source files under `package` (a copy of dateline's)."""
    digest = hashlib.sha256()
    for path in sorted(set(rule_files(package)) | set(code_files(package))):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
