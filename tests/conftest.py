"""Shared fixtures: offline environment, real project folders, the app on a free port, headless chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # every data file the suite needs ships with the repository (see tests/data/README.md)
QUALITY_SMALL = DATA / "quality" / "dev_small.jsonl"
FINANCEBENCH_DOCS = DATA / "financebench" / "by_document.jsonl"
FINANCEBENCH_QUESTIONS = DATA / "financebench" / "financebench_open_source.jsonl"
CHROMIUM = os.environ.get("SMT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture
def project(tmp_path: Path):
    from smt_gui.project import Project

    return Project.create(tmp_path / "proj")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"app did not answer at {url}")


def start_app(root: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """Launch ``app.py`` on a free loopback port with its own projects root; returns once it answers HTTP."""
    port = free_port()
    with log_path.open("a") as log:
        proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port), "--projects-root", str(root)],
                                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url, proc)
    return proc, url


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[dict]:
    """The real app in a subprocess, bound to 127.0.0.1 on a free port, with its own projects root."""
    root = tmp_path / "projects"
    proc, url = start_app(root, tmp_path / "app.log")
    try:
        yield {"url": url, "root": root, "proc": proc, "log": tmp_path / "app.log"}
    finally:
        stop_app(proc)


@pytest.fixture(scope="session")
def learned_fact_run(tmp_path_factory):
    """(project, run): a LoRA run of the bundled model that learned one invented fact (``tests/learned_run.py``)."""
    from .learned_run import train_learned_fact_run

    return train_learned_fact_run(tmp_path_factory.mktemp("learned-fact"))


@pytest.fixture
def browser(tmp_path: Path):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # 2 shared cores: UI updates can take seconds while models load
    profile = tmp_path / "chromium-profile"
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
