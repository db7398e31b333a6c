"""Documents tab: upload files, see them listed with their sizes, preview, delete, re-chunk, corpus stats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from smt_gui import documents as store
from smt_gui.coverage import coverage_summary, document_coverage
from smt_gui.ingest import SUPPORTED, ChunkingConfig, chunking_config, ingest_paths, rechunk
from smt_gui.ingest.chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_TOKENS
from smt_gui.llm.bundled import ModelNotFoundError
from smt_gui.ui.common import coverage_html, guard, require_project
from smt_gui.ui.plots import corpus_token_histogram

COLUMNS = ["id", "title", "source", "kind", "words", "tokens", "chunks", "eval questions", "covered"]
PREVIEW_CHARS = 6000


@dataclass
class DocumentsTab:
    table: gr.Dataframe
    plot: gr.Plot
    preview: gr.Textbox
    refresh_outputs: list


def documents_frame(rows: list[store.DocumentRow], coverage: dict[int, dict] | None = None) -> pd.DataFrame:
    coverage = coverage or {}

    def covered(doc_id: int) -> str:
        c = coverage.get(doc_id)
        return f"{c['covered']}/{c['sentences']} ({c['share']:.0%})" if c and c["sentences"] else "-"

    data = [[r.id, r.title, r.source_name, r.source_kind, r.n_words, r.n_tokens, r.n_chunks, r.n_questions,
             covered(r.id)] for r in rows]
    return pd.DataFrame(data, columns=COLUMNS)


def refresh(project_path: str | None) -> tuple:
    """Table, chart and chunk settings for the session's project (empty when none is open)."""
    if not project_path:
        return documents_frame([]), corpus_token_histogram([]), DEFAULT_CHUNK_TOKENS, DEFAULT_CHUNK_OVERLAP
    project = require_project(project_path)
    rows = store.list_documents(project)
    config = chunking_config(project)
    coverage = {c["document_id"]: c for c in coverage_summary(project)}
    return documents_frame(rows, coverage), corpus_token_histogram(rows), config.size, config.overlap


