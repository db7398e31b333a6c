"""The ``smt`` command: the same core functions as the app's tabs, for scripts and remote machines.

Exit codes: 0 success, 1 some input could not be processed (the rest was), 2 usage or project errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict

from smt_gui.ingest.chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_TOKENS
from smt_gui.llm.bundled import ModelNotFoundError
from smt_gui.project import Project, ProjectError


def _cmd_project_init(args: argparse.Namespace) -> int:
    project = Project.create(args.dir, name=args.name)
    print(f"Project '{project.name}' ready at {project.root} (schema v{project.schema_version}).")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from smt_gui.ingest import ChunkingConfig, chunking_config, ingest_paths

    project = Project.open(args.dir)
    saved = chunking_config(project)
    config = ChunkingConfig(
        size=args.chunk_tokens or saved.size,
        overlap=args.overlap if args.overlap is not None else saved.overlap,
        tokenizer=args.tokenizer or saved.tokenizer,
    )
    reports = ingest_paths(project, args.files, config=config)
    for report in reports:
        print(report.summary())
    failed = sum(not r.ok for r in reports)
    added = sum(len(r.added) for r in reports)
    print(f"{added} document(s) added from {len(reports) - failed} file(s); {failed} file(s) failed.")
    return 1 if failed else 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from smt_gui.documents import list_documents

    rows = list_documents(Project.open(args.dir))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    print(f"{'id':>4}  {'words':>7}  {'tokens':>7}  {'chunks':>6}  {'evalQ':>5}  title (source)")
    for r in rows:
        print(f"{r.id:>4}  {r.n_words:>7}  {r.n_tokens:>7}  {r.n_chunks:>6}  {r.n_questions:>5}  {r.title} ({r.source_name})")
    print(f"{len(rows)} document(s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smt", description="SMT Studio: synthetic mixed training from your documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    project = sub.add_parser("project", help="create projects").add_subparsers(dest="project_command", required=True)
    init = project.add_parser("init", help="create a project folder (an existing project is opened, not wiped)")
    init.add_argument("dir")
    init.add_argument("--name")
    init.set_defaults(func=_cmd_project_init)

    ingest = sub.add_parser("ingest", help="add .txt .md .pdf .html .docx .jsonl files to a project")
    ingest.add_argument("dir")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--chunk-tokens", type=int, help=f"tokens per chunk (default {DEFAULT_CHUNK_TOKENS})")
    ingest.add_argument("--overlap", type=int, help=f"tokens shared by neighbouring chunks (default {DEFAULT_CHUNK_OVERLAP})")
    ingest.add_argument("--tokenizer", help="model whose tokenizer cuts chunks: .gguf path or HF folder (default bundled)")
    ingest.set_defaults(func=_cmd_ingest)

    docs = sub.add_parser("docs", help="list a project's documents")
    docs.add_argument("dir")
    docs.add_argument("--json", action="store_true", help="machine-readable output")
    docs.set_defaults(func=_cmd_docs)

    ui = sub.add_parser("ui", help="launch the app (same as `python app.py`)")
    ui.add_argument("rest", nargs=argparse.REMAINDER)
    ui.set_defaults(func=lambda a: __import__("smt_gui.ui.launch", fromlist=["main"]).main(a.rest))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ProjectError, ModelNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
