"""Replay as an anchor: a KL term toward the base model on the replay tokens instead of their cross-entropy.

Replaying generic text with the usual loss teaches the model *that text*: the bundled replay corpus is two short
public-domain texts, seen eight times a run, and perplexity on other generic text still rose by two thirds
(benchmarks/README.md, "Knowledge kept"). What replay is for is that the model keeps predicting generic text as it
did. ``KL(p_base || p_tuned)`` on the replay tokens asks exactly that: its gradient is cross-entropy against the
base model's whole next-token distribution, so the replay tokens pull the predictions back to where they were and
teach nothing new. The documents' tokens keep their cross-entropy. The reference is a frozen copy of the base model
(full fine-tuning) or the same model with its adapters switched off (LoRA, QLoRA); its forward pass runs only on
the rows that hold replay tokens.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

MASK = "replay_mask"


class ReplayMaskCollator:
    """Wraps a collator: takes each example's ``replay_mask`` out, pads it as the ids are padded, puts it back."""

    def __init__(self, inner, padding_side: str = "right") -> None:
        self.inner = inner
        self.padding_side = padding_side

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        masks = [list(f.pop(MASK)) for f in features]
        batch = self.inner(features)
        width = batch["input_ids"].shape[1]
        padded = [([0] * (width - len(m)) + m) if self.padding_side == "left" else (m + [0] * (width - len(m)))
                  for m in masks]
        batch[MASK] = torch.tensor(padded, dtype=torch.long)
        return batch


def anchored_loss(logits, reference_logits, labels, replay_mask, kl_weight: float = 1.0):
    """Mean over the labelled tokens of: cross-entropy where the token is no replay, ``kl_weight`` x
    KL(base || tuned) of the next-token distributions where it is. ``reference_logits`` has rows only for the
    batch rows that hold replay tokens (``replay_rows``), or is None when none do.

    Returns ``(loss, anchored)``: ``anchored`` counts the replay tokens the KL term ran on, so a run that trained
    without its anchor can say so."""
    import torch.nn.functional as F

    target = labels[:, 1:]
    labelled = target != -100
    on_replay = replay_mask[:, 1:].bool() & labelled
    logp = F.log_softmax(logits[:, :-1].float(), dim=-1)
    ce = -logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    total = ce[labelled & ~on_replay].sum()
    rows = replay_rows(replay_mask)
    anchored = 0
    if reference_logits is not None and len(rows):
        base = F.log_softmax(reference_logits[:, :-1].float(), dim=-1)
        kl = (base.exp() * (base - logp[rows])).sum(-1)
        total = total + kl_weight * kl[on_replay[rows]].sum()
        anchored = int(on_replay.sum())
    return total / labelled.sum().clamp(min=1), anchored


def replay_rows(replay_mask):
    """The batch rows with at least one replay token."""
    return replay_mask.any(dim=1).nonzero(as_tuple=True)[0]


def anchored_trainer_class():
    """A ``transformers.Trainer`` whose loss is ``anchored_loss`` (made here so importing this module stays light)."""
    import torch
    from transformers import Trainer

    class AnchoredTrainer(Trainer):
        def __init__(self, *args, reference=None, kl_weight: float = 1.0, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.reference = reference  # None: the model itself with its adapters off (peft)
            self.kl_weight = kl_weight
            self.anchored_tokens = 0  # replay tokens the KL term ran on: recorded in the run's status, so a run
            # that silently trained without the anchor shows 0
            # the loss is already a mean over this batch's tokens: the Trainer divides it by the accumulation steps
            self.model_accepts_loss_kwargs = False

        def _reference_logits(self, model, inputs, rows):
            if not len(rows):
                return None
            kwargs = {"input_ids": inputs["input_ids"][rows]}
            if "attention_mask" in inputs:
                kwargs["attention_mask"] = inputs["attention_mask"][rows]
            with torch.no_grad():
                if self.reference is not None:
                    return self.reference(**kwargs).logits
                unwrapped = self.accelerator.unwrap_model(model)
                with unwrapped.disable_adapter() if hasattr(unwrapped, "disable_adapter") else nullcontext():
                    return unwrapped(**kwargs).logits

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            mask = inputs.pop(MASK)
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            reference = self._reference_logits(model, inputs, replay_rows(mask))
            loss, anchored = anchored_loss(outputs.logits, reference, labels, mask, self.kl_weight)
            self.anchored_tokens += anchored
            return (loss, outputs) if return_outputs else loss

    return AnchoredTrainer


def load_reference(base_dir, method: str, device):
    """A frozen copy of the base model for full fine-tuning; None for adapters (switched off instead)."""
    if method != "full":
        return None
    import torch
    from transformers import AutoModelForCausalLM

    reference = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32).to(device)
    reference.eval()
    for p in reference.parameters():
        p.requires_grad_(False)
    return reference
