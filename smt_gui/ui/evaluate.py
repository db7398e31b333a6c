"""Evaluate tab: run arms on the eval set as a job, then read the table, the bar chart, the drill-down and the
scaling curve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from smt_gui.chat import ARMS, uses_adapter
from smt_gui.configflags import scalar_fields, typed_values
from smt_gui.documents import list_documents
from smt_gui.evaluate.arms import LETTERS, by_document, by_set, compare, summarise
from smt_gui.evaluate.general import describe
from smt_gui.evaluate.job import (
    EvalConfig,
    job_records,
    list_evaluations,
    per_question,
    resume_evaluation,
    saved_judge,
    start_evaluation,
)
from smt_gui.evaluate.leakage import leakage_message, run_leakage
from smt_gui.evaluate.own_split import add_typed_questions, parse_typed
from smt_gui.evaluate.scaling import scaling_points
from smt_gui.evaluate.trade import trade_points
from smt_gui.jobs import cancel_job, get_job
from smt_gui.project import Project
from smt_gui.sample import DEFAULT_SETTINGS
from smt_gui.train import runner
from smt_gui.ui.common import guard, named_values, progress_bar, require_project, setting_widget
from smt_gui.ui.plots import accuracy_chart, scaling_chart, trade_chart

NOTE = (
    "Scores each arm on the project's eval questions (imported QuALITY / FinanceBench / generic JSONL). Multiple "
    "choice is scored by **log-likelihood** of each option as the arm's chat reply (lm-eval `acc_norm`, on exactly "
    "the prompt the Chat tab sends) and, optionally, by the model's own **letter answer**; gold rank and margin "
    "show learning that accuracy near chance hides. On the invented-facts sample the tuned 135M model learns the "
    "facts; on real QuALITY stories it stays near chance (25%): use a stronger base model for real comparisons."
)
EVAL = EvalConfig()
# Fields the settings row places; any other field of EvalConfig's schema appears under "More settings".
PLACED = ["limit", "k", "generate_choice", "own_split", "open_answers"]
ELEM_IDS = {"limit": "eval-limit", "k": "eval-k", "generate_choice": "eval-letters", "own_split": "eval-own",
            "open_answers": "eval-open"}
DETAIL_HINT = "Click a question in the table above to see each arm's answer and the retrieved chunks."
SUMMARY_COLUMNS = ["arm", "n", "accuracy", "95% CI", "open answer, as in Chat (95% CI)", "letter / generated answers",
                   "gold rank (1=best)", "margin", "reference answer log-lik/token (95% CI)"]
COMPARE_COLUMNS = ["comparison", "n", "difference", "bootstrap 95% CI", "McNemar p", "right only in A / only in B",
                   "open answers: difference, McNemar p", "reference log-lik/token: difference (95% CI)"]


@dataclass
class EvaluateTab:
    refresh: Callable[[str | None], tuple]
    refresh_outputs: list
    defaults: dict  # setting name -> component, filled by "Try the sample"
    retrieval_k: Any  # the project's retrieval k (the "retrieval" setting, shared with Chat)


def _status_html(job: dict | None) -> str:
    if job is None:
        return "<div id='eval-status'>No evaluation yet.</div>"
    p = job["progress"]
    total, done = p.get("total", 0), p.get("done", 0)
    eta = f" · ETA ~{p['eta_s']:.0f} s" if job["status"] == "running" and p.get("eta_s") else ""
    error = f"<div style='color:#c0392b'>{job['error']}</div>" if job.get("error") else ""
    report = (p.get("result") or {}).get("report")
    saved = f" · report <code>{report}</code> (+ .csv)" if report else ""
    number = f"Evaluation {job['number']} (job {job['id']})" if job.get("number") else f"Evaluation job {job['id']}"
    return (f"<div id='eval-status'><b>{number}: {job['status']}</b> — {done}/{total} answers scored "
            f"(arm <code>{p.get('arm', '-')}</code>){eta}{saved}"
            f"{progress_bar(done, total, job['status'] == 'done')}{error}</div>")


def _summary_frame(summary: dict[str, dict]) -> pd.DataFrame:
    rows = []
    for arm, s in summary.items():
        ref = (f"{s['mean_ref_loglik']:+.3f} ({s['ref_loglik_ci95'][0]:+.2f} … {s['ref_loglik_ci95'][1]:+.2f})"
               if "mean_ref_loglik" in s else "")
        opened = (f"{s['open_accuracy']:.1%} ({s['open_correct']}/{s['n_open']}; {s['open_ci95'][0]:.0%}–"
                  f"{s['open_ci95'][1]:.0%})" if "open_accuracy" in s else "")
        rows.append([arm, s["n"], f"{s['accuracy']:.1%}", f"{s['ci95'][0]:.0%}–{s['ci95'][1]:.0%}", opened,
                     f"{s['gen_accuracy']:.1%}" if "gen_accuracy" in s else "",
                     f"{s['mean_gold_rank']:.2f}" if "mean_gold_rank" in s else "",
                     f"{s['mean_margin']:+.4f}" if "mean_margin" in s else "", ref])
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _compare_frame(comparisons: list[dict]) -> pd.DataFrame:
    def ref(c: dict) -> str:
        r = c.get("ref_loglik")
        return f"{r['difference']:+.3f} ({r['low']:+.2f} … {r['high']:+.2f})" if r else ""

    rows = [[f"{c['b']} vs {c['a']}", c["n"], f"{c['bootstrap']['difference']:+.1%}",
             f"{c['bootstrap']['low']:+.0%} … {c['bootstrap']['high']:+.0%}", f"{c['mcnemar']['p_value']:.3f}",
             f"{c['mcnemar']['only_a']} / {c['mcnemar']['only_b']}",
             f"{c['open']['difference']:+.1%}, p = {c['open']['p_value']:.3f}" if "open" in c else "", ref(c)]
            for c in comparisons]
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def _documents_frame(scored: dict[str, list[dict]]) -> pd.DataFrame:
    rows = by_document(scored)
    arms = list(scored)
    table: dict[str, dict[str, str]] = {}
    for r in rows:
        table.setdefault(r["document"], {})[r["arm"]] = f"{r['accuracy']:.0%} ({r['correct']}/{r['n']})"
    data = [[doc, *[cells.get(a, "") for a in arms]] for doc, cells in table.items()]
    return pd.DataFrame(data, columns=["document", *arms])


def _extra_html(job: dict, scored: dict[str, list[dict]]) -> str:
    """Accuracy per eval set (imported, typed, held-out QAs) and retention: what the tuned model gained and cost."""
    parts = []
    sets = by_set(scored)
    if len({r["set"] for r in sets}) > 1 or any(r["set"] != "imported" for r in sets):
        lines = []
        for r in sets:
            ref = "" if r["mean_ref_loglik"] is None else f"{r['mean_ref_loglik']:+.3f}"
            lines.append(f"<tr><td>{r['set']}</td><td>{r['arm']}</td>"
                         f"<td>{r['accuracy']:.0%} ({r['correct']}/{r['n']})</td><td>{ref}</td></tr>")
        parts.append("<p><b>By eval set</b></p><table><tr><th>set</th><th>arm</th><th>accuracy</th>"
                     "<th>ref. log-lik/token</th></tr>" + "".join(lines) + "</table>")
    retention = job["progress"].get("retention")
    if retention:
        lines = ["<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                     name, v.get("measure", "perplexity"), *describe(v)) for name, v in retention.items()]
        parts.append("<p><b>Retention</b>: what training cost, base vs tuned model. General knowledge: easy "
                     "questions (chance 25%) a tuned model should still answer. Instruction drift: how likely the "
                     "tuned model finds the base model's own answers to ordinary instructions (0 = unchanged; more "
                     "negative = it answers differently now). Perplexity, lower is better: on held-out generic text "
                     "a rise is a cost, on your documents a fall is what it learned.</p>"
                     "<table><tr><th>check</th><th>measure</th><th>base</th><th>tuned</th><th>change</th></tr>"
                     + "".join(lines) + "</table>")
    return "<div id='eval-extra'>" + "".join(parts) + "</div>"


def _questions_frame(rows: list[dict], arms: list[str]) -> pd.DataFrame:
    def mark(r: dict | None) -> str:
        return "…" if r is None else ("✓" if r["correct"] else "✗")

    data = [[r["question_id"], *[mark(r["arms"].get(a)) for a in arms], r["question"], r["gold"], r["document"]] for r in rows]
    return pd.DataFrame(data, columns=["id", *arms, "question", "gold", "document"])


def _job_choices(project) -> list[tuple[str, int]]:
    jobs = list_evaluations(project)  # newest first; numbered per project from 1 (job ids are shared by all kinds)
    return [(f"Evaluation {len(jobs) - i} · {j['status']} · {', '.join(j['config'].get('arms', []))}"
             + (f" · run {j['config']['run']}" if j["config"].get("run") else ""), j["id"]) for i, j in enumerate(jobs)]


def _curves(project) -> tuple[Any, Any]:
    """The scaling curve and the gained-vs-kept picture, both across the project's finished evaluations."""
    return _scaling(project), trade_chart(trade_points(project))


