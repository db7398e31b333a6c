"""Train tab. Not built yet: it says so plainly rather than offering controls that do nothing."""

from __future__ import annotations

from smt_gui.ui.common import coming_soon


def build() -> None:
    coming_soon("Train", "Mixed training (QA + documents + replay) with LoRA/QLoRA or full fine-tuning, with a live loss chart.")
