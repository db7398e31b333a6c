"""The bad-input corpus, tried through the CLI and the tabs' own handlers: every item gets a clear message and
nothing already stored in the project changes (documents, chunks, eval questions, accepted and edited samples).

The corpus: tests/data/bad/* (empty, whitespace-only, binary, truncated PDF, a text file named .pdf, all-malformed
and partly malformed JSONL, an .exe, non-UTF-8 text), a 51 MB text file made at test time, a file uploaded as
``../../etc/passwd``, a GGUF path that does not exist (generator and training base model), and an endpoint that
answers garbage or too slowly. The Documents upload and the backend test are also driven in the browser
(tests/test_browser_bad_input.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from smt_gui import curate
from smt_gui.ingest import ingest_paths
from smt_gui.project import Project
from smt_gui.testing.samples import fingerprint, first_chunk, insert_sample

from .conftest import REPO
from .local_openai_server import ChatServer

BAD = REPO / "tests" / "data" / "bad"
GOOD = REPO / "tests" / "data" / "good"
REFUSED_FILES = {  # file -> what the message must say
    "empty.txt": "is empty",
    "whitespace_only.md": "is empty",
    "binary.txt": "binary",
    "truncated.pdf": "could not be read as a PDF",
    "not_really.pdf": "not a PDF",
    "all_malformed.jsonl": "no usable documents",
    "program.exe": "unsupported file type",
    "huge.txt": "over the 50 MB limit",
}


@pytest.fixture
def worked_on(tmp_path) -> Project:
    """A project someone already worked on: a document, one accepted and one hand-edited sample."""
    project = Project.create(tmp_path / "worked-on")
    ingest_paths(project, [GOOD / "notes.txt"])
    doc, chunk, _ = first_chunk(project, project_title(project))
    accepted = insert_sample(project, "qa", doc, chunk, "What is in the notes?", "Pump station notes.")
    curate.set_status(project, [accepted], "accepted")
    edited = insert_sample(project, "qa", doc, chunk, "Wrong question?", "Wrong answer.")
    curate.edit_sample(project, edited, question="Which pump failed?", answer="Pump two.")
    return project


def project_title(project: Project) -> str:
    with project.connect() as conn:
        return conn.execute("SELECT title FROM documents").fetchone()[0]


def smt(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smt_gui", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


def test_bad_input_corpus_through_the_cli_is_refused_and_nothing_stored_changes(worked_on, tmp_path, capsys):
    project = worked_on
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in REFUSED_FILES:
        if name != "huge.txt":
            shutil.copy(BAD / name, corpus / name)
    with (corpus / "huge.txt").open("wb") as fh:
        fh.write(b"word " * (51 * 1024 * 1024 // 5 + 10))
    before = fingerprint(project)
    outcomes: dict[str, str] = {}  # case -> "" when it held, else what went wrong; asserted once, at the end

    result = smt("ingest", str(project.root), *sorted(str(p) for p in corpus.iterdir()))
    out = result.stdout + result.stderr
    for name, message in REFUSED_FILES.items():
        line = next((line for line in out.splitlines() if name in line), "")
        outcomes[name] = "" if result.returncode == 1 and message in line else f"rc={result.returncode}: {line!r}"
    if fingerprint(project) != before:
        outcomes["store unchanged after refused files"] = "the store changed"

    # Non-UTF-8 and partly malformed JSONL load what they can, with a warning; the rest of the project is untouched.
    for name, warning in (("latin1.txt", "not UTF-8"), ("malformed.jsonl", "line 2 skipped: invalid JSON")):
        result = smt("ingest", str(project.root), str(BAD / name))
        ok = result.returncode == 0 and warning in result.stdout
        outcomes[name] = "" if ok else (result.stdout + result.stderr)[-500:]
    with project.connect() as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM samples ORDER BY id")]
        questions = [r[0] for r in conn.execute("SELECT question FROM samples ORDER BY id")]
    if statuses[0] != "accepted" or questions[1] != "Which pump failed?":
        outcomes["curation kept"] = f"{statuses[:2]} {questions[:2]}"
    before = fingerprint(project)

    # A missing GGUF, as generator and as training base model.
    config = tmp_path / "train.json"
    config.write_text(json.dumps({"base_model": "/no/such/model.gguf", "max_steps": 1}))
    for case, args in (("missing GGUF as generator", ("generate", str(project.root), "--model", "/no/such/model.gguf",
                                                      "--kind", "qa")),
                       ("missing GGUF as base model", ("train", str(project.root), "--config", str(config)))):
        result = smt(*args)
        ok = result.returncode != 0 and "'/no/such/model.gguf' does not exist" in result.stdout + result.stderr
        outcomes[case] = "" if ok else (result.stdout + result.stderr)[-500:]

    # An endpoint that answers garbage, and one that answers too slowly: the job fails with the reason, nothing stored.
    for mode, delay, message in (("garbage", 0.0, "did not answer like an OpenAI"), ("ok", 3.0, "within 0.5 s")):
        with ChatServer(mode=mode, delay_s=delay) as server:
            result = smt("generate", str(project.root), "--backend", "openai", "--base-url", server.base_url,
                         "--model", "m", "--kind", "qa", "--timeout", "0.5")
        ok = result.returncode != 0 and message in result.stdout + result.stderr
        outcomes[f"endpoint {mode} (delay {delay} s)"] = "" if ok else (result.stdout + result.stderr)[-500:]
    if fingerprint(project) != before:
        outcomes["store unchanged after failed jobs"] = "the store changed"

    cases = [c for c in outcomes if not c.startswith(("store", "curation"))]
    held = sum(not outcomes[c] for c in cases)
    with capsys.disabled():
        print(f"\nbad-input corpus through the CLI: {len(cases)} tried, {held} held")
    assert {case: why for case, why in outcomes.items() if why} == {}
    assert len(cases) == 14


def test_the_tabs_backend_check_says_what_is_wrong():
    from smt_gui.llm import KINDS
    from smt_gui.ui.generate import test_backend
    from smt_gui.ui.train import memory_note

    def shown(kind: str, model: str, base_url: str, timeout: float) -> dict:  # the tab's backend widgets
        return {"kind": KINDS[kind], "model": model, "base_url": base_url, "api_key": "", "concurrency": 1,
                "timeout_s": timeout}

    message = test_backend(shown("llama_cpp", "/no/such/model.gguf", "", 30))
    assert message.startswith("✗") and "does not exist" in message
    with ChatServer(mode="garbage", delay_s=0) as server:
        message = test_backend(shown("openai", "m", server.base_url, 30))
    assert message.startswith("✗") and "did not answer like an OpenAI" in message
    with ChatServer(delay_s=3) as server:
        message = test_backend(shown("openai", "m", server.base_url, 0.5))
    assert message.startswith("✗") and "within 0.5 s" in message
    assert memory_note("/no/such/model.gguf", "LoRA", 16).startswith("⚠")
