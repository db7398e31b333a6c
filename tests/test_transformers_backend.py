"""The transformers backend on the bundled model (the GGUF loaded by transformers as a 135M Llama)."""

from __future__ import annotations

import pytest

from smt_gui.llm import BackendConfig, GenerationRequest, get_backend

pytestmark = pytest.mark.slow


def test_transformers_backend_generates_from_the_bundled_model():
    backend = get_backend(BackendConfig(kind="transformers"))
    request = GenerationRequest(messages=[{"role": "user", "content": "Name a planet of the solar system."}],
                                temperature=0.0, max_tokens=12, seed=0)
    first = backend.complete(request)
    assert first.text.strip() and 0 < first.completion_tokens <= 12
    assert backend.complete(request).text == first.text  # greedy decoding is repeatable