def _scaling(project) -> Any:
    points = scaling_points(project)
    baselines: dict[str, float] = {}
    for job in list_evaluations(project):  # newest finished base / RAG accuracy as flat reference lines
        if job["status"] != "done":
            continue
        for arm, value in ((job["progress"].get("result") or {}).get("accuracy") or {}).items():
            if not uses_adapter(arm):
                baselines.setdefault(arm, value)
    return scaling_chart(points, baselines)


def view(project_path: str | None, job_id: int | None) -> tuple:
    """Everything the tab shows for one evaluation job (the newest when none is chosen)."""
    empty = (None, _status_html(None), "", "<div id='eval-extra'></div>", pd.DataFrame(columns=SUMMARY_COLUMNS),
             accuracy_chart({}), pd.DataFrame(columns=COMPARE_COLUMNS), pd.DataFrame(columns=["document"]),
             pd.DataFrame(columns=["id", "question", "gold", "document"]),
             scaling_chart([]), trade_chart([]), gr.update(choices=[], value=None), gr.Timer(active=False))
    if not project_path:
        return empty
    project = require_project(project_path)
    choices = _job_choices(project)
    if not choices:
        return (*empty[:9], *_curves(project), *empty[11:])
    job_id = job_id if job_id in {c[1] for c in choices} else choices[0][1]
    job = get_job(project, job_id)
    job["number"] = len(choices) - [c[1] for c in choices].index(job_id)
    arms = job["config"].get("arms", [])
    records = job_records(project, job_id)
    scored = {arm: rs for arm, rs in records.items() if rs}
    summary = {arm: summarise(rs) for arm, rs in scored.items()}
    leak = leakage_message((job["progress"].get("result") or {}).get("leakage")) or ""
    running = job["status"] in ("queued", "running")
    return (job_id, _status_html(job), leak, _extra_html(job, scored), _summary_frame(summary), accuracy_chart(summary),
            _compare_frame(compare(scored)),
            _documents_frame(scored), gr.update(value=_questions_frame(per_question(records), arms),
                                                column_widths=["48px", *["64px"] * len(arms), "45%", "22%", "15%"]),
            *((gr.update(), gr.update()) if running else _curves(project)),  # they change only when a job finishes
            gr.update(choices=choices, value=job_id), gr.Timer(active=running))


