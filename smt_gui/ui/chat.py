"""Chat tab. Not built yet: it says so plainly rather than offering controls that do nothing."""

from __future__ import annotations

from smt_gui.ui.common import coming_soon


def build() -> None:
    coming_soon("Chat", "The tuned model beside a Chroma-backed RAG baseline, answering the same question.")
