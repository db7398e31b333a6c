"""Training steps take turns on the CPU cores with generation, Chat and evaluation (``smt_gui.cores``).

A training run on 2 CPU cores beside a llama.cpp generation made both crawl (generation 37 -> 3-8 tokens/s). Holding
the machine's compute turn for one optimizer step at a time makes them interleave instead: a Chat answer or a
generation request waits for at most one step, and each computes at the speed it has alone. Logging and checkpoints
happen between turns. A run on a GPU does not take turns: it does not compete for the cores. Nor does a run of
several processes (torchrun): their collectives need every rank computing at once.
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
        self.holder.give_back()

    def on_train_end(self, args, state, control, **kwargs):
        self.holder.give_back()
