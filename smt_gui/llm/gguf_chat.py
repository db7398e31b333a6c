"""Chat answers through llama.cpp from a run's GGUFs: the base GGUF, and the run's LoRA adapter GGUF over it (or, for
a fully fine-tuned run, its merged GGUF).

Chat through transformers in float32 streamed 2–3 tokens/s per column on 2 cores; llama.cpp generates with the
same 135M model at ~45–110 tokens/s (it reads long prompts slower than transformers on these CPUs, so RAG
columns gain less). The adapter is the run's own weights converted by llama.cpp's converter (``smt_gui.export``), on
the very base GGUF the run was trained from (the bundled model is dequantised for training), so the base and the
tuned arm still differ only in what training taught. Exports are made once per run and reused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smt_gui.cores import Turn, compute_turn, llama_threads
from smt_gui.llm import llama_thread
from smt_gui.llm.base import REPETITION_PENALTY


@dataclass(frozen=True)
class GgufPair:
    """What llama.cpp loads for one arm: a model file and optionally a LoRA adapter applied over it."""

    model: Path
    lora: Path | None = None

    def describe(self) -> str:
        return f"{self.model.name} + {self.lora.name}" if self.lora else self.model.name


class GgufChat:
    """One llama.cpp model per arm kind (base / tuned), loaded on first use and kept."""

    def __init__(self, pairs: dict[str, GgufPair], n_ctx: int = 4096) -> None:
        self.pairs = pairs
        self.n_ctx = n_ctx
        self._models: dict[str, Any] = {}
        self._load_lock = threading.Lock()

    def model(self, which: str):
        with self._load_lock:
            if which not in self._models:
                from llama_cpp import Llama

                pair = self.pairs[which]
                self._models[which] = Llama(model_path=str(pair.model), lora_path=str(pair.lora) if pair.lora else None,
                                            n_ctx=self.n_ctx, n_threads=llama_threads(), verbose=False, seed=0)
            return self._models[which]

    def stream(self, which: str, messages: list[dict[str, str]], max_new_tokens: int,
               temperature: float = 0.0, on_turn: Callable[[Turn], None] | None = None) -> Iterator[str]:
        """Yield the answer piece by piece; closing the iterator stops the model and frees the cores at once.
        ``on_turn`` hears how long the answer waited for the cores (Chat shows it apart from generation)."""
        with compute_turn() as turn:  # loading is heavy work on the same cores too
            if on_turn is not None:
                on_turn(turn)
            llm = llama_thread.call(self.model, which)

            def pieces() -> Iterator[str]:
                chunks = llm.create_chat_completion(messages=messages, max_tokens=max_new_tokens, stream=True,
                                                    temperature=temperature, repeat_penalty=REPETITION_PENALTY, seed=0)
                try:
                    for chunk in chunks:
                        text = chunk["choices"][0]["delta"].get("content")
                        if text:
                            yield text
                finally:
                    chunks.close()

            yield from llama_thread.stream(pieces)
