"""The GGUF files Chat loads for a run: the base GGUF, and the run's adapter (or merged model) exported on first use.

This is orchestration (it exports a run), so it lives here and not in ``smt_gui.llm``: the backend layer only loads
the files it is given (``smt_gui.llm.gguf_chat``), and the packages depend one way, ``export -> train -> llm``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smt_gui.llm.gguf_chat import GgufPair
from smt_gui.project import Project


def available() -> str | None:
    """``None`` when llama.cpp chat can be used here, else why not (the caller falls back to transformers)."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return "llama-cpp-python is not installed"
    from smt_gui.export import converter

    if converter.find() is None:
        return "llama.cpp's GGUF converter is not installed (python -m smt_gui.export.converter --install)"
    return None


def files_for(project: Project, run: Any | None) -> dict[str, GgufPair]:
    """The base and (with a run) tuned GGUFs; exports the run's adapter (or merged model) on first use."""
    from smt_gui.export.gguf import base_gguf, gguf_for
    from smt_gui.llm.bundled import resolve_model_spec

    if run is None:
        return {"base": GgufPair(Path(resolve_model_spec(None)))}
    exported = gguf_for(project, run, merged=run.config.get("method") == "full")
    base = exported.base or base_gguf(run, run.path / "gguf")
    tuned = GgufPair(base, exported.gguf) if exported.kind == "adapter" else GgufPair(exported.gguf)
    return {"base": GgufPair(base), "tuned": tuned}
