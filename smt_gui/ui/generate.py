"""Generate tab: pick a backend and counts, start/cancel/resume the generation job, watch samples arrive."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from smt_gui import generate as gen
from smt_gui.configflags import scalar_fields, typed_values
from smt_gui.coverage import uncovered_spans
from smt_gui.documents import list_documents
from smt_gui.generate.job import GenerateConfig
from smt_gui.generate.kinds import sampling_defaults
from smt_gui.jobs import cancel_job, latest_job
from smt_gui.llm import KINDS as BACKEND_KINDS
from smt_gui.llm import BackendConfig, BackendError, GenerationRequest, get_backend
from smt_gui.ui.common import guard, named_values, progress_bar, require_project, setting_widget
from smt_gui.ui.plots import synthetic_tokens_chart

WEAK_MODEL_NOTE = (
    "ℹ️ **Fact windows** (the default) keep even the bundled 135M generator right: it is asked for a question about "
    "one sentence and one of its answers; the answer attached is the one the question asks for (of the kind its "
    "question word takes), checked, never another span of the sentence, and a rewrite must keep every name, number, "
    "noun, negation and \"only\" of its source. Anything else is retried, then shown under *Failed items* with the "
    "reason. A small model's questions rarely pass, so most questions are then built from the sentence's own "
    "syntax (\"In which year did the fleet switch to electric ferries?\"); sentences no question can safely be built "
    "for get none. A stronger model (any local GGUF, or an OpenAI-compatible endpoint such as vLLM or Ollama) writes "
    "more of the questions and rewrites itself."
)
STRATEGIES = {"Fact windows: a few sentences at a time, answers from the source (any generator)": "window",
              "Whole chunks: N QAs per chunk in one answer (strong generators)": "chunk"}
KIND_LABELS = {"Synthetic QAs": "qa", "Focal rewrites (conditioned on questions)": "focal_rewrite",
               "Plain rewrites (baseline)": "rewrite"}
DETAIL_EVERY_S = 5.0
GEN, BACKEND = GenerateConfig(), BackendConfig()  # every default shown here is theirs (smt generate uses them too)
PREVIEW_COLUMNS = ["id", "kind", "document", "question", "answer / rewrite", "tokens"]
FAILURE_COLUMNS = ["unit", "made / asked", "tries", "why", "raw output"]


@dataclass
class GenerateTab:
    refresh_outputs: list
    defaults: dict  # setting name -> component, filled by "Try the sample"


def backend_from(values: dict[str, Any]) -> BackendConfig:
    """The backend the tab's widgets describe (``{field: value}``; ``kind`` is the radio's label)."""
    values = dict(values)
    label = values.pop("kind", None)
    kind = next((k for k, text in BACKEND_KINDS.items() if text == label), BACKEND.kind)
    typed = typed_values(BackendConfig, {k: v.strip() if isinstance(v, str) and k != "api_key" else v
                                         for k, v in values.items()})
    return BackendConfig(**{**typed, "kind": kind})


def test_backend(values: dict[str, Any]) -> str:
    config = backend_from(values)
    try:
        backend = get_backend(config)
        reply = backend.complete(GenerationRequest(messages=[{"role": "user", "content": "Say hello."}],
                                                   max_tokens=16, temperature=0.0))
    except BackendError as exc:
        return f"✗ {exc}"
    rate = reply.completion_tokens / reply.seconds if reply.seconds else 0
    return f"✓ {backend.model_name} answered in {reply.seconds:.2f} s ({rate:.0f} tokens/s): “{reply.text.strip()[:80]}”"


def _progress_html(job: dict | None) -> str:
    if job is None:
        return "<div id='gen-status'>No generation job yet.</div>"
    p = job["progress"]
    total, done = p.get("phase_total", 0), p.get("phase_done", 0)
    running = job["status"] in ("queued", "running")
    eta = f" · ETA ~{p['eta_s']:.0f} s for this phase" if running and p.get("eta_s") else ""
    waited = (f" · waited {p['waited_s']:.0f} s for the cores (other work: training, Chat)"
              if p.get("waited_s", 0) >= 1 else "")
    result = p.get("result") or {}
    reason = f" ({result['stop_reason']})" if result.get("stop_reason") else ""
    error = f"<div style='color:#c0392b'>{job['error']}</div>" if job.get("error") else ""
    requested, made = p.get("requested", 0), p.get("made", 0)
    shortfall = ""
    if requested:
        shortfall = (f" · <b>made {made} of {requested} asked</b> ({made / requested:.0%}); "
                     f"{p.get('short_units', 0)} unit(s) short, {p.get('failed', 0)} failed")
        if p.get("template_questions"):
            shortfall += f", {p['template_questions']} question(s) built from the sentence"
        if p.get("template_rewrites"):
            shortfall += f", {p['template_rewrites']} rewrite(s) made by code (clause split or phrase moved)"
        if p.get("copied_sentences"):
            shortfall += (f", {p['copied_sentences']} focal sentence(s) kept as written (the model only changed small "
                          "words)")
    live = ""
    if p.get("live_text"):  # kept after the job ends: a 2-unit job can finish between two ticks
        live = (f"<div style='color:#666;font-size:90%'>last answer ({p.get('live_unit', '')}): "
                f"<i>{html.escape(p['live_text'][-200:])}</i></div>")
    return (
        f"<div id='gen-status'><b>Job {job['id']}: {job['status']}{reason}</b> — phase <code>{p.get('phase', '-')}</code> "
        f"{done}/{total} units · {p.get('samples', 0)} samples{shortfall} · "
        f"{p.get('tokens', 0):,} tokens · {p.get('tokens_per_s', 0)} tokens/s{waited}{eta}"
        f"{progress_bar(done, total, job['status'] == 'done')}{live}{error}</div>"
    )


def _preview(project) -> pd.DataFrame:
    rows = [[s["id"], s["kind"], s["title"], s["question"] or "", (s["answer"] or s["text"] or "")[:300], s["n_tokens"]]
            for s in gen.newest_samples(project, 10)]
    return pd.DataFrame(rows, columns=PREVIEW_COLUMNS)


def _failures(project) -> pd.DataFrame:
    rows = [[f["unit_key"], f"{f['n_samples']} / {f['n_requested']}", f["attempts"], f["error"], (f["raw"] or "")[:400]]
            for f in gen.failures(project, 30)]
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


def poll(project_path: str | None, shown_at: float | None = None) -> tuple:
    """Status, preview, chart and failures; keeps the timer on only while a job is running.

    While a job runs, the status line updates every tick (2 s) but the table, chart and failures only every
    ``DETAIL_EVERY_S`` (``shown_at``: when they were last sent). The browser's redraws compete with the llama.cpp
    job for the same 2 cores: the sample's generation took 184 s with everything redrawn every second, 135 s
    like this (benchmarks/README.md).
    """
    if not project_path:
        empty = pd.DataFrame(columns=PREVIEW_COLUMNS)
        return (_progress_html(None), empty, synthetic_tokens_chart([]), pd.DataFrame(columns=FAILURE_COLUMNS),
                gr.Timer(active=False), None)
    project = require_project(project_path)
    job = latest_job(project, "generate")
    running = bool(job and job["status"] in ("queued", "running"))
    now = time.monotonic()
    if running and shown_at is not None and now - shown_at < DETAIL_EVERY_S:
        return _progress_html(job), gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=True), shown_at
    return (_progress_html(job), _preview(project), synthetic_tokens_chart(gen.sample_stats(project)),
            _failures(project), gr.Timer(active=running), now)


def refresh(project_path: str | None) -> tuple:
    """Document choices and the project's saved backend, then the job view."""
    if not project_path:
        return (gr.update(choices=[], value=[]), *poll(project_path))
    project = require_project(project_path)
    choices = [(f"{d.id}: {d.title}", d.id) for d in list_documents(project)]
    return (gr.update(choices=choices, value=[]), *poll(project_path))