def ingest_uploads(project_path: str | None, files: list | None, size: float, overlap: float,
                   progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 - Gradio's injection idiom
    project = require_project(project_path)
    if not files:
        raise gr.Error("Choose one or more files to add first.")
    paths = [Path(f if isinstance(f, str) else f.name) for f in files]
    # Gradio keeps the uploaded file's own base name; the ingest layer sanitises it before showing or storing it.
    names = [p.name for p in paths]
    config = ChunkingConfig(size=int(size), overlap=int(overlap), tokenizer=chunking_config(project).tokenizer)
    try:
        reports = ingest_paths(project, paths, names, config,
                               progress=lambda i, n, name: progress((i, n), desc=f"Reading {name}", unit="files"))
    except (ValueError, ModelNotFoundError) as exc:
        raise gr.Error(str(exc)) from exc
    failed = sum(not r.ok for r in reports)
    added = sum(len(r.added) for r in reports)
    read = len(reports) - failed
    header = f"**{added} document(s) added from {read} file(s)**" if read else "**No documents added**"
    if failed:
        header += (f" — **{failed} file(s) could not be read** (nothing already stored was changed)")
    body = "\n".join(r.summary() for r in reports)
    return (f"{header}\n\n```text\n{body}\n```", None, *refresh(project_path))


def select_document(project_path: str | None, table: pd.DataFrame, event: gr.SelectData) -> tuple:
    project = require_project(project_path)
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    doc_id = int(table.iloc[row]["id"])
    found = store.get_document_text(project, doc_id)
    if found is None:
        return None, "", gr.update(visible=False), ""
    title, text = found
    chunks = store.get_chunks(project, doc_id)
    questions = store.list_eval_questions(project, doc_id)
    head = f"{title}\n{len(text.split()):,} words · {len(chunks)} chunks · {len(questions)} eval questions\n\n"
    more = f"\n\n[... {len(text) - PREVIEW_CHARS:,} more characters]" if len(text) > PREVIEW_CHARS else ""
    return (doc_id, head + text[:PREVIEW_CHARS] + more, gr.update(visible=True, value=f"Delete '{title[:40]}'"),
            coverage_html(document_coverage(project, doc_id)))


def delete_selected(project_path: str | None, doc_id: int | None) -> tuple:
    project = require_project(project_path)
    if doc_id is None:
        raise gr.Error("Select a document in the table first.")
    store.delete_documents(project, [doc_id])
    gr.Info("Document deleted with its chunks and eval questions.")
    return (None, "", gr.update(visible=False), "", *refresh(project_path))


def rechunk_all(project_path: str | None, size: float, overlap: float) -> tuple:
    project = require_project(project_path)
    try:
        total = rechunk(project, ChunkingConfig(int(size), int(overlap), chunking_config(project).tokenizer))
    except (ValueError, ModelNotFoundError) as exc:
        raise gr.Error(str(exc)) from exc
    gr.Info(f"Re-chunked: {total} chunks of {int(size)} tokens (overlap {int(overlap)}).")
    return refresh(project_path)


def build(project_state: gr.State) -> DocumentsTab:
    gr.Markdown(
        f"Add documents the model should learn ({SUPPORTED}). JSONL corpora in the QuALITY, FinanceBench "
        "or generic layout also import their questions as a held-out **eval set** (never used for training)."
    )
    with gr.Row():
        with gr.Column(scale=3):
            files = gr.File(label="Files", file_count="multiple", elem_id="doc-upload",
                            file_types=[".txt", ".md", ".pdf", ".html", ".htm", ".docx", ".jsonl"])
        with gr.Column(scale=1):
            size = gr.Number(label="Chunk size (tokens)", value=DEFAULT_CHUNK_TOKENS, precision=0, minimum=16,
                             info="one setting per project: changing it re-chunks the documents already there")
            overlap = gr.Number(label="Chunk overlap (tokens)", value=DEFAULT_CHUNK_OVERLAP, precision=0, minimum=0)
            add = gr.Button("Add to project", variant="primary", elem_id="doc-add")
            rechunk_btn = gr.Button("Re-chunk all documents", size="sm")
    report = gr.Markdown(elem_id="doc-report")
    table = gr.Dataframe(value=documents_frame([]), headers=COLUMNS, interactive=False, elem_id="doc-table",
                         label="Documents (click a row to preview)", wrap=True)
    selected = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            preview = gr.Textbox(label="Preview", lines=14, max_lines=30, interactive=False, elem_id="doc-preview")
            with gr.Row():
                delete = gr.Button("Delete", variant="stop", visible=False, size="sm", elem_id="doc-delete")
                confirm = gr.Button("Yes, delete it with its chunks, eval questions and samples", variant="stop",
                                    visible=False, size="sm", elem_id="doc-delete-confirm")
        with gr.Column(scale=2):
            plot = gr.Plot(label="Corpus", elem_id="doc-plot")
    with gr.Accordion("Coverage of the selected document by accepted samples", open=True):
        coverage = gr.HTML("<div class='coverage'>Select a document to see which of its sentences accepted samples "
                           "cover.</div>", elem_id="doc-coverage")

    refresh_outputs = [table, plot, size, overlap]
    added = [report, files, *refresh_outputs]
    add.click(guard(ingest_uploads, added), [project_state, files, size, overlap], added)
    shown = [selected, preview, delete, coverage]
    table.select(guard(select_document, shown), [project_state, table], shown)
    # Two steps, so one stray click never deletes a document.
    delete.click(lambda: gr.update(visible=True), None, confirm)
    deleted = [selected, preview, delete, coverage, *refresh_outputs]
    confirm.click(guard(delete_selected, deleted), [project_state, selected], deleted).then(
        lambda: gr.update(visible=False), None, confirm)
    rechunk_btn.click(guard(rechunk_all, refresh_outputs), [project_state, size, overlap], refresh_outputs)
    return DocumentsTab(table=table, plot=plot, preview=preview, refresh_outputs=refresh_outputs)
