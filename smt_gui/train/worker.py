"""The training process. Run by the app/CLI as a subprocess, or under ``torchrun``/``accelerate launch`` for DDP:

    python -m smt_gui.train.worker --run-dir PROJECT/runs/NAME [--resume]
    torchrun --nproc_per_node 2 -m smt_gui.train.worker --run-dir PROJECT/runs/NAME

It reads ``config.json`` and the tokenised mixture in ``data/`` from the run folder, trains with transformers'
``Trainer`` (checkpoints hold step, optimizer, scheduler and RNG state, so ``--resume`` continues exactly), appends
one JSON line per logging step to ``metrics.jsonl``, and on SIGTERM saves a checkpoint and exits as cancelled.
"""

from __future__ import annotations

import argparse
import errno
import functools
import json
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from smt_gui.train.checkpoints import drop_partial, last_complete

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

STOP = {"requested": False}
LOW_DISK_BYTES = 1 << 30  # a full fine-tuning checkpoint of the 135M model is 1.6 GB (weights + optimizer)


def failure_message(exc: BaseException, run_dir: Path) -> str:
    """What a user reads when a run fails: the error, plus what to do about the failures people can fix.

    A full disk is named as such: torch reports it while writing a checkpoint as e.g. "unexpected pos 1234 vs
    5678" or "file write failed", which says nothing about disk space.
    """
    message = f"{type(exc).__name__}: {exc}"
    if "out of memory" in str(exc).lower():
        return message + " — try a smaller batch size or sequence length, gradient checkpointing, or QLoRA."
    try:
        free = shutil.disk_usage(run_dir).free
    except OSError:
        free = None
    no_space = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    if no_space or (free is not None and free < LOW_DISK_BYTES):
        where = f" ({free / 1e6:.0f} MB free)" if free is not None else ""
        return (f"The disk holding {run_dir} is full{where}: free some space (each full fine-tuning checkpoint of "
                f"the 135M model takes 1.6 GB; delete old runs) and press Resume. ({message})")
    return message


def _on_sigterm(signum, frame) -> None:
    STOP["requested"] = True


def write_status(run_dir: Path, **fields) -> None:
    """Report to the run's training job in the project's ``jobs`` table: the one status the app, the CLI and the
    crash rule read. A run folder outside a project (copied to another machine and started by hand) has no job,
    so there, and only there, the status goes to the folder's ``status.json``."""
    job = _job(run_dir)
    if job is None:
        path = run_dir / "status.json"
        current = json.loads(path.read_text()) if path.exists() else {}
        current.update(fields, updated=time.time())
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(current))
        tmp.replace(path)
        return
    from smt_gui.jobs import update_job

    project, job_id = job
    status = fields.pop("status", None)
    update_job(project, job_id, status=status, **fields)


@functools.cache
def _job(run_dir: Path) -> tuple[Any, int] | None:
    """(project, job id) of this worker's training job, looked up once: the launcher passes SMT_JOB_ID; a worker
    started by hand (the command the Train tab shows) creates its own job; a run folder outside a project has none."""
    from smt_gui.project import Project

    root = run_dir.parent.parent
    if not (root / "smt.sqlite").exists():
        return None
    project = Project(root)
    job_id = int(os.environ["SMT_JOB_ID"]) if os.environ.get("SMT_JOB_ID", "").isdigit() else None
    if job_id is None:
        from smt_gui.jobs import create_job

        job_id = create_job(project, "train", {"run": run_dir.name})
    return project, job_id


def last_checkpoint(run_dir: Path) -> str | None:
    """The newest complete checkpoint to resume from; half-written ones (worker killed mid-save) are removed."""
    folder = run_dir / "checkpoints"
    drop_partial(folder)
    found = last_complete(folder)
    return str(found[1]) if found else None


