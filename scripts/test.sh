#!/usr/bin/env bash
# Install everything (app, models, test tools, chromium) and run the whole test suite. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"