def detail(project_path: str | None, job_id: int | None, frame: pd.DataFrame, event: gr.SelectData) -> str:
    """Each arm's answer to the clicked question: prediction, verdict and reason, scores, retrieved chunks."""
    project = require_project(project_path)
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    question_id = int(frame.iloc[row]["id"])
    rows = [r for r in per_question(job_records(project, job_id)) if r["question_id"] == question_id] if job_id else []
    if not rows:
        return "Pick a question."
    q = rows[0]
    parts = [f"#### {q['question']}\n**Gold:** {q['gold']} · <small>{q['document']}</small>"]
    for arm, r in q["arms"].items():
        verdict = "✓ right" if r["correct"] else "✗ wrong"
        lines = [f"**{arm}** — {verdict}: {r['predicted']}", f"<small>{r['reason']}</small>"]
        if r.get("options") and r.get("scores"):
            ranked = sorted(range(len(r["options"])), key=lambda i: -r["scores"][i])
            lines.append("<small>option scores: " + " · ".join(f"{LETTERS[i]} {r['scores'][i]:+.3f}" for i in ranked)
                         + f" · gold rank {r['gold_rank']}, margin {r['margin']:+.4f}</small>")
        if "open_correct" in r:
            lines.append(f"<small>asked without options, as in Chat: “{r['open_answer'][:300]}” → "
                         f"{'✓' if r['open_correct'] else '✗'} ({r['open_reason']})</small>")
        if "generated" in r:
            lines.append(f"<small>letter answer: “{r['generated']}” → {'✓' if r['gen_correct'] else '✗'}</small>")
        for i, h in enumerate(r.get("retrieved", [])):
            lines.append(f"<small>[{i + 1}] {h['title']} ({h['score']:.3f}): {h.get('text', '')[:240]}…</small>")
        parts.append("\n\n".join(lines))
    return "\n\n---\n\n".join(parts)


