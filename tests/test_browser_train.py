"""The Train tab in headless chromium: preview the mixture, launch a tiny run, watch the loss chart, see it finish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smt_gui.ingest import ingest_paths
from smt_gui.project import Project

from .conftest import QUALITY_SMALL, require_shared
from .sample_factory import first_chunk, insert_sample
from .test_browser_documents import open_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_launch_a_tiny_run_and_watch_the_loss(app_server, browser):
    project = Project.create(app_server["root"] / "train-demo")
    ingest_paths(project, [require_shared(QUALITY_SMALL)])
    doc, chunk, text = first_chunk(project, "CAPTAIN CHAOS")
    insert_sample(project, "qa", doc, chunk, "Where did the crew pick up their new cook?",
                  "They picked up the new cook on Phobos, the inner moon of Mars.", status="accepted")
    insert_sample(project, "focal_rewrite", doc, chunk, "Where did the crew pick up their new cook?", text=text,
                  status="accepted")

    page = browser.new_page()
    open_project(page, app_server["url"], "train-demo")
    page.get_by_role("tab", name="Train").click()
    page.locator("#train-steps input").fill("4")
    page.locator("#train-batch input").fill("2")
    page.locator("#train-seq input").fill("128")
    page.locator("#train-start").click()

    expect(page.locator("#train-mix")).to_contain_text("Training mixture", timeout=180_000)
    status = page.locator("#train-status")
    expect(status).to_contain_text("running", timeout=120_000)
    expect(page.locator("#train-loss")).to_contain_text("step", timeout=180_000)  # the chart updates while it runs
    expect(status).to_contain_text("done", timeout=300_000)
    expect(status).to_contain_text("step 4/4")
    expect(page.locator("#train-runs")).to_contain_text("done")
