"""Self-distillation replay: the base model's own greedy answers to generic prompts, trained on beside the documents.

Replaying generic *text* keeps a model's language; what a Chat demo also needs is that it still answers an ordinary
request the way it did. Replaying the base model's own answers to bundled generic prompts (``replay/prompts``,
disjoint from the drift instructions and the general-knowledge questions that measure retention) asks for exactly
that and needs no outside data. The answers depend only on the base weights and the prompts, so they are made once
and kept under ``cache_dir()/self-replay``, keyed by the weight files and the prompts.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from pathlib import Path

from smt_gui.llm.bundled import cache_dir

ANSWER_TOKENS = 96  # long enough for a few sentences in the base model's own style; quick on CPU


def prompts() -> list[str]:
    text = resources.files("smt_gui.replay").joinpath("prompts", "self_replay.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _key(base_dir: Path, asked: list[str], max_new_tokens: int) -> str:
    weights = sorted([*base_dir.glob("*.safetensors"), *base_dir.glob("*.bin")])
    parts = [f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights]
    return hashlib.sha256(json.dumps([str(base_dir.resolve()), parts, asked, max_new_tokens]).encode()).hexdigest()[:24]


def self_answers(base_dir: Path, max_new_tokens: int = ANSWER_TOKENS) -> list[tuple[str, str]]:
    """(prompt, the base model's greedy answer) for every bundled prompt, from the cache when made before."""
    asked = prompts()
    path = cache_dir() / "self-replay" / f"{_key(Path(base_dir), asked, max_new_tokens)}.json"
    try:
        return [tuple(pair) for pair in json.loads(path.read_text())]
    except (OSError, ValueError):
        pass
    from smt_gui.cores import compute_turn
    from smt_gui.train.probe import generate_messages, load_for_inference

    model, tokenizer = load_for_inference(Path(base_dir))
    with compute_turn():
        pairs = [(p, generate_messages(model, tokenizer, [{"role": "user", "content": p}], max_new_tokens).strip())
                 for p in asked]
    pairs = [(p, a) for p, a in pairs if a]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(pairs))
    tmp.replace(path)
    return pairs
