"""What a tuned model kept: easy general knowledge and how far its answers to ordinary instructions drift.

Perplexity on generic text was the only retention figure, and a doubled perplexity says little to a person about
whether the model still answers an ordinary question or follows an instruction. Two figures a person understands,
measured with the base and the tuned model on the same bundled items (``smt_gui/general``, never trained on):

* **General knowledge**: multiple-choice questions on easy public facts, scored like the eval set (log-likelihood
  of each option as the assistant's reply to the bare question, ``multiple_choice.score_options_loglik``). Each
  question's wrong options are other answers of its own set, so type alone does not give the answer away.
* **Instruction drift**: the base model's own greedy answers to generic instructions, scored under both models
  (mean log-likelihood per answer token). The base model's figure is the reference; the tuned model's fall below
  it is how far it has moved away from answering the way it did (0 = unchanged).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from smt_gui.cores import compute_turn
from smt_gui.evaluate.base_cache import remembered
from smt_gui.evaluate.multiple_choice import score_options_loglik
from smt_gui.train.probe import answer_loglik

DRIFT_TOKENS = 48  # the base model's answers are cut here: enough to show the tuned model's style, quick on CPU


@dataclass(frozen=True)
class KnowledgeItem:
    set: str
    question: str
    options: list[str]
    gold: int


def _data(name: str) -> str:
    return resources.files("smt_gui.general").joinpath(name).read_text(encoding="utf-8")


def knowledge_items(seed: int = 0) -> list[KnowledgeItem]:
    """Every bundled fact as a four-option question; the distractors and the gold's place are drawn with ``seed``
    (the same items on every run, so base and tuned and two runs compare)."""
    rng = random.Random(seed)
    items = []
    for group in json.loads(_data("knowledge.json"))["sets"]:
        answers = sorted({answer for _, answer in group["pairs"]})
        for key, answer in group["pairs"]:
            wrong = rng.sample([a for a in answers if a != answer], 3)
            gold = rng.randrange(4)
            options = [*wrong[:gold], answer, *wrong[gold:]]
            items.append(KnowledgeItem(group["name"], group["question"].format(key), options, gold))
    return items


def spread(items: list[KnowledgeItem], n: int | None) -> list[KnowledgeItem]:
    """``n`` items taken round-robin across the sets (every set represented), in a fixed order; None = all."""
    if not n or n >= len(items):
        return items
    by_set: dict[str, list[KnowledgeItem]] = {}
    for item in items:
        by_set.setdefault(item.set, []).append(item)
    order = [group[i] for i in range(max(map(len, by_set.values()))) for group in by_set.values() if i < len(group)]
    return order[:n]


def instructions() -> list[str]:
    return [line.strip() for line in _data("instructions.txt").splitlines() if line.strip() and not line.startswith("#")]


def knowledge_accuracy(model, tokenizer, items: list[KnowledgeItem]) -> float:
    correct = 0
    with compute_turn():
        for item in items:
            messages = [{"role": "user", "content": item.question}]
            correct += score_options_loglik(model, tokenizer, messages, item.options, item.gold).correct
    return correct / len(items)


def base_answers(model, tokenizer, prompts: list[str], max_new_tokens: int = DRIFT_TOKENS) -> list[str]:
    from smt_gui.train.probe import generate_messages

    with compute_turn():
        return [generate_messages(model, tokenizer, [{"role": "user", "content": p}], max_new_tokens) for p in prompts]


def general_ability(engine: Any, questions: int | None = None, prompts_n: int | None = None) -> dict[str, dict[str, Any]]:
    """The two retention rows (``own_split.retention`` adds perplexity): base and tuned side by side, with the
    change a person reads (points of accuracy; log-likelihood per token). ``questions`` / ``prompts_n`` cap how many
    items are asked (spread over every set; None = all): each costs both models a pass on 2 CPU cores."""
    items, prompts = spread(knowledge_items(), questions), instructions()[:prompts_n] if prompts_n else instructions()
    base_model, base_tok = engine.model("base")
    # the base model's half is the same for every run of that base: computed once (``base_cache``)
    answers = remembered(base_model, "drift-answers", [prompts, DRIFT_TOKENS],
                         lambda: base_answers(base_model, base_tok, prompts))
    accuracy = {"base": remembered(base_model, "knowledge", [asdict(i) for i in items],
                                   lambda: round(knowledge_accuracy(base_model, base_tok, items), 4))}
    loglik = {"base": remembered(base_model, "drift-loglik", [prompts, answers],
                                 lambda: round(answer_loglik(base_model, base_tok, prompts, answers), 4))}
    model, tokenizer = engine.model("tuned")
    accuracy["tuned"] = round(knowledge_accuracy(model, tokenizer, items), 4)
    loglik["tuned"] = round(answer_loglik(model, tokenizer, prompts, answers), 4)
    return {
        f"general knowledge ({len(items)} easy questions)": {
            "measure": "accuracy", "base": accuracy["base"], "tuned": accuracy["tuned"],
            "change": round(accuracy["tuned"] - accuracy["base"], 4), "chance": 0.25},
        f"instruction drift ({len(prompts)} generic instructions)": {
            "measure": "log-likelihood/token of the base model's answers", "base": loglik["base"],
            "tuned": loglik["tuned"], "change": round(loglik["tuned"] - loglik["base"], 4)},
    }


def describe(values: dict[str, Any]) -> tuple[str, str, str]:
    """A retention row as a person reads it: (base, tuned, change) formatted for its measure. Rows saved before
    they named their measure are perplexities."""
    measure = values.get("measure", "perplexity")
    if measure == "accuracy":
        return f"{values['base']:.0%}", f"{values['tuned']:.0%}", f"{100 * values['change']:+.1f} points"
    if measure == "perplexity":
        return f"{values['base']:.2f}", f"{values['tuned']:.2f}", f"{values['change']:+.1%}"
    return f"{values['base']:+.3f}", f"{values['tuned']:+.3f}", f"{values['change']:+.3f}"
