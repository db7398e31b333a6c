"""transformers backend: a local Hugging Face model folder (or a GGUF loaded through transformers).

No constrained decoding here: structured output relies on the prompt's one-shot example and lenient parsing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from smt_gui.llm.base import BackendConfig, BackendError, Completion, GenerationRequest, cut_at_stop, sequential_many
from smt_gui.llm.bundled import BUNDLED_GENERATOR, resolve_model_spec


def load_causal_lm(spec: str | None, dtype: str = "float32"):
    """Load a causal LM and its tokenizer from a local HF model folder or a .gguf file."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = resolve_model_spec(spec)
    kwargs = {"dtype": getattr(torch, dtype)}
    try:
        if path.endswith(".gguf"):
            folder, name = str(Path(path).parent), Path(path).name
            tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
            model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, **kwargs)
        else:
            tokenizer = AutoTokenizer.from_pretrained(path)
            model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as exc:
        raise BackendError(f"transformers could not load {spec or 'the bundled model'!r}: {exc}") from exc
    return model, tokenizer


class TransformersBackend:
    def __init__(self, config: BackendConfig) -> None:
        self.config = config
        self.model, self.tokenizer = load_causal_lm(config.model)
        self.model.eval()
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.config.model or BUNDLED_GENERATOR

    def complete(self, request: GenerationRequest) -> Completion:
        import torch

        started = time.perf_counter()
        inputs = self.tokenizer.apply_chat_template(
            request.messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        if request.seed is not None:
            torch.manual_seed(request.seed)
        with self._lock, torch.inference_mode():
            try:
                output = self.model.generate(
                    **inputs, max_new_tokens=request.max_tokens, do_sample=request.temperature > 0,
                    temperature=max(request.temperature, 1e-5), top_p=request.top_p,
                    pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
                )
            except RuntimeError as exc:  # CUDA/CPU out of memory and friends
                raise BackendError(f"transformers generation failed (out of memory?): {exc}") from exc
        prompt_len = inputs["input_ids"].shape[1]
        new_tokens = output[0][prompt_len:]
        text = cut_at_stop(self.tokenizer.decode(new_tokens, skip_special_tokens=True), request.stop)
        return Completion(text=text, prompt_tokens=prompt_len, completion_tokens=len(new_tokens),
                          seconds=time.perf_counter() - started)

    def complete_many(self, requests: Sequence[GenerationRequest]) -> Iterator[tuple[int, Completion | BackendError]]:
        return sequential_many(self, requests)