def eval_set_line(project) -> str:
    """What the eval set holds: imported/typed questions and held-out QAs."""
    with project.connect() as conn:
        imported, typed = conn.execute(
            "SELECT COALESCE(SUM(json_extract(meta, '$.set') IS NULL), 0), COALESCE(SUM(json_extract(meta, '$.set') = 'typed'), 0) "
            "FROM eval_questions").fetchone()
        held = conn.execute("SELECT COUNT(*) FROM samples WHERE split = 'eval' AND kind = 'qa'").fetchone()[0]
    return (f"**Eval set:** {imported} imported benchmark question(s), {typed} typed question(s), {held} QA(s) held out "
            "in Curate (never trained on).")


def add_questions(project_path: str | None, text: str) -> tuple:
    project = require_project(project_path)
    try:
        added = add_typed_questions(project, parse_typed(text))
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    gr.Info(f"Added {added} question(s) to the eval set.")
    return "", eval_set_line(project)


def config_from(project: Project, values: dict[str, Any]) -> EvalConfig:
    """The evaluation's config from the tab's ``{field: value}`` (EvalConfig's scalars, ``arms``, ``run``, ``docs``
    and ``judge``: whether to grade free text with the project's saved generator)."""
    values = dict(values)
    arms, run, docs = list(values.pop("arms") or []), values.pop("run") or None, values.pop("docs") or []
    judge = saved_judge(project) if values.pop("judge") else None
    return EvalConfig(**typed_values(EvalConfig, values), arms=arms, run=run,
                      document_ids=[int(d) for d in docs] or None, judge=judge).validate()


def start(project_path: str | None, values: dict[str, Any]) -> tuple:
    project = require_project(project_path)
    try:
        config = config_from(project, values)
        job_id = start_evaluation(project, config)
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    if config.run:
        warning = leakage_message(run_leakage(project, get_job(project, job_id)["config"]["run"]))
        if warning:
            gr.Warning(warning)
    return view(project_path, job_id)


def cancel(project_path: str | None, job_id: int | None) -> tuple:
    project = require_project(project_path)
    if not job_id or not cancel_job(project, job_id):
        raise gr.Error("No evaluation is running in this app.")
    gr.Info("Stopping after the current question; Resume continues from there.")
    return view(project_path, job_id)


def resume(project_path: str | None, job_id: int | None) -> tuple:
    project = require_project(project_path)
    job = get_job(project, job_id) if job_id else None
    if not job or job["status"] not in ("cancelled", "interrupted", "failed"):
        raise gr.Error("Pick a cancelled, interrupted or failed evaluation to resume.")
    resume_evaluation(project, job_id)
    return view(project_path, job_id)


def refresh(project_path: str | None) -> tuple:
    """Run and document choices, then the newest evaluation."""
    if not project_path:
        return (gr.update(choices=[]), gr.update(choices=[]), *view(project_path, None))
    project = require_project(project_path)
    runs = [r.name for r in runner.finished_runs(project)]
    with project.connect() as conn:
        with_questions = {r[0] for r in conn.execute("SELECT DISTINCT document_id FROM eval_questions UNION "
                                                     "SELECT DISTINCT document_id FROM samples WHERE split = 'eval'")}
    docs = [(f"{d.id}: {d.title}", d.id) for d in list_documents(project) if d.id in with_questions]
    # The timer ticks once more whatever this view says: on 2 busy cores this refresh (opening the tab) can land
    # after a click on Evaluate, with the view from before the job existed and the timer off, and the tab then
    # showed "No evaluation yet" for good. The next tick shows the newest job and stops the timer if nothing runs.
    return (gr.update(choices=runs, value=runs[0] if runs else None), gr.update(choices=docs, value=[]),
            *view(project_path, None)[:-1], gr.Timer(active=True))


