"""The training worker's ``transformers`` callback that writes ``metrics.jsonl`` (``train.metrics`` reads it).

Apart from ``train.metrics`` because importing ``transformers``' callbacks pulls in torch: the app and the CLI read
the metrics without paying for that at start-up (it was 8 of the app's 14 s of imports).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback


class MetricsCallback(TrainerCallback):
    """Appends ``{step, loss, learning_rate, tokens_per_s, eta_s, ...}`` per logging step; honours a stop request."""

    def __init__(self, run_dir: Path, tokens_per_example: float, stop: dict, is_main: bool,
                 on_metrics: Any = None, waited: Any = None) -> None:
        self.path = run_dir / "metrics.jsonl"
        self.waited = waited or (lambda: 0.0)  # seconds queued behind other heavy work (``CoreTurnCallback``)
        self.on_metrics = on_metrics  # e.g. the worker's job report: live progress for the app and the CLI
        self.tokens_per_example = tokens_per_example
        self.stop = stop
        self.is_main = is_main
        self.started = time.time()
        self.start_step = 0
        self.last_loss: float | None = None
        self.tokens_per_s: float | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        self.started = time.time()
        self.start_step = state.global_step  # > 0 when resumed

    def on_step_end(self, args, state, control, **kwargs):
        if self.stop.get("requested"):
            control.should_save = True  # checkpoint this exact step, then stop: resume continues from here
            control.should_training_stop = True
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not self.is_main or not logs or "loss" not in logs:
            return
        elapsed = time.time() - self.started
        waited = self.waited()
        computing = elapsed - waited  # the run's own speed: a wait for the cores is reported apart
        done = state.global_step - self.start_step
        per_step = args.per_device_train_batch_size * args.gradient_accumulation_steps * args.world_size
        self.tokens_per_s = round(done * per_step * self.tokens_per_example / computing, 1) if computing > 0 else None
        eta = elapsed / done * (state.max_steps - state.global_step) if done else None
        self.last_loss = float(logs["loss"])
        line = {"step": state.global_step, "max_steps": state.max_steps, "epoch": round(state.epoch or 0, 3),
                "loss": self.last_loss, "learning_rate": logs.get("learning_rate"), "grad_norm": logs.get("grad_norm"),
                "tokens_per_s": self.tokens_per_s, "eta_s": round(eta, 1) if eta is not None else None,
                "elapsed_s": round(elapsed, 1), "waited_s": round(waited, 1), "time": time.time()}
        with self.path.open("a") as fh:
            fh.write(json.dumps(line) + "\n")
        if self.on_metrics is not None:
            self.on_metrics(line)
