"""``smt serve``: a tuned run behind an OpenAI-compatible endpoint, for any client or app that speaks that API.

It is llama-cpp-python's own server (``/v1/chat/completions``, ``/v1/completions``, ``/v1/models``; streaming) on the
run's GGUF: the LoRA adapter over its base GGUF (no merge, seconds to export) or the merged model. Bound to
127.0.0.1 by default; any other address needs an API key (``--api-key`` or ``SMT_API_KEY``), which every request
must then send as ``Authorization: Bearer KEY``.

    smt serve PROJECT [--run NAME] [--merged] [--host 127.0.0.1] [--port 8000] [--api-key KEY]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smt_gui.configflags import setting
from smt_gui.network import LOCAL_HOSTS
from smt_gui.project import Project

if TYPE_CHECKING:  # the training and export stack loads torch: `smt --help` and the flags need none of it
    from smt_gui.train.runner import Run


@dataclass
class ServeConfig:
    """How ``smt serve`` and the Export row serve a run; the one owner of these defaults (flags drawn from it)."""
    run: str | None = setting(None, help="run name (default: the newest finished run)", ui=False)
    merged: bool = setting(False, help="serve the merged q8_0 model, not the adapter over the base "
                                       "(always for full fine-tunes)", ui=False)
    host: str = setting("127.0.0.1", help="bind address (anything but loopback needs --api-key)", ui=False)
    port: int = setting(8000, help="port", label="Port", minimum=1024, maximum=65535)
    api_key: str | None = setting(None, help="required as a Bearer token (default: $SMT_API_KEY)", ui=False)
    n_ctx: int = setting(2048, help="context window in tokens", ui=False)
    n_threads: int | None = setting(None, help="CPU threads (default: llama.cpp's choice)", ui=False)


def pick_run(project: Project, name: str | None) -> Run:
    from smt_gui.train import runner

    if name:
        return runner.get_run(project, name)
    finished = runner.finished_runs(project)
    if not finished:
        raise ValueError("This project has no finished training run to serve: train one first (Train tab or smt train).")
    return finished[0]


def check_exposure(host: str, api_key: str | None) -> None:
    if host not in LOCAL_HOSTS and not api_key:
        raise ValueError(f"Serving on {host} makes the model reachable from other machines: set an API key "
                         "(--api-key KEY or SMT_API_KEY), or keep the default 127.0.0.1.")


def build(project: Project, config: ServeConfig):
    """The ASGI app and what it serves (the model's name in the API is the run's name)."""
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    check_exposure(config.host, config.api_key)
    run = pick_run(project, config.run)
    from smt_gui.export.gguf import gguf_for

    exported = gguf_for(project, run, config.merged)
    model = ModelSettings(
        model=str(exported.base if exported.kind == "adapter" else exported.gguf), model_alias=run.name,
        lora_path=str(exported.gguf) if exported.kind == "adapter" else None, n_ctx=config.n_ctx,
        n_threads=config.n_threads or max(1, (os.cpu_count() or 2)), verbose=False)
    server = ServerSettings(host=config.host, port=config.port, api_key=config.api_key or None)  # "" would lock it
    return create_app(server_settings=server, model_settings=[model]), run, exported


def serve(project: Project, config: ServeConfig) -> None:
    import uvicorn

    app, run, exported = build(project, config)
    what = f"adapter {exported.gguf.name} over {exported.base}" if exported.kind == "adapter" else exported.gguf.name
    print(f"Serving run {run.name} ({what}) at http://{config.host}:{config.port}/v1 as model {run.name!r}"
          + (" (API key required)" if config.api_key else ""), flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")


def launch(project: Project, config: ServeConfig) -> subprocess.Popen:
    """``smt serve`` in its own process group (the app's Serve button): the app stays responsive and a crash of the
    server never takes the app down. Its output goes to ``runs/NAME/serve.log``."""
    check_exposure(config.host, config.api_key)
    run = pick_run(project, config.run)
    command = [sys.executable, "-m", "smt_gui", "serve", str(project.root), "--run", run.name, "--host", config.host,
               "--port", str(config.port), "--n-ctx", str(config.n_ctx), *(["--merged"] if config.merged else [])]
    env = {k: v for k, v in os.environ.items() if k != "SMT_API_KEY"} | {"HF_HUB_OFFLINE": "1"}
    if config.api_key:
        env["SMT_API_KEY"] = config.api_key
    with (run.path / "serve.log").open("a") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def wait_ready(proc: subprocess.Popen, config: ServeConfig, timeout_s: float = 300) -> bool:
    """True once the endpoint answers (any HTTP status: 401 means up and guarded); False if the server exited."""
    import httpx

    url = f"http://{'127.0.0.1' if config.host in ('0.0.0.0', '::') else config.host}:{config.port}/v1/models"
    deadline = time.time() + timeout_s
    while time.time() < deadline and proc.poll() is None:
        try:
            httpx.get(url, timeout=2)
            return True
        except httpx.TransportError:
            time.sleep(0.5)
    return False
