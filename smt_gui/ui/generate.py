"""Generate tab. Not built yet: it says so plainly rather than offering controls that do nothing."""

from __future__ import annotations

from smt_gui.ui.common import coming_soon


def build() -> None:
    coming_soon("Generate", "Synthetic QAs and focal rewrites from your documents, with a local model or an OpenAI-compatible endpoint.")