def load_model(config, base_dir: Path, cuda: bool):
    import torch
    from transformers import AutoModelForCausalLM

    if config.method == "qlora":
        from peft import prepare_model_for_kbit_training
        from transformers import BitsAndBytesConfig

        compute = torch.bfloat16 if cuda else torch.float32
        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=compute,
                                   bnb_4bit_use_double_quant=True)
        model = AutoModelForCausalLM.from_pretrained(base_dir, quantization_config=quant, dtype=compute,
                                                     device_map={"": 0} if cuda else {"": "cpu"})
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=config.gradient_checkpointing is not False)
    else:
        dtype = torch.bfloat16 if cuda and config.method == "lora" else torch.float32
        model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=dtype)
    if config.method in ("lora", "qlora"):
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(r=config.lora_r, lora_alpha=config.alpha, lora_dropout=config.lora_dropout,
                          target_modules="all-linear", task_type="CAUSAL_LM")
        model = get_peft_model(model, lora)
    return model


def describe_model(model) -> dict:
    """What is being trained: parameter counts and how many linear layers hold 4-bit weights (QLoRA)."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    four_bit = 0
    try:
        import bitsandbytes as bnb

        four_bit = sum(isinstance(m, bnb.nn.Linear4bit) for m in model.modules())
    except ImportError:
        pass
    return {"params_total": total, "params_trainable": trainable, "linear_4bit_layers": four_bit}


def blend_back(run_dir: Path, config, model, tokenizer, base_dir: Path) -> dict | None:
    """With ``blend_with_base``: set the trained weights to their blend with the base model, chosen on the run's
    validation QAs (``train.blend``), and record the choice in ``blend.json`` before the model is saved."""
    if not config.blend_with_base:
        return None
    validation = json.loads((run_dir / "mixture.json").read_text()).get("validation_qas") or []
    if not validation:
        (run_dir / "blend.json").write_text(json.dumps({"weight": 1.0, "rule": "no validation QAs: left as trained",
                                                        "validation_qas": 0}, indent=2))
        return None
    from smt_gui.train.blend import blend

    write_status(run_dir, phase="blending with the base model")
    try:
        chosen = blend(model, tokenizer, base_dir, validation, config.blend_tolerance)
    except Exception as exc:  # the trained weights are saved as they are (``blend`` restores them), never lost
        write_status(run_dir, blend_error=f"{type(exc).__name__}: {exc}")
        (run_dir / "blend.json").write_text(json.dumps({"weight": 1.0, "rule": f"blend failed ({type(exc).__name__}: "
                                                        f"{exc}): left as trained", "validation_qas": 0}, indent=2))
        return None
    (run_dir / "blend.json").write_text(json.dumps(chosen, indent=2))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SMT Studio training worker")
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the run folder")
    args = parser.parse_args(argv)
    run_dir = Path(args.run_dir).resolve()
    signal.signal(signal.SIGTERM, _on_sigterm)

    from smt_gui.train.config import TrainConfig
    from smt_gui.train.metrics import record_final_metrics
    from smt_gui.train.metrics_callback import MetricsCallback
    from smt_gui.train.turns import CoreTurnCallback

    config = TrainConfig.from_dict(json.loads((run_dir / "config.json").read_text()))
    rank = int(os.environ.get("RANK", "0"))
    is_main = rank == 0
    if is_main:
        write_status(run_dir, status="running", pid=os.getpid(), started=time.time(),
                     world_size=int(os.environ.get("WORLD_SIZE", "1")), resumed=args.resume)
    try:
        import torch
        from datasets import load_from_disk
        from transformers import AutoTokenizer, DataCollatorForSeq2Seq, Trainer, TrainingArguments

        cuda = torch.cuda.is_available()
        base_dir = Path(json.loads((run_dir / "mixture.json").read_text())["base_model_dir"])
        tokenizer = AutoTokenizer.from_pretrained(base_dir)
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        dataset = load_from_disk(str(run_dir / "data"))
        # On CPU a step takes its turn with generation and Chat, and so do loading and the final save (a generation
        # request beside the save of a full model took 7 s instead of 0.4). Not for several processes (torchrun):
        # their collectives need every rank computing at once, and ranks queued one behind another would deadlock.
        single = int(os.environ.get("WORLD_SIZE", "1")) == 1
        turns = [CoreTurnCallback()] if single and not cuda else []
        for turn in turns:
            turn.holder.take()  # given back at the end of the first step
        model = load_model(config, base_dir, cuda)
        if is_main:
            write_status(run_dir, **describe_model(model))
        checkpointing = config.gradient_checkpointing if config.gradient_checkpointing is not None else config.method == "qlora"
        # transformers 5 reads a float warmup_steps in [0, 1) as a share of the steps (warmup_ratio is deprecated).
        training_args = TrainingArguments(
            output_dir=str(run_dir / "checkpoints"), num_train_epochs=config.epochs,
            max_steps=config.max_steps if config.max_steps > 0 else -1,
            per_device_train_batch_size=config.batch_size, gradient_accumulation_steps=config.grad_accum,
            learning_rate=config.lr, warmup_steps=config.warmup_ratio, lr_scheduler_type="cosine",
            logging_steps=config.logging_steps, save_steps=config.save_steps, save_total_limit=2, seed=config.seed,
            report_to=[], disable_tqdm=True, gradient_checkpointing=checkpointing,
            bf16=cuda and config.method != "full", use_cpu=not cuda, dataloader_num_workers=0,
            optim="paged_adamw_8bit" if cuda and config.method == "qlora" else "adamw_torch",
            remove_unused_columns=False, train_sampling_strategy="group_by_length", ddp_find_unused_parameters=False,
        )
        tokens_per_example = sum(len(x) for x in dataset["input_ids"]) / max(len(dataset), 1)
        callback = MetricsCallback(run_dir, tokens_per_example, STOP, is_main, on_metrics=lambda line: write_status(
            run_dir, **{k: line[k] for k in ("step", "max_steps", "loss", "eta_s", "tokens_per_s", "waited_s")}),
            waited=(lambda: turns[0].waited_s) if turns else None)
        collator = DataCollatorForSeq2Seq(tokenizer, label_pad_token_id=-100, padding=True)
        extra: dict[str, Any] = {}
        if config.mixture.replay_kl:  # replay tokens trained toward the base model's predictions (train/anchor.py)
            from smt_gui.train.anchor import ReplayMaskCollator, anchored_trainer_class, load_reference

            trainer_class = anchored_trainer_class()
            collator = ReplayMaskCollator(collator, tokenizer.padding_side)
            extra["reference"] = load_reference(base_dir, config.method, model.device)
        else:
            trainer_class = Trainer
        trainer = trainer_class(model=model, args=training_args, train_dataset=dataset, data_collator=collator,
                                callbacks=[callback, *turns], **extra)
        resume_from = last_checkpoint(run_dir) if args.resume else None
        result = trainer.train(resume_from_checkpoint=resume_from)
        if STOP["requested"]:
            if is_main:
                write_status(run_dir, status="cancelled", step=trainer.state.global_step)
            return 0
        if is_main:
            blended = blend_back(run_dir, config, trainer.model, tokenizer, base_dir)
            out = run_dir / ("model" if config.method == "full" else "adapter")
            trainer.save_model(str(out))
            tokenizer.save_pretrained(str(out))
            final = {"train_loss": result.training_loss, "step": trainer.state.global_step,
                     "runtime_s": result.metrics.get("train_runtime"), "last_loss": callback.last_loss,
                     "tokens_per_s": callback.tokens_per_s}
            if blended is not None:
                final["blend_weight"] = blended["weight"]
            if hasattr(trainer, "anchored_tokens"):
                final["anchored_tokens"] = trainer.anchored_tokens
            write_status(run_dir, status="done", **final)
            record_final_metrics(run_dir, final)
        return 0  # a turn still held is given back when the process exits (see below)
    except Exception as exc:
        message = failure_message(exc, run_dir)
        if is_main:
            write_status(run_dir, status="failed", error=message, traceback=traceback.format_exc(limit=6))
        print(message, file=sys.stderr)
        return 1


if __name__ == "__main__":
    code = main()
    if int(os.environ.get("WORLD_SIZE", "1")) == 1:
        # Everything is written. Tearing down torch and transformers still computed for ~2 s on the cores after
        # the turn was given back (a generation request beside it took 2.0 s instead of 0.3), so end here: the
        # kernel releases the turn's lock file with the process.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
