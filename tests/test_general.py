"""Retention a person understands (issue 24): easy general knowledge and instruction drift, base vs tuned.

The figures must be able to fail: a model whose weights were disturbed answers fewer easy questions and finds the
base model's own answers less likely; the base model against itself changes nothing."""

from __future__ import annotations

import copy

import pytest

from smt_gui.evaluate.general import describe, general_ability, instructions, knowledge_items


def test_the_bundled_items_are_fixed_four_option_questions_of_their_own_sets():
    items = knowledge_items()
    assert len(items) >= 200 and items == knowledge_items()  # the same questions every time: runs compare
    assert len({i.question for i in items}) == len(items)
    for item in items:
        assert len(item.options) == 4 == len(set(item.options)) and 0 <= item.gold < 4
    assert {i.gold for i in items} == {0, 1, 2, 3}
    assert len(instructions()) >= 20


class TwoModels:
    """What ``retention`` asks of a ChatEngine: the base and the tuned model."""

    def __init__(self, base, tuned) -> None:
        self.models = {"base": base, "tuned": tuned}

    def model(self, which: str):
        return self.models[which]


@pytest.mark.slow
def test_general_ability_is_unchanged_for_the_base_model_and_falls_for_a_damaged_one():
    import torch

    from smt_gui.train.base_model import resolve_base_model
    from smt_gui.train.probe import load_for_inference

    base = load_for_inference(resolve_base_model(None))
    same = general_ability(TwoModels(base, base), 80, 8)
    knowledge, drift = (next(v for k, v in same.items() if k.startswith(n)) for n in ("general knowledge",
                                                                                       "instruction drift"))
    assert knowledge["base"] >= 0.45  # well above chance (0.25): there is something to lose
    assert knowledge["change"] == 0 and drift["change"] == pytest.approx(0, abs=1e-6)
    damaged_model = copy.deepcopy(base[0])
    with torch.no_grad():
        for param in damaged_model.parameters():
            param.add_(torch.randn_like(param) * param.std() * 0.35)
    damaged = general_ability(TwoModels(base, (damaged_model, base[1])), 80, 8)
    knowledge, drift = (next(v for k, v in damaged.items() if k.startswith(n)) for n in ("general knowledge",
                                                                                         "instruction drift"))
    assert knowledge["change"] < -0.05 and drift["change"] < -0.3
    assert describe(knowledge)[2].endswith("points") and describe(drift)[2].startswith("-")
