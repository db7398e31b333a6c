"""Prepare a run (mixture -> run folder + DB row), launch the worker subprocess, watch, cancel, resume, merge.

The UI and ``smt train`` share this path: ``prepare_run`` then ``launch``; the worker is always a separate process
(``subprocess.Popen([...])``, no shell, its own process group), so the app stays responsive and Cancel can signal
the whole group (also under torchrun).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smt_gui.jobs import cancel_job, create_job, get_job, update_job
from smt_gui.project import Project, utc_now
from smt_gui.train.checkpoints import last_complete
from smt_gui.train.config import TrainConfig
from smt_gui.train.metrics import read_metrics

JOB_KIND = "train"


@dataclass
class Run:
    id: int
    name: str
    path: Path
    config: dict[str, Any]
    summary: dict[str, Any]
    created_at: str


def _run_name(project: Project, wanted: str | None) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", wanted or time.strftime("run-%Y%m%d-%H%M%S")).strip("-.") or "run"
    name, n = base, 1
    with project.connect() as conn:
        while conn.execute("SELECT 1 FROM runs WHERE name = ?", (name,)).fetchone():
            n += 1
            name = f"{base}-{n}"
    return name


def preview_mixture(project: Project, config: TrainConfig) -> dict[str, Any]:
    """The mixture a run would train on (tokens per kind and document), without creating the run."""
    from smt_gui.train.base_model import resolve_base_model
    from smt_gui.train.mixture import build_mixture

    base_dir = resolve_base_model(config.base_model)
    from transformers import AutoTokenizer

    return build_mixture(project, config.mixture, AutoTokenizer.from_pretrained(base_dir),
                         _self_answers(config, base_dir)).summary


def _self_answers(config: TrainConfig, base_dir: Path) -> list[tuple[str, str]] | None:
    """The base model's own answers to the self-replay prompts when the recipe replays them (made once, cached)."""
    if not config.mixture.replays_self:
        return None
    from smt_gui.train.self_replay import self_answers

    return self_answers(base_dir)


def finished_runs(project: Project) -> list[Run]:
    """Runs with a saved adapter or model, newest first: what the tuned arms, Chat and Evaluate can use."""
    return [r for r in list_runs(project) if output_dir(r).exists()]


def prepare_run(project: Project, config: TrainConfig) -> Run:
    """Build and save the exact training data and config in ``runs/NAME`` and record the run (one at a time)."""
    from smt_gui.jobs import refuse_if_busy

    refuse_if_busy(project, JOB_KIND, "Training")  # the same one-at-a-time rule as generation and evaluation
    from datasets import Dataset
    from datasets.utils.logging import disable_progress_bar
    from transformers import AutoTokenizer

    from smt_gui.train.base_model import resolve_base_model
    from smt_gui.train.mixture import build_mixture

    config.validate()
    base_dir = resolve_base_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    mixture = build_mixture(project, config.mixture, tokenizer, _self_answers(config, base_dir))
    name = _run_name(project, config.name)
    run_dir = project.subdir("runs") / name
    run_dir.mkdir(parents=True, exist_ok=True)
    config.name = name
    (run_dir / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
    summary = {**mixture.summary, "base_model_dir": str(base_dir)}
    (run_dir / "mixture.json").write_text(json.dumps(summary, indent=2))
    disable_progress_bar()
    Dataset.from_list(mixture.examples).save_to_disk(str(run_dir / "data"))
    return _record_run(project, config, summary, run_dir)


def _record_run(project: Project, config: TrainConfig, summary: dict[str, Any], run_dir: Path) -> Run:
    """The run's row in the project database: what lists it in the Train, Chat and Evaluate tabs."""
    now = utc_now()
    with project.connect() as conn:
        cursor = conn.execute(
            "INSERT INTO runs(name, kind, config, dataset, path, created_at, updated_at) "
            "VALUES (?, 'train', ?, ?, ?, ?, ?)",
            (config.name, json.dumps(config.to_dict()), json.dumps(summary), str(run_dir.relative_to(project.root)),
             now, now),
        )
    return get_run(project, int(cursor.lastrowid))


def worker_command(run: Run, resume: bool = False, nproc: int = 1) -> list[str]:
    """The exact command the app runs (shown in the Train tab; copy it to run elsewhere)."""
    if nproc > 1:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(nproc), "-m",
               "smt_gui.train.worker", "--run-dir", str(run.path)]
    else:
        cmd = [sys.executable, "-m", "smt_gui.train.worker", "--run-dir", str(run.path)]
    return cmd + (["--resume"] if resume else [])


