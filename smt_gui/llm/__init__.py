"""Model backends and the bundled offline models."""

from __future__ import annotations

import threading

from smt_gui.llm.base import Backend, BackendConfig, BackendError, Completion, GenerationRequest

__all__ = ["Backend", "BackendConfig", "BackendError", "Completion", "GenerationRequest", "get_backend"]

_cache: dict[tuple, Backend] = {}
_cache_lock = threading.Lock()
KINDS = {"llama_cpp": "llama.cpp (GGUF)", "openai": "OpenAI-compatible endpoint", "transformers": "transformers (HF folder)"}


def _key(config: BackendConfig) -> tuple:
    return (config.kind, config.model, config.base_url, config.api_key, config.concurrency, config.n_ctx)


def get_backend(config: BackendConfig) -> Backend:
    """Build (or reuse) the backend for a config. Loaded local models are kept so a second job starts at once."""
    from smt_gui.llm.bundled import ModelNotFoundError

    key = _key(config)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        try:
            if config.kind == "llama_cpp":
                from smt_gui.llm.llama_cpp import LlamaCppBackend as cls
            elif config.kind == "openai":
                from smt_gui.llm.openai_compat import OpenAICompatBackend as cls
            elif config.kind == "transformers":
                from smt_gui.llm.transformers_backend import TransformersBackend as cls
            else:
                raise BackendError(f"Unknown backend {config.kind!r}; choose one of {', '.join(KINDS)}.")
            backend = cls(config)
        except ModelNotFoundError as exc:
            raise BackendError(str(exc)) from exc
        if config.kind != "openai":
            _cache.clear()  # keep one local model in memory at a time
        _cache[key] = backend
        return backend
