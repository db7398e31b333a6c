"""Train tab: choose the mixture and method, preview the token mix, launch the worker, watch the loss live."""

from __future__ import annotations

import html
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import gradio as gr
import pandas as pd

from smt_gui import services
from smt_gui.configflags import scalar_fields, typed_values
from smt_gui.jobs import ACTIVE
from smt_gui.llm.bundled import ModelNotFoundError
from smt_gui.sample import DEFAULT_SETTINGS
from smt_gui.train import runner
from smt_gui.train.advice import learning_advice
from smt_gui.train.blend import describe as describe_blend
from smt_gui.train.blend import read_choice
from smt_gui.train.config import TrainConfig, estimate_lora_params, estimate_memory_gb
from smt_gui.train.mixture import MixtureConfig
from smt_gui.ui import export
from smt_gui.ui.common import guard, named_values, require_project, setting_widget
from smt_gui.ui.plots import loss_chart, mixture_chart

METHOD_LABELS = {"Full fine-tuning": "full", "LoRA": "lora", "QLoRA (4-bit base)": "qlora"}
TO_UI = {"method": lambda code: next(label for label, c in METHOD_LABELS.items() if c == code)}
TRAIN, MIXTURE = TrainConfig(), MixtureConfig()
MIXTURE_FIELDS = {item.name for item in fields(MixtureConfig)} - {"seed"}  # the run's seed is TrainConfig's
RUN_COLUMNS = ["run", "status", "method", "steps", "final loss", "tokens", "created"]


@dataclass
class TrainTab:
    refresh: Callable[[str | None], tuple]
    refresh_outputs: list
    defaults: dict  # setting name -> component, filled by "Try the sample"


@lru_cache(maxsize=8)
def _param_count(base_model: str) -> int:
    """Parameters of a model (cached: the estimate is redrawn whenever a setting changes)."""
    from smt_gui.train.base_model import parameter_count

    return parameter_count(base_model or None)


def memory_note(base_model: str, method_label: str, lora_r: float) -> str:
    try:
        n = _param_count(base_model or "")
    except (ModelNotFoundError, OSError, ValueError) as exc:
        return f"⚠ {exc}"
    import torch

    cuda = torch.cuda.is_available()
    lora_params = estimate_lora_params(n, int(lora_r or TRAIN.lora_r))
    rows = [f"| {label} | {estimate_memory_gb(n, m, lora_params, cuda):.2f} GB |" for label, m in METHOD_LABELS.items()]
    device = "CUDA GPU (bf16)" if cuda else "CPU (float32; QLoRA runs, slowly)"
    return (f"Model: **{n / 1e6:.0f}M parameters** on {device}. Weights + gradients + optimizer, before activations:\n\n"
            "| method | memory |\n|---|---|\n" + "\n".join(rows) +
            "\n\nThe paper trains all weights (full); LoRA/QLoRA save memory and are said to learn less.")


def config_from(values: dict[str, Any]) -> TrainConfig:
    """The run's config from the tab's ``{field: value}``: TrainConfig's fields and its mixture's side by side (their
    names do not overlap; the run's seed is the mixture's), the method by its label."""
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    if values.get("method") in METHOD_LABELS:
        values["method"] = METHOD_LABELS[values["method"]]
    mixture = {k: values.pop(k) for k in list(values) if k in MIXTURE_FIELDS}
    return TrainConfig(**typed_values(TrainConfig, values),
                       mixture=MixtureConfig(**typed_values(MixtureConfig, mixture))).validate()


def preview(project_path: str | None, values: dict[str, Any]) -> tuple:
    project = require_project(project_path)
    try:
        config = config_from(values)
        summary = runner.preview_mixture(project, config)
    except (ValueError, ModelNotFoundError) as exc:
        raise gr.Error(str(exc)) from exc
    command = f"smt train {shlex.quote(str(project.root))} --config run.json   # run.json = {json.dumps(config.to_dict())}"
    advice = learning_advice(project, config, summary).text().replace("\n", "\n\n")
    text = (f"**{summary['tokens_total']:,} tokens** in {summary['examples']} training sequences · repeats: QA ×"
            f"{summary['repeats']['qa']}, documents ×{summary['repeats']['documents']}\n\n{advice}\n\n"
            f"Same run from a shell:\n```\n{command}\n```")
    return mixture_chart(summary), text


