"""Small helpers shared by the tab modules."""

from __future__ import annotations

import re
from pathlib import Path

import gradio as gr

from smt_gui.project import Project, ProjectError

NO_PROJECT = "Open or create a project first (top of the page)."
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$")


def project_dir_for(root: Path, name: str) -> Path:
    """Map a typed project name to a folder under the projects root; names that try to escape are refused."""
    name = (name or "").strip()
    if not _NAME.fullmatch(name) or ".." in name:
        raise ProjectError("Project names use letters, digits, spaces, '.', '_' or '-' (up to 100 characters).")
    return root / name


def progress_bar(done: int, total: int, finished: bool) -> str:
    """The thin progress bar under a job's status line (Generate and Evaluate tabs)."""
    pct = int(100 * done / total) if total else (100 if finished else 0)
    return ("<div style='background:#eee;border-radius:4px;height:10px;margin-top:6px'>"
            f"<div style='background:#4f7cff;width:{pct}%;height:10px;border-radius:4px'></div></div>")


def require_project(path: str | None) -> Project:
    """The session's project, or a visible error (gr.Error) telling the user to open one."""
    if not path:
        raise gr.Error(NO_PROJECT)
    try:
        return Project.open(path)
    except ProjectError as exc:
        raise gr.Error(str(exc)) from exc

