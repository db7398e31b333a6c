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
    same = general_ability(TwoModels(base, base), 40, 3)
    knowledge, drift = (next(v for k, v in same.items() if k.startswith(n)) for n in ("general knowledge",
                                                                                       "instruction drift"))
    assert knowledge["base"] >= 0.45  # well above chance (0.25): there is something to lose
    assert knowledge["change"] == 0 and drift["change"] == pytest.approx(0, abs=2e-4)  # (base figures may be cached)
    damaged_model = copy.deepcopy(base[0])
    with torch.no_grad():
        for param in damaged_model.parameters():
            param.add_(torch.randn_like(param) * param.std() * 0.35)
    damaged = general_ability(TwoModels(base, (damaged_model, base[1])), 40, 3)
    knowledge, drift = (next(v for k, v in damaged.items() if k.startswith(n)) for n in ("general knowledge",
                                                                                         "instruction drift"))
    assert knowledge["change"] < -0.05 and drift["change"] < -0.3
    assert describe(knowledge)[2].endswith("points") and describe(drift)[2].startswith("-")


def test_a_few_questions_still_cover_every_set():
    from smt_gui.evaluate.general import spread

    items = knowledge_items()
    few = spread(items, 24)
    assert len(few) == 24 and {i.set for i in few} == {i.set for i in items}
    assert spread(items, None) == items == spread(items, 10_000)


def test_the_trade_places_a_run_by_what_it_gained_and_what_it_lost():
    """Gained = tuned minus base on the project's questions; kept = the change in general knowledge. An evaluation
    without base, without tuned or without retention has no point (it would be a guess)."""
    from smt_gui.evaluate.trade import trade_of
    from smt_gui.ui.plots import trade_chart

    retention = {"general knowledge (60 easy questions)": {"measure": "accuracy", "base": 0.6, "tuned": 0.45,
                                                           "change": -0.15},
                 "instruction drift (8 generic instructions)": {"base": -1.0, "tuned": -1.8, "change": -0.8},
                 "generic text (held out)": {"measure": "perplexity", "base": 50.0, "tuned": 100.0, "change": 1.0}}
    point = trade_of({"base": 0.25, "tuned": 0.7, "rag": 0.4}, retention)
    assert point["gained"] == pytest.approx(0.45) and point["kept"] == -0.15
    assert (point["drift"], point["perplexity_change"]) == (-0.8, 1.0)
    assert trade_of({"base": 0.25, "rag": 0.4}, retention) is None
    assert trade_of({"base": 0.25, "tuned": 0.7}, None) is None
    figure = trade_chart([{"run": "r1", **point}])
    assert list(figure.data[0].x) == [pytest.approx(-15)] and list(figure.data[0].y) == [pytest.approx(45)]


def test_base_figures_are_computed_once_per_base_model_and_again_when_its_weights_change(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from smt_gui.evaluate.base_cache import model_key, remembered

    monkeypatch.setenv("SMT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "base"
    folder.mkdir()
    weights = folder / "model.safetensors"
    weights.write_bytes(b"x" * 10)
    model = SimpleNamespace(config=SimpleNamespace(_name_or_path=str(folder)))
    calls = []

    def compute():
        calls.append(1)
        return 0.5

    assert remembered(model, "knowledge", ["q1"], compute) == 0.5 == remembered(model, "knowledge", ["q1"], compute)
    assert len(calls) == 1
    remembered(model, "knowledge", ["q2"], compute)  # other items: computed
    assert len(calls) == 2
    weights.write_bytes(b"y" * 11)  # other weights under the same path: computed
    remembered(model, "knowledge", ["q1"], compute)
    assert len(calls) == 3
    in_memory = SimpleNamespace(config=SimpleNamespace(_name_or_path=""))
    assert model_key(in_memory) is None
    remembered(in_memory, "knowledge", ["q1"], compute)
    remembered(in_memory, "knowledge", ["q1"], compute)
    assert len(calls) == 5
