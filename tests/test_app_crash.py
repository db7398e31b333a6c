"""kill -9 of the app during generation and during training, and of the training worker, driven in the browser.

After each crash the app is started again: the project opens, the accepted and hand-edited samples are intact,
the interrupted generation job resumes from the units already done (no unit twice), the training worker outlives
the app (it runs in its own session), and a killed worker resumes from its last checkpoint.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from playwright.sync_api import expect

from smt_gui import curate
from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.project import Project
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.testing.walk import expect_finished
from smt_gui.train import runner

from .conftest import QUALITY_SMALL, start_app, stop_app
from .test_browser_documents import open_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(what)


def scalar(project: Project, sql: str):
    with project.connect() as conn:
        return conn.execute(sql).fetchone()[0]


def kill_app(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_app_and_worker_killed_mid_job_resume_without_loss(tmp_path, browser):
    root = tmp_path / "projects"
    project = Project.create(root / "crashy")
    article = json.loads(QUALITY_SMALL.read_text().splitlines()[3])
    corpus = tmp_path / "captain.jsonl"
    corpus.write_text(json.dumps({"title": article["title"], "text": article["text"][:2500]}) + "\n")
    ingest_paths(project, [corpus], config=ChunkingConfig(size=128, overlap=0))
    doc, chunk, text = first_chunk(project, article["title"])
    accepted = insert_sample(project, "qa", doc, chunk, "Where did the crew pick up their new cook?",
                             "They picked up the new cook on Phobos.")
    curate.set_status(project, [accepted], "accepted")
    edited = insert_sample(project, "focal_rewrite", doc, chunk, "Who is the captain?", text=text)
    curate.edit_sample(project, edited, text=text + " (edited by hand)")
    curate.set_status(project, [edited], "accepted")

    def user_work_intact() -> None:
        with project.connect() as conn:
            rows = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, text FROM samples WHERE id IN (?, ?)",
                                                             (accepted, edited))}
        assert rows[accepted][0] == "accepted" and rows[edited] == ("accepted", text + " (edited by hand)")

    # 1. Generation: kill -9 the app after the first unit is stored.
    app, url = start_app(root, tmp_path / "app.log")
    page = browser.new_page()
    open_project(page, url, "crashy")
    page.get_by_role("tab", name="Generate").click()
    page.locator("#gen-kinds").get_by_text("Focal rewrites").click()  # QAs only: three quick units
    page.locator("#gen-strategy").get_by_text("Whole chunks").click()  # three chunk units, one QA each
    page.locator("#gen-max-chunks input").fill("3")
    page.locator("#gen-qa-n input").fill("1")
    page.locator("#gen-start").click()
    wait_until(lambda: scalar(project, "SELECT COUNT(*) FROM generation_log") >= 1, 300, "first unit stored")
    kill_app(app)
    done_at_crash = scalar(project, "SELECT COUNT(*) FROM generation_log")
    assert 1 <= done_at_crash < 3
    user_work_intact()

    app, url = start_app(root, tmp_path / "app.log")
    open_project(page, url, "crashy")
    page.get_by_role("tab", name="Generate").click()
    status = page.locator("#gen-status")
    expect(status).to_contain_text("interrupted", timeout=60_000)
    page.locator("#gen-resume").click()
    expect(status).not_to_contain_text("interrupted", timeout=60_000)
    expect_finished(status, timeout=600_000)
    with project.connect() as conn:
        assert conn.execute("SELECT COUNT(*) FROM generation_log").fetchone()[0] == 3  # each unit exactly once
        keys = [r[0] for r in conn.execute("SELECT job_key FROM samples WHERE job_key IS NOT NULL")]
    assert len(keys) == len(set(keys))
    user_work_intact()

    # 2. Training: kill -9 the app mid-run; the worker keeps training in its own session.
    page.get_by_role("tab", name="Train").click()
    page.locator("#train-method").get_by_text("LoRA", exact=True).click()  # small checkpoints: the crash, not the method
    page.locator("#train-steps input").fill("12")
    page.locator("#train-batch input").fill("2")
    page.locator("#train-seq input").fill("128")
    page.locator("#train-save input").fill("2")
    page.locator("#train-start").click()
    expect(page.locator("#train-status")).to_contain_text("running", timeout=180_000)
    [run] = runner.list_runs(project)
    wait_until(lambda: runner.last_checkpoint_step(run) >= 2, 300, "first checkpoint")
    kill_app(app)
    time.sleep(2)
    assert runner.run_state(run)["status"] == "running"  # the worker outlived the app

    # 3. ... then kill -9 the worker too: after a restart the run shows as interrupted and resumes from its checkpoint.
    worker = runner.run_state(run)["pgid"]  # the process group Cancel signals
    os.killpg(worker, signal.SIGKILL)
    wait_until(lambda: runner.run_state(run)["status"] == "interrupted", 30, "worker death noticed")
    checkpoint = runner.last_checkpoint_step(run)
    assert 2 <= checkpoint < 12

    app, url = start_app(root, tmp_path / "app.log")
    try:
        open_project(page, url, "crashy")
        page.get_by_role("tab", name="Train").click()
        train_status = page.locator("#train-status")
        expect(train_status).to_contain_text("interrupted", timeout=60_000)
        page.locator("#train-resume").click()
        expect(train_status).not_to_contain_text("interrupted", timeout=60_000)
        expect_finished(train_status, timeout=600_000)
        expect(train_status).to_contain_text("step 12/12")
        state = runner.run_state(run)
        assert state["resumed"]
        steps_after = [m["step"] for m in runner.run_metrics(run) if m["time"] > state["started"]]
        assert steps_after[0] == checkpoint + 1  # continued from the checkpoint, not from zero
        user_work_intact()
    finally:
        stop_app(app)