def mixture_note(project_path: str | None) -> str:
    """What the mixture chart says before a preview: the accepted samples waiting, or that there are none."""
    if not project_path:
        return "Nothing to train on yet"
    from smt_gui.curate.store import status_counts

    rows = [r for r in status_counts(require_project(project_path)) if r["status"] == "accepted"]
    n, tokens = sum(r["n"] for r in rows), sum(r["tokens"] or 0 for r in rows)
    if not n:
        return "Nothing to train on yet: accept samples in the Curate tab"
    return f"{n:,} accepted sample{'s' * (n != 1)} ({tokens:,} tokens): press Preview mixture to see the mix"


def _round(value: object) -> object:
    return f"{value:.4f}" if isinstance(value, float) else ("" if value is None else value)


def _runs_frame(project) -> pd.DataFrame:
    rows = []
    for run in runner.list_runs(project)[:30]:
        state = runner.run_state(run)
        rows.append([run.name, state.get("status"), run.config.get("method"), state.get("step", ""),
                     _round(state.get("last_loss")), run.summary.get("tokens_total", ""), run.created_at])
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


def _status_html(run: runner.Run | None) -> str:
    if run is None:
        return "<div id='train-status'>No training run yet.</div>"
    state = runner.run_state(run)
    metrics = runner.run_metrics(run)
    last = metrics[-1] if metrics else {}
    step, max_steps = last.get("step", state.get("step", 0)), last.get("max_steps") or "?"
    eta = f" · ETA {last['eta_s']:.0f} s" if state.get("status") == "running" and last.get("eta_s") else ""
    error = f"<div style='color:#c0392b'>{state['error']}</div>" if state.get("error") else ""
    loss = f" · loss {last['loss']:.4f}" if "loss" in last else ""
    rate = f" · {last['tokens_per_s']} tokens/s" if last.get("tokens_per_s") else ""
    if last.get("waited_s", 0) >= 1:  # its speed counts its own steps; the queue behind other work is shown apart
        rate += f" · waited {last['waited_s']:.0f} s for the cores (generation, Chat)"
    choice = read_choice(run.path)
    blended = f"<div>{html.escape(describe_blend(choice))}</div>" if choice else ""
    return (f"<div id='train-status'><b>{run.name}: {state.get('status')}</b> — step {step}/{max_steps}{loss}{rate}{eta}"
            f"{error}{blended}</div>")


def poll(project_path: str | None, run_name: str | None) -> tuple:
    services.reap_training()
    if not project_path:
        return _status_html(None), loss_chart([]), pd.DataFrame(columns=RUN_COLUMNS), gr.Timer(active=False)
    project = require_project(project_path)
    runs = runner.list_runs(project)
    run = next((r for r in runs if r.name == run_name), runs[0] if runs else None)
    active = bool(run and runner.run_state(run).get("status") in ACTIVE)
    return (_status_html(run), loss_chart(runner.run_metrics(run) if run else []), _runs_frame(project),
            gr.Timer(active=active))


def start(project_path: str | None, values: dict[str, Any]) -> tuple:
    project = require_project(project_path)
    try:
        run = runner.prepare_run(project, config_from(values))  # refuses (JobBusy) while another run trains
    except (ValueError, ModelNotFoundError) as exc:
        raise gr.Error(str(exc)) from exc
    services.start_training(project, run)
    return (run.name, *poll(project_path, run.name))


def preview_and_start(project_path: str | None, values: dict[str, Any]) -> tuple:
    """Show the exact mixture (and the learning advice), then launch the worker: one click, one message on error."""
    return (*preview(project_path, values), *start(project_path, values))


def cancel(project_path: str | None, run_name: str | None) -> tuple:
    project = require_project(project_path)
    runs = runner.list_runs(project)
    run = next((r for r in runs if r.name == run_name), runs[0] if runs else None)
    if run is None or not runner.cancel(run):
        raise gr.Error("No training run is active.")
    gr.Info("Stopping after this step; a checkpoint is saved so Resume continues from here.")
    return poll(project_path, run.name)


def resume(project_path: str | None, run_name: str | None) -> tuple:
    project = require_project(project_path)
    runs = runner.list_runs(project)
    run = next((r for r in runs if r.name == run_name), runs[0] if runs else None)
    if run is None or runner.run_state(run).get("status") not in ("cancelled", "interrupted", "failed"):
        raise gr.Error("Select a cancelled, interrupted or failed run to resume.")
    services.start_training(project, run, resume=True)
    return poll(project_path, run.name)


def select_run(project_path: str | None, frame: pd.DataFrame, event: gr.SelectData) -> tuple:
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    name = str(frame.iloc[row]["run"])
    return (name, *poll(project_path, name))


