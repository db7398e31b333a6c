"""Blend the tuned weights back toward the base model (WiSE-FT, Wortsman et al. 2022), as far as the run allows.

Full fine-tuning that taught the fictional-facts document also doubled generic-text perplexity (issue 24). Moving
every weight part of the way back, ``base + a * (tuned - base)``, keeps much of what was learned and undoes much of
what was lost. ``a`` is chosen by the run itself, on *validation QAs*: accepted training QAs the mixture kept out
(``mixture.split_validation``), never the project's held-out eval set nor its eval questions, so the evaluation
still scores questions the choice never saw. The rule: the ``a`` on ``GRID`` under which the validation answers are
likeliest (mean log-likelihood per token), or a smaller one within ``tolerance`` of it. A model trained past its best
on unseen phrasings (8 epochs on a few hundred samples) is best a little way back, and moving back costs nothing.

A rule that kept "90% of the log-likelihood gain" was measured and dropped: log-likelihood saturates long before the
answers are told apart, and on the fictional-facts document (benchmarks/README.md, "Knowledge kept") it chose
``a = 0.4``, which kept 90% of the validation gain but 39% of the multiple-choice gain.

LoRA/QLoRA: the update lives in the adapters' ``lora_B`` (``delta W = B A * scaling``), so scaling ``lora_B`` by
``a`` is the same blend; the saved adapter stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GRID = (0.0, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0)


def choose_weight(curve: dict[float, float], tolerance: float) -> tuple[float, str]:
    """(a, why) from ``{a: validation log-likelihood}``. No gain at ``a = 1`` leaves the tuned model as trained:
    the validation QAs then say nothing about how far back to go."""
    if not curve[1.0] > curve[0.0]:
        return 1.0, "the tuned model did not beat the base on the validation QAs: left as trained"
    best = max(value for a, value in curve.items() if a > 0)
    weight = min(a for a, value in curve.items() if a > 0 and value >= best - tolerance - 1e-12)
    if tolerance <= 0:
        return weight, "validation answers likeliest there"
    return weight, f"validation answers likeliest there (within {tolerance:g} nats/token of the best share)"


class Blender:
    """Sets a model's trainable weights to ``start + a * (end - start)`` in place; ``end`` = as trained."""

    def __init__(self, model: Any, base_dir: Path | None) -> None:
        import torch

        self.params = {name: p for name, p in model.named_parameters() if p.requires_grad or "lora_" in name}
        self.end = {name: p.detach().clone() for name, p in self.params.items()}
        if any("lora_" in name for name in self.params):
            # LoRA: B starts at zero, A is a fixed random projection; the other weights are frozen base weights
            self.start = {n: torch.zeros_like(v) if "lora_B" in n else v for n, v in self.end.items() if "lora_" in n}
        else:
            from transformers import AutoModelForCausalLM

            base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=next(model.parameters()).dtype)
            base_params = dict(base.named_parameters())
            self.start = {n: base_params[n].detach().to(v.device) for n, v in self.end.items() if n in base_params}
            del base

    def set(self, weight: float) -> None:
        import torch

        with torch.no_grad():
            for name, start in self.start.items():
                self.params[name].copy_(start + weight * (self.end[name] - start))


@contextmanager
def _eval_mode(model: Any) -> Iterator[None]:
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def blend(model: Any, tokenizer: Any, base_dir: Path | None, validation: list[dict[str, str]], tolerance: float,
          score: Callable[[Any, Any, list[str], list[str]], float] | None = None) -> dict[str, Any]:
    """Choose the blend on ``validation`` ({question, answer}) and leave ``model`` set to it; returns what a run
    records: the weight, the rule, the curve and how many validation QAs chose it."""
    from smt_gui.train.probe import answer_loglik

    score = score or answer_loglik
    questions, answers = [v["question"] for v in validation], [v["answer"] for v in validation]
    blender = Blender(model, base_dir)
    curve = {}
    with _eval_mode(model):
        try:
            for weight in GRID:
                blender.set(weight)
                curve[weight] = round(score(model, tokenizer, questions, answers), 4)
        except BaseException:
            blender.set(1.0)  # a failed choice leaves the model as trained
            raise
    weight, why = choose_weight(curve, tolerance)
    blender.set(weight)
    return {"weight": weight, "rule": why, "tolerance": tolerance, "validation_qas": len(validation),
            "curve": {str(a): v for a, v in curve.items()}}


def read_choice(run_dir: Path) -> dict[str, Any] | None:
    """The blend a finished run chose (``blend.json``), or None for a run trained without one."""
    import json

    path = Path(run_dir) / "blend.json"
    return json.loads(path.read_text()) if path.exists() else None


def describe(choice: dict[str, Any]) -> str:
    """One line a person reads in the Train tab and ``smt train``."""
    curve = choice.get("curve") or {}
    if not curve:
        return f"not blended: {choice.get('rule', '')}"
    weight = choice["weight"]
    return (f"blended back toward the base model: {weight:.0%} tuned ({choice['rule']}; on "
            f"{choice['validation_qas']} validation QAs the answers' log-likelihood/token went {curve['0.0']:+.2f} "
            f"base → {curve['1.0']:+.2f} trained → {curve[str(weight)]:+.2f} kept)")
