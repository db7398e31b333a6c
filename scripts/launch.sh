#!/usr/bin/env bash
# Install (if needed) and launch the app on http://127.0.0.1:7860 with the bundled offline models.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python app.py "$@"
