"""The real app in a subprocess on a free loopback port, and the headless Debian chromium that drives it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SMT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


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
    """Launch the app the README launches (``app.py`` in a checkout, else ``python -m smt_gui ui``) on a free
    loopback port with its own projects root; returns once it answers HTTP."""
    port = free_port()
    script = REPO / "app.py"
    command = [sys.executable, str(script)] if script.exists() else [sys.executable, "-m", "smt_gui", "ui"]
    with log_path.open("a") as log:
        proc = subprocess.Popen([*command, "--port", str(port), "--projects-root", str(root)],
                                cwd=REPO if script.exists() else None, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
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