# Widgets the layout places, by field; every other field of TrainConfig's or MixtureConfig's schema appears under
# "More settings" without further code. Element ids the browser tests find.
ELEM_IDS = {"seq_len": "train-seq", "include_originals": "train-originals", "epochs": "train-epochs",
            "max_steps": "train-steps", "learning_rate": "train-lr", "batch_size": "train-batch",
            "save_steps": "train-save"}
PLACED = [["qa_share", "replay_share", "self_replay_share"], ["token_budget", "seq_len", "seed"],
          ["include_originals", "answer_only_loss", "replay_path"],
          ["blend_with_base", "blend_validation_share", "blend_tolerance"]]
PLACED_RUN = ["epochs", "max_steps", "learning_rate", "batch_size", "grad_accum", "lora_r", "save_steps", "name"]


def _widget(name: str, **overrides: Any) -> gr.Component:
    config = MIXTURE if name in MIXTURE_FIELDS else TRAIN
    return setting_widget(config, name, elem_id=ELEM_IDS.get(name, f"train-{name.replace('_', '-')}"), **overrides)


def build(project_state: gr.State) -> TrainTab:
    current = gr.State(None)
    settings: dict[str, gr.Component] = {}
    with gr.Row():
        with gr.Column(scale=2):
            settings["base_model"] = _widget("base_model", placeholder="empty = bundled SmolLM2-135M · a .gguf · an "
                                                                       "HF folder")
            settings["method"] = gr.Radio(list(METHOD_LABELS), value=TO_UI["method"](TRAIN.method), label="Method",
                                          info="full learns new facts best (measured); LoRA/QLoRA save memory",
                                          elem_id="train-method")
            memory = gr.Markdown()
        with gr.Column(scale=3):
            for row in PLACED:
                with gr.Row():
                    for name in row:
                        settings[name] = _widget(name, **({"scale": 2} if name == "replay_path" else {}))
    with gr.Row():
        for name in PLACED_RUN:
            settings[name] = _widget(name)
    placed = {"base_model", "method", *PLACED_RUN, *(name for row in PLACED for name in row)}
    more = [item.name for cls in (TrainConfig, MixtureConfig) for item in scalar_fields(cls, "ui")
            if item.name not in placed]
    if more:
        with gr.Accordion("More settings", open=False), gr.Row():
            for name in more:
                settings[name] = _widget(name)
    with gr.Row():
        preview_btn = gr.Button("Preview mixture")
        start_btn = gr.Button("Start training", variant="primary", elem_id="train-start")
        cancel_btn = gr.Button("Cancel", variant="stop")
        resume_btn = gr.Button("Resume", elem_id="train-resume")
    with gr.Row():
        mix_plot = gr.Plot(label="Training mixture", elem_id="train-mix")
        mix_text = gr.Markdown(elem_id="train-advice")
    status = gr.HTML(_status_html(None))
    loss_plot = gr.Plot(label="Loss", elem_id="train-loss")
    runs = gr.Dataframe(headers=RUN_COLUMNS, interactive=False, label="Runs (click to view)", elem_id="train-runs")
    export_out = export.build(project_state, current)
    timer = gr.Timer(2.0, active=False)

    view = [status, loss_plot, runs, timer]
    estimate = [settings["base_model"], settings["method"], settings["lora_r"]]
    for control in estimate:
        control.change(memory_note, estimate, memory)
    inputs = {project_state, *settings.values()}

    def by_name(handler: Callable) -> Callable:
        return lambda data: handler(data[project_state], named_values(data, settings))

    preview_btn.click(guard(by_name(preview), [mix_plot, mix_text]), inputs, [mix_plot, mix_text])
    started = [mix_plot, mix_text, current, *view]
    start_btn.click(guard(by_name(preview_and_start), started), inputs, started)
    cancel_btn.click(guard(cancel, view), [project_state, current], view)
    resume_btn.click(guard(resume, view), [project_state, current], view)
    runs.select(select_run, [project_state, runs], [current, *view])
    timer.tick(poll, [project_state, current], view)

    def refresh(project_path: str | None) -> tuple:
        """The open project's newest run; the previous project's mixture preview, command and export line are
        cleared, and the empty chart says whether there is anything to preview."""
        return (None, memory_note("", TO_UI["method"](TRAIN.method), TRAIN.lora_r),
                mixture_chart({}, mixture_note(project_path)), "", "", *poll(project_path, None))

    return TrainTab(refresh=refresh, refresh_outputs=[current, memory, mix_plot, mix_text, export_out, *view],
                    defaults={name: settings[name] for name in DEFAULT_SETTINGS["train"]})
