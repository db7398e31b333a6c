"""Evaluate tab. Not built yet: it says so plainly rather than offering controls that do nothing."""

from __future__ import annotations

from smt_gui.ui.common import coming_soon


def build() -> None:
    coming_soon("Evaluate", "Accuracy of base / RAG / tuned / tuned+RAG on the project's eval set, with confidence intervals.")