def run_job(project: Project, run_name: str) -> dict[str, Any] | None:
    """The training job (in the ``jobs`` table, like generation and evaluation) that last ran ``run_name``."""
    with project.connect() as conn:
        row = conn.execute("SELECT id FROM jobs WHERE kind = ? AND json_extract(config, '$.run') = ? "
                           "ORDER BY id DESC LIMIT 1", (JOB_KIND, run_name)).fetchone()
    return get_job(project, row["id"]) if row else None


def launch(project: Project, run: Run, resume: bool = False, nproc: int = 1) -> subprocess.Popen:
    """Start the worker in its own process group as a training job; output goes to ``train.log`` in the run folder.

    The job row is created here (or reused on resume) and marked running with the worker's pid, so a worker that
    dies is "interrupted" by the same rule as any job; the worker itself reports progress and how it ended.
    """
    if resume and not last_checkpoint_step(run):
        resume = False  # killed before the first checkpoint: start over, nothing to lose
    job = run_job(project, run.name)
    job_id = job["id"] if job and resume else create_job(project, JOB_KIND, {"run": run.name, "nproc": nproc})
    log = (run.path / "train.log").open("a")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1",
           "SMT_JOB_ID": str(job_id)}
    proc = subprocess.Popen(worker_command(run, resume, nproc), stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True, cwd=str(project.root))
    # the process group is what Cancel signals (``jobs.cancel_job``): torchrun's ranks too
    update_job(project, job_id, status="running", pid=proc.pid, pgid=proc.pid, resumed=resume)
    return proc


def run_state(run: Run) -> dict[str, Any]:
    """The run's status and progress: its training job's, the one record of it ("interrupted" when the worker died
    without saying so). A run prepared but never started has no job yet: "prepared"."""
    job = run_job(Project(run.path.parent.parent), run.name)
    if job is None:
        return {"status": "prepared"}
    return {**job["progress"], "status": job["status"], "error": job.get("error") or job["progress"].get("error"),
            "job_id": job["id"]}


def cancel(run: Run) -> bool:
    """Ask the run's worker to checkpoint and stop: the one cancel of every job (``jobs.cancel_job``)."""
    project = Project(run.path.parent.parent)
    job = run_job(project, run.name)
    return bool(job) and cancel_job(project, job["id"])


def _to_run(row) -> Run:
    return Run(id=row["id"], name=row["name"], path=Path(row["root"]) / row["path"],
               config=json.loads(row["config"]), summary=json.loads(row["dataset"]), created_at=row["created_at"])


def get_run(project: Project, run_id: int | str) -> Run:
    column = "id" if isinstance(run_id, int) or str(run_id).isdigit() else "name"
    with project.connect() as conn:
        row = conn.execute(f"SELECT *, ? AS root FROM runs WHERE {column} = ?", (str(project.root), run_id)).fetchone()
    if row is None:
        raise KeyError(f"No training run {run_id!r} in this project.")
    return _to_run(row)


def list_runs(project: Project) -> list[Run]:
    with project.connect() as conn:
        rows = conn.execute("SELECT *, ? AS root FROM runs WHERE kind = 'train' ORDER BY id DESC",
                            (str(project.root),)).fetchall()
    return [_to_run(r) for r in rows]


