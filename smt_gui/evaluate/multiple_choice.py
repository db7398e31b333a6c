"""Multiple-choice scoring by log-likelihood, the lm-eval-harness way, on the arm's own chat prompt.

Each option is scored by the summed log-probability of its tokens as the assistant's reply to the question,
normalised by the option's length in bytes (lm-eval's ``acc_norm``) so long options are not penalised. The prompt
is exactly what the Chat tab sends for that arm (``smt_gui.chat.build_messages`` through the model's chat
template; lm-eval's ``--apply_chat_template``): the evaluated RAG arm is the chatted RAG arm, and a tuned model is
asked the way it is used. Beyond right/wrong, the gold option's rank among the options and its normalised margin
over the best distractor show learning that accuracy near chance (25% on QuALITY) hides.
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


def mc_prompt(tokenizer, messages: list[dict[str, str]]) -> str:
    """The chat-template text of ``messages`` up to where the assistant's answer starts."""
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


def option_logliks(model, tokenizer, prompt: str, options: list[str]) -> list[float]:
    """Summed log-probability of each option's tokens given the prompt.

    The shared prompt (with RAG context often ~2k tokens) is run once and its KV cache reused for all options, and
    logits are only computed where they are needed: scoring 4 options on a 2k-token prompt by padding 4 full copies
    took ~40 s on CPU, mostly a log-softmax over 4 x 2k x 49k vocabulary entries.
    """
    import torch

    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    # The answer starts a new assistant turn, so an option is scored as it would be written there: no leading space.
    option_ids = [tokenizer(option.strip(), add_special_tokens=False)["input_ids"] or [tokenizer.eos_token_id]
                  for option in options]
    n, width, start = len(option_ids), max(len(o) for o in option_ids), len(prompt_ids)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    with torch.inference_mode():
        head = model(input_ids=torch.tensor([prompt_ids]), use_cache=True, logits_to_keep=1)
        first = torch.log_softmax(head.logits[0, -1].float(), dim=-1)  # predicts each option's first token
        cache = head.past_key_values
        cache.batch_repeat_interleave(n)
        ids = torch.tensor([o + [pad] * (width - len(o)) for o in option_ids])
        mask = torch.tensor([[1] * (start + len(o)) + [0] * (width - len(o)) for o in option_ids])
        positions = torch.arange(start, start + width).unsqueeze(0).expand(n, -1)
        logits = model(input_ids=ids, attention_mask=mask, position_ids=positions, past_key_values=cache).logits
        rest = torch.log_softmax(logits.float(), dim=-1)
    totals = []
    for row, option in enumerate(option_ids):
        total = float(first[option[0]])
        for j in range(1, len(option)):
            total += float(rest[row, j - 1, option[j]])
        totals.append(total)
    return totals


def score_options_loglik(model, tokenizer, messages: list[dict[str, str]], options: list[str], gold: int) -> ChoiceResult:
    """Score the options as the assistant's reply to ``messages`` (an arm's chat messages for the question)."""
    totals = option_logliks(model, tokenizer, mc_prompt(tokenizer, messages), options)
    scores = [t / max(len(o.strip().encode("utf-8")), 1) for t, o in zip(totals, options, strict=True)]
    return ChoiceResult(scores=scores, predicted=max(range(len(scores)), key=scores.__getitem__), gold=gold)
