"""The Train tab's "Use the tuned model" row: merge, GGUF + Ollama export, and serving a run over the OpenAI API."""

from __future__ import annotations

import html
from collections.abc import Iterator

import gradio as gr

from smt_gui import services
from smt_gui.export import GGUF_TYPES
from smt_gui.export.gguf import export_run
from smt_gui.serve import ServeConfig, pick_run
from smt_gui.train import runner
from smt_gui.ui.common import guard, require_project

ADAPTER_EXPORT = "LoRA adapter (f16) over the base GGUF"


def _run(project, run_name: str | None) -> runner.Run:
    """The selected run, else the newest finished one (``serve.pick_run``), as a one-message refusal in the UI."""
    try:
        return pick_run(project, run_name)
    except (KeyError, ValueError) as exc:
        raise gr.Error(str(exc)) from exc


def merge(project_path: str | None, run_name: str | None, gguf: str | None = None) -> str:
    """Merge the adapter into a full HF model, or (``gguf`` = a tensor type or ADAPTER_EXPORT) export GGUF."""
    project = require_project(project_path)
    run = _run(project, run_name)
    try:
        if gguf:
            adapter = gguf == ADAPTER_EXPORT
            return export_run(project, run, kind="f16" if adapter else gguf, adapter=adapter).describe()
        return f"Wrote `{runner.merge(project, run)}`"
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc


def serve(project_path: str | None, run_name: str | None, port: float) -> Iterator[str]:
    """Start ``smt serve`` for the run (stopping this project's previous server) and say where it answers."""
    project = require_project(project_path)
    run = _run(project, run_name)
    config = ServeConfig(run=run.name, port=int(port))
    yield f"Starting the server for run {run.name} (exports its GGUF first if needed)…"
    try:
        url = services.serve(project, run, config)
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    # temperature 0: the facts it learned, not a sample of the server's default temperature (which said "cello"
    # where greedy decoding said the right "mandolin"); the Modelfile sets the same.
    yield (f"Serving run **{run.name}** at `{url}` (model name `{run.name}`, only from this machine). Try "
           f"(temperature 0 for factual answers): <code>curl {url}/chat/completions -H 'Content-Type: "
           f"application/json' -d '{html.escape('{')}\"model\": \"{run.name}\", \"temperature\": 0, "
           f"\"messages\": [{{\"role\": \"user\", \"content\": \"Hello\"}}]{html.escape('}')}'</code>")


def stop(project_path: str | None) -> str:
    project = require_project(project_path)
    return "Server stopped." if services.stop_server(project) else "No server was running for this project."


def build(project_state: gr.State, current: gr.State) -> gr.Markdown:
    """The row's widgets; returns its result line, which the Train tab empties when another project opens."""
    with gr.Accordion("Use the tuned model: merge, export GGUF / Ollama, serve over the OpenAI API", open=False):
        with gr.Row():
            merge_btn = gr.Button("Merge adapter into a full model", size="sm")
            gguf_type = gr.Dropdown([*GGUF_TYPES, ADAPTER_EXPORT], value="q8_0", label="GGUF type", scale=0,
                                    min_width=220, elem_id="train-gguf-type")
            gguf_btn = gr.Button("Export GGUF + Ollama Modelfile", size="sm", elem_id="train-gguf")
        with gr.Row():
            port = gr.Number(ServeConfig().port, label="Port", precision=0, minimum=1024, maximum=65535, scale=0, min_width=120,
                             elem_id="train-serve-port")
            serve_btn = gr.Button("Serve (OpenAI-compatible)", size="sm", elem_id="train-serve")
            stop_btn = gr.Button("Stop serving", size="sm")
        out = gr.Markdown(elem_id="train-export-out")
    merge_btn.click(guard(merge, out), [project_state, current], out)
    gguf_btn.click(guard(merge, out), [project_state, current, gguf_type], out)
    serve_btn.click(guard(serve, out), [project_state, current, port], out)
    stop_btn.click(guard(stop, out), project_state, out)
    return out
