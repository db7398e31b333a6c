"""The validated training config: what the Train tab and ``smt train --config`` produce; saved in the run folder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from smt_gui.configflags import setting
from smt_gui.train.mixture import MixtureConfig

METHODS = ("full", "lora", "qlora")
# Learning facts from a few hundred samples needs far more than the usual fine-tuning rates: measured on the
# fictional-facts benchmark (benchmarks/README.md), full fine-tuning at 1e-4 for 8 epochs took the 135M student from
# 27% to 83%; the LoRA rate is the same measurement's best for adapters.
DEFAULT_LR = {"full": 1e-4, "lora": 2e-4, "qlora": 2e-4}


@dataclass
class TrainConfig:
    """One training run's settings; each field's metadata (``configflags.setting``) draws its ``smt train`` flag and
    its Train-tab widget."""

    base_model: str = setting("", label="Base model", help="a .gguf file or a local HF model folder; empty = bundled "
                                                         "SmolLM2-135M")
    # full: what the paper does, and what learned facts best in our measurements
    method: str = setting("full", choices=METHODS, help="full | lora | qlora")
    mixture: MixtureConfig = field(default_factory=MixtureConfig)
    # facts need many exposures (benchmarks/README.md); the Train tab warns when too few
    epochs: float = setting(8.0, label="Epochs", minimum=0.01, step=0.5, help="passes over the mixture")
    max_steps: int = setting(0, label="Max steps (0 = by epochs)", minimum=0, help="> 0 overrides epochs")
    learning_rate: float | None = setting(
        None, none_as=0, minimum=0, step=1e-5,
        label=f"Learning rate (0 = the method's: {', '.join(f'{m} {lr:g}' for m, lr in DEFAULT_LR.items())})",
        help="none = the method's default (DEFAULT_LR)")
    batch_size: int = setting(4, label="Batch size", minimum=1)
    grad_accum: int = setting(1, label="Grad. accumulation", minimum=1, help="gradient accumulation steps")
    warmup_ratio: float = setting(0.05, label="Warm-up share of steps", minimum=0, maximum=0.9, step=0.01)
    lora_r: int = setting(16, label="LoRA rank", minimum=1)
    lora_alpha: int | None = setting(None, none_as=0, minimum=0, label="LoRA alpha (0 = 2 x rank)",
                                     help="LoRA scaling; none = 2 x lora r")
    lora_dropout: float = setting(0.05, label="LoRA dropout", minimum=0, maximum=0.9, step=0.01)
    save_steps: int = setting(25, label="Checkpoint every N steps", minimum=1)
    logging_steps: int = setting(1, label="Log the loss every N steps", minimum=1)
    gradient_checkpointing: bool | None = setting(None, ui=False, help="none = on for QLoRA only")
    seed: int = setting(0, label="Seed", help="the run's seed: the mixture's shuffle and the trainer's")
    # WiSE-FT (train/blend.py): after training, move the weights back toward the base model as far as the run's
    # own validation QAs allow; what it costs and saves is measured in benchmarks/README.md ("Knowledge kept")
    blend_with_base: bool = setting(
        True, label="Blend back toward the base model (weight chosen on held-out QAs)",
        help="after training, mix tuned and base weights (WiSE-FT) with the tuned share under which validation QAs "
             "kept out of training are likeliest")
    blend_validation_share: float = setting(0.1, label="Validation share of QAs (for the blend)", minimum=0.01,
                                      maximum=0.5, step=0.01,
                                      help="accepted QAs per document kept out of training to choose the blend on")
    # 0 = the likeliest share: on 2026-12-04 the old 0.02 went back to 0.55 and kept 53% of the closed-book gain,
    # the likeliest share (0.7) 94% (benchmarks/README.md, "Recipes side by side")
    blend_tolerance: float = setting(0.0, label="Blend: a smaller tuned share may be this far from the best "
                                                 "(nats/token)", minimum=0, maximum=1, step=0.01,
                                     help="validation log-likelihood per token a smaller tuned share may give up")
    name: str | None = setting(None, label="Run name (optional)")

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
        self.mixture.seed = self.seed  # one seed for the run: the mixture's shuffle and the trainer's
        if self.blend_with_base and not 0 < self.blend_validation_share < 1:
            raise ValueError("The validation share must be between 0 and 1 to choose the blend on.")
        if self.blend_with_base:  # (a run may also keep validation QAs without blending, to blend it later)
            self.mixture.validation_share = self.blend_validation_share
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


def estimate_lora_params(n_params: int, lora_r: int) -> int:
    """Trainable LoRA parameters on all linear layers: ~0.75% of the weights at rank 16, in proportion to the rank."""
    return int(n_params * 0.0075 * lora_r / 16)
