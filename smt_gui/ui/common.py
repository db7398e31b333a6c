"""Small helpers shared by the tab modules."""

from __future__ import annotations

import functools
import html
import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from smt_gui.configflags import scalar_type, shown_value
from smt_gui.project import Project, ProjectError

NO_PROJECT = "Open or create a project first (top of the page)."
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$")


def project_dir_for(root: Path, name: str) -> Path:
    """Map a typed project name to a folder under the projects root; names that try to escape are refused."""
    name = (name or "").strip()
    if not name:
        raise ProjectError("Type a project name first (e.g. my-handbook).")
    if not _NAME.fullmatch(name) or ".." in name:
        raise ProjectError("Project names use letters, digits, spaces, '.', '_' or '-' (up to 100 characters).")
    return root / name


def guard(fn: Callable, outputs: Any) -> Callable:
    """Wrap an event handler so that a refused action (``gr.Error``) shows **one** message and leaves every output as
    it was: Gradio would otherwise put a red "Error" badge on each output component (nine over a results tab)."""
    n = len(outputs) if isinstance(outputs, list | tuple) else (0 if outputs is None else 1)

    def unchanged() -> Any:
        return None if n == 0 else gr.skip() if n == 1 else tuple(gr.skip() for _ in range(n))

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except gr.Error as exc:
                gr.Warning(exc.message, title="Not done")
                yield unchanged()
        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error as exc:
            gr.Warning(exc.message, title="Not done")
            return unchanged()
    return call


def progress_bar(done: int, total: int, finished: bool) -> str:
    """The thin progress bar under a job's status line (Generate and Evaluate tabs)."""
    pct = int(100 * done / total) if total else (100 if finished else 0)
    return ("<div style='background:#eee;border-radius:4px;height:10px;margin-top:6px'>"
            f"<div style='background:#4f7cff;width:{pct}%;height:10px;border-radius:4px'></div></div>")


def coverage_html(coverage, max_chars: int = 20000) -> str:
    """A document with its fact-bearing sentences marked: covered (green) or not yet covered (red, underlined)."""
    text = coverage.text[:max_chars]
    parts, pos = [], 0
    for s in coverage.sentences:
        if s.start >= len(text):
            break
        parts.append(html.escape(text[pos : s.start]))
        style = "cov-yes" if s.covered else "cov-no"
        tip = f"covered by sample(s) {', '.join(f'#{i}' for i in s.samples[:8])}" if s.covered else "not covered"
        parts.append(f"<span class='{style}' title='{tip}'>{html.escape(text[s.start : s.end])}</span>")
        pos = s.end
    parts.append(html.escape(text[pos:]))
    more = f"<p><i>… {len(coverage.text) - max_chars:,} more characters</i></p>" if len(coverage.text) > max_chars else ""
    head = (f"<p><b>Coverage: {coverage.n_covered} of {len(coverage.sentences)} fact-bearing sentences "
            f"({coverage.share:.0%})</b> are stated by an accepted sample. "
            "<span class='cov-no'>Uncovered sentences</span> are what the tuned model has no chance to learn; "
            "generate for them with <i>Only sentences no accepted sample covers yet</i> in the Generate tab.</p>")
    return f"<div class='coverage'>{head}<div class='coverage-text'>{''.join(parts)}</div>{more}</div>"


def require_project(path: str | None) -> Project:
    """The session's project, or a visible error (gr.Error) telling the user to open one."""
    if not path:
        raise gr.Error(NO_PROJECT)
    try:
        return Project.open(path)
    except ProjectError as exc:
        raise gr.Error(str(exc)) from exc



def named_values(data: dict, named: dict[str, Any]) -> dict[str, Any]:
    """Gradio hands a set of inputs over as ``{component: value}``; the tabs' handlers take ``{name: value}``."""
    return {name: data[component] for name, component in named.items()}


def setting_widget(config: Any, name: str, **overrides: Any) -> gr.Component:
    """The widget for one config field, drawn from its schema (``configflags.setting``): label, default, range.
    A tab places and styles it (``overrides``: elem_id, placeholder...); the value and the bounds stay the config's."""
    item = config.__dataclass_fields__[name]
    meta, kind, value = item.metadata, scalar_type(item.type), shown_value(config, item)
    options = {"label": meta.get("label") or name.replace("_", " ").capitalize(), "value": value,
               "info": meta.get("info"), **overrides}
    if kind is bool:
        return gr.Checkbox(**options)
    if meta.get("choices"):
        return gr.Dropdown(choices=list(meta["choices"]), **options)
    if meta.get("slider"):
        return gr.Slider(meta.get("minimum", 0), meta.get("maximum", 1), step=meta.get("step"), **options)
    if kind is str:
        return gr.Textbox(**{"value": value or "", **{k: v for k, v in options.items() if k != "value"}})
    return gr.Number(precision=0 if kind is int else None, minimum=meta.get("minimum"), maximum=meta.get("maximum"),
                     step=meta.get("step", 1), **options)
