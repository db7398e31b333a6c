"""Network safety of the launcher: local-only by default, auth required before exposing the app."""

from __future__ import annotations

import subprocess
import sys

from smt_gui.ui.launch import build_arg_parser, parse_auth

from .conftest import REPO


def test_binds_loopback_by_default(monkeypatch):
    monkeypatch.delenv("SMT_HOST", raising=False)
    assert build_arg_parser().parse_args([]).host == "127.0.0.1"


def test_public_binding_or_share_without_auth_is_refused():
    for args in (["--host", "0.0.0.0"], ["--share"]):
        result = subprocess.run([sys.executable, "app.py", *args], cwd=REPO, capture_output=True, text=True,
                                timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
        assert result.returncode == 2 and "--auth" in result.stderr


def test_auth_pairs_are_parsed():
    assert parse_auth("ann:pw1,bob:pw2") == [("ann", "pw1"), ("bob", "pw2")]
    assert parse_auth(None) is None


def test_the_idle_queue_polls_calmly(monkeypatch, tmp_path):
    """An idle app must not spin: Gradio's queue loop wakes every 1 ms by default, ~6% of a core taken from training."""
    import gradio as gr

    from smt_gui.ui import launch

    with gr.Blocks() as plain:
        gr.Markdown("hi")
    plain.queue()
    assert plain._queue.sleep_when_free < launch.QUEUE_IDLE_POLL_S["sleep_when_free"]  # the default this works around

    started = []

    class Blocks(gr.Blocks):  # what ``main`` builds, stopped just before it would serve
        def launch(self, **kwargs):
            started.append(self)

    with Blocks() as demo:
        gr.Markdown("hi")
    monkeypatch.setattr("smt_gui.ui.app.build_app", lambda root: demo)
    assert launch.main(["--projects-root", str(tmp_path)]) == 0
    assert started == [demo]
    for name, seconds in launch.QUEUE_IDLE_POLL_S.items():
        assert getattr(demo._queue, name) == seconds
