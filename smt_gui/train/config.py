"""The validated training config: what the Train tab and ``smt train --config`` produce; saved in the run folder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from smt_gui.train.mixture import MixtureConfig

METHODS = ("full", "lora", "qlora")
# Learning facts from a few hundred samples needs far more than the usual fine-tuning rates: measured on the
# fictional-facts benchmark (benchmarks/README.md), full fine-tuning at 1e-4 for 8 epochs took the 135M student from
# 27% to 83%; the LoRA rate is the same measurement's best for adapters.
DEFAULT_LR = {"full": 1e-4, "lora": 2e-4, "qlora": 2e-4}


@dataclass
class TrainConfig:
    base_model: str = field(default="", metadata={"help": "a .gguf file or a local HF model folder; empty = bundled "
                                                          "SmolLM2-135M"})
    # full: what the paper does, and what learned facts best in our measurements
    method: str = field(default="full", metadata={"choices": METHODS, "help": "full | lora | qlora"})
    mixture: MixtureConfig = field(default_factory=MixtureConfig)
    epochs: float = 8.0  # facts need many exposures (benchmarks/README.md); the Train tab warns when too few
    max_steps: int = field(default=-1, metadata={"help": "> 0 overrides epochs"})
    learning_rate: float | None = field(default=None, metadata={"help": "none = the method's default (DEFAULT_LR)"})
    batch_size: int = 4
    grad_accum: int = 1
    warmup_ratio: float = 0.05
    lora_r: int = 16
    lora_alpha: int | None = field(default=None, metadata={"help": "LoRA scaling; none = 2 x lora r"})
    lora_dropout: float = 0.05
    save_steps: int = 25
    logging_steps: int = 1
    gradient_checkpointing: bool | None = field(default=None, metadata={"help": "none = on for QLoRA only"})
    seed: int = 0
    name: str | None = None

    @property
    def lr(self) -> float:
        return self.learning_rate or DEFAULT_LR[self.method]

    @property
    def alpha(self) -> int:
        """LoRA's scaling: twice the rank unless set (alpha / r = 2 keeps the update's scale as r changes)."""
        return self.lora_alpha or 2 * self.lora_r

    def validate(self) -> TrainConfig:
        if self.method not in METHODS:
            raise ValueError(f"Training method must be one of {', '.join(METHODS)}.")
        if self.batch_size < 1 or self.grad_accum < 1:
            raise ValueError("Batch size and gradient accumulation must be at least 1.")
        if self.epochs <= 0 and self.max_steps <= 0:
            raise ValueError("Set epochs > 0 or max steps > 0.")
        self.mixture.validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        data = dict(data)
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"Unknown training settings: {', '.join(sorted(unknown))}")
        mixture = data.pop("mixture", {}) or {}
        unknown = set(mixture) - set(MixtureConfig.__dataclass_fields__)
        if unknown:
            raise ValueError(f"Unknown mixture settings: {', '.join(sorted(unknown))}")
        return cls(mixture=MixtureConfig(**mixture), **data).validate()

    @classmethod
    def from_file(cls, path: str | Path) -> TrainConfig:
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not valid JSON: {exc}") from exc


def estimate_memory_gb(n_params: int, method: str, lora_params: int = 0, cuda: bool = False) -> float:
    """Rough weights + gradients + Adam state, without activations: what the Train tab shows before launch."""
    weight_bytes = {"full": 4 if not cuda else 2, "lora": 4 if not cuda else 2, "qlora": 0.55}[method]
    trainable = n_params if method == "full" else lora_params
    # trainable params: fp32 master weights + grads + two Adam moments = 16 bytes
    return (n_params * weight_bytes + trainable * 16) / 1024**3
