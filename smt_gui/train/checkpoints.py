"""Which checkpoints of a run can be resumed from.

A worker killed while ``Trainer`` is writing a checkpoint leaves a ``checkpoint-N`` folder without
``trainer_state.json`` (written last). Resuming from it fails, so only complete checkpoints count, and a partial one
is removed before resuming so the Trainer's rotation (``save_total_limit``) never keeps it instead of a good one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STATE_FILE = "trainer_state.json"


def checkpoint_steps(folder: Path) -> dict[int, Path]:
    """Every ``checkpoint-N`` folder under ``folder`` by step, complete or not."""
    found = {}
    for path in folder.glob("checkpoint-*") if folder.is_dir() else []:
        step = path.name.removeprefix("checkpoint-")
        if path.is_dir() and step.isdigit():
            found[int(step)] = path
    return found


def last_complete(folder: Path) -> tuple[int, Path] | None:
    """The newest checkpoint whose ``trainer_state.json`` was written, as ``(step, path)``."""
    complete = [(step, path) for step, path in checkpoint_steps(folder).items() if (path / STATE_FILE).is_file()]
    return max(complete, default=None)


def drop_partial(folder: Path) -> list[int]:
    """Remove checkpoints left half-written by a killed worker; returns their steps."""
    dropped = []
    for step, path in checkpoint_steps(folder).items():
        if not (path / STATE_FILE).is_file():
            shutil.rmtree(path, ignore_errors=True)
            dropped.append(step)
    return sorted(dropped)
