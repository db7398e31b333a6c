"""The one small interface every generator backend implements, and the errors users see.

Transport-level retries (timeouts, 5xx) live in the backends; output-level retries (bad JSON) live once in
``smt_gui.generate.base``. Generators receive a backend; they never construct one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from smt_gui.configflags import setting
from smt_gui.llm.bundled import BUNDLED_GENERATOR

# Chat and evaluation answers, whichever engine decodes them (transformers, llama.cpp, an Ollama Modelfile): the
# tiny models loop without it, and every arm must decode alike for a fair comparison.
REPETITION_PENALTY = 1.15


class BackendError(Exception):
    """The backend could not produce a completion; the message says what to check (path, URL, memory...)."""


@dataclass(frozen=True)
class GenerationRequest:
    messages: list[dict[str, str]]
    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 512
    json_schema: dict[str, Any] | None = None  # constrain output where the backend supports it
    seed: int | None = None
    stop: tuple[str, ...] = ()  # end the completion at the first of these strings (not included)


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"
    seconds: float = 0.0  # computing only: the wait for the cores is ``waited_s``
    waited_s: float = 0.0  # queued behind other heavy work on this machine (``smt_gui.cores``)


@dataclass(frozen=True)
class BackendConfig:
    """What a user picks in the Generate tab; stored with the project and with every sample."""

    kind: str = setting("llama_cpp", flag="--backend", choices=("llama_cpp", "openai", "transformers"),
                        label="Backend", help="llama_cpp (a GGUF), openai (an OpenAI-compatible endpoint) or "
                                              "transformers (an HF folder)")
    model: str = setting("", label="Model", help="GGUF path, HF folder, or the served model name; empty = the bundled "
                                                 "SmolLM2-135M")
    base_url: str = setting("", label="Endpoint base URL (OpenAI-compatible)",
                            help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    api_key: str = setting("", label="API key", help="endpoint key (or set SMT_API_KEY); never stored")
    concurrency: int = setting(4, minimum=1, label="Requests in flight", help="requests in flight")
    n_ctx: int = setting(4096, minimum=256, ui=False, help="llama.cpp context window in tokens")
    timeout_s: float = setting(120.0, minimum=1, flag="--timeout", label="Timeout per answer (s)",
                               help="seconds to wait for one endpoint answer")
    extra: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """The config without secrets, for provenance records."""
        return {"kind": self.kind, "model": self.model or BUNDLED_GENERATOR, "base_url": self.base_url}

    @classmethod
    def from_public(cls, data: dict[str, Any]) -> BackendConfig:
        """A usable config again from ``public()`` (a project's saved generator, a judge): the bundled model's name
        back to "", the key from ``SMT_API_KEY`` (never stored)."""
        model = data.get("model", "") or ""
        known = {k: data[k] for k in ("concurrency", "n_ctx", "timeout_s", "extra") if k in data}
        return cls(kind=data.get("kind") or cls.kind, model="" if model.startswith("bundled:") else model,
                   base_url=data.get("base_url", "") or "", api_key=os.environ.get("SMT_API_KEY", ""), **known)


class Backend(Protocol):
    config: BackendConfig

    @property
    def model_name(self) -> str: ...

    def complete(self, request: GenerationRequest) -> Completion: ...

    def complete_many(self, requests: Sequence[GenerationRequest]) -> Iterator[tuple[int, Completion | BackendError]]:
        """Yield ``(index, result)`` as results arrive; concurrent where the backend can be."""
        ...


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """The text before the first stop string (for backends that cannot stop by themselves)."""
    cuts = [text.find(s) for s in stop if s and s in text]
    return text[: min(cuts)] if cuts else text


def sequential_many(backend: Backend, requests: Sequence[GenerationRequest]) -> Iterator[tuple[int, Completion | BackendError]]:
    for i, request in enumerate(requests):
        try:
            yield i, backend.complete(request)
        except BackendError as exc:
            yield i, exc