def build(project_state: gr.State) -> EvaluateTab:
    current = gr.State(None)
    gr.Markdown(NOTE)
    with gr.Row():
        arms = gr.CheckboxGroup(list(ARMS), value=EVAL.arms, label="Arms", elem_id="eval-arms")
        run = gr.Dropdown(choices=[], label="Training run (tuned arms)", elem_id="eval-run")
        docs = gr.Dropdown(choices=[], multiselect=True, label="Documents' questions (empty = all)", elem_id="eval-docs")
    settings: dict[str, gr.Component] = {}
    with gr.Row():
        for name in PLACED:
            settings[name] = setting_widget(EVAL, name, elem_id=ELEM_IDS.get(name))
        judge = gr.Checkbox(label="LLM judge for free-form text answers (the Generate tab's backend)", value=False)
    more = [item.name for item in scalar_fields(EvalConfig, "ui") if item.name not in PLACED]
    if more:
        with gr.Accordion("More settings", open=False, elem_id="eval-more"), gr.Row():
            for name in more:
                settings[name] = setting_widget(EVAL, name, elem_id=f"eval-{name.replace('_', '-')}")
    with gr.Accordion("Your own eval questions (no benchmark? type questions with their answers)", open=False):
        eval_set = gr.Markdown(elem_id="eval-set")
        with gr.Row():
            typed = gr.Textbox(label="One per line: question | answer (or JSONL with question, answer, document)",
                               lines=3, scale=4, elem_id="eval-typed")
            add_btn = gr.Button("Add to the eval set", scale=1, elem_id="eval-add")
    with gr.Row():
        start_btn = gr.Button("Evaluate", variant="primary", elem_id="eval-start")
        cancel_btn = gr.Button("Cancel", variant="stop")
        resume_btn = gr.Button("Resume")
        job_pick = gr.Dropdown(choices=[], label="Evaluation shown", elem_id="eval-job", scale=2)
    status = gr.HTML(_status_html(None))
    leak = gr.Markdown(elem_id="eval-leak")
    extra = gr.HTML("<div id='eval-extra'></div>")
    # Wide tables take the page's width and wrap their cells (style.css ``.wide-table``): every column in view.
    wide = {"interactive": False, "wrap": True, "elem_classes": ["wide-table"]}
    table = gr.Dataframe(headers=SUMMARY_COLUMNS, label="Results by arm", elem_id="eval-table", **wide)
    with gr.Row():
        with gr.Column(scale=3):
            comparisons = gr.Dataframe(headers=COMPARE_COLUMNS, label="Paired comparisons (same questions)",
                                       elem_id="eval-compare", **wide)
            documents = gr.Dataframe(label="Accuracy by document", elem_id="eval-docs-table", **wide)
        with gr.Column(scale=2):
            chart = gr.Plot(label="Accuracy by arm", elem_id="eval-chart")
    questions = gr.Dataframe(label="Per question (click one for the answers)", elem_id="eval-questions", **wide)
    drill = gr.Markdown(DETAIL_HINT, elem_id="eval-detail")
    with gr.Row():
        scaling = gr.Plot(label="Scaling curve", elem_id="eval-scaling")
        trade = gr.Plot(label="Knowledge gained vs general ability kept", elem_id="eval-trade")
    timer = gr.Timer(2.0, active=False)

    shown = [current, status, leak, extra, table, chart, comparisons, documents, questions, scaling, trade, job_pick,
             timer]
    named = {"arms": arms, "run": run, "docs": docs, "judge": judge, **settings}

    def start_from(data: dict) -> tuple:
        return start(data[project_state], named_values(data, named))

    start_btn.click(guard(start_from, shown), {project_state, *named.values()}, shown)
    add_btn.click(guard(add_questions, [typed, eval_set]), [project_state, typed], [typed, eval_set])
    cancel_btn.click(guard(cancel, shown), [project_state, current], shown)
    resume_btn.click(guard(resume, shown), [project_state, current], shown)
    job_pick.input(view, [project_state, job_pick], shown)
    questions.select(guard(detail, drill), [project_state, current, questions], drill)
    timer.tick(view, [project_state, current], shown)
    def refresh_all(project_path: str | None) -> tuple:
        line = eval_set_line(require_project(project_path)) if project_path else ""
        return (*refresh(project_path), DETAIL_HINT, line)  # and no drill-down of another project's question

    return EvaluateTab(refresh=refresh_all, refresh_outputs=[run, docs, *shown, drill, eval_set],
                       retrieval_k=settings["k"],
                       defaults={name: named[name] for name in DEFAULT_SETTINGS["evaluate"]})