def start(values: dict[str, Any]) -> tuple:
    """Start a generation job from the tab's values: ``{GenerateConfig field: value}``, ``backend`` (the
    backend's ``{field: value}``) and the widgets that are not one field (kinds, documents, strategy, fallback,
    uncovered, questions). A slider left at the prompt file's sampling sends None, so the prompt's recipe applies
    (as from ``smt generate``) and a later change to the prompt file is used."""
    values = dict(values)
    project_path = values.pop("project")
    project = require_project(project_path)
    if not list_documents(project):
        raise gr.Error("Add documents in the Documents tab first.")
    kinds = values.pop("kinds") or []
    if not kinds:
        raise gr.Error("Choose at least one kind of sample to generate.")
    docs = [int(d) for d in values.pop("docs") or []]
    strategy = STRATEGIES.get(values.pop("strategy"), GEN.strategy)
    fallback, uncovered = bool(values.pop("fallback")), values.pop("uncovered")
    questions = [q for q in (values.pop("questions") or "").splitlines() if q.strip()]
    backend = backend_from(values.pop("backend"))
    recipe = sampling_defaults(strategy)
    for name, default in recipe.items():
        if values.get(name) is not None and abs(float(values[name]) - default) < 1e-9:
            values[name] = None
    spans = None
    if uncovered:
        spans = uncovered_spans(project, docs or None)
        if not spans:
            raise gr.Error("Every fact-bearing sentence is already covered by an accepted sample.")
    try:
        config = GenerateConfig(
            **typed_values(GenerateConfig, values), backend=backend, kinds=[KIND_LABELS[k] for k in kinds],
            document_ids=docs or None, strategy=strategy, fallback_questions=fallback, fallback_rewrites=fallback,
            only_spans=spans, user_questions=questions,
        ).validate()
        gen.start_generation(project, config)  # refuses (JobBusy) while another generation job runs
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    project.set_setting("generator_backend", config.backend.public())
    return poll(project_path)


