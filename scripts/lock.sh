#!/usr/bin/env bash
# Refresh the hash-pinned lock files that install.sh installs from:
#   requirements/pip.txt   pip itself
#   requirements/run.txt   dateline's dependencies with the scale and web extras, and
#                          setuptools + wheel to build dateline (./install.sh)
#   requirements/test.txt  the same with the test extra (./install.sh --test, CI)
# Run it after any change to the dependencies in pyproject.toml (or requirements/*.in);
# tests/test_lock.py fails until the locks match pyproject.toml again.
#
# pip-compile (pip-tools, a pinned version in a throwaway venv) resolves against the
# package indexes pip is configured with, as install.sh does, and lists every file of
# every pin with its sha256. Pins already in a lock are kept while they still fit;
# extra arguments go to pip-compile (--upgrade, --upgrade-package NAME, -c FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${LOCK_TOOLS:-${TMPDIR:-/tmp}/dateline-lock-tools}
if [ ! -x "$tools/bin/pip-compile" ]; then
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet "pip-tools==7.7.0"
fi
compile() {
  PIP_FIND_LINKS= "$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-find-links --no-emit-trusted-host --newline=lf \
    "$@"
}
compile requirements/pip.in -o requirements/pip.txt
# The test lock first, and the run lock constrained by it: the same versions in both.
compile pyproject.toml requirements/build.in --extra scale --extra web --extra test \
  -o requirements/test.txt "$@"
grep -E '^[A-Za-z0-9][^ ]*==[^ ]+' -o requirements/test.txt >"$tools/test-pins.txt"
compile pyproject.toml requirements/build.in --extra scale --extra web \
  -c "$tools/test-pins.txt" -o requirements/run.txt "$@"
# The digest of what was locked, which tests/test_lock.py compares with pyproject.toml.
.venv/bin/python scripts/lock_digest.py --write 2>/dev/null || python3 scripts/lock_digest.py --write
