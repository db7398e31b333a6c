"""Command-line entry for the app: safe network defaults, optional auth, offline models."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from smt_gui.network import LOCAL_HOSTS

# Gradio's queue loops look for new events every 1 ms and for progress every 10 ms on Linux, also when idle: ~6% of
# a core in an idle app, taken from the training or llama.cpp work on the same 2 cores (benchmarks/README.md).
# 20 ms / 50 ms are still far below what a click or a progress bar can show.
QUEUE_IDLE_POLL_S = {"sleep_when_free": 0.02, "progress_update_sleep_when_free": 0.05}


def queue_app(demo):
    """Turn on the app's event queue, with idle loops that wake every 20/50 ms instead of Gradio's 1/10 ms (an idle
    app took 3.4 CPU s per minute, measured, from training on the same 2 cores)."""
    demo.queue(default_concurrency_limit=4)
    queue = getattr(demo, "_queue", None)
    if queue is None:
        return demo
    for name, seconds in QUEUE_IDLE_POLL_S.items():
        if getattr(queue, name, seconds) < seconds:
            setattr(queue, name, seconds)
    return demo


def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    if not value:
        return None
    pairs = []
    for item in value.split(","):
        user, sep, password = item.partition(":")
        if not sep or not user or not password:
            raise SystemExit("error: --auth takes USER:PASSWORD (comma-separate several pairs).")
        pairs.append((user, password))
    return pairs


def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Launch SMT Studio.")
    parser.add_argument("--host", default=os.environ.get("SMT_HOST", "127.0.0.1"),
                        help="interface to bind (default 127.0.0.1: only this machine can connect)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMT_PORT", "7860")))
    parser.add_argument("--projects-root", default=os.environ.get("SMT_PROJECTS_ROOT", "~/smt-projects"),
                        help="folder holding one sub-folder per project")
    parser.add_argument("--auth", default=os.environ.get("SMT_AUTH"),
                        help="USER:PASSWORD required to open the app; mandatory with --share or a non-local --host")
    parser.add_argument("--share", action="store_true", help="create a public Gradio link (requires --auth)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    args = build_arg_parser().parse_args(argv)
    auth = parse_auth(args.auth)
    if (args.share or args.host not in LOCAL_HOSTS) and not auth:
        print("error: the app is only reachable from this machine unless you set --auth USER:PASSWORD "
              "(needed with --share or a non-local --host).", file=sys.stderr)
        return 2
    from smt_gui.ui.app import CSS_PATH, build_app

    root = Path(args.projects_root).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    demo = build_app(root)
    queue_app(demo)
    demo.launch(
        server_name=args.host, server_port=args.port, share=args.share, auth=auth,
        css_paths=[CSS_PATH] if CSS_PATH.exists() else None, max_file_size="200mb", show_error=True,
    )
    return 0
