"""Focal rewrites with prefix reuse vs without: the same requests, in the app's order or interleaved.

A focal rewrite's prompt is the instruction, the source passage, then the question; several questions focus
rewrites of the same passage. llama.cpp keeps the last prompt's KV cache and reuses the longest common prefix, so
when rewrites of one passage run one after another (the order the app plans them in,
``smt_gui.generate.kinds.source_order``) the passage is read once per passage instead of once per request. The
"without" side sends the same requests question-major (each one follows a request about another passage), which is
the order they had before. Both sides: the app's llama.cpp backend, the bundled SmolLM2-135M, greedy, the passages
being chunks of a bundled QuALITY article (CC BY 4.0) of ``--chunk-tokens`` tokens.

    python benchmarks/prefix_reuse.py [--chunks 4] [--questions 4] [--chunk-tokens 512] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.generate.prompts import load_prompt  # noqa: E402
from smt_gui.llm import BackendConfig, GenerationRequest  # noqa: E402
from smt_gui.llm.llama_cpp import LlamaCppBackend  # noqa: E402

ARTICLE = REPO / "tests" / "data" / "quality" / "dev_small.jsonl"
QUESTIONS = ["Who is the main person in this passage and what do they want?", "Where does this part take place?",
             "What problem comes up here, and how is it handled?", "What is said about time or dates here?",
             "Which objects or places matter most in this passage?", "How do the people here feel about each other?"]


def passages(engine: LlamaCppBackend, n: int, size: int) -> list[str]:
    article = json.loads(ARTICLE.read_text(encoding="utf-8").splitlines()[0])["text"]
    tokens = engine.llm.tokenize(article.encode("utf-8"), add_bos=False)
    return [engine.llm.detokenize(tokens[i * size:(i + 1) * size]).decode("utf-8", errors="ignore") for i in range(n)]


def timed(engine: LlamaCppBackend, batch: list[GenerationRequest]) -> dict[str, float]:
    engine.llm.reset()  # both sides start from an empty cache
    started, prompt_tokens, new_tokens = time.perf_counter(), 0, 0
    for request in batch:
        done = engine.complete(request)
        prompt_tokens, new_tokens = prompt_tokens + done.prompt_tokens, new_tokens + done.completion_tokens
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "requests": len(batch), "prompt_tokens": prompt_tokens,
            "new_tokens": new_tokens, "requests_per_min": round(60 * len(batch) / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--questions", type=int, default=4, help="per chunk")
    parser.add_argument("--chunk-tokens", type=int, default=512)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    engine = LlamaCppBackend(BackendConfig(n_ctx=args.chunk_tokens + 512))
    prompt = load_prompt("focal_rewrite")
    texts = passages(engine, args.chunks, args.chunk_tokens)

    def request(c: int, q: int) -> GenerationRequest:
        return GenerationRequest(messages=prompt.messages(title="Article", passage=texts[c], question=QUESTIONS[q]),
                                 temperature=0.0, max_tokens=args.max_tokens, seed=0)

    grouped = [request(c, q) for c in range(args.chunks) for q in range(args.questions)]
    interleaved = [request(c, q) for q in range(args.questions) for c in range(args.chunks)]
    engine.complete(request(0, 0))  # load and warm up outside the timing
    sides = {"app order (rewrites of a passage together)": timed(engine, grouped),
             "interleaved (no prefix reuse)": timed(engine, interleaved)}
    for side, r in sides.items():
        print(f"{side:44s} {r['requests']} requests in {r['seconds']:6.1f} s ({r['new_tokens']} new tokens)")
    ratio = sides["interleaved (no prefix reuse)"]["seconds"] / sides["app order (rewrites of a passage together)"]["seconds"]
    print(json.dumps({"chunk_tokens": args.chunk_tokens, "max_tokens": args.max_tokens, "sides": sides,
                      "speedup": round(ratio, 2)}, indent=2))


if __name__ == "__main__":
    main()
