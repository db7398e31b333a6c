"""What the app keeps running between clicks, owned outside the UI: Chat engines, training workers, model servers.

The tabs only ask (``smt_gui.ui``); the registries, their locks and their clean-up live here, gradio-free, so the
rules are the same wherever they are used and a UI module holds no process state:

- one Chat engine (its loaded models) at a time: opening another project or run frees the previous one's memory;
- training workers started by this app are polled, so a finished one is reaped rather than left a zombie;
- one model server per project; every server started from the app ends with it (one left behind would hold the
  port and the memory).
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import threading
from typing import TYPE_CHECKING

from smt_gui.project import Project

if TYPE_CHECKING:
    from smt_gui.chat import ChatEngine
    from smt_gui.serve import ServeConfig
    from smt_gui.train.runner import Run

_lock = threading.Lock()  # the process registries: held for a dictionary update only
_engine_lock = threading.Lock()  # held while an engine loads its models, which can take seconds
_engine: dict[tuple[str, str | None], ChatEngine] = {}  # at most one entry
_workers: dict[str, subprocess.Popen] = {}  # run folder -> its training worker
_servers: dict[str, tuple[subprocess.Popen, str]] = {}  # project root -> (server, its URL)


def chat_engine(project: Project, run_name: str | None) -> ChatEngine:
    """The Chat engine of this project and run, loaded once; one set of models in memory at a time."""
    from smt_gui.chat import ChatEngine

    key = (str(project.root), run_name or None)
    with _engine_lock:
        if key not in _engine:
            _engine.clear()
            _engine[key] = ChatEngine(project, run_name or None)
        return _engine[key]


def start_training(project: Project, run: Run, resume: bool = False) -> subprocess.Popen:
    """Launch the run's worker (``runner.launch``) and keep it, so ``reap_training`` collects it when it ends."""
    from smt_gui.train import runner

    proc = runner.launch(project, run, resume=resume)
    with _lock:
        _workers[str(run.path)] = proc
    return proc


def reap_training() -> None:
    """Collect the workers that have ended (the Train tab calls this on every poll)."""
    with _lock:
        for key, proc in list(_workers.items()):
            if proc.poll() is not None:
                _workers.pop(key)


def serve(project: Project, run: Run, config: ServeConfig) -> str:
    """Start ``smt serve`` for the run, stopping this project's previous server; returns the URL it answers at.
    Raises ``ValueError`` with the end of the server's log when it does not come up."""
    from smt_gui.serve import launch, wait_ready

    stop_server(project)
    proc = launch(project, config)
    url = f"http://127.0.0.1:{config.port}/v1"
    if not wait_ready(proc, config):
        log = (run.path / "serve.log").read_text(errors="replace")[-600:]
        proc.kill()
        raise ValueError(f"The server did not start: {log.strip() or 'no output'}")
    with _lock:
        _servers[str(project.root)] = (proc, url)
    return url


def stop_server(project: Project | str) -> bool:
    """Stop the project's server; False when none was running."""
    root = str(project.root) if isinstance(project, Project) else project
    with _lock:
        proc, _ = _servers.pop(root, (None, ""))
    if proc is None or proc.poll() is not None:
        return False
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    return True


@atexit.register
def stop_all_servers() -> None:
    for root in list(_servers):
        stop_server(root)
