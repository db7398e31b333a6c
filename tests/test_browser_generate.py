"""The Generate tab in headless chromium with the real bundled GGUF: start a job, watch samples arrive."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.project import Project

from .conftest import QUALITY_SMALL, require_shared
from .test_browser_documents import open_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_generate_qas_and_focal_rewrites_from_the_tab(app_server, browser, tmp_path):
    article = json.loads(require_shared(QUALITY_SMALL).read_text().splitlines()[3])
    corpus = tmp_path / "captain.jsonl"
    corpus.write_text(json.dumps({"title": article["title"], "text": article["text"][:2500]}) + "\n")
    ingest_paths(Project.create(app_server["root"] / "gen-demo"), [corpus], config=ChunkingConfig(size=256, overlap=32))

    page = browser.new_page()
    open_project(page, app_server["url"], "gen-demo")
    page.get_by_role("tab", name="Generate").click()
    expect(page.locator("#gen-note")).to_contain_text("stronger model")
    page.locator("#gen-max-chunks input").fill("1")
    page.locator("#gen-qa-n input").fill("2")
    page.locator("#gen-start").click()

    status = page.locator("#gen-status")
    expect(status).to_contain_text("running", timeout=30_000)  # live progress while it works
    expect(status).to_contain_text("done", timeout=300_000)
    preview = page.locator("#gen-preview")
    expect(preview).to_contain_text("qa")
    expect(preview).to_contain_text("focal_rewrite")
    expect(page.locator("#gen-chart")).to_contain_text("Synthetic tokens")
