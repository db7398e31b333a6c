"""Multiple-choice scoring: the app's cached-prompt scorer vs the naive padded batch, side by side, same model.

The naive way (lm-eval style without caching) builds one sequence per option, prompt + option, pads them into a
batch and takes a log-softmax over every position. With RAG passages the prompt is ~2k tokens, so that is 4 copies
of the prompt through the model and a 4 x 2k x 49k log-softmax. The app runs the prompt once, reuses its KV cache
for the options and computes logits only where needed. Both must give the same scores (checked here).

    python benchmarks/mc_scoring.py [--questions 3] [--context-words 0 1500]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.chat import build_messages  # noqa: E402
from smt_gui.evaluate.multiple_choice import mc_prompt, option_logliks  # noqa: E402
from smt_gui.retrieve import Hit  # noqa: E402
from smt_gui.train.base_model import resolve_base_model  # noqa: E402
from smt_gui.train.probe import load_for_inference  # noqa: E402

QUALITY = REPO / "tests" / "data" / "quality" / "dev_small.jsonl"  # the 5 QuALITY dev articles bundled for the tests


def naive_logliks(model, tokenizer, prompt: str, options: list[str]) -> list[float]:
    import torch

    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    option_ids = [tokenizer(o.strip(), add_special_tokens=False)["input_ids"] for o in options]
    rows = [prompt_ids + ids for ids in option_ids]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    with torch.inference_mode():
        logprobs = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits.float(), dim=-1)
    start = len(prompt_ids)
    return [float(logprobs[row, torch.arange(start - 1, start - 1 + len(o)), torch.tensor(o)].sum())
            for row, o in enumerate(option_ids)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--context-words", type=int, nargs="+", default=[0, 1500])
    args = parser.parse_args()
    article = json.loads(QUALITY.read_text().splitlines()[0])
    model, tokenizer = load_for_inference(resolve_base_model(None))
    print("| context | prompt tokens | naive s/question | cached s/question | speed-up | max score difference |")
    print("|---|---|---|---|---|---|")
    for words in args.context_words:
        context = " ".join(article["text"].split()[:words]) or None
        naive_t, cached_t, diffs, n_tokens = [], [], [], 0
        for q in article["questions"][: args.questions]:
            hits = [Hit(chunk_id=0, document_id=0, title=article["title"], text=context, score=1.0)] if context else []
            prompt = mc_prompt(tokenizer, build_messages("rag" if context else "base", q["question"], hits))
            n_tokens = len(tokenizer(prompt)["input_ids"])
            t = time.perf_counter()
            a = option_logliks(model, tokenizer, prompt, q["options"])
            cached_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            b = naive_logliks(model, tokenizer, prompt, q["options"])
            naive_t.append(time.perf_counter() - t)
            diffs.append(max(abs(x - y) for x, y in zip(a, b, strict=True)))
        naive, cached = statistics.median(naive_t), statistics.median(cached_t)
        print(f"| {words} words | {n_tokens} | {naive:.2f} | {cached:.2f} | {naive / cached:.1f}x | {max(diffs):.1e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