def last_checkpoint_step(run: Run) -> int:
    """Step of the newest complete checkpoint (0 when none): where a resume continues from."""
    found = last_complete(run.path / "checkpoints")
    return found[0] if found else 0


def run_metrics(run: Run) -> list[dict[str, Any]]:
    return read_metrics(run.path)


def wait(proc: subprocess.Popen, run: Run, echo: bool = False, poll_s: float = 1.0) -> int:
    """Wait for the worker, optionally printing new metric lines (the CLI's live view)."""
    seen = 0
    while proc.poll() is None:
        time.sleep(poll_s)
        if echo:
            rows = read_metrics(run.path)
            for r in rows[seen:]:
                print(f"step {r['step']}/{r['max_steps']} loss {r['loss']:.4f} lr {r['learning_rate']:.2e} "
                      f"{r['tokens_per_s']} tok/s eta {r['eta_s']} s"
                      + (f" (waited {r['waited_s']:.0f} s for the cores)" if r.get("waited_s", 0) >= 1 else ""),
                      flush=True)
            seen = len(rows)
    return proc.returncode


def output_dir(run: Run) -> Path:
    return run.path / ("model" if run.config.get("method") == "full" else "adapter")


def merge(project: Project, run: Run) -> Path:
    """Merge a LoRA/QLoRA adapter into its base and save a full HF model in the run folder (``merged/``)."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter = output_dir(run)
    if not adapter.exists():
        raise ValueError(f"Run {run.name} has no trained output yet.")
    if run.config.get("method") == "full":
        return adapter  # already a full model
    base_dir = Path(run.summary["base_model_dir"])
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)  # full precision even for QLoRA
    merged = PeftModel.from_pretrained(base, adapter).merge_and_unload()
    target = run.path / "merged"
    shutil.rmtree(target, ignore_errors=True)
    merged.save_pretrained(target)
    AutoTokenizer.from_pretrained(base_dir).save_pretrained(target)
    return target


def blend_run(project: Project, run: Run, tolerance: float | None = None) -> Run:
    """A new run ``NAME-blend``: ``run``'s weights blended back toward the base model (``train.blend``), chosen on
    the validation QAs ``run`` kept out of training. The trained run stays as it was, so both can be evaluated and
    compared (the Evaluate tab's gained-vs-kept plot). A run that trained on every QA has none to choose on."""
    from smt_gui.train.blend import blend
    from smt_gui.train.probe import load_for_inference

    validation = run.summary.get("validation_qas") or []
    if not validation:
        raise ValueError(f"Run {run.name} trained on every accepted QA: there are no validation QAs to choose the "
                         "blend on. Train with 'Blend back toward the base model' (smt train --blend-with-base).")
    if not output_dir(run).exists():
        raise ValueError(f"Run {run.name} has no saved model yet.")
    if (run.path / "blend.json").exists():  # a blend of a blend would move back twice
        raise ValueError(f"Run {run.name} is already blended with the base model; blend the run it was trained as.")
    config = TrainConfig.from_dict(run.config)
    tolerance = config.blend_tolerance if tolerance is None else tolerance
    config.blend_with_base, config.blend_tolerance = True, tolerance
    config.name = _run_name(project, f"{run.name}-blend")
    target = project.subdir("runs") / config.name
    target.mkdir(parents=True)
    base_dir = Path(run.summary["base_model_dir"])
    model, tokenizer = load_for_inference(base_dir, output_dir(run))
    chosen = blend(model, tokenizer, base_dir, validation, tolerance)
    out = target / output_dir(run).name
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (target / "blend.json").write_text(json.dumps(chosen, indent=2))
    (target / "config.json").write_text(json.dumps(config.to_dict(), indent=2))
    shutil.copy(run.path / "mixture.json", target / "mixture.json")
    blended = _record_run(project, config, run.summary, target)
    job_id = create_job(project, JOB_KIND, {"run": config.name, "blended_from": run.name})
    update_job(project, job_id, status="done", blend_weight=chosen["weight"], blended_from=run.name)
    return blended
