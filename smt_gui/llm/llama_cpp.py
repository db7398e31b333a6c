"""llama.cpp backend (llama-cpp-python): the default, running any local GGUF on CPU or GPU.

JSON schemas are enforced with llama.cpp's grammar-constrained sampling, so structured output always parses
even from the tiny bundled model (its *content* may still be weak).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from smt_gui.cores import compute_turn, llama_threads
from smt_gui.llm import llama_thread
from smt_gui.llm.base import BackendConfig, BackendError, Completion, GenerationRequest, sequential_many
from smt_gui.llm.bundled import resolve_model_spec


class LlamaCppBackend:
    def __init__(self, config: BackendConfig) -> None:
        self.config = config
        path = resolve_model_spec(config.model)
        if not Path(path).is_file():
            raise BackendError(f"GGUF model {path!r} is not a file. Pick a .gguf file (or leave empty for the bundled model).")
        try:
            from llama_cpp import Llama

            with compute_turn():  # loading is llama.cpp work on the same cores too
                self.llm = llama_thread.call(
                    Llama, model_path=path, n_ctx=config.n_ctx, n_threads=llama_threads(config.extra.get("n_threads")),
                    n_gpu_layers=int(config.extra.get("n_gpu_layers", -1)), verbose=False, seed=0,
                )
        except (ValueError, RuntimeError, OSError) as exc:
            raise BackendError(f"llama.cpp could not load {path!r} (not a valid GGUF, or out of memory?): {exc}") from exc
        self.path = path

    @property
    def model_name(self) -> str:
        return Path(self.path).name

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def complete(self, request: GenerationRequest) -> Completion:
        kwargs = {}
        if request.json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": request.json_schema}
        try:
            with compute_turn() as turn:  # one heavy computation at a time on these cores
                started = time.perf_counter()
                out = llama_thread.call(
                    self.llm.create_chat_completion, messages=request.messages, temperature=request.temperature, top_p=request.top_p,
                    max_tokens=request.max_tokens, seed=request.seed, stop=list(request.stop) or None, **kwargs,
                )
                seconds = time.perf_counter() - started
        except ValueError as exc:  # e.g. prompt longer than the context window
            raise BackendError(f"llama.cpp refused the request: {exc}") from exc
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(
            text=choice["message"]["content"] or "", prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0), finish_reason=choice.get("finish_reason") or "stop",
            seconds=seconds, waited_s=turn.waited_s,
        )

    def complete_many(self, requests: Sequence[GenerationRequest]) -> Iterator[tuple[int, Completion | BackendError]]:
        return sequential_many(self, requests)
