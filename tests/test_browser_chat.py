"""The Chat tab in headless chromium: one question, the tuned and RAG columns both answer, retrieved chunks shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smt_gui.ingest import ingest_paths
from smt_gui.project import Project
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig

from .conftest import QUALITY_SMALL, require_shared
from .sample_factory import first_chunk, insert_sample
from .test_browser_documents import open_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_ask_once_and_both_columns_answer(app_server, browser):
    project = Project.create(app_server["root"] / "chat-demo")
    ingest_paths(project, [require_shared(QUALITY_SMALL)])
    doc, chunk, _ = first_chunk(project, "CAPTAIN CHAOS")
    insert_sample(project, "qa", doc, chunk, "Where did the crew pick up their new cook?",
                  "They picked up the new cook on Phobos.", status="accepted")
    run = runner.prepare_run(project, TrainConfig(max_steps=1, batch_size=1, mixture=MixtureConfig(seq_len=64)))
    assert runner.wait(runner.launch(project, run), run, poll_s=0.5) == 0

    page = browser.new_page()
    open_project(page, app_server["url"], "chat-demo")
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#chat-index-status")).to_contain_text("Not indexed yet", timeout=60_000)
    page.locator("#chat-index").click()
    expect(page.locator("#chat-index-status")).to_contain_text("added", timeout=180_000)
    page.locator("#chat-question textarea").fill("On which moon did the crew pick up their new cook?")
    page.locator("#chat-ask").click()

    tuned, rag = page.locator("#chat-col-tuned"), page.locator("#chat-col-rag")
    expect(rag.locator("details").first).to_contain_text("CAPTAIN CHAOS", timeout=120_000)  # retrieved chunks
    for column in (tuned, rag):
        expect(column).to_contain_text("tokens/s", timeout=240_000)
        expect(column).not_to_contain_text("generating", timeout=240_000)
        expect(column).not_to_contain_text("⚠")
