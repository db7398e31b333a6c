"""Real training of the bundled 135M model on CPU in the worker subprocess: LoRA, QLoRA, merge, resume, DDP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig
from smt_gui.train.metrics import read_metrics
from smt_gui.train.mixture import MixtureConfig
from smt_gui.train.probe import generate, load_for_inference, mean_loss

from .conftest import QUALITY_SMALL, REPO
from .learned_run import KEYWORD, QUESTION, STEPS

pytestmark = pytest.mark.slow

FACTS = [
    (
        "Where did the crew of the Leo pick up their new cook?",
        "The crew of the Leo picked up their new cook on Phobos, the inner moon of Mars.",
    ),
    ("Why did the Leo need a new cook?", "The Leo needed a new cook because its regular cook came down with acute indigestion."),
    ("Where was the Leo bound?", "The Leo was bound for Callisto."),
    ("What did the new cook do to the Leo?", "The new cook was a piping-voiced Jonah who jinxed the Leo straight into Chaos."),
]


@pytest.fixture
def curated(project):
    """Accepted QAs and a focal rewrite made from a real QuALITY article (what the Curate tab hands to training)."""
    ingest_paths(project, [QUALITY_SMALL])
    doc, chunk, text = first_chunk(project, "CAPTAIN CHAOS")
    for question, answer in FACTS:
        insert_sample(project, "qa", doc, chunk, question, answer, status="accepted")
    insert_sample(project, "focal_rewrite", doc, chunk, FACTS[0][0], text=text[:1200], status="accepted")
    return project


def train(project, **overrides):
    config = TrainConfig(
        **{
            "method": "lora",
            "max_steps": 6,
            "batch_size": 2,
            "save_steps": 3,
            "mixture": MixtureConfig(seq_len=128, replay_share=0.0, include_originals=False),
            **overrides,
        }
    )
    run = runner.prepare_run(project, config)
    proc = runner.launch(project, run)
    assert runner.wait(proc, run, poll_s=0.5) == 0, (run.path / "train.log").read_text()[-3000:]
    return run


def test_lora_learns_the_training_text_and_the_adapter_reloads_and_generates(learned_fact_run):
    from datasets import load_from_disk

    project, run = learned_fact_run  # 30 LoRA steps on one invented fact (tests/learned_run.py)
    state = runner.run_state(run)
    assert state["status"] == "done" and state["step"] == STEPS
    examples = list(load_from_disk(str(run.path / "data")))
    base_dir = run.summary["base_model_dir"]
    base_model, _ = load_for_inference(base_dir)
    tuned_model, tokenizer = load_for_inference(base_dir, runner.output_dir(run))
    before, after = mean_loss(base_model, examples), mean_loss(tuned_model, examples)
    assert after < before * 0.8, (before, after)  # the loss on the training text fell
    metrics = runner.run_metrics(run)
    assert metrics[0]["step"] == 1 and metrics[-1]["step"] == STEPS and metrics[-1]["learning_rate"] is not None
    assert KEYWORD in generate(tuned_model, tokenizer, QUESTION, max_new_tokens=24)  # reloaded, it knows the fact
    assert KEYWORD not in generate(base_model, tokenizer, QUESTION, max_new_tokens=24)  # ...which the base did not
    with project.connect() as conn:
        row = conn.execute("SELECT dataset FROM runs WHERE name = ?", (run.name,)).fetchone()
        final = conn.execute("SELECT value FROM metrics WHERE name = 'last_loss'").fetchone()
    assert final is not None  # how the run ended is its job's status (above), its last loss a metric
    assert json.loads(row["dataset"])["sample_ids"]  # the exact data is recorded with the run


def test_qlora_4bit_path_trains_on_cpu(curated):
    run = train(curated, method="qlora", max_steps=3)
    state = runner.run_state(run)
    assert state["status"] == "done"
    assert state["linear_4bit_layers"] >= 30 * 7  # every attention and MLP projection of the 30 layers is NF4
    # only the adapters train (params_total counts each packed 4-bit weight once, i.e. half the real count)
    assert state["params_trainable"] < 0.1 * state["params_total"]
    assert (runner.output_dir(run) / "adapter_config.json").exists()
    lora = runner.run_state(train(curated, method="lora", max_steps=1))
    assert lora["linear_4bit_layers"] == 0


def test_merge_gives_the_same_model_as_base_plus_adapter_although_the_base_came_from_a_gguf(learned_fact_run):
    import torch

    project, run = learned_fact_run
    merged = runner.merge(project, run)
    base_dir = Path(run.summary["base_model_dir"])
    prompt = QUESTION

    def logits(model, tokenizer):
        ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
        with torch.inference_mode():
            return model(input_ids=ids).logits[0, -1]

    with_adapter = logits(*load_for_inference(base_dir, runner.output_dir(run)))
    merged_logits = logits(*load_for_inference(merged))
    base_logits = logits(*load_for_inference(base_dir))
    assert torch.allclose(merged_logits, with_adapter, atol=1e-3)  # merging changes nothing the adapter did
    assert not torch.allclose(merged_logits, base_logits, atol=1e-3)  # ...and the adapter did change the model
    model, tokenizer = load_for_inference(merged)
    assert generate(model, tokenizer, "Hello!", max_new_tokens=5).strip()


def test_killed_training_resumes_from_its_checkpoint_not_from_zero(curated):
    config = TrainConfig(method="lora", max_steps=10, batch_size=2, save_steps=3, mixture=MixtureConfig(seq_len=128, replay_share=0.0))
    run = runner.prepare_run(curated, config)
    proc = runner.launch(curated, run)
    deadline = time.time() + 300
    while time.time() < deadline and not (run.path / "checkpoints" / "checkpoint-3").exists():
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert runner.run_state(runner.get_run(curated, run.id))["status"] == "interrupted"
    checkpoint = runner.last_checkpoint_step(run)
    assert checkpoint >= 3 and (run.path / "checkpoints" / f"checkpoint-{checkpoint}" / "optimizer.pt").exists()
    # A kill in the middle of a save leaves a newer checkpoint without trainer_state.json (written last): it must be
    # passed over, not resumed from (that crashed with FileNotFoundError).
    partial = run.path / "checkpoints" / f"checkpoint-{checkpoint + 1}"
    shutil.copytree(run.path / "checkpoints" / f"checkpoint-{checkpoint}", partial)
    (partial / "trainer_state.json").unlink()
    assert runner.last_checkpoint_step(run) == checkpoint

    resumed = runner.launch(curated, run, resume=True)
    assert runner.wait(resumed, run, poll_s=0.5) == 0, (run.path / "train.log").read_text()[-3000:]
    state = runner.run_state(run)
    assert state["status"] == "done" and state["step"] == 10 and state["resumed"]
    steps_after = [m["step"] for m in runner.run_metrics(run) if m["time"] > state["started"]]
    assert steps_after[0] == checkpoint + 1  # continued from the checkpoint's step (with its optimizer state)


def test_cancel_saves_a_checkpoint_and_stops(curated):
    config = TrainConfig(method="lora", max_steps=200, batch_size=2, save_steps=100, mixture=MixtureConfig(seq_len=128, replay_share=0.0))
    run = runner.prepare_run(curated, config)
    proc = runner.launch(curated, run)
    deadline = time.time() + 300
    while time.time() < deadline and len(runner.run_metrics(run)) < 2:
        time.sleep(0.2)
    assert runner.cancel(run)
    proc.wait(timeout=120)
    state = runner.run_state(run)
    assert state["status"] == "cancelled" and 2 <= state["step"] < 200
    assert runner.last_checkpoint_step(run) == state["step"]


def test_cli_trains_with_two_ddp_processes(curated, tmp_path):
    config = tmp_path / "train.json"
    config.write_text(json.dumps({"method": "lora", "max_steps": 3, "batch_size": 2, "mixture": {"seq_len": 128, "replay_share": 0.1}}))
    result = subprocess.run(
        [sys.executable, "-m", "smt_gui", "train", str(curated.root), "--config", str(config), "--nproc", "2", "--name", "ddp"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "run ddp: done" in result.stdout
    state = runner.run_state(runner.get_run(curated, "ddp"))
    assert state["world_size"] == 2 and state["step"] == 3


def test_a_full_disk_is_named_in_the_failed_runs_message(tmp_path, monkeypatch):
    from collections import namedtuple

    from smt_gui.train import worker

    enospc = worker.failure_message(OSError(28, "No space left on device"), tmp_path)
    assert "disk holding" in enospc and "is full" in enospc and "Resume" in enospc
    # torch's checkpoint writer says only this when the disk fills mid-save: the free space decides
    torch_error = RuntimeError("[enforce fail at inline_container.cc:664] . unexpected pos 1181056 vs 1180944")
    assert "is full" not in worker.failure_message(torch_error, tmp_path)  # plenty of space here: the error as is
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(worker.shutil, "disk_usage", lambda path: usage(10**11, 10**11 - 5 * 10**6, 5 * 10**6))
    full = worker.failure_message(torch_error, tmp_path)
    assert "is full (5 MB free)" in full and "unexpected pos" in full
    oom = worker.failure_message(RuntimeError("CUDA out of memory. Tried to allocate 2 GiB"), tmp_path)
    assert "smaller batch size" in oom


def test_training_steps_take_turns_with_other_heavy_work(curated, tmp_path, monkeypatch):
    """While this process holds the cores (a generation request, a Chat answer), the CPU worker logs no step, and it
    reports the wait apart from its own speed."""
    from smt_gui.cores import compute_turn

    monkeypatch.setenv("SMT_COMPUTE_LOCK", str(tmp_path / "compute.lock"))  # the worker inherits it
    run = runner.prepare_run(curated, TrainConfig(method="lora", max_steps=8, batch_size=2, save_steps=100,
                                                  mixture=MixtureConfig(seq_len=64, replay_share=0.0,
                                                                        include_originals=False)))
    proc = runner.launch(curated, run)
    deadline = time.time() + 300
    while not read_metrics(run.path) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    assert read_metrics(run.path), (run.path / "train.log").read_text()[-3000:]
    with compute_turn() as turn:  # waits for the step being computed, then holds the cores
        held_from = time.time()
        time.sleep(6)
        held_until = time.time()
    assert turn.waited_s < 60
    assert runner.wait(proc, run, poll_s=0.5) == 0, (run.path / "train.log").read_text()[-3000:]
    rows = read_metrics(run.path)
    logged = [r["time"] for r in rows]
    # a step logged while the turn was held would have computed beside it (0.3 s of slack for the log write)
    assert not [t for t in logged if held_from + 0.3 < t < held_until], (held_from, held_until, logged)
    assert rows[-1]["waited_s"] >= 5, rows[-1]
    assert rows[-1]["tokens_per_s"] > 0
