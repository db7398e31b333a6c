"""Load a trained run for inference, and measure a model's loss on given examples (did it learn the text?)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_for_inference(base_dir: Path, adapter: Path | None = None):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(adapter if adapter and (adapter / "tokenizer.json").exists() else base_dir)
    if adapter is not None and (adapter / "adapter_config.json").exists():
        from peft import PeftModel

        base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
        model = PeftModel.from_pretrained(base, adapter)
    else:
        model = AutoModelForCausalLM.from_pretrained(adapter or base_dir, dtype=torch.float32)
    model.eval()
    return model, tokenizer


def mean_loss(model, examples: list[dict[str, Any]], batch_size: int = 4) -> float:
    """Token-weighted mean cross-entropy over the examples' labelled tokens."""
    import torch

    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(examples), batch_size):
            batch = examples[start : start + batch_size]
            width = max(len(e["input_ids"]) for e in batch)
            ids = torch.tensor([e["input_ids"] + [0] * (width - len(e["input_ids"])) for e in batch])
            labels = torch.tensor([e["labels"] + [-100] * (width - len(e["labels"])) for e in batch])
            mask = torch.tensor([[1] * len(e["input_ids"]) + [0] * (width - len(e["input_ids"])) for e in batch])
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
            target = labels[:, 1:]
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), target.reshape(-1),
                                                     ignore_index=-100, reduction="sum")
            total += float(loss)
            count += int((target != -100).sum())
    return total / max(count, 1)


def generate(model, tokenizer, question: str, max_new_tokens: int = 40) -> str:
    return generate_messages(model, tokenizer, [{"role": "user", "content": question}], max_new_tokens)


def generate_messages(model, tokenizer, messages: list[dict[str, str]], max_new_tokens: int = 40) -> str:
    """Greedy answer to chat messages (the evaluation's letter answers and quick probes)."""
    import torch

    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    with torch.inference_mode():
        out = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                             pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
    return tokenizer.decode(out[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True)


def answer_loglik(model, tokenizer, prompts: list[str], answers: list[str]) -> float:
    """Mean log-likelihood per token of ``answers`` as the assistant's replies to ``prompts``."""
    import torch

    total, count = 0.0, 0
    device = next(model.parameters()).device  # (a training worker's model may be on a GPU)
    from smt_gui.cores import compute_turn

    with torch.inference_mode(), compute_turn():
        for prompt, answer in zip(prompts, answers, strict=True):
            head = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                                 add_generation_prompt=True)
            head_ids = tokenizer(head, add_special_tokens=False)["input_ids"]
            answer_ids = tokenizer(answer, add_special_tokens=False)["input_ids"]
            if not answer_ids:
                continue
            ids = torch.tensor([head_ids + answer_ids], device=device)
            logits = model(input_ids=ids).logits[0, len(head_ids) - 1 : -1].float()
            logp = torch.log_softmax(logits, dim=-1).gather(1, torch.tensor(answer_ids, device=device).unsqueeze(1))
            total += float(logp.sum())
            count += len(answer_ids)
    return total / count if count else float("nan")
