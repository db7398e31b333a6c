"""The app shell: a per-session project picker above the six tabs of the workflow."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from smt_gui.project import Project, ProjectError
from smt_gui.sample import DEMO_DEFAULTS, SAMPLE_NAME, create_sample_project
from smt_gui.ui import chat, curate, documents, evaluate, generate, train
from smt_gui.ui.common import project_dir_for

CSS_PATH = Path(__file__).resolve().parents[2] / "assets" / "style.css"
INTRO = (
    "# SMT Studio\nTeach a language model the contents of your documents with **Synthetic Mixed Training** "
    "(synthetic QAs + focal rewrites), then see whether it beats retrieval (RAG)."
)


def existing_projects(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "smt.sqlite").exists())


def build_app(projects_root: Path) -> gr.Blocks:
    projects_root = Path(projects_root).expanduser().resolve()

    def open_project(name: str) -> tuple:
        try:
            project = Project.create(project_dir_for(projects_root, name))
        except ProjectError as exc:
            raise gr.Error(str(exc)) from exc
        status = f"**Project:** {project.name} · `{project.root}`"
        return str(project.root), status, gr.update(choices=existing_projects(projects_root), value=project.name)

    def open_sample() -> tuple:
        try:
            project = create_sample_project(project_dir_for(projects_root, SAMPLE_NAME))
        except (ProjectError, FileNotFoundError) as exc:
            raise gr.Error(str(exc)) from exc
        gr.Info("Sample opened: go through the tabs left to right. Small CPU settings were filled in.")
        status = (f"**Project:** {project.name} · `{project.root}` — the bundled sample (one QuALITY article with 16 "
                  "questions). Next: **Generate** → **Curate** (accept) → **Train** → **Chat** → **Evaluate**.")
        return (str(project.root), status, gr.update(choices=existing_projects(projects_root), value=project.name),
                SAMPLE_NAME)

    with gr.Blocks(title="SMT Studio") as demo:
        gr.Markdown(INTRO)
        project_state = gr.State(None)  # per browser session: two sessions never share a project by accident
        with gr.Row(equal_height=True):
            known = gr.Dropdown(choices=existing_projects(projects_root), label="Recent projects", scale=2,
                                allow_custom_value=True, elem_id="project-pick")
            name = gr.Textbox(label="Project name", placeholder="e.g. my-handbook", scale=2, elem_id="project-name")
            open_btn = gr.Button("Open / create project", variant="primary", scale=1, elem_id="project-open")
            sample_btn = gr.Button("Try the sample", scale=1, elem_id="project-sample")
        status = gr.Markdown("No project open. Type a name and press *Open / create project*.",
                             elem_id="project-status")
        with gr.Tabs():
            with gr.Tab("Documents", id="documents"):
                docs_tab = documents.build(project_state)
            with gr.Tab("Generate", id="generate") as gen_tab_item:
                gen_tab = generate.build(project_state)
            with gr.Tab("Curate", id="curate") as cur_tab_item:
                cur_tab = curate.build(project_state)
            with gr.Tab("Train", id="train") as train_tab_item:
                train_tab = train.build(project_state)
            with gr.Tab("Chat", id="chat") as chat_tab_item:
                chat_tab = chat.build(project_state)
            with gr.Tab("Evaluate", id="evaluate") as eval_tab_item:
                eval_tab = evaluate.build(project_state)

        opened = [project_state, status, known]

        def refresh_tabs(event):
            return event.then(documents.refresh, project_state, docs_tab.refresh_outputs).then(
                generate.refresh, project_state, gen_tab.refresh_outputs).then(
                cur_tab.on_select, cur_tab.select_inputs, cur_tab.select_outputs, **curate.SERIAL).then(
                eval_tab.refresh, project_state, eval_tab.refresh_outputs)

        gen_tab_item.select(generate.refresh, project_state, gen_tab.refresh_outputs)
        cur_tab_item.select(cur_tab.on_select, cur_tab.select_inputs, cur_tab.select_outputs, **curate.SERIAL)
        train_tab_item.select(train_tab.refresh, project_state, train_tab.refresh_outputs)
        chat_tab_item.select(chat_tab.refresh, project_state, chat_tab.refresh_outputs)
        eval_tab_item.select(eval_tab.refresh, project_state, eval_tab.refresh_outputs)
        for trigger in (open_btn.click, name.submit):
            refresh_tabs(trigger(open_project, name, opened))
        refresh_tabs(known.input(lambda v: v, known, name).then(open_project, name, opened))
        targets = [(section, key, component) for section, tab in (("generate", gen_tab), ("train", train_tab),
                                                                   ("evaluate", eval_tab))
                   for key, component in tab.defaults.items()]
        refresh_tabs(sample_btn.click(open_sample, None, [*opened, name]).then(
            lambda: [DEMO_DEFAULTS[s][k] for s, k, _ in targets], None, [c for _, _, c in targets]))
    return demo