def cancel(project_path: str | None) -> tuple:
    project = require_project(project_path)
    job = latest_job(project, "generate")
    if not job or not cancel_job(project, job["id"]):
        raise gr.Error("No generation job is running in this app.")
    gr.Info("Cancelling after the current item; press Resume to continue later.")
    return poll(project_path)


def resume(project_path: str | None) -> tuple:
    project = require_project(project_path)
    job = latest_job(project, "generate")
    if not job:
        raise gr.Error("There is no generation job to resume.")
    if job["status"] not in ("cancelled", "interrupted", "failed"):
        raise gr.Error(f"Generation job {job['id']} is {job['status']}: only a cancelled, interrupted or failed job "
                       "can be resumed (start a new round with another seed instead).")
    try:
        gen.resume_generation(project, job["id"])
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    return poll(project_path)


# Fields the tab places itself (a widget of its own, or one widget for two fields); any other field of
# GenerateConfig's schema appears under "More settings" without further code.
PLACED = {"strategy", "window_sentences", "qa_per_window", "qa_per_chunk", "focal_questions_per_source",
          "focal_per_question", "rewrites_per_source", "max_chunks", "fallback_questions", "fallback_rewrites",
          "seed", "token_budget"}
ELEM_IDS = {"window_sentences": "gen-window", "qa_per_window": "gen-qa-window", "qa_per_chunk": "gen-qa-n",
            "focal_questions_per_source": "gen-focal-q", "focal_per_question": "gen-focal-n",
            "rewrites_per_source": "gen-rewrite-n", "max_chunks": "gen-max-chunks", "seed": "gen-seed",
            "token_budget": "gen-budget"}


