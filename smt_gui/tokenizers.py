"""Tokenizers for counting and chunking, chosen by the same model spec as generation and training.

Chunks are cut by the tokens of the model that will read them. A Hugging Face *fast* tokenizer gives
character offsets, so each chunk is an exact span of the source text (used for highlighting and citations).
A GGUF's tokenizer is converted once by transformers and cached as ``tokenizer.json``.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from smt_gui.llm.bundled import ModelNotFoundError, cache_dir, resolve_model_spec


def _silence_hub() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=4)
def load_tokenizer(spec: str | None = None):
    """Load (and cache) the fast tokenizer for a model spec: bundled, a .gguf file, or an HF model folder."""
    _silence_hub()
    from transformers import AutoTokenizer

    resolved = resolve_model_spec(spec)
    path = Path(resolved)
    try:
        if path.suffix == ".gguf":
            key = hashlib.sha256(f"{path}:{path.stat().st_size}".encode()).hexdigest()[:16]
            cached = cache_dir() / "tokenizers" / key
            if (cached / "tokenizer.json").exists():
                return AutoTokenizer.from_pretrained(cached)
            tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
            tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
            tokenizer.save_pretrained(tmp)
            if not cached.exists():
                tmp.replace(cached)
            return tokenizer
        return AutoTokenizer.from_pretrained(resolved)
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"Could not load a tokenizer from {spec!r}: {exc}") from exc


def count_tokens(text: str, spec: str | None = None) -> int:
    return len(load_tokenizer(spec)(text, add_special_tokens=False)["input_ids"])
