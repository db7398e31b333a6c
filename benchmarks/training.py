"""Training throughput: packed sequences vs naive padded batches on the same documents, in one run.

Both sides train the bundled SmolLM2-135M with LoRA on CPU (or GPU) with the same batch size, sequence length,
optimizer and number of steps, on the same synthetic-document texts (paragraphs of a QuALITY article, as focal
rewrites of varied length look). The naive side puts one text per sequence and pads each batch to its longest
member; the packed side concatenates texts into full blocks (what SMT Studio does). Throughput counts only real
(non-padding) tokens. Target: packed/naive >= 1.5.

    python benchmarks/training.py [--steps 8] [--batch 4] [--seq-len 256]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.train.base_model import resolve_base_model  # noqa: E402
from smt_gui.train.mixture import Item, pack, unpacked  # noqa: E402

QUALITY = REPO / "tests" / "data" / "quality" / "dev_small.jsonl"


def batches(examples: list[dict], batch: int, pad_id: int):
    import torch

    for start in range(0, len(examples) - batch + 1, batch):
        group = examples[start : start + batch]
        width = max(len(e["input_ids"]) for e in group)
        ids = torch.tensor([e["input_ids"] + [pad_id] * (width - len(e["input_ids"])) for e in group])
        mask = torch.tensor([[1] * len(e["input_ids"]) + [0] * (width - len(e["input_ids"])) for e in group])
        labels = torch.tensor([e["labels"] + [-100] * (width - len(e["labels"])) for e in group])
        yield ids, mask, labels, int(mask.sum())


def measure(model, examples: list[dict], steps: int, batch: int, pad_id: int) -> tuple[float, int, float]:
    import torch

    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    stream = batches(examples, batch, pad_id)
    ids, mask, labels, _ = next(stream)  # warm-up step, not timed
    model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    real, padded, started = 0, 0, time.perf_counter()
    for _, (ids, mask, labels, n_real) in zip(range(steps), stream, strict=False):
        model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        real += n_real
        padded += ids.numel()
    seconds = time.perf_counter() - started
    return real / seconds, real, 1 - real / max(padded, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--data", default=str(QUALITY))
    parser.add_argument("--texts", choices=["paragraphs", "rewrites", "mixture"], default="mixture",
                        help="paragraphs: single article paragraphs; rewrites: 1-8 consecutive paragraphs per text, "
                             "the spread of lengths synthetic rewrites have (tens to hundreds of tokens); mixture: "
                             "rewrites plus QA-length texts (one sentence + one sentence, ~50 tokens), 1:1 by tokens, "
                             "laid out as the app does (documents packed, QAs grouped by length)")
    args = parser.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    base = resolve_base_model(None)
    tokenizer = AutoTokenizer.from_pretrained(base)
    paragraphs = [p for line in Path(args.data).read_text().splitlines() for p in json.loads(line)["text"].split("\n\n")
                  if len(p.split()) >= 8]
    texts = paragraphs
    if args.texts in ("rewrites", "mixture"):
        rng, texts, i = random.Random(0), [], 0
        while i < len(paragraphs):
            n = rng.randint(1, 8)
            texts.append("\n\n".join(paragraphs[i : i + n]))
            i += n
    items = [Item("focal_rewrite", ids, ids) for ids in (tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts)]
    packed = pack(items, args.seq_len, tokenizer.eos_token_id)
    naive = unpacked(items, args.seq_len, tokenizer.eos_token_id)
    if args.texts == "mixture":
        sentences = [s.strip() + "." for p in paragraphs for s in p.replace("\n", " ").split(". ") if len(s.split()) >= 6]
        qa_texts, budget = [], sum(i.n_tokens for i in items)
        for a, b in zip(sentences[::2], sentences[1::2], strict=False):
            ids = tokenizer(f"{a} {b}", add_special_tokens=False)["input_ids"]
            qa_texts.append({"input_ids": ids, "labels": ids})
            budget -= len(ids)
            if budget <= 0:
                break
        rng = random.Random(1)
        naive = naive + qa_texts
        rng.shuffle(naive)  # a naive trainer: one text per row, random batches
        qa_sorted = sorted(qa_texts, key=lambda e: len(e["input_ids"]))  # the app: QAs grouped by length
        grouped = [qa_sorted[i : i + args.batch] for i in range(0, len(qa_sorted), args.batch)]
        doc_batches = [packed[i : i + args.batch] for i in range(0, len(packed), args.batch)]
        app_batches = grouped + doc_batches
        rng.shuffle(app_batches)
        packed = [e for b in app_batches for e in b]
    results = {}
    labels = ("naive padded", "packed") if args.texts != "mixture" else ("naive padded", "app layout")
    for name, examples in zip(labels, (naive, packed), strict=True):
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
        model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM"))
        model.train()
        results[name] = measure(model, examples, args.steps, args.batch, tokenizer.pad_token_id or 0)
    print(f"{args.texts}: {len(items)} texts (median {sorted(i.n_tokens for i in items)[len(items) // 2]} tokens) · LoRA on "
          f"{'CUDA' if torch.cuda.is_available() else 'CPU'} · batch {args.batch} x {args.seq_len} · {args.steps} steps each")
    for name, (rate, real, waste) in results.items():
        print(f"{name:<13}: {rate:7.1f} real tokens/s ({real} real tokens, {waste:.0%} of the batch was padding)")
    print(f"ratio {labels[1]}/naive: {results[labels[1]][0] / results['naive padded'][0]:.2f}x (target >= 1.5x)")


if __name__ == "__main__":
    main()