def build(project_state: gr.State) -> GenerateTab:
    gr.Markdown(WEAK_MODEL_NOTE, elem_id="gen-note")
    settings: dict[str, gr.Component] = {}  # GenerateConfig field -> its widget
    with gr.Accordion("Generator backend", open=False):
        with gr.Row():
            backend = {"kind": gr.Radio(list(BACKEND_KINDS.values()), value=BACKEND_KINDS[BACKEND.kind],
                                        label="Backend", elem_id="gen-backend"),
                       "model": setting_widget(BACKEND, "model", elem_id="gen-model",
                                               placeholder="empty = bundled SmolLM2-135M · a .gguf path · an HF "
                                                           "folder · the served model name")}
        with gr.Row():
            backend["base_url"] = setting_widget(BACKEND, "base_url", placeholder="http://127.0.0.1:8000/v1",
                                                 elem_id="gen-base-url")
            backend["api_key"] = setting_widget(BACKEND, "api_key", type="password")
            backend["concurrency"] = setting_widget(BACKEND, "concurrency", elem_id="gen-concurrency")
            backend["timeout_s"] = setting_widget(BACKEND, "timeout_s", elem_id="gen-timeout")
        with gr.Row():
            test_btn = gr.Button("Test backend", size="sm", elem_id="gen-test")
            test_out = gr.Markdown(elem_id="gen-test-out")
    with gr.Row():
        kinds = gr.CheckboxGroup(list(KIND_LABELS), value=[label for label, kind in KIND_LABELS.items() if kind in GEN.kinds],
                                label="Generate", elem_id="gen-kinds")
        docs = gr.Dropdown(choices=[], multiselect=True, label="Documents (empty = all)", elem_id="gen-docs")
    with gr.Row():
        strategy = gr.Radio(list(STRATEGIES), value=next(label for label, name in STRATEGIES.items() if name == GEN.strategy),
                            label="Work from", elem_id="gen-strategy")
        uncovered = gr.Checkbox(label="Only sentences no accepted sample covers yet", elem_id="gen-uncovered")
        fallback = gr.Checkbox(value=GEN.fallback_questions and GEN.fallback_rewrites, elem_id="gen-fallback",
                               label="Build a question from the sentence (or, for a rewrite, split off a "
                                     "'who'/'which' clause or move a time phrase) when the model's tries fail")
    with gr.Row():
        for name in ("window_sentences", "qa_per_window", "qa_per_chunk", "focal_questions_per_source",
                     "focal_per_question", "rewrites_per_source", "max_chunks"):
            settings[name] = setting_widget(GEN, name, elem_id=ELEM_IDS[name])
    with gr.Row():
        recipe = sampling_defaults(GEN.strategy)
        sampling = {
            "qa_temperature": gr.Slider(0, 2, value=recipe["qa_temperature"], step=0.05, label="QA temperature",
                                        info="paper recipe: 1.0 (whole chunks); fact windows: 0.8"),
            "qa_top_p": gr.Slider(0.05, 1, value=recipe["qa_top_p"], step=0.05, label="QA top-p",
                                  info="paper recipe: 1.0"),
            "doc_temperature": gr.Slider(0, 2, value=recipe["doc_temperature"], step=0.05,
                                         label="Rewrite temperature", info="paper recipe: 0.7"),
            "doc_top_p": gr.Slider(0.05, 1, value=recipe["doc_top_p"], step=0.05, label="Rewrite top-p",
                                   info="paper recipe: 0.95"),
        }
    with gr.Row():
        settings["seed"] = setting_widget(GEN, "seed", elem_id=ELEM_IDS["seed"])
        settings["token_budget"] = setting_widget(GEN, "token_budget", elem_id=ELEM_IDS["token_budget"])
        questions = gr.Textbox(label="Your own questions to focus rewrites on (one per line, optional)", lines=2, scale=2)
    more = [item.name for item in scalar_fields(GenerateConfig, "ui") if item.name not in PLACED]
    if more:
        with gr.Accordion("More settings", open=False), gr.Row():
            for name in more:
                settings[name] = setting_widget(GEN, name, elem_id=f"gen-{name.replace('_', '-')}")
    with gr.Row():
        start_btn = gr.Button("Start", variant="primary", elem_id="gen-start")
        cancel_btn = gr.Button("Cancel", variant="stop", elem_id="gen-cancel")
        resume_btn = gr.Button("Resume", elem_id="gen-resume")
    status = gr.HTML(_progress_html(None))
    with gr.Row():
        with gr.Column(scale=3):
            preview = gr.Dataframe(headers=PREVIEW_COLUMNS, label="Newest samples", interactive=False, wrap=True,
                                   elem_id="gen-preview")
        with gr.Column(scale=2):
            chart = gr.Plot(label="Synthetic tokens", elem_id="gen-chart")
    with gr.Accordion("Failed items (kept with the model's raw output)", open=False):
        failed = gr.Dataframe(headers=FAILURE_COLUMNS, interactive=False, wrap=True)
    timer = gr.Timer(2.0, active=False)
    detail_shown_at = gr.State(None)

    view = [status, preview, chart, failed, timer, detail_shown_at]
    test_btn.click(lambda data: test_backend(named_values(data, backend)),
                   set(backend.values()), test_out)

    def recipe_sampling(label: str) -> tuple:
        chosen = sampling_defaults(STRATEGIES.get(label, GEN.strategy))
        return tuple(gr.update(value=chosen[name]) for name in sampling)

    strategy.change(recipe_sampling, strategy, list(sampling.values()))
    named = {"project": project_state, "kinds": kinds, "docs": docs, "strategy": strategy, "fallback": fallback,
             "uncovered": uncovered, "questions": questions, **settings, **sampling}

    def start_from(data: dict) -> tuple:
        return start({**named_values(data, named), "backend": named_values(data, backend)})

    start_btn.click(guard(start_from, view), {*named.values(), *backend.values()}, view)
    cancel_btn.click(guard(cancel, view), project_state, view)
    resume_btn.click(guard(resume, view), project_state, view)
    timer.tick(poll, [project_state, detail_shown_at], view)
    return GenerateTab(refresh_outputs=[docs, *view],
                       defaults={name: settings[name] for name in (
                           "max_chunks", "qa_per_window", "qa_per_chunk", "focal_questions_per_source",
                           "focal_per_question", "window_sentences")})
