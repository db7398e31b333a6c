"""The app shell: a per-session project picker above the six tabs of the workflow."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from smt_gui.project import Project, ProjectError
from smt_gui.sample import SAMPLES, WALK_MINUTES, create_sample_project, store_tab_setting, tab_settings
from smt_gui.ui import chat, curate, documents, evaluate, generate, train
from smt_gui.ui.common import guard, project_dir_for

CSS_PATH = Path(__file__).resolve().parent / "style.css"  # package data: present in wheels too
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

    def open_project(name: str, request: gr.Request = None) -> tuple:
        try:
            project = Project.create(project_dir_for(projects_root, name))
        except ProjectError as exc:
            raise gr.Error(str(exc)) from exc
        status = f"**Project:** {project.name} · `{project.root}`"
        return (str(project.root), status, gr.update(choices=existing_projects(projects_root), value=project.name),
                *chat_tab.reset(request))

    def open_sample(key: str, request: gr.Request = None) -> tuple:
        sample = SAMPLES[key]
        try:
            project = create_sample_project(project_dir_for(projects_root, sample.folder), key)
        except (ProjectError, FileNotFoundError, ValueError) as exc:
            raise gr.Error(str(exc)) from exc
        gr.Info("Sample opened: go through the tabs left to right; its settings are filled in.")
        status = f"**Project:** {project.name} · `{project.root}` — the bundled sample: {sample.title}. {sample.next_steps()}"
        return (str(project.root), status, gr.update(choices=existing_projects(projects_root), value=project.name),
                sample.folder, *chat_tab.reset(request))

    with gr.Blocks(title="SMT Studio") as demo:
        gr.Markdown(INTRO)
        project_state = gr.State(None)  # per browser session: two sessions never share a project by accident
        with gr.Row(equal_height=True):
            known = gr.Dropdown(choices=existing_projects(projects_root), label="Recent projects", scale=2,
                                allow_custom_value=True, elem_id="project-pick")
            name = gr.Textbox(label="Project name", placeholder="e.g. my-handbook", scale=2, elem_id="project-name")
            open_btn = gr.Button("Open / create project", variant="primary", scale=1, elem_id="project-open")
            sample_btn = gr.Button("Try the sample", scale=1, elem_id="project-sample")
            quality_btn = gr.Button("Try the QuALITY sample", scale=1, size="sm", elem_id="project-sample-quality")
        status = gr.Markdown("No project open. Type a name and press *Open / create project* — or press **Try the "
                             "sample** to walk all six tabs on a short document about invented people: about "
                             f"{round(WALK_MINUTES)} minutes on a 2-core laptop CPU, and the tuned model "
                             "visibly learns it.",
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

        # Opening a project empties the Chat columns in the same update that names the project (and stops an answer
        # still streaming), so a question asked right after opening is never wiped by a reset arriving later.
        opened = [project_state, status, known, *chat_tab.reset_outputs]

        def refresh_tabs(event):
            """Opening a project reloads or resets every tab: nothing of the previous project stays on screen."""
            return event.then(documents.refresh, project_state, docs_tab.refresh_outputs).then(
                generate.refresh, project_state, gen_tab.refresh_outputs).then(
                curate.reset, None, cur_tab.reset_outputs).then(
                cur_tab.on_select, cur_tab.select_inputs, cur_tab.select_outputs, **curate.SERIAL).then(
                train_tab.refresh, project_state, train_tab.refresh_outputs).then(
                chat_tab.refresh, project_state, chat_tab.refresh_outputs).then(
                eval_tab.refresh, project_state, eval_tab.refresh_outputs)

        gen_tab_item.select(generate.refresh, project_state, gen_tab.refresh_outputs)
        cur_tab_item.select(cur_tab.on_select, cur_tab.select_inputs, cur_tab.select_outputs, **curate.SERIAL)
        train_tab_item.select(train_tab.refresh, project_state, train_tab.refresh_outputs)
        chat_tab_item.select(chat_tab.refresh, project_state, chat_tab.refresh_outputs)
        eval_tab_item.select(eval_tab.refresh, project_state, eval_tab.refresh_outputs)
        targets = [(section, key, component) for section, tab in (("generate", gen_tab), ("train", train_tab),
                                                                   ("evaluate", eval_tab))
                   for key, component in tab.defaults.items()]
        targets += [("retrieval", "k", chat_tab.retrieval_k), ("retrieval", "k", eval_tab.retrieval_k)]
        converters = {**{("train", k): f for k, f in train.TO_UI.items()}}

        def fill_settings(project_path: str | None) -> list:
            """Every tab shows the open project's own settings (a sample's quick ones, else the defaults)."""
            settings = tab_settings(Project.open(project_path) if project_path else None)
            values = []
            for section, key, _ in targets:
                value = settings.get(section, {}).get(key)
                values.append(converters.get((section, key), lambda v: v)(value))
            return values

        # Recent projects lists what is on disk now: a project made in another tab or by `smt` appears too.
        def listed(current: str | None) -> dict:
            return gr.update(choices=existing_projects(projects_root), value=current)
        known.focus(listed, known, known)
        demo.load(listed, known, known)

        # Retrieval k is the project's: changed in Chat or in Evaluate, it is kept and the other tab shows it too,
        # so the RAG arm that is evaluated is the RAG column that is shown.
        def keep_k(project_path: str | None, value: float | None) -> float | None:
            if project_path and value:
                store_tab_setting(Project.open(project_path), "retrieval", "k", int(value))
            return value
        for mine, other in ((chat_tab.retrieval_k, eval_tab.retrieval_k), (eval_tab.retrieval_k, chat_tab.retrieval_k)):
            mine.input(keep_k, [project_state, mine], other)

        components = [c for _, _, c in targets]
        for trigger in (open_btn.click, name.submit):
            refresh_tabs(trigger(guard(open_project, opened), name, opened).then(fill_settings, project_state, components))
        refresh_tabs(known.input(lambda v: v, known, name).then(guard(open_project, opened), name, opened).then(
            fill_settings, project_state, components))
        for button, key in ((sample_btn, "facts"), (quality_btn, "quality")):
            sample_outputs = [*opened[:3], name, *chat_tab.reset_outputs]

            def open_this(request: gr.Request = None, k: str = key) -> tuple:
                return open_sample(k, request)
            refresh_tabs(button.click(guard(open_this, sample_outputs), None, sample_outputs).then(
                fill_settings, project_state, components))
    return demo
