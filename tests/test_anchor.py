"""Replay as an anchor (train/anchor.py): the KL term toward the base model on replay tokens, from the mixture's mask
to a real full fine-tuning step of the bundled model."""

from __future__ import annotations

import pytest
import torch

from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.tokenizers import load_tokenizer
from smt_gui.train import runner
from smt_gui.train.anchor import ReplayMaskCollator, anchored_loss
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig, build_mixture

from .conftest import QUALITY_SMALL


@pytest.fixture
def curated(project):
    ingest_paths(project, [QUALITY_SMALL])
    doc, chunk, text = first_chunk(project, "CAPTAIN CHAOS")
    for i in range(4):
        insert_sample(project, "qa", doc, chunk, f"Question {i} about the Leo?", f"Answer {i}: the Leo went to "
                      "Callisto.", status="accepted")
    insert_sample(project, "focal_rewrite", doc, chunk, "Q?", text=text[:1200], status="accepted")
    return project


def test_the_mask_marks_exactly_the_replay_tokens(curated):
    tokenizer = load_tokenizer(None)
    config = MixtureConfig(replay_share=0.3, replay_kl=True, seq_len=128, include_originals=False)
    mixture = build_mixture(curated, config, tokenizer)
    marked = sum(sum(e["replay_mask"]) for e in mixture.examples)
    assert all(len(e["replay_mask"]) == len(e["input_ids"]) for e in mixture.examples)
    replay = mixture.summary["tokens_by_kind"]["replay"]
    # each replay text carries one EOS after it, also marked; blocks under 16 tokens are dropped
    assert replay <= marked <= replay + 40, (marked, replay)
    assert not any(sum(e["replay_mask"]) for e in mixture.examples if e["labels"][0] == -100)  # QAs: none marked
    assert "replay_mask" not in build_mixture(curated, MixtureConfig(replay_share=0.3, replay_kl=False, seq_len=128),
                                              tokenizer).examples[0]


def test_the_loss_is_cross_entropy_off_replay_and_kl_on_it():
    torch.manual_seed(0)
    logits = torch.randn(2, 6, 11)
    labels = torch.randint(0, 11, (2, 6))
    labels[0, :2] = -100
    no_replay = torch.zeros(2, 6, dtype=torch.long)
    ce = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, 11), labels[:, 1:].reshape(-1), ignore_index=-100)
    loss, anchored = anchored_loss(logits, None, labels, no_replay)
    assert torch.allclose(loss, ce) and anchored == 0
    # row 1 all replay: the same logits as the reference cost nothing there, other ones cost their KL
    mask = torch.zeros(2, 6, dtype=torch.long)
    mask[1] = 1
    same, anchored = anchored_loss(logits, logits[1:], labels, mask)
    row0 = torch.nn.functional.cross_entropy(logits[0, :-1], labels[0, 1:], ignore_index=-100, reduction="sum")
    assert torch.allclose(same, row0 / (labels[:, 1:] != -100).sum())
    assert anchored == 5  # row 1's five predicted tokens
    assert anchored_loss(logits, torch.randn(1, 6, 11), labels, mask)[0] > same


def test_the_collator_pads_the_mask_like_the_ids():
    def inner(features):
        width = max(len(f["input_ids"]) for f in features)
        return {"input_ids": torch.tensor([f["input_ids"] + [0] * (width - len(f["input_ids"])) for f in features])}

    batch = ReplayMaskCollator(inner)([{"input_ids": [5, 6, 7], "replay_mask": [0, 1, 1]},
                                       {"input_ids": [5], "replay_mask": [1]}])
    assert batch["replay_mask"].tolist() == [[0, 1, 1], [1, 0, 0]]


@pytest.mark.slow
def test_full_fine_tuning_with_the_anchor_trains_and_saves_the_model(curated):
    """Two real full fine-tuning steps of the bundled model with the anchor: the worker loads the reference, the loss
    is finite, and the run finishes like any other (what it keeps is measured in benchmarks/README.md)."""
    config = TrainConfig(method="full", max_steps=2, batch_size=2, save_steps=100, blend_with_base=False,
                         mixture=MixtureConfig(seq_len=128, replay_share=0.3, replay_kl=True, include_originals=False))
    run = runner.prepare_run(curated, config)
    proc = runner.launch(curated, run)
    assert runner.wait(proc, run, poll_s=0.5) == 0, (run.path / "train.log").read_text()[-3000:]
    losses = [m["loss"] for m in runner.run_metrics(run) if "loss" in m]
    assert losses and all(0 < loss < 20 for loss in losses), losses
    assert (run.path / "model").is_dir()
    assert runner.run_state(run)["anchored_tokens"] > 0  # the KL term ran on replay tokens: the anchor was not off
