"""Training steps take turns on the CPU cores with generation, Chat and evaluation (``smt_gui.cores``).

A training run on 2 CPU cores beside a llama.cpp generation made both crawl (generation 37 -> 3-8 tokens/s). Holding
the machine's compute turn for one optimizer step at a time makes them interleave instead: a Chat answer or a
generation request waits for at most one step, and each computes at the speed it has alone. Loading the model and
saving it (checkpoints, and at the end) take a turn too. A run on a GPU does not take turns: it does not compete for
the cores. Nor does a run of several processes (torchrun): their collectives need every rank computing at once.
"""

from __future__ import annotations

from transformers import TrainerCallback

from smt_gui.cores import TurnHolder


class CoreTurnCallback(TrainerCallback):
    """Take the cores at each optimizer step's start, give them back at its end; sums the time spent queued."""

    def __init__(self) -> None:
        self.holder = TurnHolder()

    @property
    def waited_s(self) -> float:
        return self.holder.waited_s

    def on_step_begin(self, args, state, control, **kwargs):
        self.holder.take()

    def on_step_end(self, args, state, control, **kwargs):
        if not control.should_save:  # a checkpoint is written next (set by the Trainer's flow callback, run first)
            self.holder.give_back()

    def on_save(self, args, state, control, **kwargs):
        self.holder.give_back()

    def on_train_end(self, args, state, control, **kwargs):
        self.holder.take()  # the model is saved next: heavy work too; the worker gives the turn back after it
