"""Curate tab: a paged, filterable table of samples; inspect one beside its source; edit, accept/reject, check, export."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from smt_gui import curate
from smt_gui.coverage import coverage_summary, document_coverage
from smt_gui.documents import list_documents
from smt_gui.factcheck import reworded
from smt_gui.facts import content_words
from smt_gui.ui.common import coverage_html, guard, require_project
from smt_gui.ui.plots import curation_charts

ALL = "All"
COLUMNS = ["id", "kind", "status", "document", "question", "answer / rewrite", "tokens", "dup", "grounded", "leak"]
SCORE_CHOICES = ["(none)", "near_duplicate", "grounding", "leakage", "format", "question", "meaning"]
# Every event that repaints the table joins one queue, so results land in the order the clicks happened: a slow
# tab refresh can never overwrite the result of a filter typed after it.
SERIAL = {"concurrency_id": "curate-table", "concurrency_limit": 1}


@dataclass
class CurateTab:
    select_inputs: list
    select_outputs: list  # filled by ``on_select`` when a project opens or the tab is shown
    on_select: Callable[..., tuple]
    reset_outputs: list  # the inspector and every result line: emptied (``reset``) when another project opens


def _filter(kind: str, status: str, doc: str | int | None, search: str, score_name: str, score_min: float | None,
            score_max: float | None, split: str | None = ALL, source: str | None = ALL) -> curate.SampleFilter:
    return curate.SampleFilter(
        kind=None if kind in (ALL, None) else kind, status=None if status in (ALL, None) else status,
        split=None if split in (ALL, None) else split,
        question_source=None if source in (ALL, None) else source,
        document_id=None if doc in (ALL, None, "") else int(doc), search=search or "",
        score_name=None if score_name in ("(none)", None) else score_name,
        score_min=None if score_min in (None, "") else float(score_min),
        score_max=None if score_max in (None, "") else float(score_max),
    )


def _score(scores: dict, name: str) -> str:
    entry = scores.get(name)
    if not entry or entry.get("score") is None:
        return ""
    text = f"{entry['score']:.2f}"
    reason = entry.get("reason") or ""
    if name == "grounding" and reason.startswith("hallucinated"):
        text += " ⚠ " + reason  # the wrong fact, right in the table
    return text


def table(project_path: str | None, kind: str, status: str, doc: str, search: str, score_name: str, score_min: float,
          score_max: float, split: str, source: str, sort: str, page: float, page_size: str) -> tuple[pd.DataFrame, str]:
    if not project_path:
        return pd.DataFrame(columns=COLUMNS), "Open a project first."
    project = require_project(project_path)
    flt = _filter(kind, status, doc, search, score_name, score_min, score_max, split, source)
    size = int(page_size)
    rows, total = curate.query_samples(project, flt, page=int(page or 1), page_size=size, sort=sort)
    data = [[r["id"], r["kind"], r["status"] + (" · eval" if r.get("split") == "eval" else "") + (" ✎" if r["edited_at"] else ""),
             r["title"], r["question"] or "",
             (r["answer"] if r["kind"] == "qa" else r["text"] or "")[:240], r["n_tokens"],
             _score(r["scores"], "near_duplicate"), _score(r["scores"], "grounding"), _score(r["scores"], "leakage")]
            for r in rows]
    first = (int(page or 1) - 1) * size + 1
    info = (f"Showing {first:,}–{first + len(rows) - 1:,} of **{total:,}** matching samples "
            f"(page {int(page or 1)} of {max(1, -(-total // size))})" if rows else f"No samples match ({total:,}).")
    return pd.DataFrame(data, columns=COLUMNS), info


def highlight(source: str, sample_text: str) -> str:
    """The source passage with the words it shares with the sample marked, so grounding is visible at a glance."""
    shared = {w for w in content_words(sample_text) if len(w) > 3}
    parts = re.split(r"([A-Za-z0-9]+)", source or "")
    marked = "".join(f"<mark>{html.escape(p)}</mark>" if p.lower() in shared else html.escape(p) for p in parts)
    return f"<div id='cur-source' style='white-space:pre-wrap;max-height:420px;overflow:auto'>{marked}</div>"


def why_it_passed(sample: dict) -> str:
    """Who wrote the question, the short answer marked in the sentence it came from, and the checks it passed."""
    generator = sample["generator"]
    out = ""
    source = generator.get("question_source")
    if source == "template":
        out += ("\n\n**Question:** built from the sentence's syntax (the model's questions failed the checks, or "
                "none was asked for).")
    elif source == "model":
        out += "\n\n**Question:** written by the model, and checked to ask for this answer."
    span = generator.get("answer_span")
    sentence = sample.get("source_text") or ""
    if span and sentence:
        at = sentence.find(span)
        marked = (html.escape(sentence[:at]) + f"<mark id='cur-answer-span'>{html.escape(span)}</mark>"
                  + html.escape(sentence[at + len(span):])) if at >= 0 else html.escape(sentence)
        out += f"\n\n**Short answer in its sentence:** {marked}"
    if generator.get("rewrite_source") == "template":
        out += ("\n\n**Rewrite:** made by code, a clause split off or a time phrase moved to the sentence's other end "
                "(the model's rewrites failed the checks).")
    elif generator.get("rewrite_source") == "model":
        out += "\n\n**Rewrite:** written by the model, and checked to say what its sentence says."
    elif generator.get("rewrite_source") == "copy":
        out += ("\n\n**Rewrite:** none; the question's sentence as written. The model's tries kept every word and "
                "changed only small ones, which rephrases nothing and can break the grammar.")
    if sample.get("kind") != "qa" and sample.get("text") and sample.get("source_text"):
        changed = reworded(sample["text"], sample["source_text"])
        out += (f"\n\n**Reworded:** {changed} common word(s) changed against its source"
                + (": a near-copy, reordered or split but in the source's words." if changed < 2 else "."))
    if generator.get("parts"):
        said = {"focal": "rewritten for this question", "source": "as written"}
        pieces = [f"{i}. {said.get(p['origin'], 'from ' + p['origin'])}" for i, p in enumerate(generator["parts"], 1)]
        out += ("\n\n**A focal document of its section**: the question's sentence first, the rest in source order, "
                "each sentence checked: "
                + "; ".join(pieces))
    if generator.get("checks"):
        out += "\n\n**Passed when generated:** " + "; ".join(html.escape(c) for c in generator["checks"])
    return out


EMPTY_DETAIL = (None, "", "", "", "", "<div id='cur-source'></div>", "")  # the inspector with no sample selected


def show_sample(project_path: str | None, sample_id: int | None) -> tuple:
    project = require_project(project_path)
    sample = curate.get_sample(project, int(sample_id)) if sample_id is not None else None
    if sample is None:
        return EMPTY_DETAIL
    body = " ".join(x for x in (sample["question"] if sample["kind"] == "qa" else "", sample["answer"], sample["text"]) if x)
    held = " · held out for evaluation (never trained on)" if sample.get("split") == "eval" else ""
    header = f"**#{sample['id']} · {sample['kind']} · {sample['status']}{held}** · {sample['title']}"
    if sample.get("source_text"):
        header += f"\n\n**Made from:** “{sample['source_text']}”"
    header += why_it_passed(sample)
    if sample["kind"] == "focal_rewrite":
        header += f"\n\n**Conditioning question:** {sample['question']}"
    if sample["edited_at"]:
        header += f"\n\n✎ edited {sample['edited_at']}; original kept"
    scores = "\n".join(f"- **{k}** {v.get('score')}: {v.get('reason')}" for k, v in sample["scores"].items()) or "No checks run yet."
    provenance = ", ".join(f"{k}={v}" for k, v in sample["generator"].items()
                           if k in ("kind", "model", "prompt_version", "seed", "strategy", "question_source", "answer_span"))
    return (sample["id"], header + f"\n\n<small>{provenance}</small>", sample["question"] or "", sample["answer"] or "",
            sample["text"] or "", highlight(sample["chunk_text"] or "", body), scores)


def coverage_view(project_path: str | None, doc: str | None) -> str:
    """Coverage of the filtered document (sentences marked), or a per-document summary when none is chosen."""
    if not project_path:
        return ""
    project = require_project(project_path)
    if doc not in (ALL, None, ""):
        return coverage_html(document_coverage(project, int(doc)))
    rows = coverage_summary(project)
    if not rows:
        return "<p>No documents yet.</p>"
    lines = "".join(f"<tr><td>{html.escape(r['title'])}</td><td>{r['covered']} / {r['sentences']}</td>"
                    f"<td>{r['share']:.0%}</td></tr>" for r in rows)
    return ("<p>Fact-bearing sentences stated by an accepted sample, per document (choose a document in the "
            "filter above to see which ones are missing):</p><table><tr><th>document</th><th>covered</th>"
            f"<th>share</th></tr>{lines}</table>")


def select_row(project_path: str | None, frame: pd.DataFrame, event: gr.SelectData) -> tuple:
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    return show_sample(project_path, int(frame.iloc[row]["id"]))


def set_one(project_path: str | None, sample_id: int | None, status: str) -> None:
    project = require_project(project_path)
    if sample_id is None:
        raise gr.Error("Select a sample in the table first.")
    curate.set_status(project, [int(sample_id)], status)


def save_edit(project_path: str | None, sample_id: int | None, question: str, answer: str, text: str) -> None:
    project = require_project(project_path)
    if sample_id is None:
        raise gr.Error("Select a sample in the table first.")
    sample = curate.get_sample(project, int(sample_id))
    fields = {"question": question or None}
    if sample["kind"] == "qa":
        fields["answer"] = answer or None
    else:
        fields["text"] = text or None
    curate.edit_sample(project, int(sample_id), **fields)
    gr.Info("Saved. The generated text is kept as the original.")


def set_split_one(project_path: str | None, sample_id: int | None, split: str) -> None:
    project = require_project(project_path)
    if sample_id is None:
        raise gr.Error("Select a sample in the table first.")
    sample = curate.get_sample(project, int(sample_id))
    if sample["kind"] != "qa":
        raise gr.Error("Only QAs can be held out for evaluation (a question with its answer).")
    curate.set_split(project, [int(sample_id)], split)
    gr.Info("Held out: the Evaluate tab asks it, training never sees it." if split == "eval" else "Back in training.")


def hold_out_share(project_path: str | None, percent: float, seed: float) -> str:
    project = require_project(project_path)
    try:
        held = curate.hold_out(project, float(percent or 0) / 100, seed=int(seed or 0))
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    return (f"Held out {held} accepted QA(s) ({percent:g}% per document, seed {int(seed or 0)}) as this project's "
            "own eval set. Undo reverts it.")


def bulk(project_path: str | None, status: str, *filters: object) -> None:
    project = require_project(project_path)
    ids = curate.matching_ids(project, _filter(*filters))
    if status == "accepted":  # accept only what passed the checks (they run first where missing)
        outcome = curate.accept_passing(project, ids)
        held = (f" {outcome['held_back']} fail a check and stay as they were ("
                + ", ".join(f"{k} {v}" for k, v in sorted(outcome["reasons"].items())) + ")") if outcome["held_back"] else ""
        gr.Info(f"Accepted {outcome['accepted']} of {len(ids)} filtered sample(s) that pass every check.{held} "
                "Undo reverts it.")
        return
    changed = curate.set_status(project, ids, status)
    gr.Info(f"{changed} of {len(ids)} filtered sample(s) set to {status}. Undo reverts it.")


def undo(project_path: str | None) -> None:
    n = curate.undo_last(require_project(project_path))
    gr.Info(f"Undid the last change ({n} sample(s))." if n else "Nothing to undo.")


def run_checks(project_path: str | None, checks: list[str], judge: bool,
               progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
    from smt_gui.llm import BackendConfig, BackendError, get_backend

    project = require_project(project_path)
    if not checks and not judge:
        raise gr.Error("Choose at least one check.")
    backend = None
    if judge:
        try:
            backend = get_backend(BackendConfig.from_public(project.get_setting("generator_backend") or {}))
        except BackendError as exc:
            raise gr.Error(f"The LLM judge needs a working generator backend: {exc}") from exc
    flagged = curate.run_checks(project, tuple(checks), judge_backend=backend,
                                progress=lambda name: progress(None, desc=f"Checking {name}"))
    return "Flagged: " + ", ".join(f"**{k}** {v}" for k, v in flagged.items())


def rule(project_path: str | None, check: str, threshold: float | None) -> str:
    n = curate.apply_rule(require_project(project_path), check, threshold)
    return f"Rejected {n} sample(s) by the {check} rule. Undo reverts it."


def export(project_path: str | None, fmt: str) -> str:
    project = require_project(project_path)
    try:
        out = curate.export_samples(project, fmt)
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    if out.is_dir():  # a datasets folder: offer a zip of it
        import shutil

        out = Path(shutil.make_archive(str(out), "zip", out))
    return str(out)


def import_file(project_path: str | None, file: str | None) -> str:
    project = require_project(project_path)
    if not file:
        raise gr.Error("Choose a JSONL file exported from this project first.")
    return curate.import_jsonl(project, Path(file)).summary()


def stats(project_path: str | None) -> tuple:
    if not project_path:
        return curation_charts([], [])
    project = require_project(project_path)
    return curation_charts(curate.status_counts(project), curate.store.all_scores(project))


def doc_choices(project_path: str | None, current: str | None = ALL) -> dict:
    if not project_path:
        return gr.update(choices=[ALL], value=ALL)
    choices = [(f"{d.id}: {d.title}", str(d.id)) for d in list_documents(require_project(project_path))]
    keep = current if current in {c[1] for c in choices} else ALL
    return gr.update(choices=[ALL, *choices], value=keep)


def build(project_state: gr.State) -> CurateTab:
    with gr.Row():
        kind = gr.Dropdown([ALL, "qa", "focal_rewrite", "rewrite"], value=ALL, label="Kind", elem_id="cur-kind")
        status = gr.Dropdown([ALL, *curate.STATUSES], value=ALL, label="Status", elem_id="cur-status")
        doc = gr.Dropdown([ALL], value=ALL, label="Document", elem_id="cur-doc")
        search = gr.Textbox(label="Search text", placeholder="words in question, answer or rewrite", elem_id="cur-search")
        sort = gr.Dropdown(list(curate.SORTS), value="newest", label="Sort by")
    with gr.Row():
        score_name = gr.Dropdown(SCORE_CHOICES, value="(none)", label="Score filter")
        score_min = gr.Number(label="min", value=None)
        score_max = gr.Number(label="max", value=None)
        split = gr.Dropdown([ALL, *curate.SPLITS], value=ALL, label="Split (eval = held out)", elem_id="cur-split")
        written_by = gr.Dropdown([ALL, "model", "template", "copy"], value=ALL, label="Written by (question or rewrite)",
                                 elem_id="cur-qsource")
        page = gr.Number(label="Page", value=1, precision=0, minimum=1, elem_id="cur-page")
        page_size = gr.Dropdown(["25", "50", "100"], value="50", label="Per page")
    info = gr.Markdown(elem_id="cur-info")
    grid = gr.Dataframe(headers=COLUMNS, interactive=False, wrap=True, elem_id="cur-table",
                        label="Samples (click a row to inspect)",  # the check columns stay on screen
                        column_widths=["48px", "90px", "80px", "12%", "22%", "30%", "56px", "56px", "12%", "56px"])
    with gr.Row():
        accept_all = gr.Button("Accept all filtered that pass the checks", size="sm", elem_id="cur-accept-all")
        reject_all = gr.Button("Reject all filtered", size="sm", elem_id="cur-reject-all")
        undo_btn = gr.Button("Undo last change", size="sm", elem_id="cur-undo")
    selected = gr.State(None)
    with gr.Row():
        with gr.Column(scale=1):
            header = gr.Markdown(elem_id="cur-header")
            question = gr.Textbox(label="Question (or the focal rewrite's conditioning question)", lines=2)
            answer = gr.Textbox(label="Answer", lines=3)
            text = gr.Textbox(label="Rewrite", lines=6)
            with gr.Row():
                accept = gr.Button("Accept", variant="primary", elem_id="cur-accept")
                reject = gr.Button("Reject", variant="stop", elem_id="cur-reject")
                reset = gr.Button("Back to pending")
                save = gr.Button("Save edit")
            with gr.Row():
                to_eval = gr.Button("Hold out for evaluation", size="sm", elem_id="cur-to-eval")
                to_train = gr.Button("Back to training", size="sm", elem_id="cur-to-train")
            scores = gr.Markdown()
        with gr.Column(scale=1):
            gr.Markdown("**Source passage** — words shared with the sample are highlighted")
            source = gr.HTML("<div id='cur-source'></div>")
    with gr.Accordion("Automatic checks and rules", open=False):
        with gr.Row():
            checks = gr.CheckboxGroup(list(curate.CHECKS), value=list(curate.CHECKS), label="Checks")
            judge = gr.Checkbox(label="Also ask the generator backend whether each answer is supported (LLM judge)")
            run_btn = gr.Button("Run checks")
        check_out = gr.Markdown()
        with gr.Row():
            dup_threshold = gr.Number(label="Near-duplicate threshold", value=curate.DUPLICATE_THRESHOLD,
                                      elem_id="cur-dup-threshold")
            dup_rule = gr.Button("Reject near-duplicates ≥ threshold")
            leak_rule = gr.Button("Reject samples copying eval questions")
            ground_threshold = gr.Number(label="Grounding below", value=curate.GROUNDING_THRESHOLD,
                                         info="a hallucinated name or number scores 0")
            ground_rule = gr.Button("Reject poorly grounded")
    with gr.Accordion("Hold out an eval set (your own documents have no benchmark questions)", open=False):
        gr.Markdown("Held-out QAs are never trained on (the mixture and the leakage check exclude them); the Evaluate "
                    "tab asks them of every arm, as multiple choice against same-type answers from the document and "
                    "by the reference answer's likelihood.")
        with gr.Row():
            holdout_pct = gr.Number(label="Hold out % of each document's accepted QAs",
                                    value=round(curate.HOLDOUT_SHARE * 100), minimum=1, maximum=90,
                                    elem_id="cur-holdout-pct")
            holdout_seed = gr.Number(label="Seed", value=0, precision=0)
            holdout_btn = gr.Button("Hold out", elem_id="cur-holdout")
        holdout_out = gr.Markdown(elem_id="cur-holdout-out")
    with gr.Accordion("Coverage: which sentences accepted samples state", open=False):
        coverage_btn = gr.Button("Show coverage", size="sm", elem_id="cur-coverage-btn")
        coverage = gr.HTML(elem_id="cur-coverage")
    with gr.Accordion("Stats", open=False), gr.Row():
        plot_status, plot_tokens, plot_scores = gr.Plot(), gr.Plot(), gr.Plot()
    with gr.Accordion("Export / import", open=False):
        with gr.Row():
            fmt = gr.Radio(list(curate.FORMATS), value="jsonl", label="Export accepted samples as")
            export_btn = gr.Button("Export")
            exported = gr.File(label="Download")
        with gr.Row():
            upload = gr.File(label="Re-import a JSONL edited elsewhere (matched by id)", file_types=[".jsonl"])
            import_btn = gr.Button("Import")
            import_out = gr.Markdown()

    filters = [kind, status, doc, search, score_name, score_min, score_max, split, written_by]
    table_inputs = [project_state, *filters, sort, page, page_size]
    detail = [selected, header, question, answer, text, source, scores]

    def reload(event):
        return event.then(table, table_inputs, [grid, info], **SERIAL).then(show_sample, [project_state, selected], detail)

    for control in (kind, status, doc, sort, score_name, page_size, split, written_by):
        control.input(lambda: 1, None, page).then(table, table_inputs, [grid, info], **SERIAL)
    for control in (search, score_min, score_max, page):
        control.submit(table, table_inputs, [grid, info], **SERIAL)
    grid.select(guard(select_row, detail), [project_state, grid], detail)
    reload(accept.click(lambda p, s: set_one(p, s, "accepted"), [project_state, selected], None))
    reload(reject.click(lambda p, s: set_one(p, s, "rejected"), [project_state, selected], None))
    reload(reset.click(lambda p, s: set_one(p, s, "pending"), [project_state, selected], None))
    reload(save.click(save_edit, [project_state, selected, question, answer, text], None))
    reload(to_eval.click(lambda p, s: set_split_one(p, s, "eval"), [project_state, selected], None))
    reload(to_train.click(lambda p, s: set_split_one(p, s, "train"), [project_state, selected], None))
    reload(holdout_btn.click(guard(hold_out_share, holdout_out), [project_state, holdout_pct, holdout_seed], holdout_out))
    reload(accept_all.click(lambda p, *f: bulk(p, "accepted", *f), [project_state, *filters], None))
    reload(reject_all.click(lambda p, *f: bulk(p, "rejected", *f), [project_state, *filters], None))
    reload(undo_btn.click(undo, project_state, None))
    reload(run_btn.click(guard(run_checks, check_out), [project_state, checks, judge], check_out))
    reload(dup_rule.click(guard(lambda p, t: rule(p, "near_duplicate", t), check_out), [project_state, dup_threshold],
                          check_out))
    reload(leak_rule.click(lambda p: rule(p, "leakage", None), [project_state], check_out))
    reload(ground_rule.click(guard(lambda p, t: rule(p, "grounding", t), check_out), [project_state, ground_threshold],
                             check_out))
    coverage_btn.click(guard(coverage_view, coverage), [project_state, doc], coverage)
    export_btn.click(guard(export, exported), [project_state, fmt], exported)
    reload(import_btn.click(guard(import_file, import_out), [project_state, upload], import_out))
    run_btn.click(stats, project_state, [plot_status, plot_tokens, plot_scores])

    def on_select(project_path: str | None, *values: object) -> tuple:
        """Refresh with the filters as they are now (never resetting them: a late refresh must not wipe a search)."""
        doc_update = doc_choices(project_path, values[2])
        values = (*values[:2], doc_update["value"], *values[3:])  # a document of another project: back to All
        frame, text_info = table(project_path, *values)
        return (doc_update, frame, text_info, *stats(project_path))

    plots = [plot_status, plot_tokens, plot_scores]
    return CurateTab(select_inputs=table_inputs, select_outputs=[doc, grid, info, *plots], on_select=on_select,
                     reset_outputs=[*detail, check_out, holdout_out, coverage, exported, import_out])


def reset() -> tuple:
    """Nothing of the previous project's inspector: no selected sample (so Accept/Reject ask for one), no results."""
    return (*EMPTY_DETAIL, "", "", "", None, "")
