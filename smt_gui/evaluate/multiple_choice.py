"""Multiple-choice scoring by log-likelihood, the lm-eval-harness way.

Each option is scored by the summed log-probability of its tokens after the prompt, normalised by the option's
length in bytes (lm-eval's ``acc_norm``) so long options are not penalised. Beyond right/wrong, the gold option's
rank among the options and its normalised margin over the best distractor show learning that accuracy near chance
(25% on QuALITY) hides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChoiceResult:
    scores: list[float]  # length-normalised log-likelihood per option
    predicted: int
    gold: int

    @property
    def correct(self) -> bool:
        return self.predicted == self.gold

    @property
    def gold_rank(self) -> int:
        """1 = the gold option scored best."""
        return 1 + sum(1 for i, s in enumerate(self.scores) if i != self.gold and s > self.scores[self.gold])

    @property
    def margin(self) -> float:
        """Gold score minus the best distractor's (positive = the model prefers the gold answer)."""
        return self.scores[self.gold] - max(s for i, s in enumerate(self.scores) if i != self.gold)


def mc_prompt(question: str, context: str | None = None) -> str:
    head = f"Passages:\n{context}\n\n" if context else ""
    return f"{head}Question: {question}\nAnswer:"


def option_logliks(model, tokenizer, prompt: str, options: list[str]) -> list[float]:
    """Summed log-probability of each option's tokens given the prompt (one padded batch)."""
    import torch

    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    option_ids = [tokenizer(" " + option.strip(), add_special_tokens=False)["input_ids"] for option in options]
    rows = [prompt_ids + ids for ids in option_ids]
    width = max(len(r) for r in rows)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    with torch.inference_mode():
        logprobs = torch.log_softmax(model(input_ids=ids, attention_mask=mask).logits.float(), dim=-1)
    totals = []
    for row, option in enumerate(option_ids):
        start = len(prompt_ids)
        positions = torch.arange(start - 1, start - 1 + len(option))
        totals.append(float(logprobs[row, positions, torch.tensor(option)].sum()))
    return totals


def score_options_loglik(model, tokenizer, question: str, options: list[str], gold: int,
                         context: str | None = None) -> ChoiceResult:
    totals = option_logliks(model, tokenizer, mc_prompt(question, context), options)
    scores = [t / max(len(o.strip().encode("utf-8")), 1) for t, o in zip(totals, options, strict=True)]
    return ChoiceResult(scores=scores, predicted=max(range(len(scores)), key=scores.__getitem__), gold=gold)
